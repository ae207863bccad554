/**
 * What every Service proxy shares: the endpoints of a Service port and which of them a node may use
 * (docs/networking-model.md), kube-proxy's chain names, the choice among endpoints, and the types of
 * the decision a proxy module returns. The modes themselves live one per file beside this one.
 */
import type { Cluster, ClusterNode, Endpoint, Protocol, ProxyMode, Service, ServicePort } from '../model/types';
import { lookup } from '../model/lookup';
import { cidrContains } from '../model/ip';
import { parseIPv4 } from '../model/memo';
import { base32, sha256 } from './sha256';
import type { Candidate } from '../trace/types';
import type { TraceWarning } from '../trace/warnings';
import { weakCache } from '../model/weakCache';

/** kube-proxy's masquerade mark: bit 14 (docs/networking-model.md). */
export const MASQ_MARK = '0x4000';

/** An endpoint a Service can send to, with the port resolved for the Service port. */
export interface Backend {
  readonly endpoint: Endpoint;
  readonly ip: string;
  readonly port: number;
  /** `ns/name` of the pod, or the address for endpoints that are not pods */
  readonly pod: string;
  readonly node: string | null;
}

/** How the packet reached the Service: its ClusterIP, a NodePort, or a LoadBalancer address. */
export type Entry = 'clusterIP' | 'nodePort' | 'loadBalancer';

/** One step of the proxy's walk, drawn as a hop on the deciding node. */
export interface ProxyStep {
  kind: 'netfilter' | 'ipvs' | 'socket';
  rule: string;
  /** what the step did, which the narrator (narrate/service.ts) words */
  says: ProxyEvent;
}

/** `ns/name` of a Service, the dialed address, and how the packet reached it. */
interface Matched {
  entry: Entry;
  service: string;
  /** the dialed `ip:port` */
  dst: string;
  dstIP: string;
  nodePort: number;
}

/** The endpoint a scheduler landed on. */
interface Landed {
  chain: string;
  n: number;
  index: number;
  chosen: Backend;
  /** pinned by `--pick` rather than drawn */
  pinned: boolean;
}

/**
 * What one step of a proxy's walk did, typed so that the modules decide and the narrator words:
 * the mechanism is in the event's name (`kube-services` is iptables' chain walk, `nft-map` a
 * verdict map, `ipvs-virtual-server` IPVS on INPUT, `ebpf-service-map` Cilium's map).
 */
export type ProxyEvent =
  | ({ event: 'kube-services'; hook: 'OUTPUT' | 'PREROUTING' } & Matched)
  | ({ event: 'nft-map'; hook: 'output' | 'prerouting' } & Matched)
  | ({ event: 'ipvs-virtual-server'; nodePortAddr: string } & Matched)
  | { event: 'ebpf-service-map'; dst: string }
  /** no ready endpoint anywhere: the client is refused */
  | {
      event: 'no-endpoints';
      by: 'filter-reject' | 'nft-reject-chain' | 'ipvs-no-real-server' | 'ebpf-no-backend';
      service: string;
      /** DNS still answers with the ClusterIP (or the node/LB address) */
      answered: 'ClusterIP' | 'address';
    }
  /** a Local traffic policy with no endpoint on this node: dropped */
  | { event: 'no-local-endpoints'; entry: Entry; service: string; node: string }
  /** KUBE-EXT under externalTrafficPolicy Cluster: mark, then any endpoint */
  | { event: 'external-cluster'; extChain: string; svcChain: string }
  /** KUBE-EXT under Local, for traffic from a pod or the node itself: treated as cluster traffic */
  | { event: 'external-local-as-cluster'; extChain: string; svcChain: string; srcLocal: boolean }
  /** KUBE-EXT under Local for outside traffic: only this node's endpoints, no masquerade */
  | { event: 'external-local'; extChain: string; svlChain: string; node: string }
  /**
   * A rule marks the packet for masquerade: an iptables chain (`first`: the chain's first rule),
   * an nftables chain, or iptables' ipset rules beside IPVS (`ipset` null: KUBE-CLUSTER-IP).
   */
  | {
      event: 'mark-masquerade';
      marker:
        | { kind: 'iptables-chain'; chain: string; first: boolean }
        | { kind: 'nft-chain'; chain: 'external' | 'service' | 'endpoint' }
        | { kind: 'ipvs-ipset'; ipset: string | null };
      /** null: the rule's own condition says why (the external chain under policy Cluster) */
      why: MasqueradeReason | null;
    }
  /** iptables' chained statistic rules (`affinity`: ClientIP's `recent` timeout and the client) */
  | ({ event: 'pick-statistic'; affinity: { timeout: number; client: string; node: string } | null } & Landed)
  /** nftables' numgen rule */
  | ({ event: 'pick-numgen'; affinity: { timeout: number; client: string } | null } & Landed)
  /** IPVS round robin after `rrOffset` earlier connections on `node` */
  | ({
      event: 'pick-rr';
      rrOffset: number;
      node: string;
      persistence: { timeout: number; client: string } | null;
    } & Landed);

