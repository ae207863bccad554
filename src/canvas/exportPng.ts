/**
 * The PNG export's size. Browsers cap a canvas (Chromium: 16,384 pixels a side and about 268
 * million pixels in all; less on phones), and past the cap drawing throws and nothing is saved.
 * A large diagram is therefore exported at a reduced scale, and the user is told; one so large
 * that its text would be unreadable even then is refused, pointing to the SVG export.
 */
import { formatCount } from '../sim/model/format';

export const MAX_PNG_SIDE = 16_000;
export const MAX_PNG_PIXELS = 64_000_000;
/** The scale the PNG is drawn at when the diagram fits: twice the model's units, for sharp text. */
export const PNG_SCALE = 2;
/** Below this scale, text is a pixel or two high: a PNG is pointless, the SVG is the answer. */
export const MIN_PNG_SCALE = 0.1;

export type PngPlan = { ok: true; scale: number; note: string | null } | { ok: false; message: string };

/** The scale to draw a `width` x `height` (model units) diagram at, or why it cannot be a PNG. */
export function planPng(width: number, height: number): PngPlan {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const scale = Math.min(PNG_SCALE, MAX_PNG_SIDE / w, MAX_PNG_SIDE / h, Math.sqrt(MAX_PNG_PIXELS / (w * h)));
  const full = `${formatCount(Math.round(w * PNG_SCALE))} × ${formatCount(Math.round(h * PNG_SCALE))} pixels`;
  if (scale < MIN_PNG_SCALE) {
    return {
      ok: false,
      message: `The diagram is too large for a PNG (${full} at full size, more than a browser can draw); export it as SVG instead.`,
    };
  }
  if (scale >= PNG_SCALE) return { ok: true, scale, note: null };
  const percent = Math.max(1, Math.floor((scale / PNG_SCALE) * 100));
  return {
    ok: true,
    scale,
    note: `The diagram is large (${full} at full size, more than a browser can draw), so the PNG was saved at ${percent}% of that size. The SVG export keeps every detail.`,
  };
}
