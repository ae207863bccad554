import { describe, expect, it } from 'vitest';
import {
  CLOSEST,
  READABLE_PX,
  between,
  captionPx,
  easeInOut,
  followSize,
  followViews,
  hopView,
  keepInView,
  readableZoom,
  shownRect,
  withinBounds,
} from './framing';
import type { FollowOptions, Rect } from './framing';

const options = (width: number, smallestFont = 11): FollowOptions => ({
  ...followSize(width),
  readablePx: READABLE_PX,
  smallestFont,
  padding: 16,
});

const inside = (r: Rect, outer: Rect): boolean =>
  r.x >= outer.x - 1e-9 &&
  r.y >= outer.y - 1e-9 &&
  r.x + r.w <= outer.x + outer.w + 1e-9 &&
  r.y + r.h <= outer.y + outer.h + 1e-9;

describe('follow framing', () => {
  for (const width of [480, 640, 720, 960, 1280])
    for (const font of [9, 11, 12, 16])
      it(`a ${font} px label renders at 12 px or more in a ${width} px wide frame, however large the hop`, () => {
        const o = options(width, font);
        for (const around of [
          { x: 0, y: 0, w: 40, h: 20 },
          { x: 100, y: 50, w: 300, h: 200 },
          { x: -500, y: -300, w: 2400, h: 1600 },
        ]) {
          const view = hopView(around, o);
          expect(font * view.zoom).toBeGreaterThanOrEqual(12 - 1e-9);
          // and never blown up past CLOSEST times readable
          expect(font * view.zoom).toBeLessThanOrEqual(12 * CLOSEST + 1e-9);
        }
      });

  it('a frame that fits the hop at a readable zoom shows all of it, centred', () => {
    const o = options(960);
    const around = { x: 100, y: 200, w: 500, h: 300 };
    const view = hopView(around, o);
    expect(view.zoom).toBeCloseTo(Math.min((960 - 32) / 500, (720 - 32) / 300, readableZoom(11, 12) * CLOSEST), 9);
    expect(inside(around, shownRect(view, o))).toBe(true);
  });

  it('a hop too large for a readable zoom keeps the zoom and the packet, not the whole hop', () => {
    const o = options(480);
    const around = { x: 0, y: 0, w: 3000, h: 400 };
    const packet = { x: 2700, y: 100, w: 260, h: 90 };
    const view = keepInView(hopView(around, o), packet, o);
    expect(view.zoom).toBeCloseTo(readableZoom(11, 12), 9);
    expect(inside(packet, shownRect(view, o))).toBe(true);
    expect(inside(around, shownRect(view, o))).toBe(false);
  });

  it('a packet larger than the frame keeps its mark, at the bottom left', () => {
    const o = options(480);
    const view = keepInView({ cx: 0, cy: 0, zoom: 1.2 }, { x: 0, y: 0, w: 1000, h: 1000 }, o);
    const shown = shownRect(view, o);
    expect(shown.x).toBeCloseTo(-16 / 1.2, 6);
    expect(shown.y + shown.h).toBeCloseTo(1000 + 16 / 1.2, 6);
  });

  it('glides eased between hops: still at both ends, the zoom evenly in its logarithm', () => {
    expect(easeInOut(0)).toBe(0);
    expect(easeInOut(1)).toBe(1);
    expect(easeInOut(0.5)).toBeCloseTo(0.5, 9);
    expect(easeInOut(0.05)).toBeLessThan(0.05);
    const a = { cx: 0, cy: 0, zoom: 1 };
    const b = { cx: 100, cy: 50, zoom: 4 };
    expect(between(a, b, 0.5)).toEqual({ cx: 50, cy: 25, zoom: 2 });
  });

  it('one view per frame: the previous hop at departure, this hop at rest, deterministic', () => {
    const o = options(720);
    const hops: Rect[] = [
      { x: 0, y: 0, w: 100, h: 60 },
      { x: 900, y: 600, w: 120, h: 60 },
      { x: 1800, y: 0, w: 100, h: 60 },
    ];
    const frames = [
      { step: 1, progress: 0, packet: null },
      { step: 1, progress: 0.5, packet: null },
      { step: 1, progress: 1, packet: null },
      { step: 2, progress: 0.25, packet: null },
      { step: 2, progress: 1, packet: null },
    ];
    const views = followViews(frames, (i) => hops[i] ?? null, o);
    expect(views).toEqual(followViews(frames, (i) => hops[i] ?? null, o));
    expect(views[0]).toEqual(hopView(hops[0] as Rect, o));
    expect(views[2]).toEqual(hopView(hops[1] as Rect, o));
    expect(views[4]).toEqual(hopView(hops[2] as Rect, o));
    // halfway through the travel, halfway between the hops
    expect(views[1]?.cx).toBeCloseTo(((views[0]?.cx ?? 0) + (views[2]?.cx ?? 0)) / 2, 6);
    // consecutive hops are framed differently
    expect(views[2]).not.toEqual(views[4]);
  });

  it('keeps a travelling packet in view while the camera glides', () => {
    const o = options(480);
    const hops: Rect[] = [
      { x: 0, y: 0, w: 80, h: 40 },
      { x: 2000, y: 0, w: 80, h: 40 },
    ];
    const packet = { x: 1500, y: -60, w: 240, h: 80 };
    const [view] = followViews([{ step: 1, progress: 0.1, packet }], (i) => hops[i] ?? null, o);
    expect(inside(packet, shownRect(view as NonNullable<typeof view>, o))).toBe(true);
  });

  it('shows no empty page past the diagram where the diagram can fill the frame', () => {
    const o = options(480);
    const bounds = { x: 0, y: 0, w: 2000, h: 1000 };
    const zoom = 1.2;
    const pad = 16 / zoom;
    // a hop at the diagram's top-left corner: the view moves right and down to its edge
    const corner = shownRect(withinBounds({ cx: 10, cy: 10, zoom }, bounds, o), o);
    expect(corner.x).toBeCloseTo(-pad, 6);
    expect(corner.y).toBeCloseTo(-pad, 6);
    // in the middle it stays
    expect(withinBounds({ cx: 1000, cy: 500, zoom }, bounds, o)).toEqual({ cx: 1000, cy: 500, zoom });
    // a diagram smaller than the view is centred in it
    expect(withinBounds({ cx: 0, cy: 0, zoom }, { x: 0, y: 0, w: 100, h: 50 }, o)).toEqual({ cx: 50, cy: 25, zoom });
    // and the packet still wins over the bounds: it may stand past the diagram
    const packet = { x: -300, y: -200, w: 100, h: 60 };
    const [view] = followViews([{ step: 0, progress: 1, packet }], () => ({ x: 0, y: 0, w: 80, h: 40 }), o, bounds);
    expect(inside(packet, shownRect(view as NonNullable<typeof view>, o))).toBe(true);
  });

  it('frames 4:3 with even sides, the caption at 13 px or more', () => {
    expect(followSize(480)).toEqual({ width: 480, height: 360 });
    expect(followSize(721)).toEqual({ width: 722, height: 540 });
    expect(captionPx(480)).toBeGreaterThanOrEqual(13);
    expect(captionPx(720)).toBe(15);
  });
});
