/**
 * Packets on a transparent overlay canvas above Cytoscape, kept in step with pan and zoom. Moving a
 * Cytoscape element redraws the whole graph; this layer redraws only itself, so packets stay smooth
 * on large clusters. It ignores the pointer.
 */
import type { Core } from 'cytoscape';
import type { Theme } from './stylesheet';
import { forcedSystemColors } from './forcedColors';
import { packetDash, packetOutline, packetShape } from './packetShape';
import type { Insets } from './camera';

/** A box on screen, in CSS px relative to the diagram. */
export interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** What the label must keep clear of, read at every draw (the view moves under it). */
export interface LabelSurroundings {
  /** the elements of the current hop and its neighbours, with their labels */
  avoid(): Rect[];
  /** the other labels in view, kept clear of where there is room (empty while the view moves) */
  soft(): Rect[];
  /** the stage's overlays (caption, controls) */
  insets(): Insets;
  /** the label's font size, CSS px */
  fontPx(): number;
}

export interface PacketSprite {
  /** model coordinates (the diagram's own, before pan and zoom) */
  x: number;
  y: number;
  /** lines of the label drawn beside the packet: the inner header first */
  label: string[];
  /** an outer (tunnel) header drawn as a second box wrapped around the first */
  outer?: string | undefined;
  tone: 'request' | 'reply' | 'dns' | 'drop';
}

export interface PacketLayer {
  draw(sprites: readonly PacketSprite[]): void;
  /** draws again where it stands: the surroundings changed (the view settled) */
  refresh(): void;
  setTheme(theme: Theme): void;
  /** what it draws now (the SVG export draws the same packets) */
  sprites(): readonly PacketSprite[];
  destroy(): void;
}

export const TONES: Record<PacketSprite['tone'], string> = {
  request: '#ea580c',
  reply: '#2563eb',
  dns: '#9333ea',
  drop: '#dc2626',
};

export function createPacketLayer(host: HTMLElement, cy: Core, around: LabelSurroundings): PacketLayer {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  canvas.dataset['testid'] = 'canvas.packets';
  Object.assign(canvas.style, { position: 'absolute', inset: '0', pointerEvents: 'none', zIndex: '2' });
  host.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  let sprites: readonly PacketSprite[] = [];
  let theme: Theme = 'light';
  // whether the canvas holds anything: an empty layer is not sized, cleared or redrawn at all, so
  // that the first frame and every pan without packets cost nothing here
  let drawn = false;
  /** the placement the label had last, kept while it still fits so the label does not hop about */
  const placement = { last: 0 };

  const size = (): void => {
    const dpr = window.devicePixelRatio || 1;
    const w = host.clientWidth;
    const h = host.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
  };

  const render = (): void => {
    if (!ctx || (!drawn && sprites.length === 0)) return;
    drawn = sprites.length > 0;
    // what is drawn, for tests and tools that cannot read a canvas's pixels
    canvas.dataset['shapes'] = sprites.map((s) => packetShape(s.tone)).join(' ');
    size();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const zoom = cy.zoom();
    const pan = cy.pan();
    // only a lone packet has a label (a burst's packets are dots): its surroundings are read once
    const labelled = sprites.some((s) => s.label.length > 0);
    const area = labelled ? labelArea(host, around.insets()) : null;
    const avoid = labelled ? around.avoid() : [];
    const soft = labelled ? around.soft() : [];
    const fontPx = around.fontPx();
    for (const s of sprites) {
      const x = s.x * zoom + pan.x;
      const y = s.y * zoom + pan.y;
      drawSprite(ctx, s, x, y, theme, { area, avoid, soft, fontPx, placement });
    }
  };

  const onViewport = (): void => render();
  cy.on('viewport resize', onViewport);
  const observer = new ResizeObserver(() => render());
  observer.observe(host);

  return {
    draw(next) {
      sprites = next;
      render();
    },
    refresh: () => render(),
    sprites: () => sprites,
    setTheme(next) {
      theme = next;
      render();
    },
    destroy() {
      cy.off('viewport resize', onViewport);
      observer.disconnect();
      canvas.remove();
    },
  };
}

