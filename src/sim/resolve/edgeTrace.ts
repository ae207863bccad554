/**
 * Traces at the cluster's edge that are neither pod-to-pod nor Services: a pod or a node talking to
 * an address outside the cluster (docs/networking-model.md), and NetworkPolicy's verdict in the
 * words of a trace (section 10).
 */
import type { ElementId } from '../model/ids';
import { externalId } from '../model/ids';
import { networkPolicies } from '../model/policy';
import type { Cluster, Protocol } from '../model/types';
import type { Hop, Trace, Verdict } from '../trace/types';
import { onLinkSubnet, siteAddress, walkFromExternal, walkToExternal } from './egressPath';
import { PathWriter } from './pathWriter';
import { netnsNode } from './podPath';
import type { Netns, PolicyState, WalkContext } from './podPath';

const DEFAULT_TTL = 64;

const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);
const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/** The policy state a request's walk starts with; null when the cluster has no NetworkPolicy (the hot path skips the evaluation). */
export function freshPolicyState(cluster: Cluster): PolicyState | null {
  return networkPolicies(cluster).length > 0 ? { reply: false, verdict: null, dropped: null } : null;
}

/** When the walk was stopped by policy: the drop hop (if the gate wrote none) and the trace's reason. */
export function policyDropReason(w: PathWriter, state: PolicyState | null | undefined): string | null {
  if (!state?.dropped) return null;
  const last = w.hops[w.hops.length - 1];
  if (last && last.kind !== 'drop')
    w.hop({
      kind: 'drop',
      at: last.at,
      node: last.node,
      text: 'The packet is dropped silently; the client retransmits and times out.',
    });
  return `NetworkPolicy dropped the packet silently. ${state.verdict?.reason ?? `the ${state.dropped.direction} of ${state.dropped.pod ?? 'the pod'} does not allow it.`} The client times out.`;
}

/**
 * What a delivered trace adds about NetworkPolicy: the rule that allowed it, or that a policy has
 * no effect where the plugin does not enforce it; nothing when no policy selects either end.
 */
export function policyNote(state: PolicyState | null | undefined): string {
  const v = state?.verdict;
  if (!v || !(v.egress.isolated || v.ingress.isolated)) return '';
  return ` ${v.reason}`;
}

/** The client of an egress trace: its namespace and how it is drawn and named. */
export interface EdgeClient {
  ns: Netns;
  at: ElementId;
  node: string;
  label: string;
  /** the address it sends from before any NAT */
  ip: string;
}

export interface EdgeResult {
  verdict: Verdict;
  reason: string;
  hops: Hop[];
  reply: Trace['reply'];
}

/**
 * A pod or a node to an address outside the cluster: out through the node's default route, with
 * the CNI's (or ip-masq-agent's) masquerade decision, across the Internet to `ext/<ip>`; the server
 * answers whatever port is dialed (it is not modelled), and the answer returns through conntrack.
 */
export function traceToExternal(
  cluster: Cluster,
  client: EdgeClient,
  dstIP: string,
  port: number | null,
  protocol: Protocol,
  ephemeralPort: () => number,
): EdgeResult {
  const srcPort = protocol === 'icmp' ? null : ephemeralPort();
  const w = new PathWriter({ src: addr(client.ip, srcPort), dst: addr(dstIP, port), protocol, ttl: DEFAULT_TTL });
  const open =
    protocol === 'icmp'
      ? `sends an ICMP echo request (ping) to ${dstIP}`
      : protocol === 'udp'
        ? `sends a UDP datagram to ${w.packet.dst}`
        : `opens a TCP connection to ${w.packet.dst} (SYN)`;
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: protocol === 'icmp' ? `ping ${dstIP}` : `connect(${w.packet.dst}) ${protocol.toUpperCase()}`,
    text: `${client.label} ${open}, an address outside the cluster.`,
  });
  const ctx: WalkContext = { cluster, ephemeralPort, snat: null, policy: freshPolicyState(cluster) };
  walkToExternal(w, ctx, client.ns, dstIP);
  const dropped = policyDropReason(w, ctx.policy);
  if (dropped !== null) return { verdict: 'dropped', reason: dropped, hops: w.hops, reply: null };
  const seen = w.packet.src;
  const server = externalId(dstIP);
  const what =
    protocol === 'icmp'
      ? 'answers the echo request'
      : protocol === 'udp'
        ? 'receives the datagram'
        : 'accepts the connection';
  w.hop({
    kind: 'deliver',
    at: server,
    node: null,
    text: `The server at ${dstIP} ${what}; it sees the client as ${seen}.`,
  });
  const snat = ctx.snat;
  ctx.snat = null;
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;
  const reply = new PathWriter({ src: w.packet.dst, dst: w.packet.src, protocol, ttl: DEFAULT_TTL });
  const answer = protocol === 'tcp' ? 'the SYN-ACK' : protocol === 'icmp' ? 'the echo reply' : 'its answer';
  reply.hop({
    kind: 'socket',
    at: server,
    node: null,
    text: `${dstIP} sends ${answer} back to ${reply.packet.dst}, the source it saw.`,
  });
  const back = walkFromExternal(reply, ctx, client.ns, snat);
  if (back)
    reply.hop({
      kind: 'deliver',
      at: client.at,
      node: client.node,
      text: `The client's socket receives ${answer} from ${reply.packet.src}: the ${protocol === 'tcp' ? 'connection is established' : 'exchange is complete'}.`,
    });
  const how =
    snat !== null
      ? `${snat.node.name} masqueraded it to ${snat.nat.after.src}, the address ${dstIP} sees, and conntrack un-SNATs the answer back to ${client.ip}.`
      : ipOf(seen) === client.ip && client.ns.kind === 'pod'
        ? `It was not masqueraded: ${dstIP} sees the pod address ${client.ip}${back ? ', and the site network routes the pod network back to the node' : siteAddress(dstIP) ? `, and nothing on the site network routes ${cluster.settings.podSubnet} back to the nodes (the site network is not set to route pod CIDRs), so the answer is lost and the client times out` : ', which the Internet cannot route back, so the answer is lost and the client times out'}.`
        : `It leaves with the node's own address ${ipOf(seen)}.`;
  const node = netnsNode(cluster, client.ns);
  return {
    verdict: 'delivered',
    reason: `${dstIP} is outside the cluster: the packet left by ${onLinkSubnet(node, dstIP) !== null ? `the connected route of ${node.name}'s subnet (on-link)` : 'the default route'}. ${how}${policyNote(ctx.policy)}`,
    hops: w.hops,
    reply: { verdict: back ? 'delivered' : 'dropped', hops: reply.hops },
  };
}
