/**
 * The reachability matrix (issue 22): for chosen sources and destinations, the fate of a
 * connection on each port, with the NetworkPolicies that decided it. It asks the resolver's
 * `evaluatePolicy` (the same call `trace` makes after DNAT) rather than judging policies itself, so a
 * cell and the trace between the same two pods cannot disagree about policy.
 */
import { lookup } from '../model/lookup';
import { selectorMatches } from '../model/policy';
import type { LabelSelector, SelectorRequirement } from '../model/policy';
import type { Cluster, Pod } from '../model/types';
import { evaluatePolicy } from '../resolve/networkPolicy';
import type { PolicyVerdict } from '../resolve/networkPolicy';

export type MatrixVerdict = 'allowed' | 'denied-egress' | 'denied-ingress' | 'not-enforced' | 'refused';

/** Every verdict, in the order a legend lists them. */
export const MATRIX_VERDICTS: readonly MatrixVerdict[] = [
  'allowed',
  'denied-egress',
  'denied-ingress',
  'not-enforced',
  'refused',
];

export type MatrixProtocol = 'tcp' | 'udp';

export interface MatrixPort {
  port: number;
  protocol: MatrixProtocol;
}

/** Which pods: all of them, those of one namespace, and/or those a label selector matches. */
export interface PodSelection {
  namespace?: string;
  /** kubectl's `-l` syntax: `app=web,tier!=db,canary,!legacy` */
  selector?: string;
}

export interface MatrixRequest {
  from?: PodSelection;
  to?: PodSelection;
  /** these ports, or (by default) every port the destination declares in its containers */
  ports?: readonly MatrixPort[] | 'declared';
}

/** One direction's part of a cell, as the details show it. */
export interface MatrixSide {
  /** some policy selects the pod for this direction */
  isolated: boolean;
  allowed: boolean;
  /** `ns/name` of the policies selecting the pod for this direction */
  isolating: string[];
  /** the rule that allowed it, as a user would recognise it */
  allowedBy: { policy: string; rule: number; text: string } | null;
  /** why policy does not apply to this side at all (not-enforced, own-node, localhost, not-a-pod) */
  exempt: string | null;
}

export interface MatrixCell {
  /** `ns/name` */
  from: string;
  to: string;
  port: number;
  protocol: MatrixProtocol;
  verdict: MatrixVerdict;
  /** the deciding policies: the allowing ones, or the isolating ones that deny (or would, unenforced) */
  policies: string[];
  egress: MatrixSide;
  ingress: MatrixSide;
  /** one sentence */
  reason: string;
}

export interface Matrix {
  /** `ns/name` of the sources (rows), sorted by namespace then name */
  sources: string[];
  /** `ns/name` of the destinations (columns) */
  destinations: string[];
  /** whether the CNI enforces NetworkPolicy */
  enforced: boolean;
  /** one per source, destination, port and protocol, rows first */
  cells: MatrixCell[];
  counts: Record<MatrixVerdict, number>;
}

/** A bad selection (an unparsable selector): the CLI exits 2, the view shows it. */
export class MatrixRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatrixRequestError';
  }
}

