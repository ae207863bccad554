/**
 * A small SVG exporter of our own (cytoscape-svg is GPL-3.0): the diagram as vector shapes, lines
 * and text, read from Cytoscape's rendered geometry and computed style, with the packet of the
 * current step and its caption. Every label is XML-escaped: user text never becomes markup, and
 * nothing here writes script, foreignObject or event attributes.
 */
import type { Core, EdgeSingular, NodeSingular, Position } from 'cytoscape';
import type { PacketSprite } from './packetLayer';
import { TONES } from './packetLayer';
import { packetDash, packetPath, packetShape } from './packetShape';
import type { Theme } from './stylesheet';

/**
 * Text as XML character data or attribute value. Characters XML 1.0 cannot hold at all (C0
 * controls other than tab, newline and CR; lone surrogates; U+FFFE and U+FFFF) would make the
 * whole file unreadable, so they are written out as `<U+0007>`, visibly.
 */
export const escapeXml = (text: string): string =>
  text
    .replace(
      // eslint-disable-next-line no-control-regex -- finding what XML forbids is the point
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`,
    )
    .replace(
      /[<>&"']/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
    );

/** The width of `text` in a CSS `font`; the browser's canvas measures, else an estimate. */
export type MeasureText = (text: string, font: string) => number;

/** Without a canvas (tests, workers): monospace-ish widths, a little generous so lines wrap early. */
export const estimateWidth: MeasureText = (text, font) => {
  const size = parseFloat(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? '12');
  return [...text].length * size * 0.62;
};

export interface SvgOptions {
  /** the page's colours around the diagram */
  background: string;
  theme: Theme;
  /** the packets drawn over the diagram now, model coordinates */
  sprites?: readonly PacketSprite[];
  /** the current step's sentence, written under the diagram */
  caption?: { step: string | null; text: string } | null;
  measure?: MeasureText;
  /**
   * Room kept for packets and captions not drawn in this picture: the frames of an animation all
   * get the size of the largest, so that the diagram stands still under the packet.
   */
  reserve?: { sprites: readonly PacketSprite[]; captions: readonly ({ step: string | null; text: string } | null)[] };
  /**
   * Only `view` (model px) of the diagram, enlarged into `width` x `height` pixels, with the
   * caption under it at `captionPx` (the frames of an animation that follow the packet). The
   * document is then in pixels: `width` wide, `height` plus the caption's band high.
   */
  window?: {
    view: { x: number; y: number; w: number; h: number };
    width: number;
    height: number;
    captionPx: number;
  };
}

function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'number' ? value : parseFloat(String(value ?? ''));
  return Number.isFinite(n) ? n : fallback;
}

/** Attribute value text for a colour or font from Cytoscape's style (escaped all the same). */
const attr = (value: unknown): string => escapeXml(String(value ?? ''));

const f = (n: number): string => String(Math.round(n * 100) / 100);

/**
 * Cytoscape's unit polygons (generateUnitNgonPointsFitToSquare): a hexagon with points left and
 * right, an octagon with flat sides, both stretched to the node's box.
 */
const HEXAGON: readonly [number, number][] = [
  [-1, 0],
  [-0.5, -1],
  [0.5, -1],
  [1, 0],
  [0.5, 1],
  [-0.5, 1],
];
const O = Math.tan(Math.PI / 8);
const OCTAGON: readonly [number, number][] = [
  [-O, -1],
  [O, -1],
  [1, -O],
  [1, O],
  [O, 1],
  [-O, 1],
  [-1, O],
  [-1, -O],
];

/** One outline of a shape of `w` x `h` centred on (cx, cy), with the given paint attributes. */
function shapeSvg(shape: string, cx: number, cy: number, w: number, h: number, radius: number, paint: string): string {
  if (w <= 0 || h <= 0) return '';
  const poly = (pts: readonly [number, number][]) =>
    `<polygon data-shape="${shape}" points="${pts.map(([px, py]) => `${f(cx + (px * w) / 2)},${f(cy + (py * h) / 2)}`).join(' ')}"${shape.startsWith('round') ? ' stroke-linejoin="round"' : ''}${paint}/>`;
  switch (shape) {
    case 'ellipse':
      return `<ellipse data-shape="ellipse" cx="${f(cx)}" cy="${f(cy)}" rx="${f(w / 2)}" ry="${f(h / 2)}"${paint}/>`;
    case 'hexagon':
    case 'round-hexagon':
      return poly(HEXAGON);
    case 'octagon':
    case 'round-octagon':
      return poly(OCTAGON);
    default: {
      const rx = shape === 'rectangle' ? 0 : Math.min(radius, w / 2, h / 2);
      return `<rect data-shape="${shape === 'rectangle' ? 'rectangle' : 'round-rectangle'}" x="${f(cx - w / 2)}" y="${f(cy - h / 2)}" width="${f(w)}" height="${f(h)}" rx="${f(rx)}"${paint}/>`;
    }
  }
}

/** Breaks a label as Cytoscape's `text-wrap: wrap` does: at its newlines, then at spaces past `max`. */
export function wrapLabel(label: string, max: number, font: string, measure: MeasureText): string[] {
  const out: string[] = [];
  for (const line of label.split('\n')) {
    const words = line.split(' ');
    let current = '';
    for (const word of words) {
      const next = current ? `${current} ${word}` : word;
      if (current && measure(next, font) > max) {
        out.push(current);
        current = word;
      } else current = next;
    }
    out.push(current);
  }
  return out;
}

function nodeSvg(n: NodeSingular, measure: MeasureText): string {
  const bb = n.boundingBox({ includeLabels: false, includeOverlays: false });
  const strokeWidth = num(n.style('border-width'), 1);
  // the box inside its border: the outline is stroked on its centre line
  const cx = (bb.x1 + bb.x2) / 2;
  const cy = (bb.y1 + bb.y2) / 2;
  const w = Math.max(bb.w - strokeWidth, 0);
  const h = Math.max(bb.h - strokeWidth, 0);
  const shape = String(n.style('shape'));
  const cornerStyle = n.style('corner-radius');
  // Cytoscape's own round rectangle corner when none is set
  const radius = cornerStyle === 'auto' || cornerStyle === undefined ? Math.min(w / 4, h / 4, 8) : num(cornerStyle, 8);
  const fill = attr(n.style('background-color'));
  const fillOpacity = num(n.style('background-opacity'), 1);
  const stroke = attr(n.style('border-color'));
  const style = String(n.style('border-style'));
  const fillPaint = ` fill="${fill}"${fillOpacity < 1 ? ` fill-opacity="${f(fillOpacity)}"` : ''}`;
  const parts: string[] = [];
  if (strokeWidth <= 0) parts.push(shapeSvg(shape, cx, cy, w, h, radius, `${fillPaint} stroke="none"`));
  else if (style === 'double') {
    // two lines, each a third of the border, with the gap between them
    const t = strokeWidth / 3;
    parts.push(
      shapeSvg(shape, cx, cy, w + 2 * t, h + 2 * t, radius, `${fillPaint} stroke="${stroke}" stroke-width="${f(t)}"`),
      shapeSvg(shape, cx, cy, w - 2 * t, h - 2 * t, radius, ` fill="none" stroke="${stroke}" stroke-width="${f(t)}"`),
    );
  } else {
    const dash = style === 'dashed' ? ' stroke-dasharray="6 4"' : style === 'dotted' ? ' stroke-dasharray="2 3"' : '';
    parts.push(
      shapeSvg(shape, cx, cy, w, h, radius, `${fillPaint} stroke="${stroke}" stroke-width="${f(strokeWidth)}"${dash}`),
    );
  }
  const label = String(n.data('label') ?? '');
  if (label && num(n.style('text-opacity'), 1) > 0 && n.style('label') !== '') {
    const size = num(n.style('font-size'), 12);
    const family = String(n.style('font-family'));
    const bold = n.style('font-weight') === 'bold' || num(n.style('font-weight'), 400) >= 600;
    const font = `${bold ? 'bold ' : ''}${size}px ${family}`;
    const wrap = n.style('text-wrap') === 'wrap';
    const max = num(n.style('text-max-width'), Infinity);
    const lines = wrap ? wrapLabel(label, max, font, measure) : [label.replace(/\n/g, ' ')];
    const lineH = size * Math.max(num(n.style('line-height'), 1), 1);
    const valign = String(n.style('text-valign'));
    const mx = num(n.style('text-margin-x'));
    const my = num(n.style('text-margin-y'));
    // left-justified lines (a Gateway's listeners) start together, their block centred on the box
    const left = n.style('text-justification') === 'left';
    const x = left ? cx + mx - Math.max(...lines.map((l) => measure(l, font))) / 2 : cx + mx;
    const block = lineH * (lines.length - 1);
    // the first line's baseline: the block above, centred in or below the box, as Cytoscape puts it
    let y: number;
    if (valign === 'top') y = bb.y1 - block - size * 0.25 + my;
    else if (valign === 'bottom') y = bb.y2 + size + my;
    else y = cy - block / 2 + size * 0.35 + my;
    const tspans = lines
      .map((line, i) => `<tspan x="${f(x)}" y="${f(y + i * lineH)}">${escapeXml(line)}</tspan>`)
      .join('');
    parts.push(
      `<text text-anchor="${left ? 'start' : 'middle'}" font-size="${f(size)}" font-family="${attr(family)}" fill="${attr(n.style('color'))}"${bold ? ' font-weight="bold"' : ''}>${tspans}</text>`,
    );
  }
  return parts.join('');
}

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const PACKET_FONT = 12;

/** The headers' box of a packet: its size and the line height, model px. */
function packetLabelSize(s: PacketSprite, measure: MeasureText) {
  const font = `600 ${PACKET_FONT}px ${MONO}`;
  const lineH = Math.round(PACKET_FONT * 1.3);
  const innerW = Math.max(...s.label.map((l) => measure(l, font))) + 14;
  const innerH = s.label.length * lineH + 8;
  const outerH = s.outer ? lineH + 10 : 0;
  const w = s.outer ? Math.max(innerW + 12, measure(s.outer, font) + 14) : innerW;
  const h = innerH + outerH + (s.outer ? 6 : 0);
  return { font, lineH, innerW, innerH, outerH, w, h };
}

/** The box (top-left based, model px) a packet and its headers cover as `exportSvg` draws them. */
export function packetRect(s: PacketSprite, measure: MeasureText): { x: number; y: number; w: number; h: number } {
  if (s.label.length === 0) return { x: s.x - 12, y: s.y - 12, w: 24, h: 24 };
  const { w, h } = packetLabelSize(s, measure);
  // the label: above and to the right of the packet (see packetSvg)
  const top = s.y - 16 - h;
  return { x: s.x - 12, y: top, w: Math.max(24, 28 + w), h: s.y + 12 - top };
}

/** A packet as the packet layer draws it: its shape (packetShape.ts) and its headers beside it. */
function packetSvg(s: PacketSprite, theme: Theme, measure: MeasureText): string {
  const color = TONES[s.tone];
  const dark = theme === 'dark';
  const shape = packetShape(s.tone);
  const d = packetPath(shape, s.x, s.y, s.label.length === 0 ? 6 : 9);
  const out: string[] = [
    `<path data-packet="${s.tone}" data-packet-shape="${shape}" data-at="${f(s.x)} ${f(s.y)}" d="${d}" fill="${color}" stroke="${dark ? '#0f172a' : '#ffffff'}" stroke-width="2" stroke-linejoin="round"/>`,
  ];
  const dash = packetDash(s.tone);
  if (s.label.length === 0) return out.join('');
  const { lineH, innerW, innerH, outerH, w, h } = packetLabelSize(s, measure);
  // above and to the right of the packet, as the layer's first choice
  const bx = s.x + 16;
  const by = s.y - 16 - h;
  const text = (x: number, y: number, line: string, fill: string) =>
    `<text x="${f(x)}" y="${f(y)}" font-family="${attr(MONO)}" font-size="${PACKET_FONT}" font-weight="600" fill="${fill}">${escapeXml(line)}</text>`;
  const g: string[] = [`<g data-packet-label="">`];
  if (s.outer) {
    g.push(
      `<rect x="${f(bx)}" y="${f(by)}" width="${f(w)}" height="${f(h)}" rx="6" fill="${dark ? '#164e63' : '#cffafe'}" stroke="#0891b2" stroke-width="1.5"/>`,
      text(bx + 7, by + lineH, s.outer, dark ? '#e0f2fe' : '#0e7490'),
    );
  }
  const ix = s.outer ? bx + 6 : bx;
  const iy = by + outerH;
  g.push(
    `<rect x="${f(ix)}" y="${f(iy)}" width="${f(innerW)}" height="${f(innerH)}" rx="6" fill="${dark ? '#1e293b' : '#ffffff'}" stroke="${color}" stroke-width="2"${dash.length > 0 ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`,
  );
  s.label.forEach((line, i) =>
    g.push(text(ix + 7, iy + 4 + (i + 1) * lineH - Math.round(PACKET_FONT * 0.3), line, dark ? '#f8fafc' : '#0f172a')),
  );
  g.push('</g>');
  out.push(g.join(''));
  return out.join('');
}

/** Where an edge is drawn from and to; a headless Cytoscape (no renderer) has only the centres. */
function endpoints(e: EdgeSingular): [Position, Position] {
  try {
    return [e.sourceEndpoint(), e.targetEndpoint()];
  } catch {
    return [e.source().position(), e.target().position()];
  }
}

type Caption = { step: string | null; text: string } | null;

/** The caption's band: its rule and lines from `top`, starting at `left`. */
function captionSvg(
  lines: readonly string[],
  left: number,
  top: number,
  width: number,
  size: number,
  pad: number,
  dark: boolean,
): string {
  const lineH = size * 1.35;
  return (
    `<g data-caption=""><line x1="${f(left)}" y1="${f(top)}" x2="${f(left + width)}" y2="${f(top)}" stroke="${dark ? '#334155' : '#e2e8f0'}"/>` +
    `<text font-family="ui-sans-serif, system-ui, sans-serif" font-size="${f(size)}" fill="${dark ? '#f1f5f9' : '#0f172a'}">${lines
      .map(
        (line, i) =>
          `<tspan x="${f(left + pad)}" y="${f(top + pad / 2 + (i + 1) * lineH - size * 0.3)}">${escapeXml(line)}</tspan>`,
      )
      .join('')}</text></g>`
  );
}

/** The caption's text in lines of at most `max` wide. */
const wrapCaptionIn = (c: Caption, max: number, font: string, measure: MeasureText): string[] =>
  c ? wrapLabel(`${c.step ? `Step ${c.step}: ` : ''}${c.text}`, max, font, measure) : [];

const CAPTION_FAMILY = 'ui-sans-serif, system-ui, sans-serif';

/** The diagram's shapes, lines and labels, then the packets: model coordinates. */
function diagramSvg(cy: Core, sprites: readonly PacketSprite[], theme: Theme, measure: MeasureText): string[] {
  const out: string[] = [];
  // parents first so that children are painted over them, then edges, then leaves
  const byDepth: NodeSingular[] = cy
    .nodes()
    .toArray()
    .sort((a, b) => a.ancestors().length - b.ancestors().length) as NodeSingular[];
  byDepth
    .filter((n) => n.isParent())
    .forEach((n) => {
      out.push(`<g data-id="${escapeXml(n.id())}">${nodeSvg(n, measure)}</g>`);
    });
  cy.edges().forEach((e) => {
    const [s, t] = endpoints(e);
    const dash = e.style('line-style') === 'dashed' ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<line data-id="${escapeXml(e.id())}" x1="${f(s.x)}" y1="${f(s.y)}" x2="${f(t.x)}" y2="${f(t.y)}" stroke="${attr(e.style('line-color'))}" stroke-width="${f(num(e.style('width'), 1))}"${dash}/>`,
    );
  });
  byDepth
    .filter((n) => !n.isParent())
    .forEach((n) => {
      out.push(`<g data-id="${escapeXml(n.id())}">${nodeSvg(n, measure)}</g>`);
    });
  for (const s of sprites) out.push(packetSvg(s, theme, measure));
  return out;
}

