/**
 * Everything between a client and a Service (docs/networking-model.md): the packet
 * reaches the node that decides (the client's own node for a ClusterIP, the node a NodePort or a
 * load balancer delivers to), the Service proxy of the cluster's mode picks an endpoint and
 * translates the destination, the packet walks on to the endpoint, and conntrack on the deciding
 * node undoes every translation on the reply.
 */
import type { ElementId } from '../model/ids';
import type { TraceWarning } from '../trace/warnings';
import {
  containerId,
  deviceId,
  INTERNET_ID,
  loadBalancerId,
  nodeId,
  nodePortId,
  podEth0Id,
  podLoId,
  serviceId,
  vethId,
} from '../model/ids';
import { lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Pod, Protocol, Service, ServicePort } from '../model/types';
import type { Candidate, Hop, Packet, Verdict } from '../trace/types';
import { PathWriter } from './pathWriter';
import { deviceIP, deviceOf } from '../model/memo';
import { macFor } from '../model/rng';
import { networkPolicies } from '../model/policy';
import { hostListener } from './hostPorts';
import { decide, modeName } from '../proxy';
import { cniPlugin, serviceProxy } from '../registry';
import type { Backend, Entry, ProxyDecision } from '../proxy';
import { conntrackLine } from '../proxy/common';
import type { ConntrackEntry } from '../proxy/common';
import {
  conntrackText,
  dnatText,
  lbArrivalText,
  localVipText,
  serviceMasqueradeText,
  proxyStepText,
  hairpinMasqueradeText,
  socketConnectText,
  socketReverseText,
} from '../narrate/service';
import { defaultGateway, postroutingOut, walkFromExternal, walkToExternal } from './egressPath';
import { policyNote } from './edgeTrace';
import {
  enterPod,
  hostRoute,
  leavePod,
  listenerOf,
  netnsIP,
  netnsNode,
  nodeToLocalPod,
  podNetns,
  policyBegin,
  policyGate,
  walk,
  walkFromNode,
} from './podPath';
import type { Netns, SnatRecord, WalkContext } from './podPath';
import { podText } from '../narrate/pod';

const DEFAULT_TTL = 64;

/** The client of a Service connection. */
export interface ServiceClient {
  /** its network namespace; null for a client outside the cluster */
  ns: Netns | null;
  /** element id of its socket */
  at: ElementId;
  node: string | null;
  label: string;
  /** the address it sends from */
  ip: string;
}

/** What the client dialed. */
export interface ServiceTarget {
  svc: Service;
  /** null when the dialed port is not one of the Service's (or for ICMP) */
  port: ServicePort | null;
  entry: Entry;
  /** the dialed address and port (null for ICMP) */
  dstIP: string;
  dstPort: number | null;
  /** NodePort: the node that owns the dialed address */
  node: ClusterNode | null;
  /** a NodePort dialed on 127.0.0.1 */
  localhost?: boolean;
}

/** The random sources and pins a Service trace draws from (the caller's seeded generator). */
export interface ServiceTraceOptions {
  random: () => number;
  ephemeralPort: () => number;
  pick: readonly string[];
  rrOffset: number;
}

/** The parts of a Trace a Service connection fills in. */
export interface ServiceResult {
  verdict: Verdict;
  reason: string;
  endpoint: { pod: string; ip: string; port: number; container?: string } | null;
  candidates: Candidate[];
  hops: Hop[];
  reply: { verdict: Verdict; hops: Hop[] } | null;
  warnings: TraceWarning[];
}

const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);
const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/** `status.loadBalancer.ingress[].ipMode` of the load balancer's address; VIP when the status gives none. */
export function lbIpMode(svc: Service): 'VIP' | 'Proxy' {
  return svc.loadBalancerIPMode ?? 'VIP';
}

/** The label kubeadm puts on control-plane nodes; the service controller leaves them out of LB pools. */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/**
 * Nodes a cloud load balancer sends to: all Ready ones, or (Local) those whose health check
 * passes; never the control plane, which kubeadm labels to be excluded from load balancers.
 */
export function lbTargets(cluster: Cluster, svc: Service, port: ServicePort): { nodes: ClusterNode[]; check: string } {
  const excluded = (n: ClusterNode): boolean => n.role === 'control-plane' || EXCLUDE_FROM_LB_LABEL in n.labels;
  const ready = cluster.nodes.filter((n) => n.ready && !excluded(n));
  if (svc.externalTrafficPolicy === 'Cluster')
    return { nodes: ready, check: 'http://<node>:10256/healthz (kube-proxy) on every node' };
  const hc = healthCheckNodePort(svc);
  const eps = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`)?.endpoints ?? [];
  const withLocal = ready.filter((n) =>
    eps.some((e) => e.node === n.name && e.ready && e.ports.some((p) => p.name === port.name)),
  );
  return { nodes: withLocal, check: `http://<node>:${hc}/healthz answers 200 only where localEndpoints > 0` };
}

/** healthCheckNodePort: allocated only for type LoadBalancer with externalTrafficPolicy Local (section 6). */
export function healthCheckNodePort(svc: Service): number | null {
  if (svc.type !== 'LoadBalancer' || svc.externalTrafficPolicy !== 'Local') return null;
  let h = 0;
  for (let i = 0; i < svc.name.length; i++) h = (h * 31 + svc.name.charCodeAt(i)) >>> 0;
  return 30000 + (h % 86);
}

/** Where the deciding node's reply leaves from, and what translations conntrack must undo. */
interface Conn {
  node: ClusterNode;
  /** the proxy's conntrack entry: the packet before DNAT (the reply's restored source is its dst) and after */
  ct: ConntrackEntry;
  snat: SnatRecord | null;
  /** an SNAT on the client's own node before the deciding node (pod to another node's NodePort) */
  earlier: SnatRecord | null;
  /** the cni0 bridge switched the request (bridged DNAT on the client's node) */
  bridged: boolean;
  /** the request reached the deciding node from outside the cluster (an external client, or an in-cluster one through a load balancer) */
  outside: boolean;
  /** an in-cluster client's masquerade on its way out to a load balancer */
  egress: SnatRecord | null;
  /** a proxying load balancer: the client's connection and the LB's own */
  proxied: LbProxy | null;
}

/** A proxying load balancer ends the client's connection (`client`) and opens its own (`upstream`). */
interface LbProxy {
  at: ElementId;
  client: { src: string; dst: string };
  upstream: { src: string; dst: string };
}

/** What the way back needs to know about the way in. */
type Way = Pick<Conn, 'earlier' | 'bridged' | 'outside' | 'egress' | 'proxied'>;

/**
 * Traces a connection to a Service: request hops, verdict and reply. `client.ns` null means a
 * client outside the cluster (`ext/<ip>`).
 */