/** Why a proxy masquerades a connection's packets (the POSTROUTING hop and the marking rule say it). */
export type MasqueradeReason =
  /** a ClusterIP reached from outside the cluster CIDR: replies must come back through `node` */
  | { reason: 'outside-cluster-cidr'; src: string; cidr: string }
  /** externalTrafficPolicy Cluster on a NodePort or LB address (`where` as kube-proxy names it) */
  | { reason: 'external-cluster'; where: string; node: string; by: 'kube-proxy' | 'cilium' }
  /** a host process uses an external destination of a Local Service */
  | { reason: 'local-host-external' }
  /** an endpoint reaching its own Service lands on itself (`ipset`: IPVS's KUBE-LOOP-BACK) */
  | { reason: 'hairpin'; pod: string; ipset: string | null };

/** What the Service proxy of a node does with the first packet of a connection. */
export interface ProxyDecision {
  outcome: 'dnat' | 'reject' | 'drop' | 'nomatch';
  steps: ProxyStep[];
  /** every eligible endpoint with its exact probability (null where a scheduler decides) */
  candidates: Candidate[];
  chosen: Backend | null;
  /** kube-proxy marked the packet for masquerade (0x4000) */
  masquerade: boolean;
  /** why masquerade applies, for the POSTROUTING hop; null without masquerade */
  masqueradeWhy: MasqueradeReason | null;
  /** the DNAT rule (or IPVS/eBPF translation) as a user would see it */
  dnatRule: string;
  /**
   * The connection tracking entry the translation leaves on the deciding node, which undoes it on
   * the reply; null when nothing is translated, or when the socket was connected to the endpoint
   * at connect() and no packet ever carries the Service address.
   */
  conntrack: ConntrackEntry | null;
  /** a pick that matched no candidate */
  warnings: TraceWarning[];
  /** the endpoints' set: Cluster- or Local-policy, for the text */
  policy: 'Cluster' | 'Local';
}

/** A connection as conntrack holds it: the packet's addresses before and after the translation. */
export interface ConntrackEntry {
  protocol: Protocol;
  /** as the proxy saw the first packet: `ip:port` (`ip` for ICMP) */
  original: { src: string; dst: string };
  /** after DNAT: the destination is the endpoint */
  translated: { src: string; dst: string };
}

/**
 * Where a proxy decides: `connect`, in the socket layer when a process in the cluster calls
 * connect() (Cilium's socket LB); `packet`, on the packet as it passes the node (netfilter
 * PREROUTING or OUTPUT, IPVS in INPUT, eBPF on the native device).
 */
export type ProxyHook = 'connect' | 'packet';

/** What a packet to a ClusterIP on a port the Service does not define (or a ping to it) meets. */
export type UndefinedPortDecision =
  /** nothing matches: the ClusterIP is no local address, so the node routes the packet on */
  | { outcome: 'route' }
  /** a rule (or the absent frontend) refuses or drops it */
  | { outcome: 'reject' | 'drop'; rule: string };

