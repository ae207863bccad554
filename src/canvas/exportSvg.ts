/**
 * A small SVG exporter of our own (cytoscape-svg is GPL-3.0): the diagram as vector boxes, lines
 * and text, read from Cytoscape's rendered geometry and computed style. Every label is XML-escaped:
 * user text never becomes markup.
 */
import type { Core, NodeSingular } from 'cytoscape';

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

function num(value: string | number | undefined, fallback = 0): number {
  const n = typeof value === 'number' ? value : parseFloat(value ?? '');
  return Number.isFinite(n) ? n : fallback;
}

function nodeSvg(n: NodeSingular): string {
  const bb = n.boundingBox({ includeLabels: false, includeOverlays: false });
  const fill = n.style('background-color') as string;
  const stroke = n.style('border-color') as string;
  const strokeWidth = num(n.style('border-width') as string, 1);
  const dashed =
    n.style('border-style') === 'dashed'
      ? ' stroke-dasharray="6 4"'
      : n.style('border-style') === 'dotted'
        ? ' stroke-dasharray="2 3"'
        : '';
  const rx = n.style('shape') === 'rectangle' ? 0 : Math.min(10, bb.h / 4);
  const parts = [
    `<rect x="${bb.x1 + strokeWidth / 2}" y="${bb.y1 + strokeWidth / 2}" width="${Math.max(bb.w - strokeWidth, 0)}" height="${Math.max(bb.h - strokeWidth, 0)}" rx="${rx}" fill="${fill}" stroke="${strokeWidth > 0 ? stroke : 'none'}" stroke-width="${strokeWidth}"${dashed}/>`,
  ];
  const label = String(n.data('label') ?? '');
  if (label) {
    const size = num(n.style('font-size') as string, 12);
    const color = n.style('color') as string;
    const family = escapeXml(String(n.style('font-family')));
    const weight = n.style('font-weight') === 'bold' ? ' font-weight="bold"' : '';
    const lines = label.split('\n');
    const valign = n.style('text-valign') as string;
    const lineH = size * 1.2;
    const x = (bb.x1 + bb.x2) / 2;
    let y: number;
    if (n.isParent() && valign === 'top')
      y = bb.y1 - lineH * (lines.length - 1) - 4 + num(n.style('text-margin-y') as string);
    else if (valign === 'bottom') y = bb.y2 + size + 4;
    else y = (bb.y1 + bb.y2) / 2 - (lineH * (lines.length - 1)) / 2 + size * 0.35;
    const tspans = lines.map((line, i) => `<tspan x="${x}" y="${y + i * lineH}">${escapeXml(line)}</tspan>`).join('');
    parts.push(
      `<text text-anchor="middle" font-size="${size}" font-family="${family}" fill="${color}"${weight}>${tspans}</text>`,
    );
  }
  return parts.join('');
}

/** The whole diagram as a standalone SVG document. */
export function exportSvg(cy: Core, background: string): string {
  const bb = cy.elements().boundingBox({ includeLabels: true });
  const pad = 20;
  const x = bb.x1 - pad;
  const y = bb.y1 - pad;
  const w = bb.w + pad * 2;
  const h = bb.h + pad * 2;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${x} ${y} ${w} ${h}" width="${Math.round(w)}" height="${Math.round(h)}">`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${background}"/>`,
  ];
  // parents first so that children are painted over them, then edges, then leaves
  const byDepth: NodeSingular[] = cy
    .nodes()
    .toArray()
    .sort((a, b) => a.ancestors().length - b.ancestors().length) as NodeSingular[];
  byDepth
    .filter((n) => n.isParent())
    .forEach((n) => {
      out.push(`<g data-id="${escapeXml(n.id())}">${nodeSvg(n)}</g>`);
    });
  cy.edges().forEach((e) => {
    const s = e.sourceEndpoint();
    const t = e.targetEndpoint();
    out.push(
      `<line data-id="${escapeXml(e.id())}" x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${e.style('line-color') as string}" stroke-width="${num(e.style('width') as string, 1)}"/>`,
    );
  });
  byDepth
    .filter((n) => !n.isParent())
    .forEach((n) => {
      out.push(`<g data-id="${escapeXml(n.id())}">${nodeSvg(n)}</g>`);
    });
  out.push('</svg>');
  return out.join('\n');
}
