/**
 * Where the sequence view draws things: lanes as columns, then for each packet a title row and one
 * row per arrow, top to bottom in playback order. Pure (no DOM), so the view and its tests agree.
 */
import type { Arrow, Lane, Nat, Sequence, SequencePacket } from '../../sim';
import { wrapPoints } from '../learnerText';

/** The width of a text in the view's sans-serif type, CSS px (the view measures with a canvas). */
export type Measure = (text: string, size: number, bold: boolean) => number;

/**
 * A width without a DOM to measure with, for tests and the first frame: wide on purpose (a bold
 * DejaVu Sans, the widest of the usual fallbacks, runs about 0.68 em for digits), so that what fits
 * by this estimate fits on screen.
 */
export const estimateWidth: Measure = (text, size, bold) => text.length * size * (bold ? 0.68 : 0.6);

/** The smallest type the view uses for anything a person reads near the arrows. */
export const MIN_FONT = 12;

export interface LayoutOptions {
  /** the width the view has; lanes widen to fill it, and never get narrower than `minLane` */
  width: number;
  /** type size of the arrow labels and titles, CSS px (lane names are one px larger) */
  font: number;
  /** how wide a text is; the estimate when not given */
  measure?: Measure;
}

/** A lane's name as drawn in its header box: its lines and their type size. */
export interface LaneName {
  lines: string[];
  size: number;
  /** the lane's role under its name (`client`, `between nodes`), in lines that fit the box */
  role?: string[];
}

/** The words under a lane's name saying what it is (none where the name says it). */
export const ROLE_WORDS: Record<Lane['role'], string> = {
  client: 'client',
  server: 'server',
  dns: 'DNS',
  proxy: 'proxy',
  node: 'node',
  network: 'between nodes',
  internet: '',
  'load-balancer': '',
};

export interface ArrowBox {
  arrow: Arrow;
  packet: number;
  y: number;
  x1: number;
  x2: number;
  label: string | null;
  /** the label broken into lines no wider than the view, drawn upwards from the arrow */
  labelLines: string[];
  /** the widest of those lines, CSS px */
  labelWidth: number;
  /** where the label is centred, kept inside the drawing */
  labelX: number;
}

export interface PacketBox {
  packet: SequencePacket;
  y: number;
  title: string;
  /** the title broken into lines no wider than the view */
  titleLines: string[];
}