export function traceService(
  cluster: Cluster,
  client: ServiceClient,
  target: ServiceTarget,
  protocol: Protocol,
  opts: ServiceTraceOptions,
): ServiceResult {
  const lk = lookup(cluster);
  const proxy = serviceProxy(cluster);
  const svc = target.svc;
  const warnings: TraceWarning[] = [];
  const srcPort = protocol === 'icmp' ? null : opts.ephemeralPort();
  const dialedDst = addr(target.dstIP, target.dstPort);
  const w = new PathWriter({ src: addr(client.ip, srcPort), dst: dialedDst, protocol, ttl: DEFAULT_TTL });
  // NetworkPolicy is evaluated on the request's walk once DNAT chose the endpoint (section 10).
  // Only when the cluster has policies at all: the evaluation is per walk and the hot path is not.
  const ctx: WalkContext = {
    cluster,
    ephemeralPort: opts.ephemeralPort,
    snat: null,
    policy: networkPolicies(cluster).length > 0 ? { reply: false, verdict: null, dropped: null } : null,
  };
  const clientPod = client.ns?.kind === 'pod' ? client.ns.pod : null;
  const svcName = `${svc.namespace}/${svc.name}`;
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: protocol === 'icmp' ? `ping ${dialedDst}` : `connect(${dialedDst}) ${protocol.toUpperCase()}`,
    text: openText(client.label, w.packet, protocol, svcName),
  });

  // 1. Reach the node that decides.
  const reached = reachDecidingNode(w, ctx, client, target, opts, warnings, svcName);
  if ('verdict' in reached) return reached;
  const { node, earlier, origin, srcLocal, outside, egress, proxied, viaLb } = reached;

  // A proxy that decides at connect() (Cilium's socket LB) does so for every in-cluster socket.
  if (proxy.inClusterHook === 'connect' && client.ns !== null && !viaLb && earlier === null)
    return socketLb(cluster, client, target, protocol, opts, w, ctx, warnings);

  // 2. The ClusterIP on a port the Service does not define, or a ping (section 4.3 and 12).
  if (target.port === null) return undefinedPort(cluster, w, ctx, client, target, node, protocol, warnings);

  // 3. Localhost NodePorts: iptables mode only (route_localnet); nftables and IPVS never.
  if (target.localhost && proxy.localhostNodePortRefusal !== null) {
    w.hop({
      kind: 'reject',
      at: nodeId(node.name),
      node: node.name,
      rule: proxy.localhostNodePortRefusal,
      text: `${modeName(cluster)} never serves NodePorts on 127.0.0.1, and nothing else listens on ${dialedDst}: the kernel answers with a TCP RST.`,
    });
    return finish(
      w,
      'refused',
      `${modeName(cluster)} does not serve NodePorts on localhost.`,
      null,
      [],
      localReject(w.packet, client, protocol),
      warnings,
    );
  }

  const srcIP = ipOf(w.packet.src);
  const d = decide(cluster, {
    svc,
    port: target.port,
    entry: target.entry,
    node: node.name,
    hook: 'packet',
    packet: { src: w.packet.src, dst: w.packet.dst },
    srcIP,
    srcLocal,
    dstIP: target.dstIP,
    dstPort: target.entry === 'nodePort' ? (target.port.nodePort ?? target.dstPort ?? 0) : (target.dstPort ?? 0),
    protocol,
    random: opts.random,
    pick: opts.pick,
    rrOffset: opts.rrOffset,
  });
  warnings.push(...d.warnings);
  if (proxy.nodeDevice !== null && target.entry !== 'nodePort') {
    w.hop({
      kind: 'route',
      at: deviceId(node.name, proxy.nodeDevice),
      node: node.name,
      rule: localVipRoute(proxy.nodeDevice, target.dstIP),
      text: localVipText(proxy.nodeDevice, target.dstIP),
    });
  }
  // The first step matches the Service's address: drawn at the VIP (or the NodePort) it matched.
  const matchedAt =
    target.entry === 'nodePort' ? nodePortId(node.name, target.port.nodePort ?? 0) : serviceId(svc.namespace, svc.name);
  d.steps.forEach((s, i) => {
    w.hop({
      kind: s.kind === 'socket' ? 'netfilter' : s.kind,
      at: i === 0 ? matchedAt : nodeId(node.name),
      node: node.name,
      rule: s.rule,
      text: proxyStepText(proxy, s.says),
    });
    w.firstPacketOnly();
  });
  if (d.outcome === 'drop') {
    w.hop({
      kind: 'drop',
      at: nodeId(node.name),
      node: node.name,
      text: 'Dropped without an answer: the client retransmits and times out.',
    });
    return finish(
      w,
      'dropped',
      `${target.entry === 'clusterIP' ? 'internalTrafficPolicy' : 'externalTrafficPolicy'} Local and no local endpoint of ${svcName} on ${node.name}: silently dropped.`,
      null,
      [],
      null,
      warnings,
    );
  }
  if (d.outcome === 'reject') {
    w.hop({
      kind: 'reject',
      at: nodeId(node.name),
      node: node.name,
      text: `${node.name} answers with ICMP port unreachable (${protocol === 'tcp' ? 'the client sees connection refused' : 'ECONNREFUSED on a connected socket'}).`,
    });
    const reply = icmpBack(
      cluster,
      w.packet,
      client,
      node,
      { earlier, bridged: false, outside, egress, proxied },
      protocol,
    );
    return finish(
      w,
      'refused',
      `${svcName} has no ready endpoints: ${modeName(cluster)} rejects the connection.`,
      null,
      [],
      reply,
      warnings,
    );
  }

  // 4. DNAT and conntrack on the deciding node.
  const chosen = d.chosen as Backend;
  const ct = d.conntrack as ConntrackEntry;
  const before = ct.original;
  w.update({ dst: ct.translated.dst });
  const dnat = ct.translated;
  w.hop({
    kind: proxy.translator === 'ipvs' ? 'ipvs' : 'netfilter',
    at: nodeId(node.name),
    node: node.name,
    nat: { type: 'DNAT', before, after: dnat },
    rule: d.dnatRule,
    text: dnatText(
      proxy,
      chosen,
      addr(target.dstIP, target.entry === 'nodePort' ? (target.port.nodePort ?? null) : target.dstPort),
    ),
  });
  w.firstPacketOnly();
  w.hop({
    kind: 'conntrack',
    at: nodeId(node.name),
    node: node.name,
    rule: conntrackLine(ct, false),
    text: conntrackText(node.name),
  });
  const conn: Conn = { node, ct, snat: null, earlier, bridged: false, outside, egress, proxied };

  // 5. On to the endpoint.
  const epPod = chosen.endpoint.pod ? (lk.podByKey.get(chosen.endpoint.pod) ?? null) : null;
  const epNs: Netns = epPod
    ? podNetns(cluster, epPod)
    : { kind: 'host', node: lk.nodeByIP.get(chosen.ip) ?? (lk.nodeByName.get(chosen.node ?? '') as ClusterNode) };
  if (d.masquerade) ctx.kubeMasq = { rule: proxy.masqueradeRule, text: serviceMasqueradeText(proxy, d.masqueradeWhy) };
  const epNode = netnsNode(cluster, epNs);
  // Client and endpoint on one bridge: the DNATed frame is switched, not routed (bridgedDnat).
  const bridged = cniPlugin(cluster).bridge !== null;
  if (
    bridged &&
    clientPod &&
    epNs.kind === 'pod' &&
    epNode.name === node.name &&
    ctx.bridged &&
    earlier === null &&
    !outside
  ) {
    conn.bridged = true;
    bridgedDnat(w, ctx, node, clientPod, epNs.pod, d);
  } else if (epNs.kind === 'host' && epNode.name === node.name) {
    w.hop({
      kind: 'route',
      at: nodeId(node.name),
      node: node.name,
      rule: `local ${chosen.ip} dev eth0 table local proto kernel scope host src ${chosen.ip}`,
      text: `${chosen.ip} is ${node.name}'s own address: the packet is delivered locally (INPUT).`,
    });
  } else {
    walkFromNode(w, ctx, node, epNs, origin, earlier === null && !outside ? clientPod : null);
  }
  ctx.kubeMasq = null;
  ctx.bridged = false;
  const blocked = policyDrop(w, ctx, svcName);
  if (blocked)
    return finish(
      w,
      'dropped',
      blocked,
      { pod: chosen.pod, ip: chosen.ip, port: chosen.port },
      d.candidates,
      null,
      warnings,
    );
  conn.snat = ctx.snat;
  ctx.snat = null;

  // 6. The endpoint's socket.
  const port = protocol === 'icmp' ? null : chosen.port;
  let listenerAt: ElementId | null;
  let listenerName = '';
  let label: string;
  if (epNs.kind === 'pod') {
    const pod = epNs.pod;
    label = pod.name;
    listenerAt =
      port === null
        ? containerId(pod.namespace, pod.name, pod.containers[0]?.name ?? '')
        : listenerOf(pod, port, protocol);
    if (listenerAt) listenerName = listenerAt.slice(listenerAt.lastIndexOf('/') + 1);
  } else {
    const l =
      port === null
        ? { at: nodeId(epNode.name), name: epNode.name, pod: null }
        : hostListener(cluster, epNode, port, protocol);
    label = l?.pod ? `${l.pod.name} (hostNetwork, on ${epNode.name})` : epNode.name;
    listenerAt = l?.at ?? null;
    listenerName = l?.name ?? '';
  }
  const endpoint: ServiceResult['endpoint'] = { pod: chosen.pod, ip: chosen.ip, port: chosen.port };
  let verdict: Verdict;
  let reason: string;
  const via =
    target.entry === 'clusterIP'
      ? `${svcName}'s ClusterIP`
      : target.entry === 'nodePort'
        ? `${svcName}'s NodePort`
        : `${svcName}'s load balancer`;
  if (listenerAt !== null) {
    if (listenerAt.startsWith('container/') && protocol !== 'icmp') endpoint.container = listenerName;
    w.hop({
      kind: 'deliver',
      at: listenerAt,
      node: epNode.name,
      text: `${listenerAt.startsWith('container/') ? `Container ${listenerName} in ${label}` : `${listenerName} on ${label}`} receives the packet from ${w.packet.src}${w.packet.src === before.src ? '' : ` (not from the client's ${ipOf(before.src)}: it was source-NATed)`}.`,
    });
    verdict = 'delivered';
    reason = `${via} sent the connection to ${chosen.pod} (${chosen.ip}:${chosen.port}), chosen by ${modeName(cluster)}.`;
  } else {
    w.hop({
      kind: 'reject',
      at: epNs.kind === 'pod' ? podEth0Id(epNs.pod.namespace, epNs.pod.name) : nodeId(epNode.name),
      node: epNode.name,
      text: `Nothing in ${label} listens on ${protocol.toUpperCase()} port ${port ?? ''}: its kernel answers with ${protocol === 'tcp' ? 'a TCP RST' : 'ICMP port unreachable'}.`,
    });
    verdict = 'refused';
    reason = `${via} chose ${chosen.pod}, but nothing listens there on ${protocol.toUpperCase()} port ${port ?? ''}.`;
  }
  // Name the rule that let it through, or say that a policy has no effect (section 10).
  reason += policyNote(ctx.policy);
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;
  const reply = replyPath(cluster, w.packet, client, epNs, listenerAt, label, conn, protocol, verdict, ctx);
  return finish(w, verdict, reason, endpoint, d.candidates, reply, warnings);
}

