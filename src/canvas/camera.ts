/**
 * The camera: the view that frames what a playback step is about (the element of the current hop
 * and its neighbours on the path), at a zoom where their labels can be read. Pure, so that what it
 * frames and how far it zooms are tested without a browser; the canvas glides (or cuts) to it.
 */
import type { Box } from './layout';

/** Space the stage's overlays take at each side of the diagram (caption, controls), in CSS px. */
export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 };

export interface CameraOptions {
  /** the smallest rendered size, in CSS px, a label on the path may have */
  readablePx: number;
  /** clear space around the framed elements, in CSS px */
  padding: number;
  minZoom: number;
  maxZoom: number;
}

/** The smallest label font of the stylesheet (veths, pod eth0s, NodePorts), in model px. */
export const SMALLEST_FONT = 11;
/**
 * How far past "just readable" the camera zooms when the frame is small: labels then render at up
 * to this multiple of the readable size, and the neighbours around the hop stay in view.
 */
const CLOSEST = 1.25;

export interface CameraView {
  zoom: number;
  pan: { x: number; y: number };
}

/** The smallest box (top-left based) holding every box given (centre-based), or null. */
export function unionBox(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const b of boxes) {
    x1 = Math.min(x1, b.x - b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/**
 * The view that shows `bounds` (top-left based, model px) in the part of a `width` x `height`
 * viewport that the insets leave, centred, as close as `CLOSEST` times readable allows.
 *
 * @example
 * // a 200 x 100 frame in a 1280 x 720 stage with a 120 px caption band
 * frameView({ x: 0, y: 0, w: 200, h: 100 }, 1280, 720, { ...NO_INSETS, bottom: 120 }, opts)
 */
export function frameView(bounds: Box, width: number, height: number, insets: Insets, opts: CameraOptions): CameraView {
  const w = Math.max(1, width - insets.left - insets.right - 2 * opts.padding);
  const h = Math.max(1, height - insets.top - insets.bottom - 2 * opts.padding);
  const fit = Math.min(w / Math.max(bounds.w, 1), h / Math.max(bounds.h, 1));
  const closest = (opts.readablePx * CLOSEST) / SMALLEST_FONT;
  const zoom = Math.min(opts.maxZoom, Math.max(opts.minZoom, Math.min(fit, closest)));
  const cx = bounds.x + bounds.w / 2;
  const cy = bounds.y + bounds.h / 2;
  return {
    zoom,
    pan: {
      x: insets.left + opts.padding + w / 2 - cx * zoom,
      y: insets.top + opts.padding + h / 2 - cy * zoom,
    },
  };
}

/**
 * The font size (model px) a label on the path gets so that it renders at `readablePx` or more at
 * `zoom`; never smaller than its own.
 */
export function readableFont(base: number, zoom: number, readablePx: number): number {
  return Math.max(base, Math.ceil((readablePx / Math.max(zoom, 1e-6)) * 10) / 10);
}
