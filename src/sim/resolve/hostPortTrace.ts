/**
 * A connection to a node address on a pod's hostPort (docs/networking-model.md): the CNI
 * portmap plugin's DNAT on the pod's own node (PREROUTING for packets from elsewhere, OUTPUT for the
 * node's own), the mark and masquerade for hairpin and 127.0.0.1, on to the pod, and conntrack
 * undoing both on the reply. Other nodes have no rule, so they refuse (trace() keeps that path).
 */
import type { ElementId } from '../model/ids';
import { deviceId, INTERNET_ID, nodeId, podEth0Id, vethId } from '../model/ids';
import { cniPlugin } from '../registry';
import { macFor } from '../model/rng';
import type { Cluster, ClusterNode, Protocol } from '../model/types';
import type { Hop, Trace, Verdict } from '../trace/types';
import { defaultGateway } from './egressPath';
import { freshPolicyState, policyDropReason, policyNote } from './edgeTrace';
import { hostPortMappings, resolveHostPort } from './hostPorts';
import type { HostListener } from './hostPorts';
import { deviceIP, deviceOf } from '../model/memo';
import { PathWriter } from './pathWriter';
import { podText } from '../narrate/pod';
import { enterPod, leavePod, listenerOf, netnsNode, nodeToLocalPod, policyBegin, policyGate, walk } from './podPath';
import type { Netns, WalkContext } from './podPath';

const DEFAULT_TTL = 64;
const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);
const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/** The client of a hostPort connection; `ns` null for one outside the cluster. */
export interface HostPortClient {
  ns: Netns | null;
  at: ElementId;
  node: string | null;
  label: string;
  ip: string;
}

export interface HostPortResult {
  verdict: Verdict;
  reason: string;
  endpoint: Trace['endpoint'];
  hops: Hop[];
  reply: Trace['reply'];
}

/** Whether some pod on `node` publishes `port` as a hostPort: the only case portmap changes anything. */
export function hasHostPort(cluster: Cluster, node: string, port: number, protocol: Protocol): boolean {
  return hostPortMappings(cluster, node).some((m) => m.hostPort === port && m.protocol === protocol);
}

/**
 * Traces `client` to `dstIP:port` on `node` (one of its addresses, or 127.0.0.1 for its own
 * processes). Returns null for an in-cluster client when no hostPort DNAT applies, so the caller
 * keeps its ordinary path; a client outside the cluster always gets an answer here.
 */
