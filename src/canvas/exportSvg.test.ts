import { describe, expect, it } from 'vitest';
import cytoscape from 'cytoscape';
import type { ElementDefinition } from 'cytoscape';
import { escapeXml, estimateWidth, exportSvg, packetRect, wrapLabel } from './exportSvg';
import { PALETTES, stylesheet } from './stylesheet';
import type { Theme } from './stylesheet';
import { ElementKind } from './toElements';

describe('text in the exported SVG', () => {
  it('is never markup', () => {
    expect(escapeXml('"><svg onload=alert(1)>')).toBe('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(escapeXml("<img src=x onerror='x'>&")).toBe('&lt;img src=x onerror=&apos;x&apos;&gt;&amp;');
  });

  it('writes out characters XML cannot hold, so the file stays well-formed', () => {
    expect(escapeXml('web\u0007bell')).toBe('web&lt;U+0007&gt;bell');
    expect(escapeXml('a\u0000b\uffff')).toBe('a&lt;U+0000&gt;b&lt;U+FFFF&gt;');
    expect(escapeXml('lone \ud800 surrogate')).toBe('lone &lt;U+D800&gt; surrogate');
    // tab, newline, CR and real astral characters are fine
    expect(escapeXml('a\tb\nc\rd 😀')).toBe('a\tb\nc\rd 😀');
  });
});

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITY[e] as string);

/**
 * A strict parser for the XML subset the exporter writes (no DOMParser in Node): elements,
 * double-quoted attributes, the five entities. Anything else (a bare `<` or `&`, a comment, a
 * processing instruction, CDATA, an unclosed or mismatched tag, a repeated attribute, a character
 * XML forbids) throws.
 */
function parseXml(xml: string): XmlElement {
  // eslint-disable-next-line no-control-regex -- what XML 1.0 cannot hold at all
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) throw new Error('forbidden character');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const text = (s: string) => {
    if (/[<&]/.test(s.replace(/&(lt|gt|amp|quot|apos);/g, ''))) throw new Error(`bad text ${JSON.stringify(s)}`);
    (stack[stack.length - 1] as XmlElement).text += decode(s);
  };
  let at = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)>/y;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    if (lt < 0) {
      text(xml.slice(at));
      break;
    }
    text(xml.slice(at, lt));
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`bad markup at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [whole, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name || attrText) throw new Error(`mismatched </${name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of attrText.matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)) {
        if ((k as string) in attrs) throw new Error(`repeated attribute ${k}`);
        if (/&(?!(lt|gt|amp|quot|apos);)/.test(v as string)) throw new Error(`bare & in ${k}`);
        attrs[k as string] = decode(v as string);
      }
      const el: XmlElement = { name, attrs, children: [], text: '' };
      (stack[stack.length - 1] as XmlElement).children.push(el);
      if (!selfClose) stack.push(el);
    }
    at = lt + whole.length;
  }
  if (stack.length !== 1) throw new Error('unclosed element');
  if (root.children.length !== 1 || root.text.trim()) throw new Error('not one root element');
  return root.children[0] as XmlElement;
}

const all = (el: XmlElement): XmlElement[] => [el, ...el.children.flatMap(all)];
const textOf = (el: XmlElement): string => el.text + el.children.map(textOf).join('');

const HOSTILE = [
  '</text><script>alert(1)</script>',
  '"onload=alert(1) x="',
  "' onerror='x",
  '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>',
  'bell\u0007nul\u0000 &amp; ]]> <!-- c -->',
];

