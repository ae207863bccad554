/**
 * From a position on the timeline to what the overlay draws: the packet's point on the diagram and
 * its headers. Geometry arrives through a small interface the canvas implements.
 */
import type { Hop, Packet } from '../sim';

export interface Point {
  x: number;
  y: number;
}

export interface PathGeometry {
  route(from: string | null, to: string): Point[];
  pointOf(id: string): Point | null;
}

export interface PacketFrame {
  x: number;
  y: number;
  label: string[];
  outer?: string | undefined;
  tone: 'request' | 'reply' | 'dns' | 'drop';
}

export type Phase = 'dns' | 'request' | 'reply';

/** Precomputed polylines between consecutive hops of a flattened trace. */
export function routesFor(hops: readonly Hop[], geometry: PathGeometry): Point[][] {
  return hops.map((hop, i) => {
    if (i === 0) {
      const p = geometry.pointOf(hop.at);
      return p ? [p] : [];
    }
    return geometry.route((hops[i - 1] as Hop).at, hop.at);
  });
}

function along(start: Point, points: readonly Point[], t: number): Point {
  const all = [start, ...points];
  let total = 0;
  for (let i = 1; i < all.length; i++) total += dist(all[i - 1] as Point, all[i] as Point);
  if (total === 0) return points.at(-1) ?? start;
  let remaining = t * total;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1] as Point;
    const b = all[i] as Point;
    const d = dist(a, b);
    if (remaining <= d) {
      const f = d === 0 ? 1 : remaining / d;
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    remaining -= d;
  }
  return all.at(-1) as Point;
}

const dist = (a: Point, b: Point): number => Math.hypot(b.x - a.x, b.y - a.y);

/** The headers as the label shows them: `src → dst`, protocol and TTL, the NAT if any. */
export function packetLabel(packet: Packet, hop: Hop): string[] {
  const lines = [`${packet.src} → ${packet.dst}`];
  const proto = packet.protocol.toUpperCase();
  lines.push(packet.ttl !== undefined ? `${proto}  TTL ${packet.ttl}` : proto);
  if (hop.nat) {
    const { before, after } = hop.nat;
    if (before.dst !== after.dst) lines.push(`${hop.nat.type}: dst ${before.dst} → ${after.dst}`);
    if (before.src !== after.src) lines.push(`${hop.nat.type}: src ${before.src} → ${after.src}`);
  }
  return lines;
}

export function outerLabel(packet: Packet): string | undefined {
  const o = packet.outer;
  if (!o) return undefined;
  const tunnel =
    o.vni !== undefined
      ? `VXLAN VNI ${o.vni}`
      : o.protocol === 'ipip' || o.protocol === '4'
        ? 'IP-in-IP'
        : o.protocol.toUpperCase();
  return `${tunnel}  ${o.src} → ${o.dst}`;
}

/**
 * The packet frame at `step` with `progress` along the travel into it. While travelling the packet
 * still carries the headers it had when it left the previous hop.
 */
export function frameAt(
  hops: readonly Hop[],
  routes: readonly Point[][],
  phaseOf: (step: number) => Phase,
  step: number,
  progress: number,
): PacketFrame | null {
  const hop = hops[step];
  if (!hop) return null;
  const route = routes[step] ?? [];
  const prevRoute = step > 0 ? routes[step - 1] : undefined;
  const start = prevRoute?.at(-1) ?? route[0];
  if (!start) return null;
  const point = progress >= 1 ? (route.at(-1) ?? start) : along(start, route, progress);
  const shown = progress >= 1 || step === 0 ? hop : (hops[step - 1] as Hop);
  const terminal = hop.kind === 'drop' || hop.kind === 'reject';
  const phase = phaseOf(step);
  return {
    x: point.x,
    y: point.y,
    label: packetLabel(shown.packet, shown),
    outer: outerLabel(shown.packet),
    tone: terminal && progress >= 1 ? 'drop' : phase,
  };
}