export function traceHostPort(
  cluster: Cluster,
  client: HostPortClient,
  node: ClusterNode,
  dstIP: string,
  port: number,
  protocol: Protocol,
  ephemeralPort: () => number,
): HostPortResult | null {
  if (protocol === 'icmp') return null;
  if (client.ns !== null && !hasHostPort(cluster, node.name, port, protocol)) return null;
  const w = new PathWriter({
    src: addr(client.ip, ephemeralPort()),
    dst: addr(dstIP, port),
    protocol,
    ttl: DEFAULT_TTL,
  });
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: `connect(${w.packet.dst}) ${protocol.toUpperCase()}`,
    text: `${client.label} ${protocol === 'tcp' ? 'opens a TCP connection' : 'sends a UDP datagram'} from ${w.packet.src} to ${w.packet.dst}, an address of ${node.name}.`,
  });
  const ctx: WalkContext = { cluster, ephemeralPort, snat: null, policy: freshPolicyState(cluster) };
  const ns = client.ns;
  const srcPod = ns?.kind === 'pod' ? ns.pod : null;
  let origin: 'forward' | 'local' = 'forward';
  if (ns === null) {
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      text: `The packet crosses the network from ${client.ip} to ${node.name}'s address ${dstIP}.`,
    });
    w.update({ eth: { src: macFor(`router/${node.name}`), dst: deviceOf(node, 'eth0')?.mac ?? '' } });
    w.hop({
      kind: 'route',
      at: deviceId(node.name, 'eth0'),
      node: node.name,
      rule: '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      text: `${node.name} receives the packet on eth0; ${dstIP} is a local address, so nat PREROUTING's CNI-HOSTPORT-DNAT (addrtype LOCAL) looks at it before routing.`,
    });
  } else if (netnsNode(cluster, ns).name !== node.name) {
    walk(w, ctx, ns, { kind: 'host', node });
  } else if (ns.kind === 'pod') {
    leavePod(w, cluster, ns.pod, null, dstIP);
    const bridge = cniPlugin(cluster).bridge;
    if (bridge !== null) {
      w.hop({
        kind: 'bridge',
        at: deviceId(node.name, bridge),
        node: node.name,
        rule: `${node.name} ${bridge} ${deviceIP(node, bridge) ?? ''}`,
        text: podText({ what: 'bridge-up', bridge, node: node.name, then: 'prerouting' }),
      });
    }
  } else {
    origin = 'local';
    w.hop({
      kind: 'route',
      at: nodeId(node.name),
      node: node.name,
      rule: '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      text: `${dstIP} is local to ${node.name}: the packet the host makes passes nat OUTPUT, where CNI-HOSTPORT-DNAT (addrtype LOCAL) looks at it.`,
    });
  }
  const blocked = policyDropReason(w, ctx.policy);
  if (blocked !== null) return { verdict: 'dropped', reason: blocked, endpoint: null, hops: w.hops, reply: null };
  const earlier = ctx.snat;
  ctx.snat = null;
  const res = resolveHostPort(cluster, { node, port, protocol, srcIP: ipOf(w.packet.src) });
  if (res.kind !== 'dnat') {
    if (ns !== null) return null;
    // Without a hostPort anywhere, portmap is beside the point: say who answered, or that nothing did.
    const text =
      res.kind === 'local' && !res.text.includes('published on')
        ? `${res.listener.name} on ${node.name} accepts the ${protocol.toUpperCase()} connection on port ${port}.`
        : res.text;
    return externalToHost(w, client, node, res.kind === 'local' ? res.listener : null, port, text, protocol);
  }
  const pod = res.mapping.pod;
  const before = { src: w.packet.src, dst: w.packet.dst };
  w.update({ dst: res.dnatTo });
  const dnat = { src: w.packet.src, dst: w.packet.dst };
  w.hop({
    kind: 'netfilter',
    at: nodeId(node.name),
    node: node.name,
    nat: { type: 'DNAT', before, after: dnat },
    rule: res.rule,
    text: res.text,
  });
  let masq: { before: { src: string; dst: string }; after: { src: string; dst: string } } | null = null;
  if (res.markRule !== null && res.masqRule !== null && res.newSrc !== null) {
    w.hop({
      kind: 'netfilter',
      at: nodeId(node.name),
      node: node.name,
      rule: res.markRule,
      text: `CNI-HOSTPORT-SETMARK marks the connection 0x2000 (${res.masquerade === 'localhost' ? 'it comes from 127.0.0.1' : 'hairpin: a pod of this node reaching its own node'}).`,
    });
    const b = { src: w.packet.src, dst: w.packet.dst };
    w.update({ src: `${res.newSrc}:${ephemeralPort()}` });
    masq = { before: b, after: { src: w.packet.src, dst: w.packet.dst } };
    w.hop({
      kind: 'netfilter',
      at: nodeId(node.name),
      node: node.name,
      nat: { type: 'MASQUERADE', ...masq },
      rule: res.masqRule,
      text: `POSTROUTING: CNI-HOSTPORT-MASQ masquerades the marked packet to ${res.newSrc}, so the pod's answer comes back through this node's conntrack.`,
    });
  }
  // The destination pod's ingress policy sees the packet after DNAT (section 10).
  policyBegin(w, ctx, srcPod, { kind: 'pod', pod });
  if (srcPod !== null && srcPod.node === node.name && !srcPod.hostNetwork && cniPlugin(cluster).bridge !== null) {
    // The frame came in on cni0 and is DNATed to a pod on the same bridge: bridged DNAT, not
    // routed (TTL unchanged); back to the sender itself only through hairpin mode (section 0.2).
    if (policyGate(w, 'egress', srcPod)) {
      if (pod === srcPod) {
        w.hop({
          kind: 'bridge',
          at: deviceId(node.name, 'cni0'),
          node: node.name,
          rule: `bridge link set dev ${pod.veth ?? ''} hairpin on`,
          text: podText({ what: 'hairpin', bridge: 'cni0', veth: pod.veth ?? '', reply: false }),
        });
        w.update({ eth: { src: deviceOf(node, 'cni0')?.mac ?? '', dst: pod.mac } });
        w.hop({
          kind: 'veth',
          at: vethId(node.name, pod.namespace, pod.name),
          node: node.name,
          rule: `${pod.veth ?? ''}@if2: master cni0 hairpin on`,
          text: podText({ what: 'veth-back', pod: pod.name, reply: false }),
        });
      } else {
        enterPod(w, cluster, pod, 'switched');
      }
    }
  } else {
    nodeToLocalPod(w, ctx, node, pod, origin, false);
  }
  const dropped = policyDropReason(w, ctx.policy);
  if (dropped !== null)
    return {
      verdict: 'dropped',
      reason: dropped,
      endpoint: { pod: `${pod.namespace}/${pod.name}`, ip: pod.ip, port: res.mapping.containerPort },
      hops: w.hops,
      reply: null,
    };
  const cport = res.mapping.containerPort;
  const listener = listenerOf(pod, cport, protocol);
  const endpoint: NonNullable<Trace['endpoint']> = { pod: `${pod.namespace}/${pod.name}`, ip: pod.ip, port: cport };
  let verdict: Verdict;
  let reason: string;
  if (listener !== null) {
    endpoint.container = listener.slice(listener.lastIndexOf('/') + 1);
    w.hop({
      kind: 'deliver',
      at: listener,
      node: pod.node,
      text: `Container ${endpoint.container} in ${pod.name} accepts the connection on ${cport}; it sees ${w.packet.src} as the client.`,
    });
    verdict = 'delivered';
    reason = `portmap on ${node.name} DNATs hostPort ${port} to ${pod.namespace}/${pod.name} (${res.dnatTo})${masq ? ` and masquerades the ${res.masquerade ?? ''} connection to ${res.newSrc ?? ''}` : `; no masquerade: the pod sees ${ipOf(before.src)}, the source the packet arrived with`}.${policyNote(ctx.policy)}`;
  } else {
    w.hop({
      kind: 'reject',
      at: podEth0Id(pod.namespace, pod.name),
      node: pod.node,
      text: `Nothing in ${pod.name} listens on ${protocol.toUpperCase()} port ${cport}: its kernel refuses.`,
    });
    verdict = 'refused';
    reason = `portmap DNATs hostPort ${port} to ${res.dnatTo}, but nothing in ${pod.name} listens there.`;
  }
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;

  // The answer: to the node (the pod's gateway), where conntrack undoes the DNAT and the masquerade.
  const refused = verdict === 'refused';
  const r = new PathWriter({
    src: w.packet.dst,
    dst: w.packet.src,
    protocol: refused && protocol !== 'tcp' ? 'icmp' : protocol,
    ttl: DEFAULT_TTL,
  });
  r.hop({
    kind: 'socket',
    at: listener ?? podEth0Id(pod.namespace, pod.name),
    node: pod.node,
    text: `${pod.name} answers ${r.packet.dst}.`,
  });
  leavePod(r, cluster, pod, null, ipOf(r.packet.dst));
  const bridge = cniPlugin(cluster).bridge;
  if (bridge !== null)
    r.hop({
      kind: 'bridge',
      at: deviceId(node.name, bridge),
      node: node.name,
      rule: `${node.name} ${bridge} ${deviceIP(node, bridge) ?? ''}`,
      text: podText({ what: 'bridge-up', bridge, node: node.name, then: 'conntrack' }),
    });
  const rb = { src: r.packet.src, dst: r.packet.dst };
  r.update({ src: before.dst, dst: masq ? masq.before.src : r.packet.dst });
  r.hop({
    kind: 'conntrack',
    at: nodeId(node.name),
    node: node.name,
    nat: { type: 'un-DNAT', before: rb, after: { src: r.packet.src, dst: r.packet.dst } },
    rule: `conntrack: ${before.src} -> ${before.dst} [DNAT to ${res.dnatTo}]`,
    text: `conntrack on ${node.name} restores the source ${before.dst}, the address the client dialed (un-DNAT)${masq ? `, and the destination ${masq.before.src} (un-SNAT)` : ''}.`,
  });
  if (ns === null) {
    r.routed();
    r.hop({
      kind: 'route',
      at: deviceId(node.name, 'eth0'),
      node: node.name,
      rule: `default via ${defaultGateway(node)} dev eth0 proto static`,
      text: `${node.name} routes the answer out of eth0 (default route).`,
    });
    r.hop({ kind: 'wire', at: INTERNET_ID, node: null, text: `The answer crosses the network back to ${client.ip}.` });
  } else if (earlier !== null) {
    // The request was masqueraded on the client's node on its way here: back there first.
    const clientNode = earlier.node;
    walk(r, ctx, { kind: 'host', node }, { kind: 'host', node: clientNode, ip: ipOf(earlier.nat.after.src) }, true);
    const b = { src: r.packet.src, dst: r.packet.dst };
    r.update({ dst: earlier.nat.before.src });
    r.hop({
      kind: 'conntrack',
      at: nodeId(clientNode.name),
      node: clientNode.name,
      nat: { type: 'un-SNAT', before: b, after: { src: r.packet.src, dst: r.packet.dst } },
      rule: `conntrack: ${earlier.nat.before.src} -> ${earlier.nat.before.dst} [SNAT to ${earlier.nat.after.src}]`,
      text: `conntrack on ${clientNode.name} recognises the answer to its masqueraded connection and restores ${r.packet.dst} (un-SNAT).`,
    });
    if (ns.kind === 'pod') nodeToLocalPod(r, ctx, clientNode, ns.pod, 'forward', false);
  } else if (netnsNode(cluster, ns).name !== node.name) {
    walk(r, ctx, { kind: 'host', node }, ns, ns.kind === 'host');
  } else if (ns.kind === 'pod') {
    nodeToLocalPod(r, ctx, node, ns.pod, 'forward', false);
  }
  r.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text: refused
      ? "The client's socket gets connection refused."
      : `The client's socket receives the answer from ${r.packet.src}, the address it dialed.`,
  });
  return {
    verdict,
    reason,
    endpoint,
    hops: w.hops,
    reply: { verdict: refused ? 'refused' : 'delivered', hops: r.hops },
  };
}