function diagram(theme: Theme, labels: Partial<Record<string, string>> = {}) {
  const box = (id: string, kind: string, x: number, y: number, w = 140, h = 60, extra = {}): ElementDefinition => ({
    data: { id, kind, label: labels[id] ?? id, w, h, fs: 14, ...extra },
    classes: kind,
    position: { x, y },
  });
  return cytoscape({
    headless: true,
    styleEnabled: true,
    style: stylesheet(theme),
    elements: [
      box('internet', ElementKind.internet, 0, 0),
      box('lb', ElementKind.loadBalancer, 200, 0),
      box('policy/default/deny', ElementKind.policy, 400, 0, 140, 60, { enforced: true }),
      box('policy/default/loose', ElementKind.policy, 600, 0),
      box('svc/default/web', ElementKind.service, 0, 150),
      box('dev/a/eth0', ElementKind.rootDevice, 200, 150),
      box('underlay', ElementKind.underlay, 400, 150, 300, 8),
      {
        data: { id: 'node/a', kind: ElementKind.node, label: labels['node/a'] ?? 'node-a' },
        classes: ElementKind.node,
      },
      {
        data: { id: 'pod/default/web', kind: ElementKind.pod, label: 'web-7d4\nb9c', parent: 'node/a' },
        classes: `${ElementKind.pod} isolated`,
      },
      {
        data: {
          id: 'ctr',
          kind: ElementKind.container,
          label: 'a container with a rather long name that wraps at the box',
          w: 120,
          h: 40,
          parent: 'pod/default/web',
        },
        classes: ElementKind.container,
        position: { x: 100, y: 400 },
      },
      { data: { id: 'link/lb--internet', source: 'lb', target: 'internet' }, classes: ElementKind.link },
    ],
  });
}

const SPRITE = {
  x: 100,
  y: 0,
  label: ['10.0.1.5:41000 → 10.96.0.10:80', 'TCP SYN'],
  outer: '192.168.0.2 → 192.168.0.3 (VXLAN)',
  tone: 'request' as const,
};