/** The packet and the node `decide` works on. */
export interface DecideInput {
  svc: Service;
  port: ServicePort;
  entry: Entry;
  /** the node where the decision happens */
  node: string;
  /** the packet's source address as this node sees it (after any earlier SNAT) */
  srcIP: string;
  /** the source is a process in this node's root namespace (OUTPUT, src-type LOCAL) */
  srcLocal: boolean;
  /** where the decision happens (a proxy whose `inClusterHook` is `packet` always gets `packet`) */
  hook: ProxyHook;
  /** the packet's addresses as they reach the proxy (`ip:port`, `ip` for ICMP): conntrack's original tuple */
  packet: { src: string; dst: string };
  /** the dialed address (VIP, node address or LB address) and port */
  dstIP: string;
  dstPort: number;
  protocol: Protocol;
  /** a float in [0, 1) */
  random: () => number;
  pick: readonly string[];
  /** IPVS rr: how many connections this node scheduled to this virtual server before */
  rrOffset: number;
}

/**
 * A Service proxy: one per mode (kube-proxy iptables, nftables, IPVS; Cilium's kube-proxy
 * replacement). It decides what a node does with the first packet of a connection and prints the
 * rules it holds for a Service; both use the same rule formatters, so the inspector shows the very
 * lines a hop names.
 */
export interface ServiceProxy {
  readonly mode: ProxyMode;
  /** the component, as the hops name it: `kube-proxy (iptables mode)` */
  readonly name: string;
  /** the short name the diagram labels a node's kernel with: `iptables`, `IPVS`, `eBPF (Cilium)` */
  readonly shortName: string;
  /** the command whose output `rules` reproduces */
  readonly command: string;
  /** the decision for the first packet of a connection (the shell in decide.ts prepares `c`) */
  decide(c: DecideContext): ProxyDecision;
  /** the rules for `svc` on `node`, as the mode's tool prints them (`#` lines name the command) */
  rules(cluster: Cluster, node: ClusterNode, svc: Service): string[];
  /** the POSTROUTING rule that masquerades a marked packet */
  readonly masqueradeRule: string;
  /**
   * The device the proxy adds to every node, holding every Service address as a local one (IPVS:
   * the dummy kube-ipvs0): such addresses are delivered to INPUT, and the node answers from them.
   */
  readonly nodeDevice: string | null;
  /** how it picks an endpoint: chained random rules, per-node round robin, or one uniform draw */
  readonly scheduler: Scheduler;
  /** kube-proxy itself runs on the nodes (its healthz and metrics ports listen); not with Cilium's replacement */
  readonly kubeProxy: boolean;
  /** where it meets a connection from a socket in the cluster (Cilium: at connect()) */
  readonly inClusterHook: ProxyHook;
  /** what rewrites a packet's destination: netfilter DNAT, IPVS (Masq forwarding), or eBPF on the device */
  readonly translator: 'netfilter' | 'ipvs' | 'ebpf';
  /**
   * A NodePort dialed on 127.0.0.1 from the node: null when the mode serves it, else the rule that
   * shows it does not (nftables and IPVS never serve localhost NodePorts).
   */
  readonly localhostNodePortRefusal: string | null;
  /** what a ClusterIP on a port the Service does not define, or a ping to it, meets (`dst` as dialed) */
  undefinedPort(dst: string): UndefinedPortDecision;
  /**
   * A proxy that decides at connect(): the hook that translates the backend address `from` back to
   * the dialed `to` on the reply, in the socket layer (Cilium's recvmsg hook)
   */
  readonly socketReverseRule?: (from: string, to: string) => string;
  /** the POSTROUTING rule that masquerades a pod reaching itself through its Service over a bridge (hairpin) */
  readonly hairpinRule: string;
}

/** What every mode's `decide` starts from: the input and the endpoints the node may use. */
export interface DecideContext {
  cluster: Cluster;
  input: DecideInput;
  /** every endpoint of the Service port, sorted by IP:port */
  all: readonly Backend[];
  /** the traffic policy that applies to this entry and source */
  policy: 'Cluster' | 'Local';
  /** the endpoints this node may choose from */
  list: Backend[];
  /** the Service has usable endpoints somewhere */
  any: boolean;
  /** `ns/svc:port` */
  spn: string;
  /** how kube-proxy's comments name the entry: `cluster IP`, `NodePort`, `loadbalancer IP` */
  where: string;
  /** the dialed `ip:port` */
  dst: string;
}

