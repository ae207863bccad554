/**
 * The reachability matrix (issue 22): for chosen sources and destinations, the fate of a
 * connection on each port, with the NetworkPolicies that decided it. It asks the resolver's
 * `evaluatePolicy` (the same call `trace` makes after DNAT) rather than judging policies itself, so a
 * cell and the trace between the same two pods cannot disagree about policy.
 */
import { lookup } from '../model/lookup';
import { selectorMatches } from '../model/policy';
import type { LabelSelector, SelectorRequirement } from '../model/policy';
import type { Cluster, Pod, Service } from '../model/types';
import { weakCache } from '../model/weakCache';
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

/**
 * Where a cell's connection is sent: the destination pod's IP, or the ClusterIP of a Service that
 * has the pod as an endpoint (kube-proxy DNATs it to the pod), as Kubernetes' netpol tests probe.
 */
export type MatrixVia = 'pod' | 'service';

export const MATRIX_VIAS: readonly MatrixVia[] = ['pod', 'service'];

export interface MatrixRequest {
  from?: PodSelection;
  to?: PodSelection;
  /** these ports, or (by default) every port the destination declares in its containers */
  ports?: readonly MatrixPort[] | 'declared';
  /** the pod IP (the default) or the pod's Service; `defaultVia` picks as the view and the CLI do */
  via?: MatrixVia;
}

/** The Service a cell was sent through: its ClusterIP and port, DNATed to the destination pod. */
export interface MatrixServiceProbe {
  /** `ns/name` */
  name: string;
  clusterIP: string;
  /** the Service's port (the cell's `port` is the pod's, which policy sees after DNAT) */
  port: number;
}

/** A cell that could not be sent through a Service, with why (listed instead of a verdict). */
export interface MatrixSkip {
  from: string;
  to: string;
  port: number;
  protocol: MatrixProtocol;
  reason: string;
}