describe('the exported SVG', () => {
  const svgOf = (theme: Theme, labels: Partial<Record<string, string>> = {}) =>
    exportSvg(diagram(theme, labels), {
      background: PALETTES[theme].nodeFill,
      theme,
      sprites: [SPRITE, { x: 300, y: 100, label: [], tone: 'drop' }],
      caption: { step: '4 of 12', text: 'The packet leaves node-a on eth0 for the Service web.' },
    });

  it('draws every kind in its own shape and border', () => {
    const svg = parseXml(svgOf('light'));
    expect(svg.name).toBe('svg');
    const shapeOf = (id: string) =>
      all(svg)
        .find((e) => e.attrs['data-id'] === id)
        ?.children.filter((c) => c.attrs['data-shape'])
        .map((c) => [c.name, c.attrs['data-shape'], c.attrs['stroke-dasharray'] ?? 'solid']);
    expect(shapeOf('internet')).toEqual([['ellipse', 'ellipse', 'solid']]);
    expect(shapeOf('lb')).toEqual([['polygon', 'hexagon', 'solid']]);
    expect(shapeOf('policy/default/deny')).toEqual([['polygon', 'round-octagon', 'solid']]);
    // a policy not enforced is dashed
    expect(shapeOf('policy/default/loose')).toEqual([['polygon', 'round-octagon', '6 4']]);
    expect(shapeOf('svc/default/web')).toEqual([['rect', 'round-rectangle', '6 4']]);
    expect(shapeOf('underlay')).toEqual([['rect', 'rectangle', 'solid']]);
    // an isolated pod's double border: two outlines
    expect(shapeOf('pod/default/web')).toEqual([
      ['rect', 'round-rectangle', 'solid'],
      ['rect', 'round-rectangle', 'solid'],
    ]);
    const hexagon = all(svg).find((e) => e.attrs['data-shape'] === 'hexagon');
    expect(hexagon?.attrs['points']?.split(' ')).toHaveLength(6);
    const octagon = all(svg).find((e) => e.attrs['data-shape'] === 'round-octagon');
    expect(octagon?.attrs['points']?.split(' ')).toHaveLength(8);
    // the Service's corner is the stylesheet's 16, not a default
    const service = all(svg).find((e) => e.attrs['data-id'] === 'svc/default/web')?.children[0];
    expect(service?.attrs['rx']).toBe('16');
  });

  it('wraps labels into lines at their newlines and at the box width', () => {
    const svg = parseXml(svgOf('light'));
    const lines = (id: string) =>
      all(svg)
        .find((e) => e.attrs['data-id'] === id)
        ?.children.find((c) => c.name === 'text')
        ?.children.map((t) => t.text);
    expect(lines('pod/default/web')).toEqual(['web-7d4', 'b9c']);
    const container = lines('ctr') ?? [];
    expect(container.length).toBeGreaterThan(1);
    expect(container.join(' ')).toBe('a container with a rather long name that wraps at the box');
    // the container's text-max-width is 400px, its font 12px
    for (const line of container) expect(estimateWidth(line, '12px x')).toBeLessThanOrEqual(400);
  });

  it('keeps the theme: the dark palette in dark, the light one in light', () => {
    const light = parseXml(svgOf('light'));
    const dark = parseXml(svgOf('dark'));
    expect(light.attrs['data-theme']).toBe('light');
    expect(dark.attrs['data-theme']).toBe('dark');
    // Cytoscape gives colours back as rgb()
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(',')})`;
    const fills = (svg: XmlElement) => new Set(all(svg).map((e) => e.attrs['fill']?.replace(/\s/g, '')));
    expect(light.children[0]?.attrs['fill']).toBe(PALETTES.light.nodeFill);
    expect(dark.children[0]?.attrs['fill']).toBe(PALETTES.dark.nodeFill);
    expect(fills(dark)).toContain(rgb(PALETTES.dark.internet));
    expect(fills(dark)).not.toContain(rgb(PALETTES.light.internet));
    expect(fills(light)).toContain(rgb(PALETTES.light.policy));
    expect(fills(light)).not.toContain(rgb(PALETTES.dark.policy));
  });

  it('draws the packet, its headers and the step caption', () => {
    const svg = parseXml(svgOf('light'));
    const packets = all(svg).filter((e) => e.attrs['data-packet']);
    expect(packets.map((p) => [p.attrs['data-packet'], p.attrs['data-packet-shape'], p.attrs['data-at']])).toEqual([
      ['request', 'circle', '100 0'],
      ['drop', 'cross', '300 100'],
    ]);
    const label = all(svg).find((e) => e.attrs['data-packet-label'] !== undefined);
    expect(label && textOf(label)).toBe(`${SPRITE.outer}${SPRITE.label.join('')}`);
    const caption = all(svg).find((e) => e.attrs['data-caption'] !== undefined);
    expect(caption && textOf(caption)).toBe('Step 4 of 12: The packet leaves node-a on eth0 for the Service web.');
    // the caption is inside the picture, under the diagram
    const [, vy, , vh] = (svg.attrs['viewBox'] ?? '').split(' ').map(Number) as [number, number, number, number];
    const tspan = all(caption as XmlElement).find((e) => e.name === 'tspan');
    expect(Number(tspan?.attrs['y'])).toBeLessThan(vy + vh);
    // and below every shape of it
    const bottom = (e: XmlElement): number =>
      e.name === 'rect'
        ? Number(e.attrs['y']) + Number(e.attrs['height'])
        : e.name === 'ellipse'
          ? Number(e.attrs['cy']) + Number(e.attrs['ry'])
          : Math.max(...(e.attrs['points'] ?? '').split(' ').map((p) => Number(p.split(',')[1])));
    const shapes = all(svg).filter((e) => e.attrs['data-shape']);
    expect(shapes.length).toBeGreaterThan(8);
    expect(Number(tspan?.attrs['y'])).toBeGreaterThan(Math.max(...shapes.map(bottom)));
  });

  it('draws a window of the diagram enlarged into fixed pixels, the caption under it in pixels', () => {
    const text = exportSvg(diagram('dark'), {
      background: PALETTES.dark.nodeFill,
      theme: 'dark',
      sprites: [SPRITE],
      caption: { step: '4 of 12', text: 'The packet leaves node-a on eth0 for the Service web.' },
      reserve: { sprites: [], captions: [{ step: '5 of 12', text: 'word '.repeat(60) }] },
      window: { view: { x: 50, y: -120, w: 400, h: 300 }, width: 480, height: 360, captionPx: 13 },
    });
    const svg = parseXml(text);
    expect(svg.attrs['viewBox']).toMatch(/^0 0 480 \d+$/);
    expect(svg.attrs['width']).toBe('480');
    const height = Number(svg.attrs['height']);
    const inner = svg.children.find((e) => e.attrs['data-view'] !== undefined);
    expect(inner?.attrs).toMatchObject({ width: '480', height: '360', viewBox: '50 -120 400 300' });
    // the diagram and the packet are inside the window; the caption is not
    expect(all(inner as XmlElement).some((e) => e.attrs['data-packet'] === 'request')).toBe(true);
    const caption = svg.children.find((e) => e.attrs['data-caption'] !== undefined) as XmlElement;
    const text13 = all(caption).find((e) => e.name === 'text');
    expect(text13?.attrs['font-size']).toBe('13');
    const ys = all(caption)
      .filter((e) => e.name === 'tspan')
      .map((t) => Number(t.attrs['y']));
    expect(Math.min(...ys)).toBeGreaterThan(360);
    // room for the longest caption of the animation (many lines), so every frame has one size
    expect(height).toBeGreaterThan(360 + 13 * 1.35 * 3);
    expect(Math.max(...ys)).toBeLessThan(height);
  });

  it('gives the box of a packet and its headers', () => {
    const r = packetRect(SPRITE, estimateWidth);
    expect(r.x).toBeLessThan(SPRITE.x - 9);
    expect(r.y + r.h).toBeGreaterThan(SPRITE.y + 9);
    // headers above and to the right: the widest line at 12 px fits
    expect(r.x + r.w).toBeGreaterThan(SPRITE.x + 16 + estimateWidth(SPRITE.outer, '600 12px monospace'));
    expect(r.y).toBeLessThan(SPRITE.y - 16 - 3 * 15);
    expect(packetRect({ x: 5, y: 5, label: [], tone: 'drop' }, estimateWidth)).toEqual({ x: -7, y: -7, w: 24, h: 24 });
  });

  it.each(HOSTILE)('stays well-formed and inert with the label %j', (hostile) => {
    const text = exportSvg(diagram('light', { internet: hostile, lb: `${hostile}\n${hostile}`, 'node/a': hostile }), {
      background: PALETTES.light.nodeFill,
      theme: 'light',
      sprites: [{ ...SPRITE, label: [hostile], outer: hostile }],
      caption: { step: '1 of 2', text: hostile },
    });
    const svg = parseXml(text);
    const elements = all(svg);
    const names = new Set(elements.map((e) => e.name));
    expect([...names].sort()).toEqual(
      ['circle', 'ellipse', 'g', 'line', 'path', 'polygon', 'rect', 'svg', 'text', 'tspan'].filter((n) => names.has(n)),
    );
    expect(names).not.toContain('script');
    expect(names).not.toContain('foreignObject');
    for (const e of elements) for (const k of Object.keys(e.attrs)) expect(k).not.toMatch(/^on/i);
    // the label is there as text, whole (bar the characters XML cannot hold, written out)
    const shown = hostile.replace('\u0007', '<U+0007>').replace('\u0000', '<U+0000>');
    const internet = elements.find((e) => e.attrs['data-id'] === 'internet');
    const lines = all(internet as XmlElement).filter((e) => e.name === 'tspan');
    expect(lines.map((t) => t.text).join(' ')).toBe(shown);
    const caption = elements.find((e) => e.attrs['data-caption'] !== undefined);
    expect(
      all(caption as XmlElement)
        .filter((e) => e.name === 'tspan')
        .map((t) => t.text)
        .join(' '),
    ).toBe(`Step 1 of 2: ${shown}`);
  });
});

describe('label wrapping', () => {
  it('breaks at newlines always and at spaces only past the width', () => {
    expect(wrapLabel('a b\nc', 1000, '12px x', estimateWidth)).toEqual(['a b', 'c']);
    expect(wrapLabel('aaaa bbbb cccc', 80, '12px x', estimateWidth)).toEqual(['aaaa bbbb', 'cccc']);
    // a word longer than the width stays whole on its own line
    expect(wrapLabel('x averyveryverylongword y', 40, '12px x', estimateWidth)).toEqual([
      'x',
      'averyveryverylongword',
      'y',
    ]);
  });
});
