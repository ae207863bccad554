import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec } from '../sim';
import { NO_INSETS, SMALLEST_FONT, frameView, readableFont, unionBox } from './camera';
import { createGeometry } from './geometry';
import { layoutCluster } from './layout';
import type { Box } from './layout';
import { placeLabel } from './packetLayer';

const opts = { readablePx: 16, padding: 20, minZoom: 0.01, maxZoom: 4 };

/** Where a model point lands on screen in a view. */
const onScreen = (v: { zoom: number; pan: { x: number; y: number } }, x: number, y: number) => ({
  x: x * v.zoom + v.pan.x,
  y: y * v.zoom + v.pan.y,
});

describe('frameView', () => {
  it('centres the frame in what the insets leave, at the zoom that fits it', () => {
    const insets = { top: 60, right: 0, bottom: 120, left: 50 };
    const bounds = { x: 1000, y: 200, w: 800, h: 200 };
    const v = frameView(bounds, 1280, 720, insets, opts);
    // width-bound: 1280 - 50 - 40 = 1190 px for 800 model px
    expect(v.zoom).toBeCloseTo(1190 / 800, 5);
    const a = onScreen(v, bounds.x, bounds.y);
    const b = onScreen(v, bounds.x + bounds.w, bounds.y + bounds.h);
    expect(a.x).toBeCloseTo(50 + 20, 5);
    expect(b.x).toBeCloseTo(1280 - 20, 5);
    // vertically centred between the controls and the caption
    expect((a.y + b.y) / 2).toBeCloseTo(60 + (720 - 60 - 120) / 2, 5);
  });

  it('stops zooming in where labels are already well above readable', () => {
    const v = frameView({ x: 0, y: 0, w: 20, h: 20 }, 1280, 720, NO_INSETS, opts);
    expect(v.zoom).toBeLessThan(4);
    // the smallest label renders at 1.25 times the readable size, no more
    expect(SMALLEST_FONT * v.zoom).toBeCloseTo(16 * 1.25, 5);
  });

  it('keeps within the zoom range', () => {
    expect(frameView({ x: 0, y: 0, w: 1e6, h: 10 }, 1280, 720, NO_INSETS, opts).zoom).toBe(0.01);
  });
});

describe('readableFont', () => {
  it('grows a label to render at the readable size, never shrinks it', () => {
    expect(readableFont(11, 0.5, 16) * 0.5).toBeGreaterThanOrEqual(16);
    expect(readableFont(11, 0.5, 16) * 0.5).toBeLessThan(16.1);
    expect(readableFont(11, 3, 16)).toBe(11);
  });
});

describe('unionBox', () => {
  it('holds every centre-based box, as a top-left based box', () => {
    expect(unionBox([])).toBeNull();
    expect(
      unionBox([
        { x: 10, y: 10, w: 20, h: 20 },
        { x: 100, y: 50, w: 10, h: 10 },
      ]),
    ).toEqual({ x: 0, y: 0, w: 105, h: 55 });
  });
});

describe('the camera frame of a wire hop', () => {
  it('holds both nodes’ eth0 and the stretch of underlay between them', () => {
    const layout = layoutCluster(buildCluster(defaultClusterSpec));
    const box = createGeometry(layout).boxOf('wire/node-a/node-b') as Box;
    for (const id of ['dev/node-a/eth0', 'dev/node-b/eth0']) {
      const eth0 = layout.positions.get(id) as Box;
      expect(Math.abs(eth0.x - box.x) * 2).toBeLessThanOrEqual(box.w - eth0.w + 1e-6);
      expect(Math.abs(eth0.y - box.y) * 2).toBeLessThanOrEqual(box.h - eth0.h + 1e-6);
    }
    const underlay = layout.positions.get('underlay') as Box;
    expect(box.y + box.h / 2).toBeCloseTo(underlay.y, 5);
    // only the stretch between the two nodes, not the bar under the whole cluster
    expect(box.w).toBeLessThan(underlay.w);
  });
});

describe('placeLabel', () => {
  const area = { x1: 0, y1: 0, x2: 1000, y2: 600 };
  it('puts the label beside the packet, clear of what it must not cover', () => {
    const avoid = [{ x1: 480, y1: 200, x2: 700, y2: 300 }];
    const spot = placeLabel(500, 250, 200, 60, area, avoid);
    expect(spot).not.toBeNull();
    const box = { x1: spot!.x, y1: spot!.y, x2: spot!.x + 200, y2: spot!.y + 60 };
    expect(box.x2 <= 480 || box.x1 >= 700 || box.y2 <= 200 || box.y1 >= 300).toBe(true);
  });
  it('stays inside the area (clear of a caption band) and keeps its last spot while it fits', () => {
    const first = placeLabel(950, 20, 200, 60, area, []);
    expect(first!.x + 200).toBeLessThanOrEqual(1000);
    expect(first!.y).toBeGreaterThanOrEqual(0);
    const again = placeLabel(500, 300, 200, 60, area, [], first!.index);
    expect(again!.index).toBe(first!.index);
  });
  it('keeps clear of other labels where it can, and hides the least of them where it cannot', () => {
    const box = (s: { x: number; y: number }) => ({ x1: s.x, y1: s.y, x2: s.x + 200, y2: s.y + 60 });
    const meets = (a: ReturnType<typeof box>, b: typeof a) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    // a label right above-right of the packet, where the first spot would go
    const other = { x1: 510, y1: 150, x2: 800, y2: 240 };
    const clear = placeLabel(500, 300, 200, 60, area, [], 0, [other]);
    expect(meets(box(clear!), other)).toBe(false);
    // labels everywhere: the spot chosen still avoids the path, and covers less than the first spot
    const crowd = [0, 1, 2, 3, 4, 5].map((i) => ({ x1: 0, y1: i * 100, x2: 1000, y2: i * 100 + 40 }));
    const first = placeLabel(500, 300, 200, 60, area, [])!;
    const least = placeLabel(500, 300, 200, 60, area, [], 0, crowd)!;
    const covered = (b: ReturnType<typeof box>) =>
      crowd.reduce(
        (sum, r) =>
          sum +
          Math.max(0, Math.min(b.x2, r.x2) - Math.max(b.x1, r.x1)) *
            Math.max(0, Math.min(b.y2, r.y2) - Math.max(b.y1, r.y1)),
        0,
      );
    expect(covered(box(least))).toBeLessThan(covered(box(first)));
  });
  it('hides the least of the path when nowhere is clear, and gives up only when nothing fits the area', () => {
    // the path covers everything left of x 700: the label reaches as far right as it can
    const spot = placeLabel(500, 300, 200, 60, area, [{ x1: 0, y1: 0, x2: 700, y2: 600 }])!;
    expect(spot.blocked).toBeGreaterThan(0);
    expect(spot.blocked).toBeLessThan(200 * 60);
    expect(spot.x).toBeGreaterThan(600);
    expect(placeLabel(500, 300, 2000, 60, area, [])).toBeNull();
  });
});
