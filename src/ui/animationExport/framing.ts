/**
 * The camera of an exported animation that follows the packet: for each frame, the part of the
 * diagram shown and how large. Each hop gets a view of its neighbourhood (where the packet comes
 * from, where it goes, the packet and its headers) at a zoom where the smallest label is readable
 * at the file's width; between hops the view glides with the packet's travel, eased, so that it is
 * a function of the playback clock alone. Pure: the same frames always give the same views.
 */

/** A box, top-left based, in model px (the diagram's units). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where the camera looks: the centre, in model px, and the pixels a model px takes. */
export interface FrameView {
  cx: number;
  cy: number;
  zoom: number;
}

export interface FollowOptions {
  /** the diagram's part of the frame, pixels */
  width: number;
  height: number;
  /** the smallest size, in pixels, a label may have in the frame */
  readablePx: number;
  /** the smallest label font of the diagram, model px */
  smallestFont: number;
  /** clear space kept around what must be seen, pixels */
  padding: number;
}

/** The smallest a label may be in an exported frame, pixels: a chat's or a blog's small print. */
export const READABLE_PX = 12;
/**
 * How far past "just readable" a small hop is enlarged: beyond this the frame shows the hop's
 * surroundings rather than an ever larger box.
 */
export const CLOSEST = 1.5;
/** The diagram's part of a frame is this wide for each unit of height (the caption goes below). */
export const FOLLOW_ASPECT = 4 / 3;

/** The zoom at which a `fontPx` label renders at `readablePx` pixels. */
export const readableZoom = (fontPx: number, readablePx: number): number => readablePx / Math.max(fontPx, 1e-6);

/** The smallest box holding every box given, or null. */
export function unionRect(rects: readonly (Rect | null)[]): Rect | null {
  const all = rects.filter((r): r is Rect => r !== null);
  if (all.length === 0) return null;
  const x1 = Math.min(...all.map((r) => r.x));
  const y1 = Math.min(...all.map((r) => r.y));
  const x2 = Math.max(...all.map((r) => r.x + r.w));
  const y2 = Math.max(...all.map((r) => r.y + r.h));
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/**
 * The view of a hop's neighbourhood: centred on it, as large as fits, but never smaller than
 * readable (a neighbourhood too big for the frame at that zoom is cut at its edges, and
 * `keepInView` then keeps the packet in) nor larger than CLOSEST times readable.
 */
export function hopView(around: Rect, o: FollowOptions): FrameView {
  const least = readableZoom(o.smallestFont, o.readablePx);
  const fit = Math.min(
    Math.max(1, o.width - 2 * o.padding) / Math.max(around.w, 1),
    Math.max(1, o.height - 2 * o.padding) / Math.max(around.h, 1),
  );
  return {
    cx: around.x + around.w / 2,
    cy: around.y + around.h / 2,
    zoom: Math.min(least * CLOSEST, Math.max(least, fit)),
  };
}

/** Slow at both ends, as the app's camera glides (ease-in-out-sine). */
export const easeInOut = (t: number): number => 0.5 - Math.cos(Math.PI * Math.min(1, Math.max(0, t))) / 2;

/**
 * The view `t` (0..1, eased by the caller) of the way from `a` to `b`: the centre on a straight
 * line, the zoom evenly in its logarithm, so that zooming in and out feel alike.
 */
export function between(a: FrameView, b: FrameView, t: number): FrameView {
  return {
    cx: a.cx + (b.cx - a.cx) * t,
    cy: a.cy + (b.cy - a.cy) * t,
    zoom: Math.exp(Math.log(a.zoom) + (Math.log(b.zoom) - Math.log(a.zoom)) * t),
  };
}

/**
 * The view moved the least so that `must` (the packet and its headers) is inside it with the
 * padding. When `must` is larger than the view, its bottom-left corner is kept: the packet's mark
 * is there, its headers above and to the right.
 */
export function keepInView(view: FrameView, must: Rect | null, o: FollowOptions): FrameView {
  if (!must) return view;
  const hw = Math.max(0, o.width / 2 - o.padding) / view.zoom;
  const hh = Math.max(0, o.height / 2 - o.padding) / view.zoom;
  const cx = must.w <= 2 * hw ? clamp(view.cx, must.x + must.w - hw, must.x + hw) : must.x + hw;
  const cy = must.h <= 2 * hh ? clamp(view.cy, must.y + must.h - hh, must.y + hh) : must.y + must.h - hh;
  return { cx, cy, zoom: view.zoom };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The view moved the least so that it shows no more beyond the diagram's `bounds` than the
 * padding (a diagram narrower than the view is centred in it): empty page at a frame's edge is
 * room not given to the diagram.
 */
export function withinBounds(view: FrameView, bounds: Rect | null, o: FollowOptions): FrameView {
  if (!bounds) return view;
  const hw = (o.width / 2 - o.padding) / view.zoom;
  const hh = (o.height / 2 - o.padding) / view.zoom;
  const axis = (c: number, lo: number, span: number, half: number): number =>
    span <= 2 * half ? lo + span / 2 : clamp(c, lo + half, lo + span - half);
  return {
    cx: axis(view.cx, bounds.x, bounds.w, hw),
    cy: axis(view.cy, bounds.y, bounds.h, hh),
    zoom: view.zoom,
  };
}

/** The model box a view shows in a frame of `o.width` x `o.height` pixels. */
export function shownRect(view: FrameView, o: Pick<FollowOptions, 'width' | 'height'>): Rect {
  const w = o.width / view.zoom;
  const h = o.height / view.zoom;
  return { x: view.cx - w / 2, y: view.cy - h / 2, w, h };
}

export interface FollowFrame {
  step: number;
  /** 0..1 along the travel into `step`, 1 while resting there */
  progress: number;
  /** the packet and its headers in this frame, or null when none is drawn */
  packet: Rect | null;
}

/**
 * The view of every frame. `around(step)` is the neighbourhood of the hop into `step`, shown within
 * the diagram's `bounds` where it can. While the packet travels into a step the view glides from
 * the previous hop's view to this one's, with the packet's progress, eased; at rest it is this
 * hop's. The packet is kept in view throughout.
 */
export function followViews(
  frames: readonly FollowFrame[],
  around: (step: number) => Rect | null,
  o: FollowOptions,
  bounds: Rect | null = null,
): FrameView[] {
  const views = new Map<number, FrameView | null>();
  const viewOf = (step: number): FrameView | null => {
    if (!views.has(step)) {
      const r = step >= 0 ? around(step) : null;
      views.set(step, r ? withinBounds(hopView(r, o), bounds, o) : null);
    }
    return views.get(step) ?? null;
  };
  let last: FrameView | null = null;
  return frames.map((f) => {
    const here = viewOf(f.step) ?? last;
    const before = viewOf(f.step - 1) ?? here;
    let view: FrameView;
    if (here && before) view = between(before, here, easeInOut(f.progress));
    else if (f.packet) view = hopView(f.packet, o);
    else view = { cx: 0, cy: 0, zoom: readableZoom(o.smallestFont, o.readablePx) };
    view = keepInView(view, f.packet, o);
    last = here ?? view;
    return view;
  });
}

/** The size of a follow frame's diagram, pixels, for a file `width` pixels wide (even sides). */
export function followSize(width: number): { width: number; height: number } {
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  return { width: even(width), height: even(width / FOLLOW_ASPECT) };
}

/**
 * The caption's font size for a file `width` pixels wide: readable on the smallest (13 px at 480, 15 at 720),
 * growing with the file so that it keeps its share of the picture.
 */
export const captionPx = (width: number): number => Math.max(13, Math.round(width / 48));