/** One direction's part of a cell, as the details show it (the resolver's side verdict). */
export interface MatrixSide {
  direction: 'egress' | 'ingress';
  /** `ns/name` of the pod this side is about (the source for egress), or null for a hostNetwork pod */
  pod: string | null;
  /** some policy selects the pod for this direction */
  isolated: boolean;
  allowed: boolean;
  /** `ns/name` of the policies selecting the pod for this direction */
  isolating: string[];
  /** the rule that allowed it, as a user would recognise it */
  allowedBy: { policy: string; direction: 'egress' | 'ingress'; rule: number; text: string } | null;
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
  /** the Service the connection went through (only when probed through Services) */
  service?: MatrixServiceProbe;
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
  /** where the connections were sent */
  via: MatrixVia;
  /** one per source, destination, port and protocol, rows first */
  cells: MatrixCell[];
  /** through Services: the cells no Service could carry, rows first (never counted) */
  skipped: MatrixSkip[];
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
function allowingPolicies(egress: MatrixSide, ingress: MatrixSide): string[] {
  const e = egress.allowedBy?.policy;
  const i = ingress.allowedBy?.policy;
  if (e === undefined) return i === undefined ? [] : [i];
  return i === undefined || i === e ? [e] : [e, i];
}

/**
 * One cell: the policy verdict (the packet meets the source's egress first, then the destination's
 * ingress, both on the packet after DNAT), then whether anything listens. A denied packet is dropped
 * before it could be refused; a refused one got through policy. `service`: the Service the
 * connection was sent through; after DNAT the packet is the same, so is the verdict.
 */
export function matrixCell(
  cluster: Cluster,
  src: Pod,
  dst: Pod,
  port: MatrixPort,
  service: MatrixServiceProbe | null = null,
): MatrixCell {
  return cellOf(cluster, src, podKey(src), dst, podKey(dst), port, service);
}

/** The verdict and deciding policies of a cell. */
function decide(v: PolicyVerdict, dst: Pod, port: MatrixPort): [MatrixVerdict, string[]] {
  if (!v.egress.allowed) return ['denied-egress', [...v.egress.isolating]];
  if (!v.ingress.allowed) return ['denied-ingress', [...v.ingress.isolating]];
  const allowing = allowingPolicies(v.egress, v.ingress);
  if (!listens(dst, port)) return ['refused', allowing];
  if (!v.enforced && (v.egress.isolated || v.ingress.isolated))
    return ['not-enforced', [...new Set([...v.egress.isolating, ...v.ingress.isolating])]];
  return ['allowed', allowing];
}

const nameOf = (key: string): string => key.slice(key.indexOf('/') + 1);

/**
 * The sentence of a cell, from what the cell holds, so that the compact matrix (which keeps one
 * decision per class of pods) writes the same sentence for every pod of a class.
 */
export function cellReason(
  c: Pick<MatrixCell, 'from' | 'to' | 'port' | 'protocol' | 'verdict' | 'policies' | 'egress' | 'ingress'>,
): string {
  const src = nameOf(c.from);
  const dst = nameOf(c.to);
  const what = `${c.protocol.toUpperCase()} ${c.port}`;
  switch (c.verdict) {
    case 'denied-egress': {
      const both = c.ingress.allowed ? '' : ` ${dst}'s ingress would deny it too (${c.ingress.isolating.join(', ')}).`;
      return `Dropped: no egress rule of ${c.egress.isolating.join(', ')} allows ${src} to send ${what} to ${dst}.${both}`;
    }
    case 'denied-ingress':
      return `Dropped: no ingress rule of ${c.ingress.isolating.join(', ')} allows ${what} from ${src} into ${dst}.`;
    case 'refused':
      return `Refused: nothing in ${dst} listens on ${what}${c.protocol === 'tcp' ? ' (TCP RST)' : ' (ICMP port unreachable)'}.`;
    case 'not-enforced':
      return `Delivered: ${c.policies.join(', ')} select${c.policies.length === 1 ? 's' : ''} these pods, but the network plugin does not enforce NetworkPolicy.`;
    default:
      return c.policies.length > 0
        ? `Delivered: allowed by ${c.policies.join(' and ')}.`
        : c.from === c.to
          ? 'Delivered inside the pod: NetworkPolicy does not apply.'
          : 'Delivered: no NetworkPolicy isolates either pod.';
  }
}

function cellOf(
  cluster: Cluster,
  src: Pod,
  from: string,
  dst: Pod,
  to: string,
  port: MatrixPort,
  service: MatrixServiceProbe | null,
): MatrixCell {
  // through a Service the query is the same: policy sees the packet after DNAT (the pod's IP and port)
  const v = evaluatePolicy(cluster, { srcPod: src, dstPod: dst, port: port.port, protocol: port.protocol });
  const [verdict, policies] = decide(v, dst, port);
  // the resolver's side verdicts are fresh per call: the cell keeps them rather than copying
  const cell: MatrixCell = {
    from,
    to,
    port: port.port,
    protocol: port.protocol,
    verdict,
    policies,
    ...(service ? { service } : {}),
    egress: v.egress,
    ingress: v.ingress,
    reason: '',
  };
  cell.reason = cellReason(cell);
  return cell;
}

/** A Service port that sends to a pod: which Service, its port, and the pod's port it targets. */
interface PodServicePort {
  service: Service;
  port: number;
  target: MatrixPort;
  /** the Service's ready endpoints are this pod alone (upstream's `s-<ns>-<pod>`) */
  own: boolean;
}

/**
 * Per pod, the Services that can carry a connection to it: a ClusterIP, and the pod a ready
 * endpoint of their EndpointSlices (what kube-proxy programs), each port as the slice maps it. A
 * Service of the pod's own comes first, then by name.
 */
const servicePortsByPod = weakCache((cluster: Cluster): ReadonlyMap<string, PodServicePort[]> => {
  const byPod = new Map<string, PodServicePort[]>();
  const slices = lookup(cluster).endpointsByService;
  for (const svc of cluster.services) {
    if (svc.clusterIP === null || svc.type === 'ExternalName') continue;
    const ready = (slices.get(`${svc.namespace}/${svc.name}`)?.endpoints ?? []).filter(
      (e) => e.ready && e.pod !== null,
    );
    const own = ready.length > 0 && ready.every((e) => e.pod === ready[0]?.pod);
    for (const ep of ready) {
      for (const epPort of ep.ports) {
        if (epPort.protocol !== 'tcp' && epPort.protocol !== 'udp') continue;
        // an EndpointSlice names its ports after the Service's
        const sp = svc.ports.find((p) => p.name === epPort.name && p.protocol === epPort.protocol);
        if (!sp) continue;
        const list = byPod.get(ep.pod as string) ?? [];
        list.push({ service: svc, port: sp.port, target: { port: epPort.port, protocol: epPort.protocol }, own });
        byPod.set(ep.pod as string, list);
      }
    }
  }
  for (const list of byPod.values())
    list.sort(
      (a, b) =>
        Number(b.own) - Number(a.own) ||
        cmp(a.service.name, b.service.name) ||
        a.port - b.port ||
        cmp(a.target.protocol, b.target.protocol),
    );
  return byPod;
});

/** Why no Service carries a cell: the sentence is written per cell by `skipReason`. */
export type MatrixSkipCause =
  { kind: 'no-service' } | { kind: 'local-traffic'; service: string; srcNode: string; dstNode: string };

/** The sentence of a skipped cell. */
export function skipReason(cause: MatrixSkipCause, to: string, port: MatrixPort): string {
  const what = `${port.protocol.toUpperCase()} ${port.port}`;
  return cause.kind === 'no-service'
    ? `No Service sends ${what} to ${to}: none has it as a ready endpoint on that port.`
    : `${cause.service} has internalTrafficPolicy Local: from ${cause.srcNode} its ClusterIP reaches ${cause.srcNode}'s endpoints only, and ${to} runs on ${cause.dstNode}.`;
}

/**
 * How a cell goes through a Service: the Service, ClusterIP and port kube-proxy DNATs to the
 * destination pod on that port, or why no Service can (the cell is then skipped, not judged).
 *
 * @example
 * serviceProbe(cluster, xa, yb, { port: 80, protocol: 'tcp' }) // { probe: { name: 'y/s-y-b', clusterIP: '10.96.…', port: 80 } }
 */
export function serviceProbe(
  cluster: Cluster,
  src: Pod,
  dst: Pod,
  port: MatrixPort,
): { probe: MatrixServiceProbe } | { skip: MatrixSkipCause } {
  const all = (servicePortsByPod(cluster).get(podKey(dst)) ?? []).filter(
    (e) => e.target.port === port.port && e.target.protocol === port.protocol,
  );
  if (all.length === 0) return { skip: { kind: 'no-service' } };
  // internalTrafficPolicy Local: a ClusterIP reaches the endpoints of the client's own node only
  const usable = all.find((e) => e.service.internalTrafficPolicy !== 'Local' || src.node === dst.node);
  if (!usable) {
    const svc = all[0]?.service as Service;
    return {
      skip: { kind: 'local-traffic', service: `${svc.namespace}/${svc.name}`, srcNode: src.node, dstNode: dst.node },
    };
  }
  const svc = usable.service;
  return { probe: { name: `${svc.namespace}/${svc.name}`, clusterIP: svc.clusterIP as string, port: usable.port } };
}

/**
 * What a pod's Service path depends on besides what policy reads: its Services and their ports
 * (and, under internalTrafficPolicy Local, its node). The compact matrix adds it to a pod's class.
 */
export function serviceClassKey(cluster: Cluster, pod: Pod): string {
  const list = servicePortsByPod(cluster).get(podKey(pod)) ?? [];
  const local = localServices(cluster);
  return `${list.map((e) => `${e.service.namespace}/${e.service.name}:${e.port}>${e.target.port}/${e.target.protocol}`).join(' ')}${local ? `@${pod.node}` : ''}`;
}

const localServices = weakCache((cluster: Cluster): boolean =>
  cluster.services.some((s) => s.internalTrafficPolicy === 'Local'),
);

/**
 * Where a matrix is sent unless the user says: through the Services when the cluster is laid out as
 * Kubernetes' netpol tests lay it out (each pod behind `s-<ns>-<pod>`): most destination pods have
 * a Service of their own (they are its only endpoint), and every destination pod is an endpoint of
 * some Service (without internalTrafficPolicy Local) on every port it declares. Else to the pod IPs,
 * which reach every pod: replicas behind one Service are the usual case, and the pod IP is then
 * the question a reader asks of one pod.
 */
export function defaultVia(cluster: Cluster, destinations: readonly Pod[]): MatrixVia {
  const byPod = servicePortsByPod(cluster);
  let own = 0;
  const covered = (d: Pod): boolean => {
    const list = (byPod.get(podKey(d)) ?? []).filter((e) => e.service.internalTrafficPolicy !== 'Local');
    if (list.some((e) => e.own)) own++;
    return (
      list.length > 0 &&
      declaredPorts(d).every((p) => list.some((e) => e.target.port === p.port && e.target.protocol === p.protocol))
    );
  };
  return destinations.length > 0 && destinations.every(covered) && own * 2 > destinations.length ? 'service' : 'pod';
}

/** Ports of the request, for one destination. */
function portsFor(request: MatrixRequest, dst: Pod): readonly MatrixPort[] {
  return request.ports === undefined || request.ports === 'declared' ? declaredPorts(dst) : request.ports;
}

/**
 * The matrix of a selection: one cell per source, destination and port (rows first), each the
 * verdict `trace` would reach for a connection from the source pod to the destination pod's IP, or
 * (`via: 'service'`) to the ClusterIP of a Service that DNATs it to that pod.
 *
 * @example
 * const m = computeMatrix(cluster, { from: { namespace: 'x' }, to: { namespace: 'y' }, ports: [{ port: 80, protocol: 'tcp' }] });
 * m.cells.filter((c) => c.verdict === 'denied-ingress').map((c) => `${c.from} -> ${c.to}`);
 */
export function computeMatrix(cluster: Cluster, request: MatrixRequest = {}): Matrix {
  const sources = selectPods(cluster, request.from);
  const destinations = selectPods(cluster, request.to);
  const via = request.via ?? 'pod';
  const cells: MatrixCell[] = [];
  const skipped: MatrixSkip[] = [];
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
      const from = srcKeys[s] as string;
      const to = dstKeys[d] as string;
      for (const port of ports[d] ?? []) {
        let service: MatrixServiceProbe | null = null;
        if (via === 'service') {
          const probe = serviceProbe(cluster, src, dst, port);
          if ('skip' in probe) {
            const reason = skipReason(probe.skip, to, port);
            skipped.push({ from, to, port: port.port, protocol: port.protocol, reason });
            continue;
          }
          service = probe.probe;
        }
        const cell = cellOf(cluster, src, from, dst, to, port, service);
        counts[cell.verdict]++;
        cells.push(cell);
      }
    });
  });
  return {
    sources: srcKeys,
    destinations: dstKeys,
    enforced: cluster.settings.policyEnforced,
    via,
    cells,
    skipped,
    counts,
  };
}

/** The pod a `ns/name` key names, for callers holding a cell. */
export function matrixPod(cluster: Cluster, key: string): Pod | undefined {
  return lookup(cluster).podByKey.get(key);
}
