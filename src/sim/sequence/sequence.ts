/**
 * A trace as a sequence (ladder) diagram: one lane per place a packet passes (the client, each
 * node, the network between nodes, the Internet, a load balancer, a proxy, the server) and, for
 * each packet, arrows from lane to lane in the order of playback, with the NAT that changed it.
 *
 * Packets are read from the hops, not from the trace's shape: a packet begins where a socket sends
 * (the client's query, CoreDNS's answer, a proxy's own request, the server's reply), so a trace that
 * holds a whole conversation (handshake, request, response) becomes one row of arrows per packet
 * as the conversation's exchanges order them. Every arrow knows the playback steps (0-based, the
 * timeline's order) it covers, so a view highlights the arrow of the current step.
 */
import { parseElementId } from '../model/ids';
import { conversationOf, timeline } from '../trace/conversation';
import type { Exchange, Hop, Nat, Trace } from '../trace/types';

export type LaneRole = 'client' | 'server' | 'dns' | 'proxy' | 'node' | 'network' | 'internet' | 'load-balancer';

export interface Lane {
  /** `pod/<ns>/<name>`, `node/<name>`, `network`, `internet`, `lb/<ns>/<svc>` or `ext/<ip>` */
  key: string;
  /** what a person calls it: `client`, `node-a`, `CoreDNS`, `203.0.113.10` */
  label: string;
  role: LaneRole;
}

export interface Arrow {
  /** lane indexes; equal for a packet that never leaves one place (loopback) */
  from: number;
  to: number;
  /** the playback steps this arrow stands for, inclusive (0-based, over `flattenHops`) */
  firstStep: number;
  lastStep: number;
  /** the packet's addresses as it travels this arrow */
  src: string;
  dst: string;
  /** translations made at the lane it leaves, before it left */
  nat: Nat[];
  /** translations made where the packet ends, after this last arrow (Cilium's socket un-DNAT) */
  arrivalNat: Nat[];
  /** the tunnel it travels in, when it is wrapped: `VXLAN`, `Geneve`, `IP-in-IP` */
  tunnel: string | null;
}

export interface SequencePacket {
  /** `DNS query`, `DNS answer`, `request`, `reply` */
  label: string;
  /** a short detail: the name asked, `GET /cart`, `HTTP 200`, `refused` */
  detail: string | null;
  phase: 'dns' | 'request' | 'reply';
  firstStep: number;
  lastStep: number;
  arrows: Arrow[];
}

export interface Sequence {
  lanes: Lane[];
  packets: SequencePacket[];
}

const podKey = (ns: string, pod: string): string => `pod/${ns}/${pod}`;

/** The place (lane key) a hop happens at; null for an element that is no place (a Service's rules). */
function placeOf(hop: Hop): string | null {
  const p = parseElementId(hop.at);
  if (!p) return hop.node ? `node/${hop.node}` : null;
  switch (p.kind) {
    case 'container':
    case 'pod':
    case 'pod-device':
      return podKey(p.namespace, p.pod);
    case 'node':
    case 'kernel':
    case 'device':
    case 'veth':
    case 'nodeport':
      return `node/${p.node}`;
    case 'wire':
      return 'network';
    case 'internet':
      return 'internet';
    case 'load-balancer':
      return `lb/${p.namespace}/${p.service}`;
    case 'external':
      return `ext/${p.ip}`;
    case 'service':
    case 'policy':
    case 'gateway':
    case 'httproute':
    case 'ingress':
      return hop.node ? `node/${hop.node}` : null;
  }
}

function tunnelName(hop: Hop): string | null {
  const outer = hop.packet.outer;
  if (!outer) return null;
  if (outer.protocol === 'ipip') return 'IP-in-IP';
  if (outer.dst.endsWith(':6081')) return 'Geneve';
  return outer.protocol === 'udp' ? 'VXLAN' : outer.protocol.toUpperCase();
}

/** One phase's hops cut into packets: a packet begins at a socket that sends after an arrival. */
function splitPackets(hops: readonly Hop[]): Hop[][] {
  const out: Hop[][] = [];
  let current: Hop[] = [];
  let arrived = false;
  for (const hop of hops) {
    if (hop.kind === 'socket' && arrived && current.length > 0) {
      out.push(current);
      current = [];
      arrived = false;
    }
    current.push(hop);
    if (hop.kind === 'deliver' || hop.kind === 'proxy' || hop.kind === 'dns') arrived = true;
  }
  if (current.length > 0) out.push(current);
  return out;
}

interface Run {
  lane: string;
  first: number;
  last: number;
  hops: Hop[];
}

/**
 * The trace as lanes and arrows.
 *
 * @example
 * sequenceOf(trace).packets.map((p) => p.label); // ['DNS query', 'DNS answer', 'request', 'reply']
 */