/** Where the Service's proxy decides, and what happened to the packet on the way there. */
interface Reached {
  node: ClusterNode;
  /** a SNAT on the way to another node's NodePort */
  earlier: SnatRecord | null;
  origin: 'forward' | 'local';
  /** the client is a process in the deciding node's root namespace */
  srcLocal: boolean;
  /** the packet came from outside the cluster (or went out to a load balancer and back) */
  outside: boolean;
  /** the egress SNAT of a pod's packet to a Proxy-mode load balancer */
  egress: SnatRecord | null;
  proxied: LbProxy | null;
  /** the packet goes through the load balancer itself */
  viaLb: boolean;
}

/**
 * Step 1 of a Service trace: the packet travels from the client to the node whose Service proxy
 * decides (the client's own node, the node of a dialed NodePort, or the node a load balancer
 * picked). Returns that node and the way there, or the trace's end when it is dropped before.
 */
function reachDecidingNode(
  w: PathWriter,
  ctx: WalkContext,
  client: ServiceClient,
  target: ServiceTarget,
  opts: ServiceTraceOptions,
  warnings: TraceWarning[],
  svcName: string,
): Reached | ServiceResult {
  const cluster = ctx.cluster;
  const svc = target.svc;
  const clientPod = client.ns?.kind === 'pod' ? client.ns.pod : null;
  let node: ClusterNode;
  let earlier: SnatRecord | null = null;
  let origin: 'forward' | 'local' = 'forward';
  let srcLocal = false;
  const lb = target.entry === 'loadBalancer';
  const viaLb = lb && (client.ns === null || lbIpMode(svc) === 'Proxy');
  let outside = false;
  let egress: SnatRecord | null = null;
  let proxied: LbProxy | null = null;
  if (client.ns === null || viaLb) {
    if (client.ns !== null) {
      // ipMode Proxy: kube-proxy leaves the LB address alone, so the packet really leaves the
      // cluster (egress, masqueraded to the node's address) to reach the load balancer.
      walkToExternal(w, ctx, client.ns, target.dstIP);
      const blocked = policyDrop(w, ctx, svcName);
      if (blocked) return finish(w, 'dropped', blocked, null, [], null, warnings);
      egress = ctx.snat;
      ctx.snat = null;
    }
    outside = true;
    const arrived = reachFromOutside(w, cluster, client, target, opts, warnings, client.ns !== null);
    if (arrived === null)
      return finish(
        w,
        'dropped',
        `No node of ${svcName} passes the load balancer's health check: the load balancer has no target and drops the connection.`,
        null,
        [],
        null,
        warnings,
      );
    node = arrived.node;
    proxied = arrived.proxied;
  } else if (target.entry === 'nodePort' && target.node && netnsNode(cluster, client.ns).name !== target.node.name) {
    // To another node's address: the packet crosses the node network first (flannel masquerades a
    // pod's packet to a node address outside the cluster CIDR).
    node = target.node;
    walk(w, ctx, client.ns, { kind: 'host', node });
    earlier = ctx.snat;
    ctx.snat = null;
  } else {
    node = netnsNode(cluster, client.ns);
    if (clientPod) {
      // Decided at connect(), the packet leaves the pod for the endpoint (socketLb walks it).
      if (serviceProxy(cluster).inClusterHook !== 'connect') {
        leavePod(w, cluster, clientPod, null, target.dstIP);
        const bridge = cniPlugin(cluster).bridge;
        if (bridge !== null) {
          w.hop({
            kind: 'bridge',
            at: deviceId(node.name, bridge),
            node: node.name,
            rule: `${node.name} ${bridge} ${deviceIP(node, bridge) ?? ''}`,
            text: podText({ what: 'bridge-up', bridge, node: node.name, then: 'prerouting' }),
          });
          ctx.bridged = true;
        }
      }
    } else {
      origin = 'local';
      srcLocal = true;
    }
  }
  return { node, earlier, origin, srcLocal, outside, egress, proxied, viaLb };
}