const KEY = /^([A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?)$/;
const VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$/;

/**
 * Parses a label selector in kubectl's equality syntax (`k=v`, `k==v`, `k!=v`, `k`, `!k`, comma
 * separated, all ANDed) into a LabelSelector the policy model matches.
 *
 * @example
 * parseLabelSelector('app=web,!legacy') // { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist', values: [] }] }
 */
export function parseLabelSelector(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: SelectorRequirement[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(!?)([^=!]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(part);
    const key = m?.[2]?.trim() ?? '';
    if (!m || !KEY.test(key) || (m[1] === '!' && m[3] !== undefined)) {
      throw new MatrixRequestError(`selector: "${part}" is not key=value, key!=value, key or !key`);
    }
    const op = m[3];
    const value = (m[4] ?? '').trim();
    if (op !== undefined && !VALUE.test(value))
      throw new MatrixRequestError(`selector: "${value}" is not a label value`);
    if (op === '=' || op === '==') matchLabels[key] = value;
    else if (op === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
    else matchExpressions.push({ key, operator: m[1] === '!' ? 'DoesNotExist' : 'Exists', values: [] });
  }
  return { matchLabels, matchExpressions };
}

const podKey = (p: Pod): string => `${p.namespace}/${p.name}`;

/** The pods a selection names, sorted by namespace then name; pods without an address yet are left out. */
export function selectPods(cluster: Cluster, selection: PodSelection = {}): Pod[] {
  const selector = selection.selector ? parseLabelSelector(selection.selector) : null;
  return cluster.pods
    .filter(
      (p) =>
        p.ip !== '' &&
        (selection.namespace === undefined || selection.namespace === '' || p.namespace === selection.namespace) &&
        (selector === null || selectorMatches(selector, p.labels)),
    )
    .sort((a, b) => (a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace)));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The ports a destination declares (containers[].ports), TCP and UDP, without repeats. */
export function declaredPorts(pod: Pod): MatrixPort[] {
  const seen = new Set<string>();
  const out: MatrixPort[] = [];
  for (const c of pod.containers) {
    for (const p of c.ports) {
      if (p.protocol !== 'tcp' && p.protocol !== 'udp') continue;
      const k = `${p.containerPort}/${p.protocol}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ port: p.containerPort, protocol: p.protocol });
    }
  }
  return out.sort((a, b) => a.port - b.port || cmp(a.protocol, b.protocol));
}

/** Whether a process of the pod really listens there (a port another container bound first does not). */
function listens(pod: Pod, port: MatrixPort): boolean {
  return pod.containers.some((c) =>
    c.listening.some((l) => l.containerPort === port.port && l.protocol === port.protocol),
  );
}

/** The allowing policies of both sides, without a repeat (one policy may allow both ways). */
function allowingPolicies(v: PolicyVerdict): string[] {
  const e = v.egress.allowedBy?.policy;
  const i = v.ingress.allowedBy?.policy;
  if (e === undefined) return i === undefined ? [] : [i];
  return i === undefined || i === e ? [e] : [e, i];
}

/**
 * One cell: the policy verdict (the packet meets the source's egress first, then the destination's
 * ingress, both on the packet after DNAT), then whether anything listens. A denied packet is dropped
 * before it could be refused; a refused one got through policy.
 */
export function matrixCell(cluster: Cluster, src: Pod, dst: Pod, port: MatrixPort): MatrixCell {
  return cellOf(cluster, src, podKey(src), dst, podKey(dst), port);
}

/** The verdict, deciding policies and sentence of a cell, before it gets its ends. */
function decide(v: PolicyVerdict, src: Pod, dst: Pod, port: MatrixPort): [MatrixVerdict, string[], string] {
  const what = `${port.protocol.toUpperCase()} ${port.port}`;
  if (!v.egress.allowed) {
    const both = v.ingress.allowed
      ? ''
      : ` ${dst.name}'s ingress would deny it too (${v.ingress.isolating.join(', ')}).`;
    return [
      'denied-egress',
      [...v.egress.isolating],
      `Dropped: no egress rule of ${v.egress.isolating.join(', ')} allows ${src.name} to send ${what} to ${dst.name}.${both}`,
    ];
  }
  if (!v.ingress.allowed) {
    return [
      'denied-ingress',
      [...v.ingress.isolating],
      `Dropped: no ingress rule of ${v.ingress.isolating.join(', ')} allows ${what} from ${src.name} into ${dst.name}.`,
    ];
  }
  const allowing = allowingPolicies(v);
  if (!listens(dst, port)) {
    return [
      'refused',
      allowing,
      `Refused: nothing in ${dst.name} listens on ${what}${port.protocol === 'tcp' ? ' (TCP RST)' : ' (ICMP port unreachable)'}.`,
    ];
  }
  if (!v.enforced && (v.egress.isolated || v.ingress.isolated)) {
    const selecting = [...new Set([...v.egress.isolating, ...v.ingress.isolating])];
    return [
      'not-enforced',
      selecting,
      `Delivered: ${selecting.join(', ')} select${selecting.length === 1 ? 's' : ''} these pods, but the network plugin does not enforce NetworkPolicy.`,
    ];
  }
  const reason =
    allowing.length > 0
      ? `Delivered: allowed by ${allowing.join(' and ')}.`
      : src === dst
        ? 'Delivered inside the pod: NetworkPolicy does not apply.'
        : 'Delivered: no NetworkPolicy isolates either pod.';
  return ['allowed', allowing, reason];
}

function cellOf(cluster: Cluster, src: Pod, from: string, dst: Pod, to: string, port: MatrixPort): MatrixCell {
  const v = evaluatePolicy(cluster, { srcPod: src, dstPod: dst, port: port.port, protocol: port.protocol });
  const [verdict, policies, reason] = decide(v, src, dst, port);
  // the resolver's side verdicts are fresh per call: the cell keeps them rather than copying
  return {
    from,
    to,
    port: port.port,
    protocol: port.protocol,
    verdict,
    policies,
    egress: v.egress,
    ingress: v.ingress,
    reason,
  };
}

/** Ports of the request, for one destination. */
function portsFor(request: MatrixRequest, dst: Pod): readonly MatrixPort[] {
  return request.ports === undefined || request.ports === 'declared' ? declaredPorts(dst) : request.ports;
}

/**
 * The matrix of a selection: one cell per source, destination and port (rows first), each the
 * verdict `trace` would reach for a connection from the source pod to the destination pod's IP.
 *
 * @example
 * const m = computeMatrix(cluster, { from: { namespace: 'x' }, to: { namespace: 'y' }, ports: [{ port: 80, protocol: 'tcp' }] });
 * m.cells.filter((c) => c.verdict === 'denied-ingress').map((c) => `${c.from} -> ${c.to}`);
 */
export function computeMatrix(cluster: Cluster, request: MatrixRequest = {}): Matrix {
  const sources = selectPods(cluster, request.from);
  const destinations = selectPods(cluster, request.to);
  const cells: MatrixCell[] = [];
  const counts: Record<MatrixVerdict, number> = {
    allowed: 0,
    'denied-egress': 0,
    'denied-ingress': 0,
    'not-enforced': 0,
    refused: 0,
  };
  const ports = destinations.map((d) => portsFor(request, d));
  const srcKeys = sources.map(podKey);
  const dstKeys = destinations.map(podKey);
  sources.forEach((src, s) => {
    destinations.forEach((dst, d) => {
      for (const port of ports[d] ?? []) {
        const cell = cellOf(cluster, src, srcKeys[s] as string, dst, dstKeys[d] as string, port);
        counts[cell.verdict]++;
        cells.push(cell);
      }
    });
  });
  return {
    sources: srcKeys,
    destinations: dstKeys,
    enforced: cluster.settings.policyEnforced,
    cells,
    counts,
  };
}

/** The pod a `ns/name` key names, for callers holding a cell. */
export function matrixPod(cluster: Cluster, key: string): Pod | undefined {
  return lookup(cluster).podByKey.get(key);
}
