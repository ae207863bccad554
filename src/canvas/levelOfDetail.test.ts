import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec } from '../sim';
import { loadManifests } from '../sim/import/index';
import { generatedSource } from '../sim/generate/generateCluster';
import { layoutCluster } from './layout';
import {
  DETAIL_ZOOM,
  FULL_DETAIL,
  fitView,
  levelOfDetail,
  nodeBody,
  sameDetail,
  usesLevelOfDetail,
} from './levelOfDetail';
import { ElementKind, serviceRowsId, toElements } from './toElements';

const generated = (() => {
  const result = loadManifests([generatedSource(10, 10, 1)]);
  if (!result.ok) throw new Error('the generated cluster did not load');
  return result.cluster;
})();
const layout = layoutCluster(generated);

describe('levelOfDetail', () => {
  it('always draws a small diagram in full, whatever the zoom', () => {
    const small = layoutCluster(buildCluster(defaultClusterSpec));
    expect(usesLevelOfDetail(small)).toBe(false);
    expect(levelOfDetail(small, { x1: 0, y1: 0, x2: 10, y2: 10 }, 0.05)).toBe(FULL_DETAIL);
  });

  it('summarises every node and Service row of a large diagram zoomed out', () => {
    const fitted = fitView(layout.bounds, 1280, 625, 24);
    expect(fitted.zoom).toBeLessThan(DETAIL_ZOOM);
    const lod = levelOfDetail(layout, fitted.extent, fitted.zoom);
    expect(lod.nodes).toEqual(new Set());
    expect(lod.serviceRows).toEqual(new Set());
  });

  it('zoomed in, draws in full the nodes in view and their neighbours, not the far ones', () => {
    const body = nodeBody(layout, 'worker-001')!;
    const view = { x1: body.x - 300, y1: body.y - 200, x2: body.x + 300, y2: body.y + 200 };
    const lod = levelOfDetail(layout, view, 1);
    if (lod.nodes === 'all') throw new Error('expected a partial level of detail');
    expect(lod.nodes.has('worker-001')).toBe(true);
    expect(lod.nodes.has('worker-010')).toBe(false);
    expect(lod.nodes.size).toBeLessThan(generated.nodes.length);
    // the same view gives the same detail; another view another one
    expect(sameDetail(lod, levelOfDetail(layout, view, 1))).toBe(true);
    const far = nodeBody(layout, 'worker-010')!;
    expect(
      sameDetail(lod, levelOfDetail(layout, { x1: far.x - 300, y1: far.y - 200, x2: far.x + 300, y2: far.y + 200 }, 1)),
    ).toBe(false);
  });

  it('fits the layout as cy.fit does: the whole bounds inside the padded view', () => {
    const { zoom, extent } = fitView(layout.bounds, 1280, 625, 24);
    expect(extent.x1).toBeLessThanOrEqual(layout.bounds.x);
    expect(extent.x2).toBeGreaterThanOrEqual(layout.bounds.x + layout.bounds.w);
    expect(Math.min((extent.x2 - extent.x1) * zoom, 1280)).toBeCloseTo(1280, 3);
  });

  it('keeps a wider left margin clear and honours the zoom range', () => {
    const box = { x: 100, y: 50, w: 400, h: 200 };
    const { zoom, pan } = fitView(box, 1000, 600, 20, 60);
    // screen position of the box's left edge is the left margin, its width fills what is left
    expect(box.x * zoom + pan.x).toBeGreaterThanOrEqual(60 - 1e-9);
    expect((box.x + box.w) * zoom + pan.x).toBeLessThanOrEqual(1000 - 20 + 1e-9);
    expect(zoom).toBeCloseTo((1000 - 60 - 20) / 400, 9);
    // vertically centred in the padded height
    expect(box.y * zoom + pan.y - 20).toBeCloseTo(600 - 20 - (box.y + box.h) * zoom - pan.y, 9);
    expect(fitView(box, 1000, 600, 20, 60, { min: 0.1, max: 1 }).zoom).toBe(1);
  });
});