function policyDrop(w: PathWriter, ctx: WalkContext, svcName: string): string | null {
  const dropped = ctx.policy?.dropped ?? null;
  if (dropped === null) return null;
  const last = w.hops[w.hops.length - 1];
  if (last && last.kind !== 'drop')
    w.hop({
      kind: 'drop',
      at: last.at,
      node: last.node,
      text: 'The packet is dropped silently; the client times out.',
    });
  const why = ctx.policy?.verdict?.reason ?? '';
  return `NetworkPolicy: the ${dropped.direction} of ${dropped.pod ?? 'the pod'} does not allow this connection to ${svcName}'s endpoint, so it is dropped silently.${why === '' ? '' : ` ${why}`}`;
}

function finish(
  w: PathWriter,
  verdict: Verdict,
  reason: string,
  endpoint: ServiceResult['endpoint'],
  candidates: Candidate[],
  reply: ServiceResult['reply'],
  warnings: TraceWarning[],
): ServiceResult {
  return { verdict, reason, endpoint, candidates, hops: w.hops, reply, warnings };
}

export function openText(who: string, packet: Packet, protocol: Protocol, svc: string): string {
  if (protocol === 'icmp') return `${who} pings ${packet.dst} (${svc}).`;
  if (protocol === 'udp') return `${who} sends a UDP datagram from ${packet.src} to ${packet.dst} (${svc}).`;
  return `${who} opens a TCP connection from ${packet.src} to ${packet.dst} (${svc}) (SYN).`;
}

/** The route that delivers a Service address held on `dev` (IPVS: kube-ipvs0) to INPUT. */
function localVipRoute(dev: string, ip: string): string {
  return `local ${ip} dev ${dev} table local proto kernel scope host src ${ip}`;
}

/** Bridged DNAT (docs/networking-model.md): the endpoint is on the client's cni0, so the bridge switches the frame. */
function bridgedDnat(w: PathWriter, ctx: WalkContext, node: ClusterNode, client: Pod, ep: Pod, d: ProxyDecision): void {
  if (client === ep) {
    // Hairpin: the frame must leave through the port it came in on; the source becomes cni0's address.
    const gw = deviceIP(node, 'cni0') ?? '';
    const before = { src: w.packet.src, dst: w.packet.dst };
    w.update({ src: `${gw}:${ctx.ephemeralPort()}` });
    const nat = { type: 'MASQUERADE' as const, before, after: { src: w.packet.src, dst: w.packet.dst } };
    ctx.snat = { node, nat };
    w.hop({
      kind: 'netfilter',
      at: nodeId(node.name),
      node: node.name,
      nat,
      rule: serviceProxy(ctx.cluster).hairpinRule,
      text: hairpinMasqueradeText(d.masqueradeWhy, gw),
    });
    w.hop({
      kind: 'bridge',
      at: deviceId(node.name, 'cni0'),
      node: node.name,
      rule: `bridge link set dev ${client.veth ?? ''} hairpin on`,
      text: podText({ what: 'hairpin', bridge: 'cni0', veth: client.veth ?? '', reply: false }),
    });
    w.update({ eth: { src: deviceOf(node, 'cni0')?.mac ?? '', dst: client.mac } });
    w.hop({
      kind: 'veth',
      at: vethId(node.name, client.namespace, client.name),
      node: node.name,
      rule: `${client.veth ?? ''}@if2: master cni0 hairpin on`,
      text: podText({ what: 'veth-back', pod: client.name, reply: false }),
    });
    return;
  }
  // NetworkPolicy sees the packet after DNAT (section 10): egress of the client, ingress of the endpoint.
  policyBegin(w, ctx, client, { kind: 'pod', pod: ep });
  if (!policyGate(w, 'egress', client)) return;
  enterPod(w, ctx.cluster, ep, 'switched');
}

/**
 * Outside the cluster to a node: over the Internet to the node's eth0 for a NodePort, or through
 * the Service's load balancer. Returns the node the packet arrives at, or null when the load
 * balancer has no healthy target.
 */