export function sequenceOf(trace: Trace): Sequence {
  // the playback timeline cut by exchange: the DNS lookup, then each packet of the conversation
  const phases: { phase: SequencePacket['phase']; hops: Hop[]; exchange: Exchange | null }[] = [];
  const conversation = conversationOf(trace);
  for (const step of timeline(trace)) {
    const last = phases.at(-1);
    const exchange = step.exchange === null ? null : (conversation[step.exchange] ?? null);
    if (last && last.phase === step.phase && last.exchange === exchange) last.hops.push(step.hop);
    else phases.push({ phase: step.phase, hops: [step.hop], exchange });
  }
  // the roles: who asks, who answers, who resolves names, who proxies
  const clientLane = trace.hops[0] ? placeOf(trace.hops[0]) : null;
  const lastDeliver = trace.hops.findLast((h) => h.kind === 'deliver');
  const serverLane = lastDeliver ? placeOf(lastDeliver) : null;
  const dnsLanes = new Set<string | null>((trace.dns?.hops ?? []).filter((h) => h.kind === 'dns').map(placeOf));
  const proxyLanes = new Set(
    [...trace.hops, ...(trace.reply?.hops ?? [])].filter((h) => h.kind === 'proxy').map(placeOf),
  );

  const order: string[] = [];
  const seen = (lane: string): void => {
    if (!order.includes(lane)) order.push(lane);
  };
  if (clientLane) seen(clientLane);
  const packets: {
    phase: SequencePacket['phase'];
    runs: Run[];
    first: number;
    last: number;
    exchange: Exchange | null;
  }[] = [];
  let step = 0;
  for (const { phase, hops, exchange } of phases) {
    // an exchange through a proxy is one packet (the relay and the way back are the response's)
    for (const packet of exchange && exchange.leg !== 'direct' ? [hops] : splitPackets(hops)) {
      const runs: Run[] = [];
      const first = step;
      for (const hop of packet) {
        const lane = placeOf(hop) ?? runs.at(-1)?.lane ?? clientLane ?? 'network';
        const run = runs.at(-1);
        if (run && run.lane === lane) {
          run.last = step;
          run.hops.push(hop);
        } else {
          runs.push({ lane, first: step, last: step, hops: [hop] });
          if (lane !== serverLane) seen(lane);
        }
        step++;
      }
      packets.push({ phase, runs, first, last: step - 1, exchange });
    }
  }
  if (serverLane && serverLane !== clientLane) order.push(serverLane);

  const lanes: Lane[] = order.map((key) => ({ key, label: laneLabel(key), role: roleOf(key) }));
  function roleOf(key: string): LaneRole {
    if (key === clientLane) return 'client';
    if (key === serverLane) return 'server';
    if (dnsLanes.has(key)) return 'dns';
    if (proxyLanes.has(key)) return 'proxy';
    if (key === 'network') return 'network';
    if (key === 'internet') return 'internet';
    if (key.startsWith('lb/')) return 'load-balancer';
    if (key.startsWith('node/')) return 'node';
    return 'server';
  }
  const index = (lane: string): number => order.indexOf(lane);

  let queries = -1;
  const out: SequencePacket[] = packets.map(({ phase, runs, first, last, exchange }) => {
    const arrows: Arrow[] = [];
    if (runs.length === 1) {
      const run = runs[0] as Run;
      const hop = run.hops.at(-1) as Hop;
      arrows.push({
        from: index(run.lane),
        to: index(run.lane),
        firstStep: run.first,
        lastStep: run.last,
        src: hop.packet.src,
        dst: hop.packet.dst,
        nat: run.hops.flatMap((h) => (h.nat ? [h.nat] : [])),
        arrivalNat: [],
        tunnel: null,
      });
    }
    for (let i = 0; i + 1 < runs.length; i++) {
      const from = runs[i] as Run;
      const to = runs[i + 1] as Run;
      const leaving = from.hops.at(-1) as Hop;
      arrows.push({
        from: index(from.lane),
        to: index(to.lane),
        // the arrow lights up while the packet is where it got to; the first also while it starts
        firstStep: i === 0 ? from.first : to.first,
        lastStep: to.last,
        src: leaving.packet.src,
        dst: leaving.packet.dst,
        nat: from.hops.flatMap((h) => (h.nat ? [h.nat] : [])),
        arrivalNat: i + 2 === runs.length ? to.hops.flatMap((h) => (h.nat ? [h.nat] : [])) : [],
        tunnel: tunnelName(leaving),
      });
    }
    // a DNS packet that starts at the resolver is its answer to the last query
    const answer = phase === 'dns' && dnsLanes.has(runs[0]?.lane ?? '');
    if (phase === 'dns' && !answer) queries++;
    const { label, detail } = describe(trace, phase, answer, Math.max(queries, 0), exchange);
    return { label, detail, phase, firstStep: first, lastStep: last, arrows };
  });
  return { lanes, packets: out };
}

function describe(
  trace: Trace,
  phase: SequencePacket['phase'],
  answer: boolean,
  query: number,
  exchange: Exchange | null,
): { label: string; detail: string | null } {
  if (phase === 'dns') {
    const q = trace.dns?.queries[query];
    if (!answer) return { label: 'DNS query', detail: q ? `${q.type} ${q.name}` : null };
    const records = q ? (Array.isArray(q.answer) ? q.answer.join(', ') : q.answer) : '';
    return { label: 'DNS answer', detail: records || null };
  }
  const http = trace.http;
  if (exchange && exchange.leg !== 'direct') {
    // a connection through an L7 proxy: each packet says what it carries (SYN, ACK + request, …)
    const carries = exchange.carries;
    const detail =
      http && carries.includes('request')
        ? `${http.method} ${http.path}`
        : http && carries.includes('response')
          ? `HTTP ${http.status}`
          : null;
    return { label: carries.join(' + '), detail };
  }
  if (phase === 'request') return { label: 'request', detail: http ? `${http.method} ${http.path}` : null };
  if (http) return { label: 'reply', detail: `HTTP ${http.status}` };
  const verdict = trace.reply?.verdict;
  return { label: 'reply', detail: verdict && verdict !== 'delivered' ? verdict : null };
}

function laneLabel(key: string): string {
  if (key === 'network') return 'network';
  if (key === 'internet') return 'Internet';
  const [kind, a = '', b = ''] = key.split('/');
  switch (kind) {
    case 'node':
      return a;
    case 'ext':
      return a;
    case 'lb':
      return `load balancer ${b}`;
    case 'pod':
      // the pod's name: lanes are narrow, and the namespace rarely tells two lanes apart
      return b;
    default:
      return key;
  }
}
