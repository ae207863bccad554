/**
 * What a packet looks like apart from its colour: a request is a circle, a reply a square, a DNS
 * message a diamond and a dropped packet a cross, in every theme. In forced colours every packet is
 * the system's highlight colour and colour-blind readers may not tell orange from red, so the shape
 * (and the dash of the label's border) is what tells them apart. The packet layer, the SVG export
 * and the legend draw from here.
 */
import type { PacketSprite } from './packetLayer';

export type PacketTone = PacketSprite['tone'];
export type PacketShape = 'circle' | 'square' | 'diamond' | 'cross';

const SHAPES: Record<PacketTone, PacketShape> = {
  request: 'circle',
  reply: 'square',
  dns: 'diamond',
  drop: 'cross',
};

/** The shape of a packet of this tone. */
export function packetShape(tone: PacketTone): PacketShape {
  return SHAPES[tone];
}

/** The dash of the border of a packet's label: solid, dashed (reply), dotted (DNS). */
export function packetDash(tone: PacketTone): number[] {
  if (tone === 'reply') return [7, 4];
  if (tone === 'dns') return [2, 3];
  return [];
}

/**
 * The outline of a packet of radius `r` centred at (x, y), as a polygon; null for a circle (drawn
 * as an arc). Shapes of one radius cover about the same area, so that none stands out by size.
 */
export function packetOutline(shape: PacketShape, x: number, y: number, r: number): [number, number][] | null {
  if (shape === 'circle') return null;
  if (shape === 'square') {
    const h = r * 0.89;
    return [
      [x - h, y - h],
      [x + h, y - h],
      [x + h, y + h],
      [x - h, y + h],
    ];
  }
  if (shape === 'diamond') {
    const h = r * 1.25;
    return [
      [x, y - h],
      [x + h, y],
      [x, y + h],
      [x - h, y],
    ];
  }
  // a cross: a plus of arms `a` long and `2t` thick, turned 45 degrees
  const a = r * 1.2;
  const t = r * 0.42;
  const plus: [number, number][] = [
    [-t, -a],
    [t, -a],
    [t, -t],
    [a, -t],
    [a, t],
    [t, t],
    [t, a],
    [-t, a],
    [-t, t],
    [-a, t],
    [-a, -t],
    [-t, -t],
  ];
  const c = Math.SQRT1_2;
  return plus.map(([px, py]) => [x + (px - py) * c, y + (px + py) * c]);
}

/** The same outline as SVG path data (a circle as two arcs). */
export function packetPath(shape: PacketShape, x: number, y: number, r: number): string {
  const f = (n: number): string => String(Math.round(n * 100) / 100);
  const points = packetOutline(shape, x, y, r);
  if (!points) return `M${f(x - r)} ${f(y)}a${f(r)} ${f(r)} 0 1 0 ${f(2 * r)} 0a${f(r)} ${f(r)} 0 1 0 ${f(-2 * r)} 0Z`;
  return `${points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f(px)} ${f(py)}`).join('')}Z`;
}