/** A client outside the cluster and a node address without a hostPort: a host socket, or a refusal. */
function externalToHost(
  w: PathWriter,
  client: HostPortClient,
  node: ClusterNode,
  socket: HostListener | null,
  port: number,
  text: string,
  protocol: Protocol,
): HostPortResult {
  const listener = socket?.at ?? null;
  const refused = listener === null;
  if (refused) w.hop({ kind: 'reject', at: nodeId(node.name), node: node.name, text });
  else w.hop({ kind: 'deliver', at: listener, node: node.name, text });
  // A hostNetwork pod that listens is the endpoint, at its node's address (as from inside the cluster).
  const pod = socket?.pod ?? null;
  const endpoint: Trace['endpoint'] =
    pod === null
      ? null
      : { pod: `${pod.namespace}/${pod.name}`, ip: node.internalIP, port, container: socket?.name ?? '' };
  const r = new PathWriter({
    src: w.packet.dst,
    dst: w.packet.src,
    protocol: refused && protocol !== 'tcp' ? 'icmp' : protocol,
    ttl: DEFAULT_TTL,
  });
  r.hop({
    kind: 'socket',
    at: listener ?? nodeId(node.name),
    node: node.name,
    text: refused
      ? `${node.name}'s kernel answers with ${protocol === 'tcp' ? 'a TCP RST' : 'ICMP port unreachable'}.`
      : `The answer goes back to ${r.packet.dst}.`,
  });
  r.hop({
    kind: 'route',
    at: deviceId(node.name, 'eth0'),
    node: node.name,
    rule: `default via ${defaultGateway(node)} dev eth0 proto static`,
    text: `${node.name} routes the answer out of eth0 (default route).`,
  });
  r.hop({ kind: 'wire', at: INTERNET_ID, node: null, text: `The answer crosses the network back to ${client.ip}.` });
  r.hop({
    kind: 'deliver',
    at: client.at,
    node: null,
    text: refused
      ? "The client's socket gets connection refused, at once."
      : `The client receives the answer from ${r.packet.src}.`,
  });
  const verdict: Verdict = refused ? 'refused' : 'delivered';
  return { verdict, reason: text, endpoint, hops: w.hops, reply: { verdict, hops: r.hops } };
}
