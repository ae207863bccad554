/**
 * Grouping the compact matrix for reading a large cluster: a cell per namespace pair, or per
 * workload pair, counting the pod cells of each verdict. Pure, so that it is unit-tested.
 */
import { MATRIX_VERDICTS } from '../../sim/matrix/matrix';
import type { MatrixVerdict } from '../../sim/matrix/matrix';
import type { CompactMatrix } from '../../sim/matrix/compact';
import type { Pod } from '../../sim/model/types';

export type MatrixLevel = 'namespace' | 'workload' | 'pod';

export interface MatrixGroup {
  /** `ns`, `ns/workload` or `ns/pod` */
  key: string;
  /** indices into the matrix's sources or destinations */
  members: number[];
}

/** A pod's workload: its owner's name (`Deployment/web` gives `web`), or the pod's own name when bare. */
export function workloadOf(pod: Pod | undefined, key: string): string {
  const ns = key.slice(0, key.indexOf('/'));
  if (!pod?.owner) return key;
  return `${ns}/${pod.owner.slice(pod.owner.indexOf('/') + 1)}`;
}

/** The groups of one axis, in the order of their first member (the axis is sorted by namespace). */
export function groupAxis(
  keys: readonly string[],
  level: MatrixLevel,
  podByKey: ReadonlyMap<string, Pod>,
): MatrixGroup[] {
  const groups = new Map<string, MatrixGroup>();
  keys.forEach((key, i) => {
    const g =
      level === 'namespace'
        ? key.slice(0, key.indexOf('/'))
        : level === 'workload'
          ? workloadOf(podByKey.get(key), key)
          : key;
    let group = groups.get(g);
    if (!group) {
      group = { key: g, members: [] };
      groups.set(g, group);
    }
    group.members.push(i);
  });
  return [...groups.values()];
}

/** Counts per verdict for every (row group, column group), on one port or all of them, in one pass over the cells. */
export function groupCounts(
  m: CompactMatrix,
  rows: readonly MatrixGroup[],
  cols: readonly MatrixGroup[],
  port: number | 'all' = 0,
): Int32Array {
  const V = MATRIX_VERDICTS.length;
  const out = new Int32Array(rows.length * cols.length * V);
  const colOf = new Int32Array(m.destinations.length).fill(-1);
  cols.forEach((g, ci) => g.members.forEach((d) => (colOf[d] = ci)));
  const D = m.destinations.length;
  const P = m.ports.length;
  const first = port === 'all' ? 0 : port;
  const last = port === 'all' ? P - 1 : port;
  rows.forEach((g, ri) => {
    for (const s of g.members) {
      for (let d = 0; d < D; d++) {
        const ci = colOf[d] as number;
        if (ci < 0) continue;
        for (let p = first; p <= last; p++) {
          const v = m.verdicts[(s * D + d) * P + p] as number;
          // a cell without a verdict (no Service carries it, the port is not declared) counts nowhere
          if (v >= V) continue;
          const at = (ri * cols.length + ci) * V + v;
          out[at] = (out[at] as number) + 1;
        }
      }
    }
  });
  return out;
}

/** The counts of one grouped cell as a record. */
export function countsAt(counts: Int32Array, cols: number, r: number, c: number): Record<MatrixVerdict, number> {
  const V = MATRIX_VERDICTS.length;
  const base = (r * cols + c) * V;
  return Object.fromEntries(MATRIX_VERDICTS.map((v, i) => [v, counts[base + i] as number])) as Record<
    MatrixVerdict,
    number
  >;
}