// ---------------------------------------------------------------------------------------------
// Names.

const hashes = new Map<string, string>();
/** base32(sha256(text)), memoised: chain names are asked for on every trace. */
function hash(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    if (hashes.size > 100_000) hashes.clear();
    h = base32(sha256(text));
    hashes.set(text, h);
  }
  return h;
}

/** ServicePortName.String(): `ns/svc:port`, or `ns/svc` for an unnamed port. */
export function servicePortName(svc: Service, port: ServicePort): string {
  return `${svc.namespace}/${svc.name}${port.name ? `:${port.name}` : ''}`;
}

const portHashes = weakCache((_: ServicePort) => new Map<Service, string>());
const sepNames = weakCache((_: Backend) => new Map<ServicePort, string>());

/** `KUBE-SVC-`, `KUBE-SVL-`, `KUBE-EXT-`, `KUBE-FW-` + base32(sha256(spn + protocol))[:16] (proxier.go). */
export function chainName(
  prefix: 'KUBE-SVC-' | 'KUBE-SVL-' | 'KUBE-EXT-' | 'KUBE-FW-',
  svc: Service,
  port: ServicePort,
): string {
  // Memoised per object: the string key of the text cache costs more than the lookup here.
  const bySvc = portHashes(port);
  let h = bySvc.get(svc);
  if (h === undefined) {
    h = hash(servicePortName(svc, port) + port.protocol).slice(0, 16);
    bySvc.set(svc, h);
  }
  return prefix + h;
}

/** `KUBE-SEP-` + base32(sha256(spn + protocol + "ip:port"))[:16]. */
export function sepChainName(svc: Service, port: ServicePort, b: Backend): string {
  const byPort = sepNames(b);
  let name = byPort.get(port);
  if (name === undefined) {
    name = 'KUBE-SEP-' + hash(servicePortName(svc, port) + port.protocol + `${b.ip}:${b.port}`).slice(0, 16);
    byPort.set(port, name);
  }
  return name;
}

/** nftables: `service-<8 of base32>-ns/svc/proto/port` (hashAndTruncate in the nftables proxier). */
export function nftServiceChain(svc: Service, port: ServicePort, prefix = 'service'): string {
  const base = `${svc.namespace}/${svc.name}/${port.protocol}/${port.name ?? ''}`;
  return `${prefix}-${hash(base).slice(0, 8)}-${base}`;
}

