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
}

export interface TraceRequest {
  from: string;
  to: string;
  port?: number;
  protocol: 'tcp' | 'udp' | 'icmp';
  seed: number;
  pick: string[];
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
  http: { method: string; host: string; path: string; status: number; headers: Record<string, string> } | null;
  /** things the user should know that are not the packet's fate, e.g. a `pick` that matched no choice */
  warnings?: string[];
  /** the same warnings as objects: a code, the sentence, the ids of the elements concerned */
  warningDetails?: TraceWarningDetail[];
}

/**
 * Playback steps are numbered over one flattened timeline: the DNS hops, then `hops`, then
 * `reply.hops` (docs/trace-format.md). The UI, links and the postMessage API all use this numbering.
 */
export function flattenHops(trace: Trace): Hop[] {
  return [...(trace.dns?.hops ?? []), ...trace.hops, ...(trace.reply?.hops ?? [])];
}

/** Which part of the trace a flattened step belongs to. */
export function stepPhase(trace: Trace, step: number): 'dns' | 'request' | 'reply' {
  const dns = trace.dns?.hops.length ?? 0;
  if (step < dns) return 'dns';
  if (step < dns + trace.hops.length) return 'request';
  return 'reply';
}