/** A part of the diagram enlarged into a picture of fixed pixels, the caption under it. */
function windowSvg(cy: Core, options: SvgOptions, window: NonNullable<SvgOptions['window']>): string {
  const { background, theme, sprites = [], caption = null, measure = estimateWidth, reserve } = options;
  const { view, width, height, captionPx } = window;
  const dark = theme === 'dark';
  const pad = Math.round(captionPx * 0.9);
  const font = `${captionPx}px ${CAPTION_FAMILY}`;
  const lines = wrapCaptionIn(caption, width - 2 * pad, font, measure);
  const rows = Math.max(
    lines.length,
    ...(reserve?.captions ?? []).map((c) => wrapCaptionIn(c, width - 2 * pad, font, measure).length),
  );
  const captionH = rows ? Math.ceil(rows * captionPx * 1.35 + pad) : 0;
  const h = height + captionH;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" data-theme="${theme}">`,
    `<rect x="0" y="0" width="${width}" height="${h}" fill="${attr(background)}"/>`,
    `<svg x="0" y="0" width="${width}" height="${height}" viewBox="${f(view.x)} ${f(view.y)} ${f(view.w)} ${f(view.h)}" preserveAspectRatio="xMidYMid meet" overflow="hidden" data-view="">`,
    ...diagramSvg(cy, sprites, theme, measure),
    '</svg>',
    lines.length ? captionSvg(lines, 0, height, width, captionPx, pad, dark) : '',
    '</svg>',
  ].join('\n');
}