/** nftables: `endpoint-<8 of base32>-ns/svc/proto/port__ip/port`. */
export function nftEndpointChain(svc: Service, port: ServicePort, b: Backend): string {
  const base = `${svc.namespace}/${svc.name}/${port.protocol}/${port.name ?? ''}__${b.ip}/${b.port}`;
  return `endpoint-${hash(base).slice(0, 8)}-${base}`;
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

const backendCache = weakCache((_: Cluster) => new Map<ServicePort, readonly Backend[]>());

/** Every endpoint of a Service port with its resolved port, sorted by `IP:port` as kube-proxy sorts. */
export function backendsOf(cluster: Cluster, svc: Service, port: ServicePort): readonly Backend[] {
  const byPort = backendCache(cluster);
  // Keyed on the port object (a Service's ports are its own): no string to build per trace.
  const key = port;
  const cached = byPort.get(key);
  if (cached) return cached;
  const set = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`);
  const list: Backend[] = [];
  for (const ep of set?.endpoints ?? []) {
    // A named targetPort is resolved per pod; a pod without that port name is not an endpoint of it.
    const p =
      ep.ports.find((x) => x.name === port.name && x.protocol === port.protocol) ??
      (ep.ports.length === 1 && port.name === null ? ep.ports[0] : undefined);
    if (!p) continue;
    list.push({ endpoint: ep, ip: ep.ip, port: p.port, pod: ep.pod ?? ep.ip, node: ep.node });
  }
  list.sort((a, b) => {
    const x = `${a.ip}:${a.port}`;
    const y = `${b.ip}:${b.port}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  byPort.set(key, list);
  return list;
}

/**
 * The endpoints a node may use (CategorizeEndpoints, docs/networking-model.md): Cluster policy, the
 * ready ones cluster-wide, else serving-and-terminating ones; Local policy, the same on this node.
 * `any` says whether the Service has usable endpoints anywhere (REJECT when it has none).
 */
export function eligible(
  all: readonly Backend[],
  policy: 'Cluster' | 'Local',
  node: string,
): { list: Backend[]; any: boolean } {
  let ready = all.filter((b) => b.endpoint.ready);
  if (ready.length === 0) ready = all.filter((b) => b.endpoint.serving && b.endpoint.terminating);
  const any = ready.length > 0;
  if (policy === 'Cluster') return { list: ready, any };
  let local = all.filter((b) => b.node === node && b.endpoint.ready);
  if (local.length === 0) local = all.filter((b) => b.node === node && b.endpoint.serving && b.endpoint.terminating);
  return { list: local, any };
}

const probabilityTexts = new Map<number, string>();

/** The probability kube-proxy writes on rule i of n (`%0.10f`), the last rule having none. */
export function ruleProbability(i: number, n: number): string {
  const k = n - i;
  let text = probabilityTexts.get(k);
  if (text === undefined) {
    text = (1 / k).toFixed(10);
    if (probabilityTexts.size < 10_000) probabilityTexts.set(k, text);
  }
  return text;
}

/** A pod is a backend source when its IP is in the cluster CIDR (detectLocalMode ClusterCIDR). */
export function inClusterCIDR(cluster: Cluster, ip: string): boolean {
  return cidrContains(lookup(cluster).podSubnet, parseIPv4(ip) ?? 0);
}

// ---------------------------------------------------------------------------------------------
// The choice.

/** How a mode picks among n endpoints: chained statistic rules, round robin, or one uniform draw. */
export type Scheduler = 'chained' | 'rr' | 'uniform';

/** The endpoint chosen, every candidate with its probability, and the warnings of a stray pick. */
export interface Choice {
  index: number;
  chosen: Backend;
  candidates: Candidate[];
  pinned: boolean;
  warnings: TraceWarning[];
}

/** Picks an endpoint of a non-empty `c.list` as the mode's scheduler does (a `pick` pins it). */
export function choose(c: DecideContext, scheduler: Scheduler): Choice {
  const { list, input } = c;
  const warnings: TraceWarning[] = [];
  const n = list.length;
  const pinned = pickedIndex(list, input.pick);
  for (const p of input.pick) {
    if (!p.startsWith('node/') && !list.some((b) => b.pod === p))
      warnings.push({ kind: 'pick-not-endpoint', pick: p, service: `${input.svc.namespace}/${input.svc.name}` });
  }
  let index: number;
  if (pinned >= 0) index = pinned;
  else if (scheduler === 'rr') index = input.rrOffset % n;
  else if (scheduler === 'chained') {
    // The chained statistic rules: rule i matches with probability 1/(n-i), uniform overall.
    index = n - 1;
    for (let i = 0; i < n - 1; i++) {
      if (input.random() < 1 / (n - i)) {
        index = i;
        break;
      }
    }
  } else index = Math.min(n - 1, Math.floor(input.random() * n));
  return {
    index,
    chosen: list[index] as Backend,
    candidates: list.map((b, i) => ({
      pod: b.pod,
      ip: b.ip,
      port: b.port,
      probability: scheduler === 'rr' ? null : 1 / n,
      chosen: i === index,
    })),
    pinned: pinned >= 0,
    warnings,
  };
}

const probabilityLists = new Map<number, string>();

/** `0.3333333333, 0.5000000000, rest` for n = 3: the chained probabilities, for the text. */
export function probabilityList(n: number): string {
  let text = probabilityLists.get(n);
  if (text === undefined) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(i === n - 1 ? 'rest' : ruleProbability(i, n));
    text = parts.join(', ');
    if (probabilityLists.size < 10_000) probabilityLists.set(n, text);
  }
  return text;
}