export function reachFromOutside(
  w: PathWriter,
  cluster: Cluster,
  client: ServiceClient,
  target: ServiceTarget,
  opts: ServiceTraceOptions,
  warnings: TraceWarning[],
  crossed: boolean,
): { node: ClusterNode; proxied: LbProxy | null } | null {
  const svc = target.svc;
  if (target.entry === 'clusterIP') {
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      text: `${target.dstIP} is a ClusterIP: a virtual address that exists only in the cluster's nodes' rules. No router outside the cluster has a route to the service CIDR ${cluster.settings.serviceSubnet}.`,
    });
    w.hop({
      kind: 'drop',
      at: INTERNET_ID,
      node: null,
      text: 'The packet is lost on the way: ClusterIPs are not reachable from outside the cluster.',
    });
    throw new DroppedOutside(w);
  }
  if (target.entry === 'nodePort') {
    const node = target.node as ClusterNode;
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      text: `The packet crosses the network from ${client.ip} to ${node.name}'s address ${node.internalIP}.`,
    });
    w.update({ eth: { src: macFor(`router/${node.name}`), dst: deviceOf(node, 'eth0')?.mac ?? '' } });
    w.hop({
      kind: 'route',
      at: deviceId(node.name, 'eth0'),
      node: node.name,
      rule: `local ${node.internalIP} dev eth0 table local proto kernel scope host src ${node.internalIP}`,
      text: `${node.name} receives the packet on eth0: ${node.internalIP} is its own address, and port ${target.dstPort ?? ''} is a NodePort.`,
    });
    return { node, proxied: null };
  }
  const port = target.port;
  if (!crossed)
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      text: `The packet crosses the Internet from ${client.ip} to the load balancer's address ${target.dstIP}.`,
    });
  const lbId = loadBalancerId(svc.namespace, svc.name);
  const { nodes, check } = port
    ? lbTargets(cluster, svc, port)
    : { nodes: cluster.nodes.filter((n) => n.ready), check: '' };
  if (nodes.length === 0) {
    w.hop({
      kind: 'load-balancer',
      at: lbId,
      node: null,
      rule: `health check: ${check}`,
      text: `The load balancer of ${svc.namespace}/${svc.name} health-checks the nodes (${check}); none passes, so it has no target.`,
    });
    w.hop({
      kind: 'drop',
      at: lbId,
      node: null,
      text: 'The load balancer drops the connection: no healthy backend node.',
    });
    return null;
  }
  let node: ClusterNode | undefined;
  for (const p of opts.pick) {
    if (!p.startsWith('node/')) continue;
    node = nodes.find((n) => n.name === p.slice(5));
    if (!node) warnings.push({ kind: 'pick-not-lb-target', pick: p });
    else break;
  }
  // externalTrafficPolicy Local: a node sends only to its own endpoints, so a picked endpoint can be
  // honoured only if the load balancer chose its node; the pick pins that choice too.
  if (!node && port && svc.externalTrafficPolicy === 'Local') {
    const eps = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`)?.endpoints ?? [];
    for (const p of opts.pick) {
      const ep = eps.find((e) => e.pod === p && e.ready && e.ports.some((x) => x.name === port.name));
      node = ep ? nodes.find((n) => n.name === ep.node) : undefined;
      if (node) break;
    }
  }
  node ??= nodes[Math.min(nodes.length - 1, Math.floor(opts.random() * nodes.length))] as ClusterNode;
  // ipMode Proxy: kube-proxy has no rule for the LB address, so the LB must proxy to a NodePort.
  const proxy = lbIpMode(svc) === 'Proxy';
  const targets = nodes.map((n) => n.name).join(', ');
  let proxied: LbProxy | null = null;
  if (proxy && port?.nodePort) {
    // A proxying LB ends the client's connection and opens its own to nodeIP:nodePort.
    const before = { src: w.packet.src, dst: w.packet.dst };
    w.update({ src: `${target.dstIP}:${opts.ephemeralPort()}`, dst: `${node.internalIP}:${port.nodePort}` });
    proxied = { at: lbId, client: before, upstream: { src: w.packet.src, dst: w.packet.dst } };
    w.hop({
      kind: 'load-balancer',
      at: lbId,
      node: null,
      nat: { type: 'SNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
      rule: `target group: ${targets} port ${port.nodePort}`,
      text: `The load balancer (ipMode Proxy: it proxies to a NodePort) ends the client's connection and opens one from its own address to ${node.name}:${port.nodePort}; the client's address reaches the pod only in PROXY protocol or X-Forwarded-For. Healthy targets: ${targets} (${check}).`,
    });
    target.entry = 'nodePort';
    target.node = node;
    target.dstIP = node.internalIP;
    target.dstPort = port.nodePort;
  } else {
    w.hop({
      kind: 'load-balancer',
      at: lbId,
      node: null,
      rule: `backend pool: ${targets}`,
      text: `The load balancer passes the packet through unchanged (destination still ${target.dstIP}) to ${node.name}, one of its healthy targets (${targets}; ${check}).`,
    });
  }
  w.update({ eth: { src: macFor(`lb/${svc.namespace}/${svc.name}`), dst: deviceOf(node, 'eth0')?.mac ?? '' } });
  w.hop({
    kind: 'route',
    at: deviceId(node.name, 'eth0'),
    node: node.name,
    rule: `${node.name} eth0 ${node.internalIP}`,
    text: lbArrivalText(node.name, serviceProxy(cluster), proxy),
  });
  return { node, proxied };
}

/** A packet lost before reaching the cluster; trace() turns it into a dropped trace. */
export class DroppedOutside extends Error {
  readonly hops: Hop[];
  constructor(w: PathWriter) {
    super('dropped outside the cluster');
    this.hops = w.hops;
  }
}

/** The ClusterIP on an undefined port, or a ping to it: per mode (behaviour matrix, section 12). */
function undefinedPort(
  cluster: Cluster,
  w: PathWriter,
  ctx: WalkContext,
  client: ServiceClient,
  target: ServiceTarget,
  node: ClusterNode,
  protocol: Protocol,
  warnings: TraceWarning[],
): ServiceResult {
  const proxy = serviceProxy(cluster);
  const decision = proxy.undefinedPort(addr(target.dstIP, target.dstPort));
  const what =
    protocol === 'icmp'
      ? 'A ping to a ClusterIP'
      : `Port ${target.dstPort ?? ''} is not a port of ${target.svc.namespace}/${target.svc.name}, so`;
  if (decision.outcome === 'route') {
    w.routed();
    w.hop({
      kind: 'route',
      at: nodeId(node.name),
      node: node.name,
      devices: [deviceId(node.name, 'eth0')],
      rule: `default via ${defaultGateway(node)} dev eth0 proto static`,
      text: `${what} no kube-proxy rule matches ${target.dstIP}; the ClusterIP is no local address, so ${node.name} routes it like any other: out of eth0 to the default gateway.`,
    });
    // kube-proxy marked nothing (its KUBE-MARK-MASQ rules are per Service port), so KUBE-POSTROUTING
    // lets the packet pass; the egress masquerade of a pod's packet leaving the pod network still
    // applies, as to any address outside the cluster CIDR (section 9).
    const pod = client.ns?.kind === 'pod' ? client.ns.pod : null;
    if (pod !== null) postroutingOut(w, ctx, node, pod, target.dstIP);
    w.hop({
      kind: 'drop',
      at: INTERNET_ID,
      node: null,
      text: `No router knows the service CIDR: the packet is lost and the client times out. ClusterIPs are not pingable in ${proxy.shortName} mode.`,
    });
    return finish(
      w,
      'dropped',
      `${protocol === 'icmp' ? 'ClusterIPs do not answer pings' : `${target.svc.namespace}/${target.svc.name} has no port ${target.dstPort ?? ''}`}: in ${proxy.shortName} mode nothing matches and the packet is lost.`,
      null,
      [],
      null,
      warnings,
    );
  }
  if (proxy.nodeDevice !== null) {
    w.hop({
      kind: 'route',
      at: deviceId(node.name, proxy.nodeDevice),
      node: node.name,
      rule: localVipRoute(proxy.nodeDevice, target.dstIP),
      text: `${proxy.nodeDevice} holds ${target.dstIP}, so the packet goes to INPUT.`,
    });
  }
  const rule = decision.rule;
  if (decision.outcome === 'drop') {
    w.hop({
      kind: 'drop',
      at: nodeId(node.name),
      node: node.name,
      rule,
      text: `${what} Cilium's eBPF has no frontend for it and drops the packet (implementation-specific).`,
    });
    return finish(
      w,
      'dropped',
      `${modeName(cluster)} has no frontend for ${addr(target.dstIP, target.dstPort)}: dropped.`,
      null,
      [],
      null,
      warnings,
    );
  }
  w.hop({
    kind: 'reject',
    at: nodeId(node.name),
    node: node.name,
    rule,
    text: `${what} ${modeName(cluster)} rejects it with ICMP port unreachable: the client is refused at once.`,
  });
  return finish(
    w,
    'refused',
    `${modeName(cluster)} rejects traffic to a ClusterIP on a port (or protocol) the Service does not define.`,
    null,
    [],
    icmpBack(
      cluster,
      w.packet,
      client,
      node,
      { earlier: null, bridged: false, outside: false, egress: null, proxied: null },
      protocol,
    ),
    warnings,
  );
}

