/**
 * The trace: the public contract between the simulation, the app, the CLI and links
 * (docs/trace-format.md). Fields may be added; none may be removed or renamed.
 */
import type { TraceWarningDetail } from './warnings';
import type { ElementId } from '../model/ids';

/** `10.244.1.10:40000`, or `10.244.1.10` for ICMP */
export type Addr = string;

export const VERDICTS = ['delivered', 'refused', 'dropped', 'unresolved'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const HOP_KINDS = [
  'socket',
  'loopback',
  'veth',
  'bridge',
  'route',
  'arp',
  'netfilter',
  'ipvs',
  'conntrack',
  'encap',
  'decap',
  'wire',
  'load-balancer',
  'proxy',
  'dns',
  'policy',
  'deliver',
  'drop',
  'reject',
] as const;
export type HopKind = (typeof HOP_KINDS)[number];

export interface OuterHeader {
  src: Addr;
  dst: Addr;
  protocol: string;
  vni?: number;
}

export interface Packet {
  src: Addr;
  dst: Addr;
  protocol: string;
  ttl?: number;
  outer?: OuterHeader;
  /** the Ethernet header where it matters (on a link), as MAC addresses */
  eth?: { src: string; dst: string };
}

export type NatType = 'DNAT' | 'SNAT' | 'MASQUERADE' | 'un-DNAT' | 'un-SNAT';

export interface Nat {
  type: NatType;
  before: { src: Addr; dst: Addr };
  after: { src: Addr; dst: Addr };
}

export interface Hop {
  kind: HopKind;
  /** an element id (the id table of docs/trace-format.md) */
  at: ElementId;
  /** the Kubernetes node it happens on; null off-cluster */
  node: string | null;
  /**
   * The devices this hop acts on, as element ids (`dev/<node>/<name>`, `dev/pod/<ns>/<pod>/eth0`,
   * `veth/<node>/<ns>/<pod>`): the device at `at`, the output device of a route, the device a
   * tunnel wraps in. Empty where no device is involved (a socket, the wire, a Service's rules).
   * The narrator writes it beside `text`, and every device a sentence names is in this hop's list,
   * the previous hop's or the next one's.
   */
  devices: ElementId[];
  /** the packet as it leaves this hop */
  packet: Packet;
  nat?: Nat;
  /** the iptables / nftables / IPVS / route / policy rule, as a user would recognise it */
  rule?: string;
  /** one plain sentence for the narration */
  text: string;
  /**
   * A rule the Service proxy consults only for a connection's first packet (the nat table's
   * chains, an IPVS scheduling, the DNAT itself): conntrack translates the later packets of the
   * connection without it, so an exchange carrying them lists this hop in its `skip`.
   */
  firstPacketOnly?: true;
}

export interface TraceRequest {
  from: string;
  to: string;
  port?: number;
  protocol: 'tcp' | 'udp' | 'icmp';
  seed: number;
  pick: string[];
  /** the HTTP method of a URL request, when one other than GET was asked for */
  method?: string;
  /** the header lines (`Name: value`) of a URL request, when any were given */
  headers?: string[];
}

/** The route object an L7 proxy matched, as a user would find it with kubectl. */
export interface HttpRoute {
  kind: 'HTTPRoute' | 'Ingress';
  namespace: string;
  name: string;
  /** the index in the object's rules; null where an Ingress's default backend answered */
  rule: number | null;
}

/** An HTTP request through an L7 proxy, and what became of it (docs/trace-format.md). */
export interface HttpExchange {
  /** the request line and Host as the client sent them */
  method: string;
  host: string;
  path: string;
  /** the query string as the client sent it, without `?`; absent when there was none */
  query?: string;
  /** the status the client got */
  status: number;
  /** the headers the backend saw; empty when no backend got the request */
  headers: Record<string, string>;
  /** the route that matched; null when none did. Absent in traces stored before it existed */
  route?: HttpRoute | null;
  /** the Location of a redirect; null otherwise */
  location?: string | null;
  /** the request as the backend received it (after rewrites), null when no backend got it */
  backend?: { method: string; path: string; headers: Record<string, string> } | null;
}

export interface Candidate {
  pod: string;
  ip: string;
  port: number;
  probability: number | null;
  chosen: boolean;
}

export interface DnsQuery {
  name: string;
  type: 'A' | 'AAAA' | 'SRV' | 'PTR';
  /** the records; `[]` with `timedOut` when no answer came back */
  answer: string[] | 'NXDOMAIN';
  /** the query was sent and nothing answered before the resolver gave up (a dropped query) */
  timedOut?: true;
}

export interface Trace {
  request: TraceRequest;
  verdict: Verdict;
  /** one sentence */
  reason: string;
  endpoint: { pod: string; ip: string; port: number; container?: string } | null;
  candidates: Candidate[];
  hops: Hop[];
  dns: { queries: DnsQuery[]; hops: Hop[] } | null;
  /** the answer, RST or ICMP error; null when nothing comes back */
  reply: { verdict: Verdict; hops: Hop[] } | null;
  http: HttpExchange | null;
  /** things the user should know that are not the packet's fate, e.g. a `pick` that matched no choice */
  warnings?: string[];
  /** the same warnings as objects: a code, the sentence, the ids of the elements concerned */
  warningDetails?: TraceWarningDetail[];
  /**
   * The packets of the connection in the order they happen, each exchange a range of `hops` or
   * `reply.hops` (docs/trace-format.md). Every trace `trace()` makes has it; a trace stored before
   * it existed has none, and readers take `directConversation(trace)` for it.
   */
  conversation?: Exchange[];
}

/** What the packets of one exchange carry, in the order they are sent. */
export const CARRIES = ['SYN', 'SYN-ACK', 'ACK', 'request', 'response', 'RST', 'ICMP error'] as const;
export type Carry = (typeof CARRIES)[number];

/**
 * A connection leg: the client's connection to an L7 proxy, the proxy's own connection to the
 * backend, or the one connection of traffic no proxy ends (a Service's DNAT is not a proxy).
 */
export const LEGS = ['client-proxy', 'proxy-backend', 'direct'] as const;
export type Leg = (typeof LEGS)[number];

export interface Exchange {
  leg: Leg;
  /** `to-server`: from whoever opened the leg's connection; `to-client`: the answer on it */
  direction: 'to-server' | 'to-client';
  /** what the packets carry; several when they follow one another along the same path */
  carries: Carry[];
  /** the hops this exchange plays: `path[from]` to `path[to - 1]` */
  path: 'hops' | 'reply';
  from: number;
  to: number;
  /** one sentence */
  text: string;
  /**
   * Sentences said instead of a hop's own `text` while this exchange plays it, where the hop's
   * sentence speaks of the first packet that took the path (the SYN) and this is a later one.
   * `index` is the hop's index in `path`; `rule`, when present, replaces the hop's rule too (the
   * conntrack entry as a later packet finds it).
   */
  retell?: { index: number; text: string; rule?: string }[];
  /**
   * Hops of `path[from..to)` this exchange does not play (their `index` in `path`): later packets of
   * a connection do not meet the rules marked `firstPacketOnly`, conntrack applying the recorded
   * translation instead.
   */
  skip?: number[];
}

// Playback numbering (the timeline of the conversation) lives in ./conversation; re-exported here
// because the app and the CLI have always imported it from the trace's types.
export { flattenHops, stepPhase } from './conversation';
