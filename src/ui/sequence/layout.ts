/**
 * Where the sequence view draws things: lanes as columns, then for each packet a title row and one
 * row per arrow, top to bottom in playback order. Pure (no DOM), so the view and its tests agree.
 */
import type { Arrow, Nat, Sequence, SequencePacket } from '../../sim';

export interface LayoutOptions {
  /** the width the view has; lanes widen to fill it, and never get narrower than `minLane` */
  width: number;
  /** type size of the arrow labels and titles, CSS px (lane names are one px larger) */
  font: number;
}

export interface ArrowBox {
  arrow: Arrow;
  packet: number;
  y: number;
  x1: number;
  x2: number;
  label: string | null;
  /** where the label is centred, kept inside the drawing */
  labelX: number;
}

export interface PacketBox {
  packet: SequencePacket;
  y: number;
  title: string;
}

export interface SequenceLayout {
  width: number;
  height: number;
  laneX: number[];
  laneWidth: number;
  header: number;
  packets: PacketBox[];
  arrows: ArrowBox[];
}

/** An address without its port where the port says nothing new (kept: the whole thing). */
const natLabel = (nat: Nat): string => {
  const dst = nat.before.dst !== nat.after.dst;
  return dst ? `${nat.type} → ${nat.after.dst}` : `${nat.type} from ${nat.after.src}`;
};

/** What an arrow says: its addresses on the first arrow of a packet, NAT and tunnels where they happen. */
export function arrowLabel(arrow: Arrow, first: boolean): string | null {
  const parts: string[] = [];
  if (arrow.nat.length > 0) parts.push(arrow.nat.map(natLabel).join(', '));
  else if (first) parts.push(`${arrow.src} → ${arrow.dst}`);
  if (arrow.tunnel) parts.push(`in ${arrow.tunnel}`);
  if (arrow.arrivalNat.length > 0) parts.push(`then ${arrow.arrivalNat.map(natLabel).join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** A rough width of a label in the view's sans-serif type (no DOM to measure with). */
export const textWidth = (text: string, font: number): number => text.length * font * 0.56;

export function layoutSequence(seq: Sequence, { width, font }: LayoutOptions): SequenceLayout {
  const pad = 8;
  const minLane = Math.max(96, font * 8);
  const lanes = Math.max(1, seq.lanes.length);
  const laneWidth = Math.max(minLane, (width - 2 * pad) / lanes);
  const total = Math.max(width, laneWidth * lanes + 2 * pad);
  const laneX = seq.lanes.map((_, i) => pad + laneWidth * (i + 0.5));
  const header = Math.round((font + 3) * 3 + 12);
  const titleRow = Math.round(font * 2);
  const arrowRow = Math.round(font * 2.7);
  let y = header + Math.round(font * 0.6);
  const packets: PacketBox[] = [];
  const arrows: ArrowBox[] = [];
  seq.packets.forEach((packet, p) => {
    packets.push({ packet, y, title: packet.detail ? `${packet.label}: ${packet.detail}` : packet.label });
    y += titleRow;
    packet.arrows.forEach((arrow, i) => {
      const x1 = laneX[arrow.from] ?? pad;
      const x2 = laneX[arrow.to] ?? pad;
      const label = arrowLabel(arrow, i === 0);
      const half = label ? textWidth(label, font) / 2 + 4 : 0;
      const mid = arrow.from === arrow.to ? x1 + laneWidth / 3 : (x1 + x2) / 2;
      const labelX = Math.min(Math.max(mid, half + 2), total - half - 2);
      y += arrowRow;
      arrows.push({ arrow, packet: p, y, x1, x2, label, labelX });
    });
    y += Math.round(font * 0.8);
  });
  return { width: total, height: y + pad, laneX, laneWidth, header, packets, arrows };
}

/** The arrow that stands for playback step `step`, as an index into `layout.arrows`, or -1. */
export function arrowAt(layout: SequenceLayout, step: number): number {
  return layout.arrows.findIndex((a) => a.arrow.firstStep <= step && step <= a.arrow.lastStep);
}