/** ICMP port unreachable (or a RST) from the deciding node back to the client. */
function icmpBack(
  cluster: Cluster,
  request: Packet,
  client: ServiceClient,
  node: ClusterNode,
  way: Way,
  protocol: Protocol,
): { verdict: Verdict; hops: Hop[] } {
  // REJECT answers with ICMP whatever the protocol. The kernel answers from the rejected packet's
  // destination when that is one of its own addresses (a node IP; any VIP on kube-ipvs0 in IPVS
  // mode), else from the address routing picks towards the client.
  const rejectedDst = ipOf(request.dst);
  const vipsLocal = serviceProxy(cluster).nodeDevice !== null;
  const local =
    rejectedDst === node.internalIP ||
    (vipsLocal && lookup(cluster).serviceByIP.has(rejectedDst)) ||
    (vipsLocal && cluster.services.some((x) => x.loadBalancerIP === rejectedDst));
  const src = local
    ? rejectedDst
    : client.ns === null || way.outside || way.earlier !== null
      ? node.internalIP
      : hostRoute(cluster, node, client.ns).src;
  const packet: Packet = { src, dst: ipOf(request.src), protocol: 'icmp', ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const what =
    protocol === 'tcp'
      ? "ICMP port unreachable (the client's kernel turns it into connection refused)"
      : 'ICMP port unreachable';
  w.hop({
    kind: 'socket',
    at: nodeId(node.name),
    node: node.name,
    text: `${node.name}'s kernel sends ${what} back to ${packet.dst}, quoting the rejected packet.`,
  });
  const ctx: WalkContext = { cluster, ephemeralPort: () => 0, snat: null, reply: true };
  backToClient(w, ctx, client, node, way, 'local');
  w.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text: "The client's socket gets the error: connection refused, at once.",
  });
  return { verdict: 'refused', hops: w.hops };
}

function localReject(request: Packet, client: ServiceClient, protocol: Protocol): { verdict: Verdict; hops: Hop[] } {
  const w = new PathWriter({
    src: request.dst,
    dst: request.src,
    protocol: protocol === 'tcp' ? 'tcp' : 'icmp',
    ttl: DEFAULT_TTL,
  });
  w.hop({
    kind: 'loopback',
    at: deviceId(client.node ?? '', 'lo'),
    node: client.node,
    text: 'The RST comes straight back through lo.',
  });
  w.hop({ kind: 'deliver', at: client.at, node: client.node, text: "The client's socket gets connection refused." });
  return { verdict: 'refused', hops: w.hops };
}

/**
 * From the deciding node (after conntrack restored the addresses) to the client: into a local pod,
 * up to a local process, across to the client's node for an earlier SNAT, or out to the Internet.
 */