export interface SequenceLayout {
  width: number;
  height: number;
  laneX: number[];
  laneWidth: number;
  /** each lane's name, fitted into its header box (the box is `laneWidth - 8` wide) */
  laneNames: LaneName[];
  /** the height of the row of lane names, which grows with the longest name */
  header: number;
  /** the line height of the lane names, CSS px */
  headerLine: number;
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

/**
 * A text in lines no wider than `width`: broken where `pieces` ends, and a piece wider than the
 * whole line cut where it must (a long pod hash), so that nothing sticks out.
 */
function wrapInto(pieces: string[], width: number, size: number, bold: boolean, measure: Measure): string[] {
  const lines: string[] = [];
  let line = '';
  const fits = (t: string): boolean => measure(t.trimEnd(), size, bold) <= width;
  for (const piece of pieces) {
    if (fits(line + piece)) {
      line += piece;
      continue;
    }
    if (line) lines.push(line.trimEnd());
    // a piece too wide for a line of its own: as many characters as fit on each line
    let rest = piece;
    while (!fits(rest)) {
      let n = 1;
      while (n < rest.length && fits(rest.slice(0, n + 1))) n++;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.length > 0 ? lines : [''];
}

/** A sentence (an arrow's label, a packet's title) in lines no wider than `width`, broken at spaces. */
export function wrapText(text: string, width: number, size: number, bold: boolean, measure: Measure): string[] {
  return wrapInto(text.split(/(?<=\s)/), width, size, bold, measure);
}

/**
 * A lane's name whole inside a header box `width` wide: on one line, else two, else three, broken
 * after a dash, dot or slash (`web-8rdbl7jt4z-` / `w2bsc`), in the largest type from `font` down
 * to 12 px that does it; never cut short, never wider than the box (the box is what the lanes
 * have: a name that overflowed it was clipped at the drawing's edge).
 */
export function fitLaneName(text: string, width: number, font: number, measure: Measure = estimateWidth): LaneName {
  const sizes: number[] = [];
  for (let size = font; size >= MIN_FONT; size--) sizes.push(size);
  if (sizes.length === 0) sizes.push(MIN_FONT);
  // one line a little smaller (an address reads best whole), else two, three lines, as large as may be
  const tries: [number, number[]][] = [
    [1, sizes.slice(0, 3)],
    [2, sizes],
    [3, sizes],
  ];
  for (const [most, some] of tries)
    for (const size of some) {
      const lines = wrapInto(wrapPoints(text), width, size, true, measure);
      if (lines.length <= most) return { lines, size };
    }
  const size = sizes.at(-1) ?? MIN_FONT;
  return { lines: wrapInto(wrapPoints(text), width, size, true, measure), size };
}

export function layoutSequence(seq: Sequence, { width, font, measure = estimateWidth }: LayoutOptions): SequenceLayout {
  const pad = 8;
  // seven lanes (an Ingress's: client, Internet, two nodes, the network, proxy, server) fit the
  // 720 px embed side by side
  const minLane = Math.max(96, font * 7);
  const lanes = Math.max(1, seq.lanes.length);
  const laneWidth = Math.max(minLane, (width - 2 * pad) / lanes);
  const total = Math.max(width, laneWidth * lanes + 2 * pad);
  const laneX = seq.lanes.map((_, i) => pad + laneWidth * (i + 0.5));
  // the names inside their boxes (8 px apart, 6 px of padding inside), the row as tall as the
  // tallest: lines of the name, the role's line, the padding
  const roleSize = Math.max(MIN_FONT, font - 1);
  const laneNames = seq.lanes.map((lane): LaneName => {
    const name = fitLaneName(lane.label, laneWidth - 16, font + 1, measure);
    const role = ROLE_WORDS[lane.role];
    return role ? { ...name, role: wrapText(role, laneWidth - 16, roleSize, false, measure) } : name;
  });
  const headerLine = font + 3;
  const rows = Math.max(3, ...laneNames.map((n) => n.lines.length + (n.role?.length ?? 0)));
  const header = Math.round(headerLine * rows + 12);
  // labels and titles are never wider than the view itself: on a phone the drawing is wider than
  // the screen and scrolls sideways, and the view keeps them in sight (SequenceView)
  const textMax = Math.max(120, width - 2 * pad - 8);
  const line = Math.round(font * 1.25);
  const titleRow = Math.round(font * 2);
  const arrowRow = Math.round(font * 2.7);
  let y = header + Math.round(font * 0.6);
  const packets: PacketBox[] = [];
  const arrows: ArrowBox[] = [];
  seq.packets.forEach((packet, p) => {
    const title = packet.detail ? `${packet.label}: ${packet.detail}` : packet.label;
    const titleLines = wrapText(title, textMax, font, true, measure);
    packets.push({ packet, y, title, titleLines });
    y += titleRow + (titleLines.length - 1) * line;
    packet.arrows.forEach((arrow, i) => {
      const x1 = laneX[arrow.from] ?? pad;
      const x2 = laneX[arrow.to] ?? pad;
      const label = arrowLabel(arrow, i === 0);
      // NAT is drawn bold: measured bold so that either fits
      const labelLines = label ? wrapText(label, textMax, font, true, measure) : [];
      const labelWidth = Math.max(0, ...labelLines.map((l) => measure(l, font, true)));
      const half = label ? labelWidth / 2 + 4 : 0;
      const mid = arrow.from === arrow.to ? x1 + laneWidth / 3 : (x1 + x2) / 2;
      const labelX = Math.min(Math.max(mid, half + 2), total - half - 2);
      y += arrowRow + Math.max(0, labelLines.length - 1) * line;
      arrows.push({ arrow, packet: p, y, x1, x2, label, labelLines, labelWidth, labelX });
    });
    y += Math.round(font * 0.8);
  });
  return { width: total, height: y + pad, laneX, laneWidth, laneNames, header, headerLine, packets, arrows };
}

/**
 * How far a label at `x` (centred, `w` wide) moves sideways to be inside the part of the drawing
 * on screen, `left` to `left + view`: 0 when it is already, or when it is wider than the view.
 */
export function keepInView(x: number, w: number, left: number, view: number): number {
  const half = w / 2 + 4;
  if (2 * half > view) return 0;
  return Math.min(Math.max(x, left + half), left + view - half) - x;
}

/** The arrow that stands for playback step `step`, as an index into `layout.arrows`, or -1. */
export function arrowAt(layout: SequenceLayout, step: number): number {
  return layout.arrows.findIndex((a) => a.arrow.firstStep <= step && step <= a.arrow.lastStep);
}