interface LabelContext {
  area: Rect | null;
  avoid: readonly Rect[];
  soft: readonly Rect[];
  fontPx: number;
  placement: { last: number };
}

/** The part of the diagram a label may use: inside the canvas, clear of the stage's overlays. */
function labelArea(host: HTMLElement, insets: Insets): Rect {
  return {
    x1: insets.left + 4,
    y1: insets.top + 4,
    x2: host.clientWidth - insets.right - 4,
    y2: host.clientHeight - insets.bottom - 4,
  };
}

const overlap = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) * Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));

/**
 * Where a `w` x `h` label goes beside a packet at (x, y): of the spots around it inside the area
 * (the one used last tried first), one that covers none of the elements to avoid and none of the
 * `soft` rects; else the one hiding the least of what to avoid, then of the soft rects. `blocked`
 * and `covered` say how much of each it hides (0 when clear); null only when no spot is inside.
 */
export function placeLabel(
  x: number,
  y: number,
  w: number,
  h: number,
  area: Rect,
  avoid: readonly Rect[],
  prefer = 0,
  soft: readonly Rect[] = [],
): { x: number; y: number; index: number; blocked: number; covered: number } | null {
  const gap = 16;
  const spots: [number, number][] = [
    [x + gap, y - gap - h],
    [x - gap - w, y - gap - h],
    [x + gap, y + gap],
    [x - gap - w, y + gap],
    [x - w / 2, y - 2 * gap - h],
    [x - w / 2, y + 2 * gap],
    [x + 2 * gap, y - h / 2],
    [x - 2 * gap - w, y - h / 2],
    // farther out, past a label right beside the packet
    [x - w / 2, y + 4 * gap],
    [x - w / 2, y - 4 * gap - h],
    [x + gap, y + 4 * gap],
    [x - gap - w, y + 4 * gap],
    // farther still, where the packet's surroundings are crowded with other labels
    ...[6, 9].flatMap((r) =>
      [0, 1, 2, 3, 4, 5, 6, 7].map((k): [number, number] => {
        const a = (k * Math.PI) / 4;
        return [x + Math.cos(a) * (r * gap + w / 2) - w / 2, y + Math.sin(a) * (r * gap + h / 2) - h / 2];
      }),
    ),
  ];
  const order = [prefer, ...spots.keys()].filter((i, k, all) => all.indexOf(i) === k);
  let best: { x: number; y: number; index: number; blocked: number; covered: number } | null = null;
  for (const i of order) {
    const [ax, sy] = spots[i] as [number, number];
    // slid sideways into the area where it would stick out (a narrow phone's diagram)
    const sx = Math.max(area.x1, Math.min(area.x2 - w, ax));
    const box = { x1: sx, y1: sy, x2: sx + w, y2: sy + h };
    if (box.x1 < area.x1 || box.y1 < area.y1 || box.x2 > area.x2 || box.y2 > area.y2) continue;
    if (overlap(box, { x1: x - 12, y1: y - 12, x2: x + 12, y2: y + 12 }) > 0) continue;
    const blocked = avoid.reduce((sum, r) => sum + overlap(r, box), 0);
    const covered = soft.reduce((sum, r) => sum + overlap(r, box), 0);
    if (!best || blocked < best.blocked || (blocked === best.blocked && covered < best.covered))
      best = { x: sx, y: sy, index: i, blocked, covered };
    if (blocked === 0 && covered === 0) break;
  }
  return best;
}