/** The whole diagram as a standalone SVG document. */
export function exportSvg(cy: Core, options: SvgOptions): string {
  if (options.window) return windowSvg(cy, options, options.window);
  const { background, theme, sprites = [], caption = null, measure = estimateWidth, reserve } = options;
  const bb = cy.elements().boundingBox({ includeLabels: true });
  let x1 = bb.x1;
  let y1 = bb.y1;
  let x2 = bb.x2;
  let y2 = bb.y2;
  // the packets and their labels may stand past the diagram's edge
  for (const s of [...sprites, ...(reserve?.sprites ?? [])]) {
    x1 = Math.min(x1, s.x - 12);
    x2 = Math.max(x2, s.x + (s.label.length ? 16 + 400 : 12));
    y1 = Math.min(y1, s.y - (s.label.length ? 16 + (s.label.length + 2) * 16 + 30 : 12));
    y2 = Math.max(y2, s.y + 12);
  }
  const pad = 20;
  const x = x1 - pad;
  const y = y1 - pad;
  const w = x2 - x1 + pad * 2;
  // the caption is a band under the diagram, wrapped to its width
  const captionSize = 16;
  const captionFont = `${captionSize}px ${CAPTION_FAMILY}`;
  const wrapCaption = (c: Caption): string[] => wrapCaptionIn(c, w - 2 * pad, captionFont, measure);
  const captionLines = wrapCaption(caption);
  const captionRows = Math.max(captionLines.length, ...(reserve?.captions ?? []).map((c) => wrapCaption(c).length));
  const captionH = captionRows ? captionRows * captionSize * 1.35 + pad : 0;
  const h = y2 - y1 + pad * 2 + captionH;
  const dark = theme === 'dark';
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${f(x)} ${f(y)} ${f(w)} ${f(h)}" width="${Math.round(w)}" height="${Math.round(h)}" data-theme="${theme}">`,
    `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" fill="${attr(background)}"/>`,
    ...diagramSvg(cy, sprites, theme, measure),
  ];
  if (captionLines.length) out.push(captionSvg(captionLines, x, y2 + pad, w, captionSize, pad, dark));
  out.push('</svg>');
  return out.join('\n');
}
