/**
 * The matrix at scale: a verdict code and a deciding-policy set per cell in typed arrays, without a
 * sentence or an object per cell, so that 1,000 x 1,000 pods fit in a few megabytes and move between
 * threads without copying. The decisions are still the resolver's `evaluatePolicy` (through
 * `matrixCell`): pods that `evaluatePolicy` cannot tell apart share one evaluation.
 *
 * Which pods it cannot tell apart follows from what it reads of an end: the namespace (and so the
 * namespace's labels), the pod's labels, its IP only against ipBlock peers, the destination's
 * declared ports (named ports) and listening sockets. Two pods alike in all of these get the same
 * verdict and policies against any third pod. Ends it treats by address (hostNetwork pods, and the
 * own-node exemption they bring) and a pod to itself are evaluated one by one.
 */
import { MATRIX_VERDICTS, matrixCell, selectPods } from './matrix';
import type { MatrixPort, MatrixRequest, MatrixVerdict } from './matrix';
import { networkPolicies } from '../model/policy';
import { cidrContains } from '../model/ip';
import { parseCidr, parseIPv4 } from '../model/memo';
import type { Cluster, Pod } from '../model/types';

export interface CompactMatrix {
  /** `ns/name` of the sources (rows), sorted by namespace then name */
  sources: string[];
  destinations: string[];
  /** the same ports for every destination (a compact matrix has no per-destination columns) */
  ports: MatrixPort[];
  enforced: boolean;
  /** per cell, rows first, then destinations, then ports: the index of its verdict in MATRIX_VERDICTS */
  verdicts: Uint8Array<ArrayBuffer>;
  /** per cell: the index of its deciding policies in `policySets` */
  decisions: Uint32Array<ArrayBuffer>;
  /** the distinct deciding-policy lists (`ns/name`), the empty list first */
  policySets: string[][];
  counts: Record<MatrixVerdict, number>;
  /** how many evaluations were made (the rest were shared) */
  evaluations: number;
}

export interface CompactOptions {
  /** called after each `every` rows with the rows done and all rows */
  onProgress?: (rowsDone: number, rows: number) => void;
  every?: number;
}

/** The ipBlocks of the cluster's policies, for the part of an address that policy can see. */
function ipBlocks(cluster: Cluster): { cidr: string; except: readonly string[] }[] {
  const out: { cidr: string; except: readonly string[] }[] = [];
  for (const p of networkPolicies(cluster))
    for (const rule of [...p.ingress, ...p.egress])
      for (const peer of rule.peers) if (peer.ipBlock) out.push(peer.ipBlock);
  return out;
}

function inBlock(ip: string, block: { cidr: string; except: readonly string[] }): boolean {
  const value = parseIPv4(ip);
  const cidr = parseCidr(block.cidr);
  if (value === null || cidr === null || !cidrContains(cidr, value)) return false;
  return !block.except.some((e) => {
    const ex = parseCidr(e);
    return ex !== null && cidrContains(ex, value);
  });
}

/**
 * The class of a pod: pods of one class are the same to `evaluatePolicy` and to `listens`. A
 * hostNetwork pod is its own class (it is judged by its node's address), marked by a leading `!`.
 */