function drawSprite(
  ctx: CanvasRenderingContext2D,
  s: PacketSprite,
  x: number,
  y: number,
  theme: Theme,
  label: LabelContext,
): void {
  // forced colours (high contrast): the system's colours, as the rest of the diagram
  const sys = forcedSystemColors();
  const color = sys ? sys.highlight : TONES[s.tone];
  const plate = sys ? sys.canvas : theme === 'dark' ? '#1e293b' : '#ffffff';
  const ink = sys ? sys.text : theme === 'dark' ? '#f8fafc' : '#0f172a';
  ctx.save();
  // the packet itself, its shape saying what it is without colour (packetShape.ts)
  const r = s.label.length === 0 ? 6 : 9;
  const outline = packetOutline(packetShape(s.tone), x, y, r);
  ctx.beginPath();
  if (outline) {
    outline.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
    ctx.closePath();
  } else ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = sys ? sys.canvas : theme === 'dark' ? '#0f172a' : '#ffffff';
  ctx.stroke();
  // its headers, in a label box that wraps an outer header when the packet is encapsulated (a
  // burst of many packets draws them as dots, without labels)
  if (s.label.length === 0) {
    ctx.restore();
    return;
  }
  const area = label.area ?? { x1: 4, y1: 4, x2: ctx.canvas.width / (window.devicePixelRatio || 1) - 4, y2: 1e6 };
  /** The label's size at a font size, with all its lines or only the first (a compact chip). */
  const measure = (fontPx: number, compact: boolean) => {
    ctx.font = `600 ${fontPx}px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace`;
    const lines = compact ? s.label.slice(0, 1) : s.label;
    const outer = compact ? undefined : s.outer;
    const lineH = Math.round(fontPx * 1.3);
    const innerW = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 14;
    const innerH = lines.length * lineH + 8;
    const outerH = outer ? lineH + 10 : 0;
    const outerW = outer ? Math.max(innerW + 12, ctx.measureText(outer).width + 14) : innerW;
    return {
      fontPx,
      lines,
      outer,
      lineH,
      innerW,
      innerH,
      outerH,
      w: outer ? outerW : innerW,
      h: innerH + outerH + (outer ? 6 : 0),
    };
  };
  // the full headers where they fit beside the packet; else a one-line chip; the inspector keeps all
  const tries = [measure(label.fontPx, false), measure(Math.max(12, label.fontPx - 2), true)];
  // the full label clear of every other label, else the chip clear of them, else whichever of the
  // two hides the least
  let chosen: { m: (typeof tries)[number]; at: { x: number; y: number; blocked: number; covered: number } } | null =
    null;
  for (const m of tries) {
    const spot = placeLabel(x, y, m.w, m.h, area, label.avoid, label.placement.last, label.soft);
    const better =
      spot &&
      (!chosen ||
        spot.blocked < chosen.at.blocked ||
        (spot.blocked === chosen.at.blocked && spot.covered < chosen.at.covered));
    if (better) {
      chosen = { m, at: spot };
      label.placement.last = spot.index;
    }
    if (chosen?.at.blocked === 0 && chosen.at.covered === 0) break;
  }
  if (!chosen) {
    // the diagram is smaller than the chip: above the packet, kept inside it
    const m = tries[1] as (typeof tries)[number];
    chosen = {
      m,
      at: {
        x: Math.max(area.x1, Math.min(area.x2 - m.w, x - m.w / 2)),
        y: Math.max(area.y1, Math.min(area.y2 - m.h, y - 28 - m.h)),
        blocked: 0,
        covered: 0,
      },
    };
  }
  const { m, at } = chosen;
  ctx.font = `600 ${m.fontPx}px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace`;
  const bx = at.x;
  const by = at.y;
  if (m.outer) {
    roundRect(ctx, bx, by, m.w, m.innerH + m.outerH + 6, 6);
    ctx.fillStyle = sys ? sys.canvas : theme === 'dark' ? '#164e63' : '#cffafe';
    ctx.fill();
    ctx.strokeStyle = sys ? sys.text : '#0891b2';
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = sys ? sys.text : theme === 'dark' ? '#e0f2fe' : '#0e7490';
    ctx.fillText(m.outer, bx + 7, by + m.lineH);
  }
  const ix = m.outer ? bx + 6 : bx;
  const iy = by + m.outerH;
  roundRect(ctx, ix, iy, m.innerW, m.innerH, 6);
  ctx.fillStyle = plate;
  ctx.fill();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  // a reply's label is dashed, a DNS message's dotted: told apart in forced colours too
  ctx.setLineDash(packetDash(s.tone));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = ink;
  m.lines.forEach((line, i) => ctx.fillText(line, ix + 7, iy + 4 + (i + 1) * m.lineH - Math.round(m.fontPx * 0.3)));
  ctx.restore();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
