/**
 * Where a trace hop is drawn, in model coordinates, and the polyline a packet follows from one hop
 * to the next. Bars (the cni0 bridge, the underlay) are entered and left straight down or up from
 * the element they connect to, like a frame on a bus, instead of at their centre.
 */
import { UNDERLAY_ID, kernelId } from './layout';
import type { Box, ClusterLayout } from './layout';

export interface Point {
  x: number;
  y: number;
}

export interface Geometry {
  /** points from the rest point of `from` to the rest point of `to`; empty when `to` is not drawn */
  route(from: string | null, to: string): Point[];
  /** the rest point of an element id, or null */
  pointOf(id: string): Point | null;
}

const isBar = (id: string): boolean => id === UNDERLAY_ID || /^dev\/[^/]+\/cni0$/.test(id);

export function createGeometry(layout: ClusterLayout): Geometry {
  const { positions } = layout;
  const boxOf = (id: string): Box | null => {
    if (id.startsWith('node/')) return positions.get(kernelId(id.slice(5))) ?? null;
    if (id.startsWith('wire/')) return positions.get(UNDERLAY_ID) ?? null;
    const direct = positions.get(id);
    if (direct) return direct;
    // A pod's lo is drawn inside the pod; fall back to its eth0 if a layout leaves it out.
    const lo = /^dev\/pod\/(.+)\/lo$/.exec(id);
    if (lo) return positions.get(`dev/pod/${lo[1] ?? ''}/eth0`) ?? null;
    return null;
  };
  const eth0X = (node: string): number | null => positions.get(`dev/${node}/eth0`)?.x ?? null;
  const clampOnBar = (bar: Box, x: number): number => Math.max(bar.x - bar.w / 2 + 6, Math.min(bar.x + bar.w / 2 - 6, x));
  const wireEnds = (id: string): [number, number] | null => {
    const [, a, b] = id.split('/');
    const xa = eth0X(a ?? '');
    const xb = eth0X(b ?? '');
    return xa === null || xb === null ? null : [xa, xb];
  };
  const barFor = (id: string): string | null => (id.startsWith('wire/') ? UNDERLAY_ID : isBar(id) ? id : null);

  /** Where the packet rests at `to`, coming from `prev`. */
  const rest = (to: string, prev: Point | null): Point | null => {
    const box = boxOf(to);
    if (!box) return null;
    if (to.startsWith('wire/')) {
      const ends = wireEnds(to);
      return ends ? { x: (ends[0] + ends[1]) / 2, y: box.y } : { x: box.x, y: box.y };
    }
    if (isBar(to) && prev) return { x: clampOnBar(box, prev.x), y: box.y };
    return { x: box.x, y: box.y };
  };

  const geometry: Geometry = {
    pointOf: (id) => rest(id, null),
    route(from, to) {
      const start = from ? geometry.pointOf(from) : null;
      const end = boxOf(to);
      if (!end) return [];
      const points: Point[] = [];
      const fromBar = from ? barFor(from) : null;
      const toBar = barFor(to);
      if (from && to.startsWith('wire/')) {
        const ends = wireEnds(to);
        const startX = start?.x ?? end.x;
        if (ends) {
          const near = Math.abs(ends[0] - startX) <= Math.abs(ends[1] - startX) ? ends[0] : ends[1];
          points.push({ x: near, y: end.y });
        }
        points.push(rest(to, start) as Point);
        return points;
      }
      if (fromBar && from && !toBar) {
        const bar = boxOf(from) as Box;
        let x = end.x;
        if (from.startsWith('wire/')) {
          const ends = wireEnds(from);
          if (ends) x = Math.abs(ends[0] - end.x) <= Math.abs(ends[1] - end.x) ? ends[0] : ends[1];
        }
        points.push({ x: clampOnBar(bar, x), y: bar.y });
      }
      const target = rest(to, points.at(-1) ?? start);
      if (target) points.push(target);
      return points;
    },
  };
  return geometry;
}