export function podClassKey(pod: Pod, blocks: readonly { cidr: string; except: readonly string[] }[]): string {
  if (pod.hostNetwork) return `!${pod.namespace}/${pod.name}`;
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k] ?? ''}`)
    .join(',');
  const ip = blocks.map((b) => (inBlock(pod.ip, b) ? '1' : '0')).join('');
  const ports = pod.containers
    .map(
      (c) =>
        `${c.ports.map((p) => `${p.name ?? ''}:${p.containerPort}/${p.protocol}`).join(' ')};${c.listening
          .map((l) => `${l.containerPort}/${l.protocol}`)
          .join(' ')}`,
    )
    .join('|');
  return `${pod.namespace}\u0000${labels}\u0000${ip}\u0000${ports}`;
}

function classes(
  pods: readonly Pod[],
  blocks: ReturnType<typeof ipBlocks>,
): { of: Int32Array; alone: Uint8Array; count: number } {
  const ids = new Map<string, number>();
  const of = new Int32Array(pods.length);
  const alone = new Uint8Array(pods.length);
  pods.forEach((pod, i) => {
    const key = podClassKey(pod, blocks);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    of[i] = id;
    alone[i] = pod.hostNetwork ? 1 : 0;
  });
  return { of, alone, count: ids.size };
}

/**
 * The matrix of a selection on given ports, compact. The same verdicts and deciding policies as
 * `computeMatrix` (a test holds them to it), computed once per pair of pod classes.
 *
 * @example
 * const m = computeCompactMatrix(cluster, { ports: [{ port: 80, protocol: 'tcp' }] });
 * MATRIX_VERDICTS[m.verdicts[0]] // 'allowed', ...
 */
export function computeCompactMatrix(
  cluster: Cluster,
  request: Omit<MatrixRequest, 'ports'> & { ports: readonly MatrixPort[] },
  options: CompactOptions = {},
): CompactMatrix {
  const sources = selectPods(cluster, request.from);
  const destinations = selectPods(cluster, request.to);
  const ports = [...request.ports];
  const blocks = ipBlocks(cluster);
  const src = classes(sources, blocks);
  const dst = classes(destinations, blocks);
  const P = ports.length;
  const D = destinations.length;
  const cells = sources.length * D * P;
  const verdicts = new Uint8Array(cells);
  const decisions = new Uint32Array(cells);
  const policySets: string[][] = [[]];
  const setIndex = new Map<string, number>([['', 0]]);
  const counts = Object.fromEntries(MATRIX_VERDICTS.map((v) => [v, 0])) as Record<MatrixVerdict, number>;
  const code = new Map(MATRIX_VERDICTS.map((v, i) => [v, i]));
  // per class pair and port: verdict code + 8 * decision index, or -1 before it is evaluated
  const memo = new Float64Array(src.count * dst.count * P).fill(-1);
  let evaluations = 0;
  const every = Math.max(1, options.every ?? 25);

  const evaluate = (s: Pod, d: Pod, port: MatrixPort): number => {
    evaluations++;
    const cell = matrixCell(cluster, s, d, port);
    const k = cell.policies.join(' ');
    let set = setIndex.get(k);
    if (set === undefined) {
      set = policySets.length;
      policySets.push(cell.policies);
      setIndex.set(k, set);
    }
    return (code.get(cell.verdict) as number) + 8 * set;
  };

  for (let si = 0; si < sources.length; si++) {
    const s = sources[si] as Pod;
    const sc = src.of[si] as number;
    const sAlone = src.alone[si] === 1;
    for (let di = 0; di < D; di++) {
      const d = destinations[di] as Pod;
      const single = sAlone || dst.alone[di] === 1 || s === d;
      const base = (sc * dst.count + (dst.of[di] as number)) * P;
      for (let pi = 0; pi < P; pi++) {
        let value: number;
        if (single) value = evaluate(s, d, ports[pi] as MatrixPort);
        else {
          value = memo[base + pi] as number;
          if (value < 0) {
            value = evaluate(s, d, ports[pi] as MatrixPort);
            memo[base + pi] = value;
          }
        }
        const at = (si * D + di) * P + pi;
        const v = value % 8;
        verdicts[at] = v;
        decisions[at] = (value - v) / 8;
        counts[MATRIX_VERDICTS[v] as MatrixVerdict]++;
      }
    }
    if (options.onProgress && ((si + 1) % every === 0 || si + 1 === sources.length))
      options.onProgress(si + 1, sources.length);
  }
  return {
    sources: sources.map((p) => `${p.namespace}/${p.name}`),
    destinations: destinations.map((p) => `${p.namespace}/${p.name}`),
    ports,
    enforced: cluster.settings.policyEnforced,
    verdicts,
    decisions,
    policySets,
    counts,
    evaluations,
  };
}

/** The cell at (source row, destination column, port index). */
export function compactCell(
  m: CompactMatrix,
  row: number,
  col: number,
  port = 0,
): { verdict: MatrixVerdict; policies: string[] } {
  const at = (row * m.destinations.length + col) * m.ports.length + port;
  return {
    verdict: MATRIX_VERDICTS[m.verdicts[at] as number] as MatrixVerdict,
    policies: m.policySets[m.decisions[at] as number] as string[],
  };
}
