import { readFileSync } from 'node:fs';
import cytoscape from 'cytoscape';
import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec } from '../sim';
import { loadManifests } from '../sim/import/index';
import type { Cluster } from '../sim/model/types';
import { exportSvg } from './exportSvg';
import { gatewayDrawing, matchSummary } from './gatewayDrawing';
import { layoutCluster } from './layout';
import type { Box } from './layout';
import { stylesheet } from './stylesheet';
import { ElementKind, toElements } from './toElements';

const examples = readFileSync(new URL('../sim/gateway/fixtures/examples.yaml', import.meta.url), 'utf8');

function load(text: string): Cluster {
  const r = loadManifests([{ name: 'gateway.yaml', text }]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.cluster;
}

const overlaps = (a: Box, b: Box): boolean =>
  Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

const ORPHAN = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: orphan, namespace: default }
spec:
  parentRefs: [{ name: nowhere }]
  rules:
    - matches: [{ path: { type: Exact, value: /health }, method: GET, headers: [{ name: x-env, value: prod }] }]
      backendRefs: [{ name: web, port: 80 }]
`;

describe('the Gateway API in the diagram', () => {
  const cluster = load(examples);

  it('draws the Gateway with its listeners and each route with its hostnames and rules', () => {
    const d = gatewayDrawing(cluster);
    expect(d.gateways.map((g) => g.id)).toEqual(['gw/default/web']);
    expect(d.gateways[0]?.label.split('\n')).toEqual([
      'web · Gateway · eg',
      'http HTTP :80',
      'https HTTPS :443 *.example.com',
      // the HTTPS listener ends TLS with its Secret (tls.mode defaults to Terminate)
      '  TLS Terminate · cert example-com-tls',
    ]);
    expect(d.gateways[0]?.tooltip).toContain('https HTTPS :443 *.example.com, TLS Terminate · cert example-com-tls');
    expect(d.routes.map((r) => r.id)).toEqual([
      'httproute/default/to-https',
      'httproute/default/web',
      'httproute/default/api',
    ]);
    const web = d.routes.find((r) => r.id === 'httproute/default/web');
    expect(web?.label.split('\n')).toEqual([
      'web · HTTPRoute',
      'www.example.com',
      '/ x-canary=always → web-canary',
      '/ → web 90% · web-canary 10%',
    ]);
    expect(d.routes[0]?.label).toContain('/ → redirect 301 https');
    expect(d.links).toEqual(
      expect.arrayContaining([
        { source: 'gw/default/web', target: 'httproute/default/web', broken: false },
        { source: 'httproute/default/web', target: 'svc/default/web-canary', broken: false },
        { source: 'httproute/default/api', target: 'svc/shop/cart', broken: false },
      ]),
    );
    // every box is sized for its text at 12 px (0.62 em a character) and no line is cut
    for (const b of [...d.gateways, ...d.routes]) {
      const longest = Math.max(...b.label.split('\n').map((l) => l.length));
      expect(b.w).toBeGreaterThanOrEqual(longest * 12 * 0.62 + 20);
      expect(b.h).toBeGreaterThanOrEqual(b.label.split('\n').length * 15);
    }
  });

  it('lays Gateways over their routes over the Services, with nothing overlapping', () => {
    const layout = layoutCluster(cluster);
    const gw = layout.positions.get('gw/default/web')!;
    const route = layout.positions.get('httproute/default/web')!;
    const svc = layout.positions.get('svc/default/web')!;
    expect(gw.y + gw.h / 2).toBeLessThan(route.y - route.h / 2);
    expect(route.y + route.h / 2).toBeLessThan(svc.y - svc.h / 2);
    const boxes = [...layout.positions.entries()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [ia, a] = boxes[i]!;
        const [ib, b] = boxes[j]!;
        expect(overlaps(a, b), `${ia} overlaps ${ib}`).toBe(false);
      }
    // and above every node
    for (const [, node] of layout.nodeBoxes) expect(svc.y + svc.h / 2).toBeLessThan(node.y);
  });

  it('emits the boxes and lines, a route nothing accepts dashed and saying why', () => {
    const c = load(examples + ORPHAN);
    const { elements } = toElements(c);
    const kinds = (k: string) => elements.filter((e) => e.data['kind'] === k).map((e) => e.data.id);
    expect(kinds(ElementKind.gateway)).toEqual(['gw/default/web']);
    expect(kinds(ElementKind.httpRoute)).toHaveLength(4);
    const orphan = elements.find((e) => e.data.id === 'httproute/default/orphan');
    expect(orphan?.data['ok']).toBe(false);
    expect(String(orphan?.data['label'])).toContain('=/health GET x-env=prod → web');
    expect(String(orphan?.data['label'])).toContain('not accepted: NoMatchingParent');
    const edges = elements.filter((e) => e.group === 'edges' && String(e.classes).includes('gateway-link'));
    expect(edges.map((e) => e.data.id)).toContain('link/gw/default/web--httproute/default/api');
    // every line's ends are drawn
    const ids = new Set(elements.map((e) => e.data.id));
    for (const e of edges) expect(ids.has(e.data.source) && ids.has(e.data.target), e.data.id).toBe(true);
  });

  it('leaves a cluster without Gateway API objects as it was', () => {
    const plain = buildCluster(defaultClusterSpec);
    expect(gatewayDrawing(plain)).toEqual({ gateways: [], routes: [], links: [] });
    const kinds = new Set(toElements(plain).elements.map((e) => e.data['kind']));
    expect(kinds.has(ElementKind.gateway) || kinds.has(ElementKind.httpRoute)).toBe(false);
  });

  it('sends a route line to the Services summary when the Services are summarised', () => {
    const layout = layoutCluster(cluster);
    const { elements, summarisedIn } = toElements(cluster, [], { nodes: new Set(), serviceRows: new Set() }, layout);
    const ids = new Set(elements.map((e) => e.data.id));
    for (const e of elements.filter((x) => x.group === 'edges'))
      expect(ids.has(e.data.source) && ids.has(e.data.target), e.data.id).toBe(true);
    const summary = summarisedIn.get('svc/default/web');
    expect(summary).toMatch(/^services\/rows\//);
    expect(elements.some((e) => e.data.source === 'httproute/default/web' && e.data.target === summary)).toBe(true);
  });

  it('summarises a match in a few words', () => {
    const route = gatewayDrawing(load(examples + ORPHAN));
    expect(route.routes.at(-1)?.label).toContain('=/health GET x-env=prod');
    expect(
      matchSummary({
        path: { type: 'PathPrefix', value: '/api', program: null },
        method: null,
        headers: [],
        queryParams: [{ type: 'Exact', name: 'v', value: '2', program: null }],
      }),
    ).toBe('/api* ?v');
  });

  it('exports the listeners as text and an unresolved line dashed', () => {
    const c = load(examples.replace(/^kind: ReferenceGrant[\s\S]*$/m, 'kind: ConfigMap\nmetadata: { name: x }\n'));
    const cy = cytoscape({
      headless: true,
      styleEnabled: true,
      style: stylesheet('light'),
      elements: toElements(c).elements,
    });
    const svg = exportSvg(cy, { background: '#fff', theme: 'light' });
    expect(svg).toContain('>https HTTPS :443 *.example.com</tspan>');
    expect(svg).toMatch(/data-id="link\/httproute\/default\/api--svc\/shop\/cart"[^>]*stroke-dasharray="6 4"/);
    expect(svg).not.toMatch(/data-id="link\/gw\/default\/web--httproute\/default\/api"[^>]*stroke-dasharray/);
  });
});
