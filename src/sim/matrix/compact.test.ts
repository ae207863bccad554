/**
 * The compact matrix must say exactly what `computeMatrix` says, cell for cell: on a generated
 * cluster whose policies use named ports, tiers across namespaces, ipBlock with except and egress,
 * and on the upstream setup with a hostNetwork pod added (evaluated by address, one by one).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSource } from '../generate/generateCluster';
import { loadManifests } from '../import/index';
import { buildCluster } from '../model/build';
import type { Cluster } from '../model/types';
import { compactCell, computeCompactMatrix } from './compact';
import { computeMatrix } from './matrix';
import type { MatrixPort, MatrixVia } from './matrix';
import { matrixJson, rowsOfCompact, rowsOfMatrix } from './serialize';
import { netpolTruthTableSpec } from './netpolTruthTable';

function generated(nodes: number, perNode: number, policies: number): Cluster {
  const result = loadManifests([generatedSource(nodes, perNode, 3, { policies })]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
  return result.cluster;
}

function expectSame(c: Cluster, ports: MatrixPort[] | 'declared', from = {}, to = {}, via: MatrixVia = 'pod'): void {
  const full = computeMatrix(c, { from, to, ports, via });
  const compact = computeCompactMatrix(c, { from, to, ports, via });
  expect(compact.sources).toEqual(full.sources);
  expect(compact.destinations).toEqual(full.destinations);
  expect(compact.counts).toEqual(full.counts);
  expect(compact.skipped).toBe(full.skipped.length);
  if (ports !== 'declared') {
    let i = 0;
    for (let r = 0; r < compact.sources.length; r++)
      for (let d = 0; d < compact.destinations.length; d++)
        for (let p = 0; p < ports.length; p++) {
          const got = compactCell(compact, r, d, p);
          if (got.verdict === null) continue;
          const cell = full.cells[i++];
          expect(got).toEqual({ verdict: cell?.verdict, policies: cell?.policies });
        }
  }
  // every field of every cell and skip, sentences and both sides included, as the exports write them
  expect(matrixJson(rowsOfCompact(compact))).toBe(matrixJson(rowsOfMatrix(full)));
}

describe('computeCompactMatrix', () => {
  it('agrees with computeMatrix on a generated cluster with 50 policies, sharing evaluations', () => {
    const c = generated(6, 10, 50);
    const ports: MatrixPort[] = [
      { port: 8080, protocol: 'tcp' },
      { port: 80, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
    ];
    expectSame(c, ports);
    const m = computeCompactMatrix(c, { ports });
    const cells = m.verdicts.length;
    // pods of one Deployment share their evaluations (62 pods: 12 Deployments and CoreDNS)
    expect(m.evaluations).toBeLessThan(cells / 4);
    expect(m.counts['denied-ingress']).toBeGreaterThan(0);
    expect(m.counts['denied-egress']).toBeGreaterThan(0);
    expect(m.counts.allowed).toBeGreaterThan(0);
  });

  it('agrees on the upstream setup with ipBlock except, named ports and egress', () => {
    const policy = (ns: string, name: string, spec: Record<string, unknown>) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec,
    });
    const spec = netpolTruthTableSpec([
      policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('x', 'allow-ip', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }] }],
        egress: [{ ports: [{ port: 'serve-81-tcp', protocol: 'TCP' }] }],
      }),
    ]);
    const c = buildCluster(spec);
    expectSame(c, [
      { port: 80, protocol: 'tcp' },
      { port: 81, protocol: 'tcp' },
      { port: 81, protocol: 'udp' },
    ]);
    expectSame(c, [{ port: 80, protocol: 'tcp' }], { namespace: 'x' }, { namespace: 'z' });
  });

  for (const cni of ['calico-ipip', 'flannel-vxlan'] as const) {
    it(`agrees on the resolver's policy fixtures with a hostNetwork pod (${cni})`, () => {
      const read = (f: string): string => readFileSync(new URL(`../resolve/fixtures/${f}`, import.meta.url), 'utf8');
      const files = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', 'edge/policies.yaml'];
      const loaded = loadManifests(files.map((f) => ({ name: f, text: read(f) })));
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
      expect(loaded.cluster.pods.some((p) => p.hostNetwork)).toBe(true);
      expectSame(loaded.cluster, [
        ...[8080, 9090, 9100, 5432].map((port) => ({ port, protocol: 'tcp' as const })),
        { port: 53, protocol: 'udp' },
      ]);
    });
  }

  it('agrees through the Services, on every declared port, with pods no Service carries', () => {
    const c = generated(4, 8, 30);
    // generated Deployments sit behind Services; some ports (and the bare pods) have none
    expectSame(c, 'declared', {}, {}, 'service');
    expectSame(c, [{ port: 8080, protocol: 'tcp' }], {}, {}, 'service');
    const m = computeCompactMatrix(c, { ports: [{ port: 8080, protocol: 'tcp' }], via: 'service' });
    expect(m.skipped).toBeGreaterThan(0);
    expect(m.counts.allowed + m.counts['denied-ingress']).toBeGreaterThan(0);
  });

  it('agrees through the Services on the upstream setup, and on the fixtures with a hostNetwork pod', () => {
    const c = buildCluster(
      netpolTruthTableSpec([
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny', namespace: 'y' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      ]),
    );
    expectSame(c, 'declared', {}, {}, 'service');
    const read = (f: string): string => readFileSync(new URL(`../resolve/fixtures/${f}`, import.meta.url), 'utf8');
    const files = ['kubeadm.yaml', 'nodes.yaml', 'cni/calico-ipip.yaml', 'edge/apps.yaml', 'edge/policies.yaml'];
    const loaded = loadManifests(files.map((f) => ({ name: f, text: read(f) })));
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
    expectSame(loaded.cluster, 'declared', {}, {}, 'service');
  });

  it('reports progress by rows and ends at all rows', () => {
    const c = buildCluster(netpolTruthTableSpec());
    const seen: number[] = [];
    const m = computeCompactMatrix(
      c,
      { ports: [{ port: 80, protocol: 'tcp' }] },
      { every: 4, onProgress: (d) => seen.push(d) },
    );
    expect(seen).toEqual([4, 8, m.sources.length]);
  });
});
