import { describe, expect, it } from 'vitest';
import { generatedSource } from '../../sim/generate/generateCluster';
import { loadManifests } from '../../sim/import';
import { computeCompactMatrix } from '../../sim/matrix/compact';
import { computeMatrix } from '../../sim/matrix/matrix';
import { lookup } from '../../sim/model/lookup';
import { countsAt, groupAxis, groupCounts, workloadOf } from './grouping';

const loaded = loadManifests([generatedSource(6, 10, 2, { policies: 40 })]);
if (!loaded.ok) throw new Error('the generated cluster did not load');
const cluster = loaded.cluster;
const ports = [{ port: 8080, protocol: 'tcp' as const }];

describe('grouping the matrix', () => {
  it('groups pods by namespace and by their Deployment', () => {
    const byKey = lookup(cluster).podByKey;
    const keys = computeCompactMatrix(cluster, { ports }).sources;
    const ns = groupAxis(keys, 'namespace', byKey);
    expect(ns.map((g) => g.key)).toEqual(['default', 'kube-system']);
    const workloads = groupAxis(keys, 'workload', byKey);
    expect(workloads.map((g) => g.key)).toContain('default/app-0001');
    expect(workloads.map((g) => g.key)).toContain('kube-system/coredns');
    expect(workloads.reduce((n, g) => n + g.members.length, 0)).toBe(keys.length);
    expect(groupAxis(keys, 'pod', byKey)).toHaveLength(keys.length);
    expect(workloadOf(undefined, 'x/a')).toBe('x/a');
  });

  it('counts each verdict of a group pair as the full matrix has them', () => {
    const m = computeCompactMatrix(cluster, { ports });
    const full = computeMatrix(cluster, { ports });
    const byKey = lookup(cluster).podByKey;
    const rows = groupAxis(m.sources, 'workload', byKey);
    const cols = groupAxis(m.destinations, 'namespace', byKey);
    const counts = groupCounts(m, rows, cols);
    rows.forEach((row, r) =>
      cols.forEach((col, c) => {
        const expected = { allowed: 0, 'denied-egress': 0, 'denied-ingress': 0, 'not-enforced': 0, refused: 0 };
        for (const cell of full.cells)
          if (row.members.some((s) => m.sources[s] === cell.from) && cell.to.startsWith(`${col.key}/`))
            expected[cell.verdict]++;
        expect(countsAt(counts, cols.length, r, c), `${row.key} -> ${col.key}`).toEqual(expected);
      }),
    );
  });
});