function backToClient(
  w: PathWriter,
  ctx: WalkContext,
  client: ServiceClient,
  node: ClusterNode,
  way: Way,
  origin: 'forward' | 'local' = 'forward',
): void {
  const cluster = ctx.cluster;
  const { earlier, bridged } = way;
  if (client.ns === null || way.outside) {
    // a forwarded answer loses one TTL here; one the node makes itself (an ICMP error) does not
    if (origin === 'forward') w.routed();
    w.hop({
      kind: 'route',
      at: deviceId(node.name, 'eth0'),
      node: node.name,
      rule: `default via ${defaultGateway(node)} dev eth0 proto static`,
      text: `${node.name} routes the reply to ${ipOf(w.packet.dst)} out of eth0 (default route).`,
    });
    const p = way.proxied;
    if (p !== null) {
      w.hop({
        kind: 'wire',
        at: INTERNET_ID,
        node: null,
        text: `The reply crosses the network back to the load balancer.`,
      });
      const before = { src: w.packet.src, dst: w.packet.dst };
      w.update({ src: p.client.dst, dst: p.client.src });
      w.hop({
        kind: 'load-balancer',
        at: p.at,
        node: null,
        nat: { type: 'un-SNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
        rule: `connection ${p.upstream.src} -> ${p.upstream.dst} serves ${p.client.src} -> ${p.client.dst}`,
        text: `The load balancer answers the client on the client's own connection, from ${p.client.dst}.`,
      });
    }
    if (client.ns === null) {
      w.hop({
        kind: 'wire',
        at: INTERNET_ID,
        node: null,
        text: `The reply crosses the network back to ${ipOf(w.packet.dst)}.`,
      });
      return;
    }
    walkFromExternal(w, ctx, client.ns, way.egress);
    return;
  }
  if (earlier !== null) {
    const clientNode = earlier.node;
    walk(w, ctx, { kind: 'host', node }, { kind: 'host', node: clientNode }, true);
    const before = { src: w.packet.src, dst: w.packet.dst };
    w.update({ dst: earlier.nat.before.src });
    w.hop({
      kind: 'conntrack',
      at: nodeId(clientNode.name),
      node: clientNode.name,
      nat: { type: 'un-SNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
      rule: `conntrack: ${earlier.nat.before.src} -> ${earlier.nat.before.dst} [SNAT to ${earlier.nat.after.src}]`,
      text: `conntrack on ${clientNode.name} recognises the reply to its masqueraded connection and restores the destination ${w.packet.dst} (un-SNAT).`,
    });
    if (client.ns.kind === 'pod') nodeToLocalPod(w, ctx, clientNode, client.ns.pod, 'forward', false);
    return;
  }
  if (client.ns.kind === 'host') return;
  const pod = client.ns.pod;
  if (bridged && cniPlugin(cluster).bridge !== null && origin === 'forward') {
    enterPod(w, cluster, pod, 'switched');
    return;
  }
  nodeToLocalPod(w, ctx, node, pod, origin, false);
}

/** The reply: to the deciding node (the masquerade address or the client's), conntrack undoes NAT, on to the client. */
function replyPath(
  cluster: Cluster,
  request: Packet,
  client: ServiceClient,
  server: Netns,
  listenerAt: ElementId | null,
  label: string,
  conn: Conn,
  protocol: Protocol,
  verdict: Verdict,
  ctx: WalkContext,
): { verdict: Verdict; hops: Hop[] } {
  const refused = verdict === 'refused';
  const replyProtocol = refused && protocol !== 'tcp' ? 'icmp' : protocol;
  const packet: Packet =
    replyProtocol === 'icmp' && protocol !== 'icmp'
      ? { src: ipOf(request.dst), dst: ipOf(request.src), protocol: 'icmp', ttl: DEFAULT_TTL }
      : { src: request.dst, dst: request.src, protocol: replyProtocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const node = conn.node;
  const serverNode = netnsNode(cluster, server);
  const what = refused
    ? protocol === 'tcp'
      ? 'a TCP RST'
      : 'an ICMP port unreachable'
    : protocol === 'tcp'
      ? 'the SYN-ACK'
      : protocol === 'icmp'
        ? 'the echo reply'
        : 'the UDP answer';
  w.hop({
    kind: 'socket',
    at:
      listenerAt ??
      (server.kind === 'pod' ? podEth0Id(server.pod.namespace, server.pod.name) : nodeId(serverNode.name)),
    node: serverNode.name,
    text: `${label} sends ${what} back to ${packet.dst}, the source it saw.`,
  });
  const dstIP = ipOf(packet.dst);
  // To the deciding node.
  if (conn.bridged) {
    // Same bridge: the reply is switched back; conntrack (br_netfilter) undoes the NAT on the way.
    const sp = (server as { pod: Pod }).pod;
    const clientPod = client.ns?.kind === 'pod' ? client.ns.pod : null;
    leavePod(w, cluster, sp, conn.snat === null ? clientPod : null, dstIP);
  } else if (serverNode.name === node.name) {
    if (server.kind === 'pod') {
      leavePod(w, cluster, server.pod, null, dstIP);
      const bridge = cniPlugin(cluster).bridge;
      if (bridge !== null)
        w.hop({
          kind: 'bridge',
          at: deviceId(node.name, bridge),
          node: node.name,
          rule: `${node.name} ${bridge} ${deviceIP(node, bridge) ?? ''}`,
          text: podText({ what: 'bridge-up', bridge, node: node.name, then: 'conntrack' }),
        });
    }
  } else {
    walk(w, ctx, server, dstIP === node.internalIP ? { kind: 'host', node } : { kind: 'host', node, ip: dstIP }, true);
  }
  if (conn.snat !== null) {
    const before = { src: w.packet.src, dst: w.packet.dst };
    w.update({ dst: conn.snat.nat.before.src });
    w.hop({
      kind: 'conntrack',
      at: nodeId(node.name),
      node: node.name,
      nat: { type: 'un-SNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
      rule: `conntrack: ${conn.snat.nat.before.src} -> ${conn.snat.nat.before.dst} [SNAT to ${conn.snat.nat.after.src}]`,
      text: `conntrack on ${node.name} recognises the reply to the masqueraded connection and restores the destination ${w.packet.dst} (un-SNAT).`,
    });
  }
  const before = { src: w.packet.src, dst: w.packet.dst };
  w.update({
    src: replyProtocol === 'icmp' && protocol !== 'icmp' ? ipOf(conn.ct.original.dst) : conn.ct.original.dst,
  });
  w.hop({
    kind: 'conntrack',
    at: nodeId(node.name),
    node: node.name,
    nat: { type: 'un-DNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
    rule: conntrackLine(conn.ct, true),
    text: `conntrack on ${node.name} rewrites the reply's source back to ${w.packet.src}, the address the client dialed (un-DNAT): the client never sees the endpoint's address.`,
  });
  if (client.ns !== null && client.ns.kind === 'pod' && conn.bridged && conn.snat !== null) {
    // Hairpin: back out of the port it came in on.
    const pod = client.ns.pod;
    w.hop({
      kind: 'bridge',
      at: deviceId(node.name, 'cni0'),
      node: node.name,
      rule: `bridge link set dev ${pod.veth ?? ''} hairpin on`,
      text: podText({ what: 'hairpin', bridge: 'cni0', veth: pod.veth ?? '', reply: true }),
    });
    w.hop({
      kind: 'veth',
      at: vethId(node.name, pod.namespace, pod.name),
      node: node.name,
      rule: `${pod.veth ?? ''}@if2: master cni0 hairpin on`,
      text: podText({ what: 'veth-back', pod: pod.name, reply: true }),
    });
  } else {
    backToClient(w, ctx, client, node, conn);
  }
  w.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text: refused
      ? `The client's socket gets ${what}: connection refused.`
      : `The client's socket receives ${what} from ${w.packet.src}: the ${protocol === 'tcp' ? 'connection is established' : 'exchange is complete'}.`,
  });
  return { verdict: refused ? 'refused' : 'delivered', hops: w.hops };
}

/** Cilium's socket-level load balancing: the translation happens at connect(), never on the wire (section 4.6). */
function socketLb(
  cluster: Cluster,
  client: ServiceClient,
  target: ServiceTarget,
  protocol: Protocol,
  opts: ServiceTraceOptions,
  w: PathWriter,
  ctx: WalkContext,
  warnings: TraceWarning[],
): ServiceResult {
  const lk = lookup(cluster);
  const ns = client.ns as Netns;
  const node = netnsNode(cluster, ns);
  const svcName = `${target.svc.namespace}/${target.svc.name}`;
  if (target.port === null || (target.localhost && false))
    return undefinedPort(cluster, w, ctx, client, target, node, protocol, warnings);
  const d = decide(cluster, {
    svc: target.svc,
    port: target.port,
    entry: target.entry,
    node: node.name,
    hook: 'connect',
    packet: { src: w.packet.src, dst: w.packet.dst },
    srcIP: ipOf(w.packet.src),
    srcLocal: ns.kind === 'host',
    dstIP: target.dstIP,
    dstPort: target.entry === 'nodePort' ? (target.port.nodePort ?? 0) : (target.dstPort ?? 0),
    protocol,
    random: opts.random,
    pick: opts.pick,
    rrOffset: opts.rrOffset,
  });
  warnings.push(...d.warnings);
  if (d.outcome !== 'dnat') {
    const step = d.steps[d.steps.length - 1];
    w.hop({
      kind: d.outcome === 'drop' ? 'drop' : 'reject',
      at: client.at,
      node: client.node,
      rule: step?.rule,
      text: step ? proxyStepText(serviceProxy(ctx.cluster), step.says) : '',
    });
    if (d.outcome === 'drop')
      return finish(
        w,
        'dropped',
        `No local backend of ${svcName} on ${node.name}: Cilium drops the packet.`,
        null,
        [],
        null,
        warnings,
      );
    return finish(
      w,
      'refused',
      `${svcName} has no backends: Cilium refuses the connect() at once.`,
      null,
      [],
      null,
      warnings,
    );
  }
  const chosen = d.chosen as Backend;
  const dialed = w.packet.dst;
  w.update({ dst: addr(chosen.ip, protocol === 'icmp' ? null : chosen.port) });
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: d.dnatRule,
    text: socketConnectText(
      serviceProxy(cluster),
      w.packet.dst,
      chosen.pod,
      dialed,
      target.svc.sessionAffinity === 'ClientIP' ? target.svc.sessionAffinityTimeout : null,
    ),
  });
  const epPod = chosen.endpoint.pod ? (lk.podByKey.get(chosen.endpoint.pod) ?? null) : null;
  const epNs: Netns = epPod
    ? podNetns(cluster, epPod)
    : { kind: 'host', node: lk.nodeByIP.get(chosen.ip) as ClusterNode };
  const epNode = netnsNode(cluster, epNs);
  const same = ns.kind === epNs.kind && netnsIP(ns) === netnsIP(epNs);
  if (same)
    w.hop({
      kind: 'loopback',
      at: ns.kind === 'pod' ? podLoId(ns.pod.namespace, ns.pod.name) : deviceId(node.name, 'lo'),
      node: node.name,
      text: 'The backend is the client itself: the packet goes through lo.',
    });
  else walk(w, ctx, ns, epNs);
  const blocked = policyDrop(w, ctx, svcName);
  if (blocked)
    return finish(
      w,
      'dropped',
      blocked,
      { pod: chosen.pod, ip: chosen.ip, port: chosen.port },
      d.candidates,
      null,
      warnings,
    );
  const port = protocol === 'icmp' ? null : chosen.port;
  const listenerAt =
    epNs.kind === 'pod'
      ? port === null
        ? containerId(epNs.pod.namespace, epNs.pod.name, epNs.pod.containers[0]?.name ?? '')
        : listenerOf(epNs.pod, port, protocol)
      : port === null
        ? nodeId(epNode.name)
        : (hostListener(cluster, epNode, port, protocol)?.at ?? null);
  const label = epNs.kind === 'pod' ? epNs.pod.name : epNode.name;
  const endpoint: ServiceResult['endpoint'] = { pod: chosen.pod, ip: chosen.ip, port: chosen.port };
  let verdict: Verdict = 'delivered';
  if (listenerAt) {
    if (listenerAt.startsWith('container/') && protocol !== 'icmp')
      endpoint.container = listenerAt.slice(listenerAt.lastIndexOf('/') + 1);
    w.hop({
      kind: 'deliver',
      at: listenerAt,
      node: epNode.name,
      text: `${label} receives the packet from ${w.packet.src}, the client's own address.`,
    });
  } else {
    verdict = 'refused';
    w.hop({
      kind: 'reject',
      at: epNs.kind === 'pod' ? podEth0Id(epNs.pod.namespace, epNs.pod.name) : nodeId(epNode.name),
      node: epNode.name,
      text: `Nothing in ${label} listens on ${protocol.toUpperCase()} port ${port ?? ''}.`,
    });
  }
  // Reply: pod to pod, then the socket layer shows the Service address as the peer.
  const rp: Packet = {
    src: w.packet.dst,
    dst: w.packet.src,
    protocol: verdict === 'refused' && protocol !== 'tcp' ? 'icmp' : protocol,
    ttl: DEFAULT_TTL,
  };
  const r = new PathWriter(rp);
  r.hop({
    kind: 'socket',
    at: listenerAt ?? (epNs.kind === 'pod' ? podEth0Id(epNs.pod.namespace, epNs.pod.name) : nodeId(epNode.name)),
    node: epNode.name,
    text: `${label} answers ${rp.dst}.`,
  });
  if (same)
    r.hop({
      kind: 'loopback',
      at: ns.kind === 'pod' ? podLoId(ns.pod.namespace, ns.pod.name) : deviceId(node.name, 'lo'),
      node: node.name,
      text: 'Back through lo.',
    });
  else walk(r, { cluster, ephemeralPort: opts.ephemeralPort, snat: null }, epNs, ns);
  const before = { src: r.packet.src, dst: r.packet.dst };
  r.update({ src: dialed });
  r.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    nat: { type: 'un-DNAT', before, after: { src: r.packet.src, dst: r.packet.dst } },
    rule: serviceProxy(cluster).socketReverseRule?.(before.src, dialed),
    text: socketReverseText(dialed),
  });
  r.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text:
      verdict === 'refused'
        ? "The client's socket gets connection refused."
        : `The client's socket receives the answer from ${dialed}.`,
  });
  const reason =
    verdict === 'delivered'
      ? `${modeName(cluster)} connected the socket to ${chosen.pod} (${chosen.ip}:${chosen.port}) at connect().`
      : `Cilium chose ${chosen.pod}, but nothing listens there on ${protocol.toUpperCase()} port ${port ?? ''}.`;
  return finish(w, verdict, reason, endpoint, d.candidates, { verdict, hops: r.hops }, warnings);
}