export function pickedIndex(list: readonly Backend[], pick: readonly string[]): number {
  for (const p of pick) {
    const i = list.findIndex((b) => b.pod === p);
    if (i >= 0) return i;
  }
  return -1;
}

/** A decision with no endpoint chosen: REJECT, DROP, or nothing matched. */
export function without(c: DecideContext, outcome: 'reject' | 'drop' | 'nomatch', steps: ProxyStep[]): ProxyDecision {
  return {
    outcome,
    steps,
    candidates: [],
    chosen: null,
    masquerade: false,
    masqueradeWhy: null,
    dnatRule: '',
    conntrack: null,
    warnings: [],
    policy: c.policy,
  };
}

/** The step of a Service with no ready endpoint anywhere: the client is refused. */
export function noEndpoints(c: DecideContext, by: Extract<ProxyEvent, { event: 'no-endpoints' }>['by']): ProxyEvent {
  const { svc } = c.input;
  return {
    event: 'no-endpoints',
    by,
    service: `${svc.namespace}/${svc.name}`,
    answered: c.where === 'cluster IP' ? 'ClusterIP' : 'address',
  };
}

/** The step of a Local traffic policy with no endpoint on the deciding node: dropped. */
export function noLocalEndpoints(c: DecideContext): ProxyEvent {
  const { svc, entry, node } = c.input;
  return { event: 'no-local-endpoints', entry, service: `${svc.namespace}/${svc.name}`, node };
}

/**
 * kube-proxy's masquerade conditions (section 4.3 and 6), before the endpoint is known; the three
 * kube-proxy modes share them, each printing its own rule. Hairpin is added once the endpoint is.
 */
export function kubeProxyMasquerade(c: DecideContext): MasqueradeReason | null {
  const { cluster, input } = c;
  const { svc, entry } = input;
  if (entry === 'clusterIP') {
    if (!inClusterCIDR(cluster, input.srcIP))
      return { reason: 'outside-cluster-cidr', src: input.srcIP, cidr: cluster.settings.podSubnet };
  } else if (svc.externalTrafficPolicy === 'Cluster') {
    return { reason: 'external-cluster', where: c.where, node: input.node, by: 'kube-proxy' };
  } else if (input.srcLocal) {
    return { reason: 'local-host-external' };
  }
  return null;
}

/** The hairpin reason: an endpoint that reaches its own Service and lands on itself. */
export const hairpinWhy = (chosen: Backend, ipset: string | null = null): MasqueradeReason => ({
  reason: 'hairpin',
  pod: chosen.pod,
  ipset,
});

/** The entry conntrack keeps for a translation to `chosen`, or null when the socket layer translated. */
export function conntrackEntry(c: DecideContext, chosen: Backend): ConntrackEntry | null {
  const { input } = c;
  if (input.hook === 'connect') return null;
  const icmp = input.protocol === 'icmp';
  return {
    protocol: input.protocol,
    original: input.packet,
    translated: { src: input.packet.src, dst: icmp ? chosen.ip : `${chosen.ip}:${chosen.port}` },
  };
}

const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/**
 * The entry as `conntrack -L` prints it: the original tuple, then the reply tuple it expects
 * (`[UNREPLIED]` until the reply has been seen).
 */
export function conntrackLine(e: ConntrackEntry, replied: boolean): string {
  // indexOf rather than split: this runs twice per Service trace on the hot path.
  const { original, translated } = e;
  const s = ipOf(original.src);
  const d = ipOf(original.dst);
  const r = ipOf(translated.dst);
  const mark = replied ? '' : ' [UNREPLIED]';
  if (e.protocol === 'icmp') return `icmp src=${s} dst=${d}${mark} src=${r} dst=${s}`;
  const sp = original.src.slice(s.length + 1);
  return `${e.protocol} src=${s} dst=${d} sport=${sp} dport=${original.dst.slice(d.length + 1)}${mark} src=${r} dst=${s} sport=${translated.dst.slice(r.length + 1)} dport=${sp}`;
}
