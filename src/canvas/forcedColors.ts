/**
 * Forced colours (Windows high contrast, `forced-colors: active`): the browser recolours the page
 * with the user's system colours, but not a canvas. The diagram reads those colours here and draws
 * with them (stylesheet.ts `forcedPalette`).
 */

export const FORCED_COLORS_QUERY = '(forced-colors: active)';
/** The user asked for more contrast (an OS setting): the diagram draws with its strong palette. */
export const CONTRAST_MORE_QUERY = '(prefers-contrast: more)';

/** Whether the page asks for more contrast now. */
export function contrastMoreActive(): boolean {
  return typeof window !== 'undefined' && (window.matchMedia?.(CONTRAST_MORE_QUERY).matches ?? false);
}

/** Whether the page is in forced colours now. */
export function forcedColorsActive(): boolean {
  return typeof window !== 'undefined' && (window.matchMedia?.(FORCED_COLORS_QUERY).matches ?? false);
}

/** A CSS system colour (`Canvas`, `CanvasText`, `Highlight`, …) as the page resolves it now. */
export function systemColor(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = name;
  probe.style.display = 'none';
  // or forced colours would recolour the probe itself to CanvasText, whatever it names
  probe.style.forcedColorAdjust = 'none';
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

export interface SystemColors {
  canvas: string;
  text: string;
  highlight: string;
}

let cached: SystemColors | null | undefined;

/**
 * The system colours while forced colours are on, else null; read once and again only when the
 * setting changes, since the packet layer asks every frame.
 */
export function forcedSystemColors(): SystemColors | null {
  if (cached !== undefined) return cached;
  const query = typeof window === 'undefined' ? undefined : window.matchMedia?.(FORCED_COLORS_QUERY);
  query?.addEventListener(
    'change',
    () => {
      cached = undefined;
    },
    { once: true },
  );
  cached = query?.matches
    ? { canvas: systemColor('Canvas'), text: systemColor('CanvasText'), highlight: systemColor('Highlight') }
    : null;
  return cached;
}
