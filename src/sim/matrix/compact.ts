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
import {
  MATRIX_VERDICTS,
  cellReason,
  declaredPorts,
  matrixCell,
  selectPods,
  serviceClassKey,
  serviceProbe,
  skipReason,
} from './matrix';
import type {
  MatrixCell,
  MatrixPort,
  MatrixRequest,
  MatrixServiceProbe,
  MatrixSide,
  MatrixSkip,
  MatrixSkipCause,
  MatrixVerdict,
  MatrixVia,
} from './matrix';
import { networkPolicies } from '../model/policy';
import { cidrContains } from '../model/ip';
import { parseCidr, parseIPv4 } from '../model/memo';
import type { Cluster, Pod } from '../model/types';

/** The verdict code of a cell that has none: its destination does not declare the port, or no Service carries it. */
export const NO_VERDICT = 7;

/**
 * What one evaluation decided, shared by every cell of the same pair of pod classes. The sides are
 * those of the first pod pair evaluated: `pod` is rewritten per cell when a cell is expanded.
 */
export interface CompactDecision {
  /** null when the cell has none (see `skip`) */
  verdict: MatrixVerdict | null;
  policies: string[];
  service: MatrixServiceProbe | null;
  egress: MatrixSide | null;
  ingress: MatrixSide | null;
  /** why there is no cell: the port is not declared (no cell at all), or no Service carries it (a skip) */
  skip: { kind: 'undeclared' } | MatrixSkipCause | null;
}