describe('toElements with a level of detail', () => {
  const none = { nodes: new Set<string>(), serviceRows: new Set<number>() };
  const { elements, summarisedIn } = toElements(generated, [], none, layout);
  const byId = new Map(elements.map((e) => [e.data.id as string, e]));

  it('draws each node as one summary box with its pod count and podCIDR, and nothing inside', () => {
    const nodes = elements.filter((e) => e.data['kind'] === ElementKind.node);
    expect(nodes).toHaveLength(generated.nodes.length);
    for (const node of nodes) {
      expect(node.data['lod']).toBe('summary');
      expect(node.position).toBeDefined();
    }
    expect(byId.get('node/worker-001')!.data['label']).toBe('worker-001\n10 pods · 10.244.1.0/24');
    expect(elements.some((e) => e.data.parent !== undefined)).toBe(false);
    expect(elements.some((e) => e.data['kind'] === ElementKind.pod)).toBe(false);
  });

  it("breaks a narrow node's summary over more lines rather than shrink its font (the control plane, with 2 pods)", () => {
    const worker = byId.get('node/worker-001')!.data;
    const control = byId.get('node/control-plane')!.data;
    expect(Number(control['w'])).toBeLessThan(Number(worker['w']));
    expect(control['label']).toBe('control-plane\ncontrol plane\n2 pods\n10.244.0.0/24');
    // the font is still at least two thirds of a worker's, where one long line would have been a half
    expect(Number(control['fs'])).toBeGreaterThanOrEqual((Number(worker['fs']) * 2) / 3);
    // and every line fits the box at that font (0.6 em a character, 1.5 em a line)
    for (const data of [worker, control]) {
      const lines = String(data['label']).split('\n');
      expect(Math.max(...lines.map((l) => l.length)) * 0.6 * Number(data['fs'])).toBeLessThanOrEqual(Number(data['w']));
      expect(lines.length * 1.5 * Number(data['fs'])).toBeLessThanOrEqual(Number(data['h']));
    }
  });

  it('grows the edge with the diagram, so the Internet is as readable fitted as on a small cluster', () => {
    const small = layoutCluster(buildCluster(defaultClusterSpec));
    expect(small.edgeScale).toBe(1);
    expect(layout.edgeScale).toBeGreaterThan(1);
    const internet = byId.get('internet')!;
    expect([internet.data['w'], internet.data['h']]).toEqual([170 * layout.edgeScale, 70 * layout.edgeScale]);
    // the label's size on screen, fitted to a laptop's diagram pane, against the small cluster's
    const onScreen = (l: typeof layout, fs: number) => fs * fitView(l.bounds, 1280, 625, 24).zoom;
    const smallInternet = toElements(buildCluster(defaultClusterSpec), [], FULL_DETAIL, small).elements.find(
      (e) => e.data.id === 'internet',
    )!;
    expect(onScreen(layout, Number(internet.data['fs']))).toBeGreaterThanOrEqual(10);
    expect(onScreen(layout, Number(internet.data['fs']))).toBeGreaterThanOrEqual(
      onScreen(small, Number(smallInternet.data['fs'])) * 0.8,
    );
    // and it still overlaps nothing: every node box and Service row is clear of it, inside the bounds
    const box = layout.positions.get('internet')!;
    const [x1, x2, y1, y2] = [box.x - box.w / 2, box.x + box.w / 2, box.y - box.h / 2, box.y + box.h / 2];
    const clear = (b: { x: number; y: number; w: number; h: number }) =>
      b.x >= x2 || b.x + b.w <= x1 || b.y >= y2 || b.y + b.h <= y1;
    for (const node of layout.nodeBoxes.values()) expect(clear(node)).toBe(true);
    for (const row of layout.serviceRows)
      expect(clear({ x: row.box.x - row.box.w / 2, y: row.box.y - row.box.h / 2, w: row.box.w, h: row.box.h })).toBe(
        true,
      );
    expect(layout.bounds.x).toBeLessThanOrEqual(x1);
    expect(layout.bounds.y).toBeLessThanOrEqual(y1);
  });

  it('places each summary over the node box it stands for, so nothing moves when it opens', () => {
    const body = nodeBody(layout, 'worker-003')!;
    const summary = byId.get('node/worker-003')!;
    expect(summary.position).toEqual({ x: body.x, y: body.y });
    expect([summary.data['w'], summary.data['h']]).toEqual([body.w, body.h]);
    for (const pod of generated.pods.filter((p) => p.node === 'worker-003')) {
      const tile = layout.positions.get(`pod/${pod.namespace}/${pod.name}`)!;
      expect(Math.abs(tile.x - body.x) * 2).toBeLessThanOrEqual(body.w);
      expect(Math.abs(tile.y - body.y) * 2).toBeLessThanOrEqual(body.h);
    }
  });

  it('counts the Services of the summarised rows by type in one box, and covers every Service', () => {
    const groups = elements.filter((e) => e.data['kind'] === ElementKind.serviceGroup);
    expect(layout.serviceRows.length).toBeGreaterThan(1);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.data.id).toBe(serviceRowsId(0, layout.serviceRows.length - 1));
    const label = String(groups[0]!.data['label']);
    expect(label.startsWith(`${generated.services.length} Services\n`)).toBe(true);
    const byType = [
      ...label
        .split('\n')
        .slice(1)
        .join(' ')
        .matchAll(/([\d,]+) (\w+)/g),
    ].reduce((n, m) => n + Number(m[1]!.replaceAll(',', '')), 0);
    expect(byType).toBe(generated.services.length);
    expect(elements.some((e) => e.data['kind'] === ElementKind.service)).toBe(false);
  });

  it('summarises the rows around a row drawn in full as two boxes', () => {
    const middle = toElements(generated, [], { nodes: new Set(), serviceRows: new Set([1]) }, layout);
    const ids = middle.elements.filter((e) => e.data['kind'] === ElementKind.serviceGroup).map((e) => e.data.id);
    const last = layout.serviceRows.length - 1;
    expect(ids).toEqual(last > 1 ? [serviceRowsId(0, 0), serviceRowsId(2, last)] : [serviceRowsId(0, 0)]);
  });

  it('maps every element inside a summary to the summary, so hops there light it', () => {
    const pod = generated.pods.find((p) => p.node === 'worker-002')!;
    expect(summarisedIn.get(`pod/${pod.namespace}/${pod.name}`)).toBe('node/worker-002');
    expect(summarisedIn.get(`dev/pod/${pod.namespace}/${pod.name}/eth0`)).toBe('node/worker-002');
    expect(summarisedIn.get('dev/worker-002/flannel.1')).toBe('node/worker-002');
    expect(summarisedIn.get('kernel/worker-002')).toBe('node/worker-002');
    expect(summarisedIn.get(layout.serviceRows[0]!.ids[0]!)).toBe(serviceRowsId(0, layout.serviceRows.length - 1));
  });

  it('links every edge to existing elements (summaries to their underlay bar)', () => {
    for (const e of elements.filter((el) => el.group === 'edges')) {
      expect(byId.has(e.data.source as string), `${e.data.id} source`).toBe(true);
      expect(byId.has(e.data.target as string), `${e.data.id} target`).toBe(true);
    }
    expect(byId.get('link/node/worker-001--underlay')!.data['barEndpoint']).toMatch(/^-?[\d.]+px -5px$/);
  });

  it('draws in full the nodes and rows it is asked to, with the rest summarised', () => {
    const some = toElements(generated, [], { nodes: new Set(['worker-001']), serviceRows: new Set([0]) }, layout);
    const kinds = (node: string) =>
      some.elements.filter((e) => e.data.parent === `node/${node}`).map((e) => e.data['kind']);
    expect(kinds('worker-001')).toContain(ElementKind.pod);
    expect(kinds('worker-001')).toContain(ElementKind.bridge);
    expect(kinds('worker-002')).toEqual([]);
    expect(some.elements.filter((e) => e.data['kind'] === ElementKind.service)).toHaveLength(
      layout.serviceRows[0]!.ids.length,
    );
    expect(some.summarisedIn.has(layout.serviceRows[0]!.ids[0]!)).toBe(false);
    // in full, the same ids as without a level of detail
    const full = new Set(toElements(generated).elements.map((e) => e.data.id));
    const summaries = new Set(some.elements.filter((e) => e.data['lod'] === 'summary').map((e) => e.data.id));
    for (const e of some.elements) {
      if (!summaries.has(e.data.id) && !summaries.has(e.data.source)) expect(full.has(e.data.id), e.data.id).toBe(true);
    }
  });
});