export interface CompactMatrix {
  /** `ns/name` of the sources (rows), sorted by namespace then name */
  sources: string[];
  destinations: string[];
  /** the same ports for every destination; with `declared`, a destination's undeclared ones have no cell */
  ports: MatrixPort[];
  enforced: boolean;
  via: MatrixVia;
  /** per cell, rows first, then destinations, then ports: the index of its verdict in MATRIX_VERDICTS, or NO_VERDICT */
  verdicts: Uint8Array<ArrayBuffer>;
  /** per cell: the index of its decision in `details` */
  decisions: Uint32Array<ArrayBuffer>;
  /** the distinct decisions, the empty one (no verdict, no policies) first */
  details: CompactDecision[];
  counts: Record<MatrixVerdict, number>;
  /** cells no Service could carry (through Services) */
  skipped: number;
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
export function podClassKey(
  pod: Pod,
  blocks: readonly { cidr: string; except: readonly string[] }[],
  extra = '',
): string {
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
  return `${pod.namespace}\u0000${labels}\u0000${ip}\u0000${ports}\u0000${extra}`;
}

function classes(
  pods: readonly Pod[],
  blocks: ReturnType<typeof ipBlocks>,
  extra: (pod: Pod) => string,
): { of: Int32Array; alone: Uint8Array; count: number } {
  const ids = new Map<string, number>();
  const of = new Int32Array(pods.length);
  const alone = new Uint8Array(pods.length);
  pods.forEach((pod, i) => {
    const key = podClassKey(pod, blocks, extra(pod));
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

/** What tells two decisions apart, besides the pods their sides name. */
function sideKey(side: MatrixSide): string {
  const by = side.allowedBy ? `${side.allowedBy.policy}#${side.allowedBy.rule}` : '';
  return `${side.allowed ? 1 : 0}${side.isolated ? 1 : 0}${side.pod === null ? '-' : '+'}${side.exempt ?? ''}|${by}|${side.isolating.join(' ')}`;
}

function decisionKey(d: CompactDecision): string {
  if (d.skip) return `skip:${JSON.stringify(d.skip)}`;
  const svc = d.service ? `${d.service.name}:${d.service.port}` : '';
  return `${d.verdict ?? ''}|${d.policies.join(' ')}|${svc}|${d.egress ? sideKey(d.egress) : ''}|${d.ingress ? sideKey(d.ingress) : ''}`;
}

/**
 * The matrix of a selection on given ports (or every declared port), compact. The same verdicts,
 * deciding policies, sides and skipped cells as `computeMatrix` (a test holds them to it),
 * computed once per pair of pod classes.
 *
 * @example
 * const m = computeCompactMatrix(cluster, { ports: [{ port: 80, protocol: 'tcp' }] });
 * MATRIX_VERDICTS[m.verdicts[0]] // 'allowed', ...
 */
export function computeCompactMatrix(
  cluster: Cluster,
  request: Omit<MatrixRequest, 'ports'> & { ports: readonly MatrixPort[] | 'declared' },
  options: CompactOptions = {},
): CompactMatrix {
  const sources = selectPods(cluster, request.from);
  const destinations = selectPods(cluster, request.to);
  const via = request.via ?? 'pod';
  const declared = request.ports === 'declared';
  const ports = declared ? unionOfPorts(destinations) : [...(request.ports as readonly MatrixPort[])];
  const blocks = ipBlocks(cluster);
  // through Services, a pod's Services (and, under internalTrafficPolicy Local, its node) count too
  const extra = via === 'service' ? (p: Pod) => serviceClassKey(cluster, p) : () => '';
  const src = classes(sources, blocks, extra);
  const dst = classes(destinations, blocks, extra);
  const P = ports.length;
  const D = destinations.length;
  const cells = sources.length * D * P;
  const verdicts = new Uint8Array(cells);
  const decisions = new Uint32Array(cells);
  const details: CompactDecision[] = [
    { verdict: null, policies: [], service: null, egress: null, ingress: null, skip: { kind: 'undeclared' } },
  ];
  const detailIndex = new Map<string, number>([[decisionKey(details[0] as CompactDecision), 0]]);
  const counts = Object.fromEntries(MATRIX_VERDICTS.map((v) => [v, 0])) as Record<MatrixVerdict, number>;
  let skipped = 0;
  const code = new Map(MATRIX_VERDICTS.map((v, i) => [v, i]));
  // which destinations declare which ports (declared only): a class shares its declared ports
  const declares = declared
    ? destinations.map((d) => new Set(declaredPorts(d).map((p) => `${p.port}/${p.protocol}`)))
    : null;
  // per class pair and port: verdict code + 8 * decision index, or -1 before it is evaluated
  const memo = new Float64Array(src.count * dst.count * P).fill(-1);
  let evaluations = 0;
  const every = Math.max(1, options.every ?? 25);

  const remember = (d: CompactDecision): number => {
    const k = decisionKey(d);
    let at = detailIndex.get(k);
    if (at === undefined) {
      at = details.length;
      details.push(d);
      detailIndex.set(k, at);
    }
    return at;
  };

  const evaluate = (s: Pod, d: Pod, port: MatrixPort): number => {
    evaluations++;
    let service: MatrixServiceProbe | null = null;
    if (via === 'service') {
      const probe = serviceProbe(cluster, s, d, port);
      if ('skip' in probe) {
        const at = remember({
          verdict: null,
          policies: [],
          service: null,
          egress: null,
          ingress: null,
          skip: probe.skip,
        });
        return NO_VERDICT + 8 * at;
      }
      service = probe.probe;
    }
    const cell = matrixCell(cluster, s, d, port, service);
    const at = remember({
      verdict: cell.verdict,
      policies: cell.policies,
      service,
      egress: cell.egress,
      ingress: cell.ingress,
      skip: null,
    });
    return (code.get(cell.verdict) as number) + 8 * at;
  };

  for (let si = 0; si < sources.length; si++) {
    const s = sources[si] as Pod;
    const sc = src.of[si] as number;
    const sAlone = src.alone[si] === 1;
    for (let di = 0; di < D; di++) {
      const d = destinations[di] as Pod;
      const single = sAlone || dst.alone[di] === 1 || s === d;
      const base = (sc * dst.count + (dst.of[di] as number)) * P;
      const has = declares?.[di];
      for (let pi = 0; pi < P; pi++) {
        const port = ports[pi] as MatrixPort;
        const at = (si * D + di) * P + pi;
        if (has && !has.has(`${port.port}/${port.protocol}`)) {
          verdicts[at] = NO_VERDICT;
          decisions[at] = 0;
          continue;
        }
        let value: number;
        if (single) value = evaluate(s, d, port);
        else {
          value = memo[base + pi] as number;
          if (value < 0) {
            value = evaluate(s, d, port);
            memo[base + pi] = value;
          }
        }
        const v = value % 8;
        verdicts[at] = v;
        decisions[at] = (value - v) / 8;
        if (v === NO_VERDICT) skipped++;
        else counts[MATRIX_VERDICTS[v] as MatrixVerdict]++;
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
    via,
    verdicts,
    decisions,
    details,
    counts,
    skipped,
    evaluations,
  };
}

/** Every port some destination declares, sorted by number then protocol. */
function unionOfPorts(destinations: readonly Pod[]): MatrixPort[] {
  const seen = new Map<string, MatrixPort>();
  for (const d of destinations) for (const p of declaredPorts(d)) seen.set(`${p.port}/${p.protocol}`, p);
  return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

/** The cell at (source row, destination column, port index): null verdict where it has none. */
export function compactCell(
  m: CompactMatrix,
  row: number,
  col: number,
  port = 0,
): { verdict: MatrixVerdict | null; policies: string[] } {
  const at = (row * m.destinations.length + col) * m.ports.length + port;
  const v = m.verdicts[at] as number;
  return {
    verdict: v === NO_VERDICT ? null : (MATRIX_VERDICTS[v] as MatrixVerdict),
    policies: (m.details[m.decisions[at] as number] as CompactDecision).policies,
  };
}

/** A side of a decision, about this cell's pod. */
const sideFor = (side: MatrixSide, pod: string): MatrixSide => ({ ...side, pod: side.pod === null ? null : pod });

/**
 * The whole cell at (row, column, port), as `computeMatrix` gives it: the cell, the skip (through
 * Services), or null where the destination does not declare the port.
 */
export function expandCompactCell(
  m: CompactMatrix,
  row: number,
  col: number,
  p: number,
): { cell: MatrixCell } | { skip: MatrixSkip } | null {
  const at = (row * m.destinations.length + col) * m.ports.length + p;
  const d = m.details[m.decisions[at] as number] as CompactDecision;
  const from = m.sources[row] as string;
  const to = m.destinations[col] as string;
  const port = m.ports[p] as MatrixPort;
  if (d.skip) {
    if (d.skip.kind === 'undeclared') return null;
    return { skip: { from, to, port: port.port, protocol: port.protocol, reason: skipReason(d.skip, to, port) } };
  }
  const cell: MatrixCell = {
    from,
    to,
    port: port.port,
    protocol: port.protocol,
    verdict: d.verdict as MatrixVerdict,
    policies: d.policies,
    ...(d.service ? { service: d.service } : {}),
    egress: sideFor(d.egress as MatrixSide, from),
    ingress: sideFor(d.ingress as MatrixSide, to),
    reason: '',
  };
  cell.reason = cellReason(cell);
  return { cell };
}
