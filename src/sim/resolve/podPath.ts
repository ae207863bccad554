/**
 * The pod-level data path: how a packet leaves one network namespace (a pod's, or a node's root
 * namespace for host processes and hostNetwork pods) and reaches another, on one node or across
 * nodes, as the CNI plugin wires it (docs/networking-model.md).
 */
import type { ElementId } from '../model/ids';
import { containerId, deviceId, nodeId, podEth0Id, vethId, wireId } from '../model/ids';
import { cidrContains, formatIPv4 } from '../model/ip';
import { lookup } from '../model/lookup';
import { deviceIP, deviceOf, parseCidr, parseIPv4 } from '../model/memo';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import type { Nat } from '../trace/types';
import type { PathWriter } from './pathWriter';
import { fnv1a, macFor } from '../model/rng';
import { evaluatePolicy, writePolicyHop } from './networkPolicy';
import type { PolicyVerdict, SideVerdict } from './networkPolicy';
import { egressMasquerade, ipMasqAgent } from './egress';
import { cniPlugin } from '../registry';
import { podCidrText, underlayNet } from '../cni/common';
import type { EbpfPrograms, HostRoute, Tunnel } from '../cni/common';
import { postroutingText } from '../narrate/nat';
import { routeText } from '../narrate/route';
import { arrivalText, decapText, encapText, podText } from '../narrate/pod';
import { CILIUM_INGRESS_IDENTITY } from '../cni/cilium';

/** VXLAN's kernel default UDP port, which flannel and Cilium keep (docs/networking-model.md). */
export { FLANNEL_VXLAN_PORT, FLANNEL_VNI } from '../cni/flannel';
/** Calico's VXLAN: the IANA port and Calico's default VNI (docs/networking-model.md). */
export { CALICO_VXLAN_PORT, CALICO_VNI, CALICO_GATEWAY, CALICO_VETH_MAC } from '../cni/calico';
export { CILIUM_GENEVE_PORT, ciliumIdentity } from '../cni/cilium';
/** Calico's proxy-ARP gateway, the same in every pod (docs/networking-model.md). */
/** Cilium's reserved identity of the local host; pods get identities from 256 up. */

const podKey = (pod: Pod): string => `${pod.namespace}/${pod.name}`;
const ipOf = (addr: string): string => {
  const colon = addr.indexOf(':');
  return colon < 0 ? addr : addr.slice(0, colon);
};

/** A network namespace a packet starts or ends in. */
export type Netns =
  | { readonly kind: 'pod'; readonly pod: Pod }
  /** `ip`: the node address the packet is sent to; its InternalIP when absent */
  | { readonly kind: 'host'; readonly node: ClusterNode; readonly ip?: string };

/** A source NAT a node applied on the way, which conntrack must undo for the reply. */
export interface SnatRecord {
  node: ClusterNode;
  nat: Nat;
}

/** How a packet arrives in a node's root namespace: forwarded (routed, TTL -1) or made there. */
export type Origin = 'forward' | 'local';

/**
 * The VXLAN outer UDP source port: the kernel hashes the inner flow into the local port range, so
 * one connection always uses one source port and different flows spread across ECMP paths.
 */
export function vxlanSourcePort(innerSrc: string, innerDst: string, protocol: string): number {
  return 32768 + (fnv1a(`${innerSrc}>${innerDst}/${protocol}`) % (60999 - 32768 + 1));
}

export { calicoBlock } from '../cni/common';

/** The address a packet to this namespace is sent to. */
export function netnsIP(ns: Netns): string {
  return ns.kind === 'pod' ? ns.pod.ip : (ns.ip ?? ns.node.internalIP);
}

/**
 * Whether a host destination is one of the node's CNI addresses inside the pod range (flannel.1's
 * 10.244.N.0, tunl0's, cilium_host's): those are routed like the node's pods, through the tunnel.
 */
function hostInPodRange(ns: Netns): boolean {
  return ns.kind === 'host' && ns.ip !== undefined && ns.ip !== ns.node.internalIP;
}

export function netnsNode(cluster: Cluster, ns: Netns): ClusterNode {
  return ns.kind === 'host' ? ns.node : (lookup(cluster).nodeByName.get(ns.pod.node) as ClusterNode);
}

/** A pod's namespace, or its node's for a hostNetwork pod (docs/networking-model.md). */
export function podNetns(cluster: Cluster, pod: Pod): Netns {
  return pod.hostNetwork
    ? { kind: 'host', node: lookup(cluster).nodeByName.get(pod.node) as ClusterNode }
    : { kind: 'pod', pod };
}

export function sameNetns(a: Netns, b: Netns): boolean {
  return a.kind === 'pod' ? b.kind === 'pod' && a.pod === b.pod : b.kind === 'host' && a.node.name === b.node.name;
}

/** The host side of a pod's veth, as the CNI names it; Calico's answers ARP with ee:ee:... */
function hostVethMac(cluster: Cluster, pod: Pod): string {
  return cniPlugin(cluster).hostVethMac(pod, podKey(pod));
}

// ---------------------------------------------------------------------------------------------
// The host's routing table, as the CNI programs it.

/**
 * The route a node's kernel takes to an address, with the source address it picks for packets
 * the host makes itself: the route's `src`, else the first global address of the output device
 * (docs/networking-model.md: flannel.1's 10.244.N.0 for remote pods with flannel VXLAN).
 */
export function hostRoute(cluster: Cluster, node: ClusterNode, dst: Netns, srcPod: Pod | null = null): HostRoute {
  if (dst.kind === 'host') {
    const ip = netnsIP(dst);
    if (dst.node.name === node.name)
      return { rule: `local ${ip} dev lo table local proto kernel scope host src ${ip}`, dev: 'lo', src: ip };
    if (!hostInPodRange(dst)) return { rule: underlayRoute(node, dst.node), dev: 'eth0', src: node.internalIP };
  }
  const pod = dst.kind === 'pod' ? dst.pod : null;
  const dstNode = dst.kind === 'host' ? dst.node : (lookup(cluster).nodeByName.get(dst.pod.node) as ClusterNode);
  const local = pod !== null && dstNode.name === node.name;
  return cniPlugin(cluster).podRoute(cluster, node, { dstNode, pod, local, srcPod });
}

function underlayRoute(from: ClusterNode, to: ClusterNode): string {
  const net = underlayNet(from);
  if (net === underlayNet(to)) return `${net} dev eth0 proto kernel scope link src ${from.internalIP}`;
  const gw = parseCidr(net);
  return `default via ${gw ? formatIPv4(gw.base + 1) : ''} dev eth0 proto static`;
}

// ---------------------------------------------------------------------------------------------
// Leaving and entering a pod.

/**
 * The packet leaves the sending pod: the pod's routing table, ARP for the next hop, and the veth
 * pair into the node's root namespace. `peer` is the destination pod when it shares the pod's L2
 * segment (flannel's bridge), so the pod ARPs for it directly.
 */
export function leavePod(
  w: PathWriter,
  cluster: Cluster,
  src: Pod,
  peer: Pod | null,
  dstIP: string,
  vethText?: string,
  vethRule?: string,
): void {
  const node = lookup(cluster).nodeByName.get(src.node) as ClusterNode;
  const eth0 = podEth0Id(src.namespace, src.name);
  const cni = cniPlugin(cluster);
  const veth = vethId(src.node, src.namespace, src.name);
  const gateway = cni.podGateway(node);
  if (cni.podDatapath === 'routed') {
    const mac = hostVethMac(cluster, src);
    // ptp (kindnet): the host end of the veth holds the gateway itself, and the pod reaches even
    // its own subnet through it; Calico's gateway is an address nobody holds, answered by proxy ARP.
    const owned = cni.gatewayArp === 'veth-address';
    const podCIDR = podCidrText(node);
    const ownSubnet = owned && cidrContains(parseCidr(podCIDR) ?? { base: 0, prefix: 32 }, parseIPv4(dstIP) ?? 0);
    w.hop({
      kind: 'route',
      at: eth0,
      node: src.node,
      devices: [eth0],
      rule: ownSubnet ? `${podCIDR} via ${gateway.ip} dev eth0 src ${src.ip}` : `default via ${gateway.ip} dev eth0`,
      text: owned
        ? podText({
            what: 'ptp-route',
            ownSubnet,
            dst: dstIP,
            cni: cni.name,
            gateway: gateway.ip,
            podCIDR,
          })
        : podText({ what: 'gateway-route', datapath: 'routed', cni: cni.name, gateway: gateway.ip }),
    });
    w.update({ eth: { src: src.mac, dst: mac } });
    // The AWS VPC CNI writes a permanent ARP entry for its gateway into the pod: nobody is asked.
    const fixed = cni.gatewayArp === 'static';
    w.hop({
      kind: 'arp',
      at: eth0,
      node: src.node,
      rule: `${gateway.ip} dev eth0 lladdr ${mac} ${fixed ? 'PERMANENT' : 'REACHABLE'}`,
      text: podText({
        what: 'arp',
        answer: owned ? 'veth-address' : fixed ? 'static' : 'proxy',
        gateway: gateway.ip,
        veth: src.veth ?? '',
        mac,
      }),
    });
    w.hop({
      kind: 'veth',
      at: veth,
      node: src.node,
      rule: vethRule ?? cni.vethRule(src, podKey(src), 'out'),
      text:
        vethText ?? podText({ what: 'veth-out', datapath: 'routed', veth: src.veth, node: src.node, cni: cni.name }),
    });
    return;
  }
  if (cni.podDatapath === 'ebpf') {
    const router = gateway.ip;
    const lxcMac = hostVethMac(cluster, src);
    const gatewayDev = gateway.dev ?? 'eth0';
    w.hop({
      kind: 'route',
      at: eth0,
      node: src.node,
      devices: [eth0, deviceId(src.node, gatewayDev)],
      rule: `default via ${router} dev eth0 mtu ${src.mtu}`,
      text: podText({ what: 'gateway-route', datapath: 'ebpf', cni: cni.name, gateway: router, gatewayDev }),
    });
    w.update({ eth: { src: src.mac, dst: lxcMac } });
    w.hop({
      kind: 'arp',
      at: eth0,
      node: src.node,
      rule: `${router} dev eth0 lladdr ${lxcMac} REACHABLE`,
      text: podText({ what: 'arp', answer: 'ebpf', gateway: router, veth: src.veth ?? '', cni: cni.name }),
    });
    w.hop({
      kind: 'veth',
      at: veth,
      node: src.node,
      rule: vethRule ?? cni.vethRule(src, podKey(src), 'out'),
      text: vethText ?? podText({ what: 'veth-out', datapath: 'ebpf', veth: src.veth, node: src.node, cni: cni.name }),
    });
    return;
  }
  // A bridge CNI: the gateway is the bridge's own address.
  const bridge = gateway.dev ?? 'cni0';
  const gw = gateway.ip;
  const onLink = cidrContains(parseCidr(podCidrText(node)) ?? { base: 0, prefix: 32 }, parseIPv4(dstIP) ?? 0);
  if (peer !== null || onLink) {
    const mac = peer?.mac ?? deviceOf(node, bridge)?.mac ?? '';
    w.hop({
      kind: 'route',
      at: eth0,
      node: src.node,
      rule: `${podCidrText(node)} dev eth0 proto kernel scope link src ${src.ip}`,
      text: podText({ what: 'onlink-route', dst: dstIP, podCIDR: podCidrText(node) }),
    });
    w.update({ eth: { src: src.mac, dst: mac } });
    w.hop({
      kind: 'arp',
      at: eth0,
      node: src.node,
      // the ARP request goes out through the bridge, which floods it or answers for its own address
      devices: [eth0, deviceId(src.node, bridge)],
      rule: `${dstIP} dev eth0 lladdr ${mac} REACHABLE`,
      text: podText(
        peer
          ? { what: 'arp', answer: 'peer', dst: dstIP, bridge, peer: peer.name }
          : { what: 'arp', answer: 'bridge', dst: dstIP, bridge },
      ),
    });
  } else {
    const inCluster = cidrContains(lookup(cluster).podSubnet, parseIPv4(dstIP) ?? 0);
    w.hop({
      kind: 'route',
      at: eth0,
      node: src.node,
      devices: [eth0, deviceId(src.node, bridge)],
      rule: inCluster ? `${cluster.settings.podSubnet} via ${gw} dev eth0` : `default via ${gw} dev eth0`,
      text: podText({ what: 'bridge-route', dst: dstIP, gateway: gw, bridge }),
    });
    const bridgeDev = deviceOf(node, bridge);
    w.update({ eth: { src: src.mac, dst: bridgeDev?.mac ?? '' } });
    w.hop({
      kind: 'arp',
      at: eth0,
      node: src.node,
      devices: [eth0, deviceId(src.node, bridge)],
      rule: `${gw} dev eth0 lladdr ${bridgeDev?.mac ?? ''} REACHABLE`,
      text: podText({ what: 'arp', answer: 'gateway', gateway: gw, bridge }),
    });
  }
  w.hop({
    kind: 'veth',
    at: veth,
    node: src.node,
    rule: cni.vethRule(src, podKey(src), 'out'),
    text: podText({ what: 'veth-out', datapath: 'bridge', veth: src.veth, node: src.node, cni: cni.name }),
  });
}

/** A bridge CNI: the last stretch into the receiving pod: bridge, veth, the pod's eth0. */
export function enterPod(w: PathWriter, cluster: Cluster, dst: Pod, fromBridge: 'switched' | 'routed'): void {
  if (!policyGate(w, 'ingress', dst)) return;
  const cni = cniPlugin(cluster);
  const bridge = cni.bridge ?? 'cni0';
  const node = lookup(cluster).nodeByName.get(dst.node) as ClusterNode;
  const bridgeDev = deviceOf(node, bridge);
  if (fromBridge === 'routed') {
    w.update({ eth: { src: bridgeDev?.mac ?? '', dst: dst.mac } });
    w.hop({
      kind: 'arp',
      at: deviceId(dst.node, bridge),
      node: dst.node,
      rule: `${dst.ip} dev ${bridge} lladdr ${dst.mac} REACHABLE`,
      text: podText({ what: 'neighbour', node: dst.node, ip: dst.ip, dev: bridge, pod: dst.name }),
    });
  }
  w.hop({
    kind: 'bridge',
    at: deviceId(dst.node, bridge),
    node: dst.node,
    rule:
      fromBridge === 'switched'
        ? (cni.forwardRule?.(cluster) ?? `-A FORWARD -i ${bridge} -o ${bridge} -j ACCEPT`)
        : `${dst.mac} dev ${dst.veth ?? ''} master ${bridge}`,
    text: podText({
      what: 'bridge-port',
      switched: fromBridge === 'switched',
      bridge,
      veth: dst.veth ?? '',
      pod: dst.name,
      cni: cni.name,
    }),
  });
  w.hop({
    kind: 'veth',
    at: vethId(dst.node, dst.namespace, dst.name),
    node: dst.node,
    rule: cni.vethRule(dst, podKey(dst), 'in'),
    text: podText({ what: 'veth-in', veth: dst.veth ?? '', pod: dst.name }),
  });
}

/** A routed CNI: the host's /32 route to the pod, ARP on its veth, and the veth into the pod. */
function enterRoutedPod(w: PathWriter, cluster: Cluster, dst: Pod): void {
  if (!policyGate(w, 'ingress', dst)) return;
  w.update({ eth: { src: hostVethMac(cluster, dst), dst: dst.mac } });
  const veth = vethId(dst.node, dst.namespace, dst.name);
  w.hop({
    kind: 'arp',
    at: veth,
    node: dst.node,
    rule: `${dst.ip} dev ${dst.veth ?? ''} lladdr ${dst.mac} REACHABLE`,
    text: podText({ what: 'neighbour', node: dst.node, ip: dst.ip, dev: dst.veth ?? '', pod: dst.name }),
  });
  w.hop({
    kind: 'veth',
    at: veth,
    node: dst.node,
    rule: cniPlugin(cluster).vethRule(dst, podKey(dst), 'in'),
    text: podText({ what: 'veth-in', veth: dst.veth ?? '', pod: dst.name }),
  });
}

/** An eBPF CNI: the program hands the packet to the pod's veth without the host's routing or bridge. */
function enterEbpfPod(w: PathWriter, cluster: Cluster, dst: Pod, from: string, forwarded = true): void {
  if (!policyGate(w, 'ingress', dst)) return;
  const cni = cniPlugin(cluster);
  if (forwarded) w.routed();
  w.update({ eth: { src: hostVethMac(cluster, dst), dst: dst.mac } });
  w.hop({
    kind: 'veth',
    at: vethId(dst.node, dst.namespace, dst.name),
    node: dst.node,
    rule: cni.vethRule(dst, podKey(dst), 'in'),
    text: podText({ what: 'ebpf-redirect', from, ip: dst.ip, cni: cni.name, veth: dst.veth ?? '', pod: dst.name }),
  });
}

// ---------------------------------------------------------------------------------------------
// The node's routing and netfilter.

/**
 * POSTROUTING on a node, for a packet leaving through `dev`: the CNI's masquerade rules decide
 * whether the source becomes the address of that device (MASQUERADE semantics, docs/networking-model.md
 * 0.2) with a random port (`--random-fully`).
 */
function postrouting(w: PathWriter, ctx: WalkContext, node: ClusterNode, dev: string): void {
  // NAT decisions are made on a connection's first packet only: an answer is never masqueraded
  if (ctx.reply && !ctx.kubeMasq) return;
  const cluster = ctx.cluster;
  const src = ipOf(w.packet.src);
  const dst = ipOf(w.packet.dst);
  let rule: string;
  let masquerade: boolean;
  let text: string;
  let snat = false;
  const cniRules = cniPlugin(cluster).postrouting(cluster, node, src, dst);
  // The egress decision speaks where the CNI does not: ip-masq-agent's rules, or no CNI rules at all.
  const srcPod =
    ctx.kubeMasq || (ipMasqAgent(cluster) === null && cniRules?.kind !== 'no-rules')
      ? undefined
      : lookup(cluster).podByIP.get(src);
  const egress = srcPod ? egressMasquerade(cluster, srcPod, dst, node, dev) : null;
  if (ctx.kubeMasq) {
    ({ rule, text } = ctx.kubeMasq);
    ctx.kubeMasq = null;
    masquerade = true;
  } else if (
    egress &&
    egress.by === 'ip-masq-agent' &&
    (egress.masquerade || !cidrContains(lookup(cluster).podSubnet, parseIPv4(dst) ?? 0))
  ) {
    // ip-masq-agent decides pod egress instead of the CNI (docs/networking-model.md).
    ({ rule, masquerade, text } = egress);
    if (rule === '') {
      w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, text });
      return;
    }
  } else if (cniRules === null) {
    return;
  } else if (cniRules.kind === 'no-rules') {
    if (egress && !cidrContains(lookup(cluster).podSubnet, parseIPv4(dst) ?? 0))
      w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, text: egress.text });
    return;
  } else {
    ({ rule, masquerade } = cniRules);
    snat = cniRules.snat === true;
    text = postroutingText(cniRules, dev, dst);
  }
  if (!masquerade) {
    w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, rule, text });
    return;
  }
  const devIP = snat || dev === 'eth0' ? node.internalIP : (deviceIP(node, dev) ?? node.internalIP);
  const before = { src: w.packet.src, dst: w.packet.dst };
  const port = w.packet.protocol === 'icmp' ? null : ctx.ephemeralPort();
  w.update({ src: port === null ? devIP : `${devIP}:${port}` });
  const nat: Nat = { type: snat ? 'SNAT' : 'MASQUERADE', before, after: { src: w.packet.src, dst: w.packet.dst } };
  ctx.snat = { node, nat };
  w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, nat, rule, text });
}

/** Routing on a node; forwarded packets lose one TTL. */
function nodeRoute(
  w: PathWriter,
  node: ClusterNode,
  origin: Origin,
  route: { rule: string; dev: string },
  text: string,
  dstPod: Pod | null = null,
): void {
  if (origin === 'forward') w.routed();
  const devices = [routeDevice(node, route.dev, dstPod)];
  w.hop({ kind: 'route', at: nodeId(node.name), node: node.name, devices, rule: route.rule, text });
}

/**
 * The element of a route's output device on `node`: one of its devices, or the host end of a local
 * pod's veth (Calico's /32 routes point at `cali...`).
 */
export function routeDevice(node: ClusterNode, dev: string, dstPod: Pod | null): ElementId {
  if (dstPod !== null && dstPod.node === node.name && dstPod.veth === dev)
    return vethId(node.name, dstPod.namespace, dstPod.name);
  return deviceId(node.name, dev);
}

/** What a walk needs besides the writer: the cluster, a port source for NAT, and what NAT happened. */
export interface WalkContext {
  cluster: Cluster;
  ephemeralPort: () => number;
  snat: SnatRecord | null;
  /** the cni0 hop of a pod's packet was drawn already (before Service NAT on the same node) */
  bridged?: boolean;
  /**
   * kube-proxy marked the packet for masquerade (0x4000): the next POSTROUTING masquerades it to
   * the output device's address with this rule, before any CNI rule (kube-proxy's jump comes first).
   */
  kubeMasq?: { rule: string; text: string } | null;
  /**
   * NetworkPolicy evaluation for this walk (section 10): absent, no policy is evaluated. The
   * request's walk evaluates the source's egress and the destination's ingress on the packet as it
   * is then (after DNAT) and stops where a packet is dropped; set `reply` for the answer's walk,
   * which conntrack lets through.
   */
  policy?: PolicyState | null;
  /**
   * The walk carries the answer of an established connection: conntrack translates it back where
   * the request was translated, and the nat table is not consulted again (docs/networking-model.md).
   */
  reply?: boolean;
  /** the source's security identity where it is no pod's (Cilium's reserved:ingress for its Envoy) */
  srcIdentity?: number;
  /** a host socket bound this source address itself (Cilium's Envoy): the route's `src` is not used */
  boundSrc?: string;
}

/** What NetworkPolicy decided during a walk; the caller reads `dropped` to end the trace there. */
export interface PolicyState {
  /** the walk is a reply of an allowed connection: no policy applies */
  reply: boolean;
  /** the request's verdict, once a walk evaluated it */
  verdict: PolicyVerdict | null;
  /** the side that dropped the packet (the walk stopped at its hop), or null */
  dropped: SideVerdict | null;
}

export interface PolicyWalk {
  cluster: Cluster;
  state: PolicyState;
  verdict: PolicyVerdict;
  dst: Pod | null;
  shown: Set<'egress' | 'ingress'>;
}

/**
 * Evaluates policy for the packet as it is now (post-DNAT), when the context asks for it; `walk`
 * and `walkFromNode` call it, a path that enters a pod by other means (bridged DNAT) calls it
 * before `policyGate(w, 'egress', src)` and `enterPod`.
 */
export function policyBegin(w: PathWriter, ctx: WalkContext, srcPod: Pod | null, to: Netns): void {
  const state = ctx.policy;
  if (!state || state.reply) return;
  const colon = w.packet.dst.indexOf(':');
  const port = colon < 0 ? null : Number(w.packet.dst.slice(colon + 1));
  const protocol = w.packet.protocol === 'udp' ? 'udp' : w.packet.protocol === 'icmp' ? 'icmp' : 'tcp';
  const query = {
    port,
    protocol,
    ...(srcPod ? { srcPod } : { srcIP: ipOf(w.packet.src) }),
    ...(ctx.srcIdentity === CILIUM_INGRESS_IDENTITY ? { srcEntity: 'ingress' as const } : {}),
    ...(to.kind === 'pod' ? { dstPod: to.pod } : { dstIP: ipOf(w.packet.dst) }),
  } as const;
  const verdict = evaluatePolicy(ctx.cluster, query);
  state.verdict = verdict;
  w.policy = {
    cluster: ctx.cluster,
    state,
    verdict,
    dst: to.kind === 'pod' ? to.pod : null,
    shown: new Set(),
  };
}

/**
 * An enforcement point: the source pod's egress as the packet leaves it, the destination pod's
 * ingress at the last stretch into it. Returns false when the packet is dropped here.
 */
export function policyGate(w: PathWriter, side: 'egress' | 'ingress', pod: Pod): boolean {
  const p = w.policy;
  if (!p || p.shown.has(side) || (side === 'ingress' && p.dst !== pod)) return true;
  p.shown.add(side);
  const verdict = side === 'egress' ? p.verdict.egress : p.verdict.ingress;
  if (writePolicyHop(w, p.cluster, verdict, vethId(pod.node, pod.namespace, pod.name), pod.node)) return true;
  p.state.dropped = verdict;
  return false;
}

/**
 * From a node's root namespace into one of its pods (host routing, then the CNI's last stretch).
 * `postrouting` is false for replies, whose NAT conntrack already settled.
 */
export function nodeToLocalPod(
  w: PathWriter,
  ctx: WalkContext,
  node: ClusterNode,
  dst: Pod,
  origin: Origin,
  withNetfilter: boolean,
): void {
  const cluster = ctx.cluster;
  const cni = cniPlugin(cluster);
  const route = hostRoute(cluster, node, { kind: 'pod', pod: dst });
  if (cni.podDatapath === 'bridge') {
    nodeRoute(
      w,
      node,
      origin,
      route,
      `${node.name} routes the packet to its local pod subnet ${node.podCIDR} on ${route.dev}.${origin === 'forward' ? ' TTL drops by one.' : ''}`,
    );
    if (withNetfilter) postrouting(w, ctx, node, route.dev);
    enterPod(w, cluster, dst, 'routed');
  } else if (cni.podDatapath === 'routed') {
    nodeRoute(
      w,
      node,
      origin,
      route,
      `${node.name} has a /32 route for every local pod: ${dst.ip} is behind ${dst.veth ?? ''}.${origin === 'forward' ? ' The host routes the packet, so TTL drops by one.' : ''}`,
      dst,
    );
    if (withNetfilter && ctx.kubeMasq) postrouting(w, ctx, node, dst.veth ?? 'eth0');
    enterRoutedPod(w, cluster, dst);
  } else {
    if (origin === 'local' && cni.ebpf) {
      const host = cni.ebpf.hostDevice;
      w.hop({
        kind: 'route',
        at: nodeId(node.name),
        node: node.name,
        devices: [routeDevice(node, route.dev, dst)],
        rule: route.rule,
        text: `${node.name} routes pod addresses to ${route.dev}, where ${cni.name}'s eBPF takes over.`,
      });
      w.hop({
        kind: 'route',
        at: deviceId(node.name, host),
        node: node.name,
        rule: cni.ebpf.toHost,
        text: `${cni.name}'s program on ${host} looks ${dst.ip} up in its endpoint map.`,
      });
    }
    enterEbpfPod(w, cluster, dst, origin === 'local' ? 'The program' : `${node.name}'s eBPF`, origin === 'forward');
  }
}

/** The outer packet leaves through eth0, crosses the underlay, and arrives at the other node's eth0. */
function underlay(
  w: PathWriter,
  src: ClusterNode,
  dst: ClusterNode,
  what: string,
  arrival: { text: string; rule: string },
  tunneled: boolean,
  /** the VPC fabric's ENIs the packet leaves and enters by (the AWS VPC CNI), or null */
  fabric: { out: string; in: string; dstIP: string; route: string } | null = null,
): void {
  if (fabric !== null) {
    w.hop({
      kind: 'route',
      at: deviceId(src.name, fabric.out),
      node: src.name,
      rule: fabric.route,
      text: `The ${what} leaves ${src.name} through ${fabric.out}${fabric.out === 'eth0' ? ', its primary ENI' : ", the secondary ENI the source pod's address belongs to"}, unencapsulated: its addresses are VPC addresses.`,
    });
    w.hop({
      kind: 'wire',
      at: wireId(src.name, dst.name),
      node: null,
      text: `The VPC fabric delivers the ${what} to the ENI that holds ${fabric.dstIP}: ${dst.name}'s ${fabric.in}. No tunnel, no extra header; the VPC's own routing knows every secondary address.`,
    });
    w.hop({ kind: 'route', at: deviceId(dst.name, fabric.in), node: dst.name, rule: arrival.rule, text: arrival.text });
    return;
  }
  // A tunnel's outer packet is routed here for the first time; a plain one was routed already,
  // so what eth0 adds is the neighbour entry of the next hop.
  const sameNet = underlayNet(src) === underlayNet(dst);
  const rule =
    tunneled || !sameNet
      ? underlayRoute(src, dst)
      : `${dst.internalIP} dev eth0 lladdr ${deviceOf(dst, 'eth0')?.mac ?? ''} REACHABLE`;
  w.hop({
    kind: 'route',
    at: deviceId(src.name, 'eth0'),
    node: src.name,
    rule,
    text: `The ${what} leaves ${src.name} through eth0 towards ${dst.internalIP} on the node network.`,
  });
  w.hop({
    kind: 'wire',
    at: wireId(src.name, dst.name),
    node: null,
    text: `The ${what} crosses the underlay from ${src.name} (${src.internalIP}) to ${dst.name} (${dst.internalIP}).`,
  });
  w.hop({ kind: 'route', at: deviceId(dst.name, 'eth0'), node: dst.name, rule: arrival.rule, text: arrival.text });
}

/** The neighbour entry a VPC route leaves by: the subnet's router, or the ENI itself when on-link. */
function vpcNeighbour(route: HostRoute, dst: ClusterNode, eni: string, dstIP: string): string {
  const gw = / via (\d+\.\d+\.\d+\.\d+)/.exec(route.rule)?.[1];
  if (gw !== undefined) return `${gw} dev ${route.dev} lladdr ${macFor(`gateway/${gw}`)} REACHABLE`;
  return `${dstIP} dev ${route.dev} lladdr ${deviceOf(dst, eni)?.mac ?? ''} REACHABLE`;
}

function tunnelFor(ctx: WalkContext, src: ClusterNode, dst: ClusterNode, srcPod: Pod | null): Tunnel | null {
  return cniPlugin(ctx.cluster).tunnel(src, dst, srcPod, ctx.srcIdentity);
}

function encap(w: PathWriter, ctx: WalkContext, src: ClusterNode, dst: ClusterNode, t: Tunnel): void {
  const inner = w.packet;
  const cni = cniPlugin(ctx.cluster);
  const ends = { src: { name: src.name, ip: src.internalIP }, dst: { name: dst.name, ip: dst.internalIP } };
  const mtu = deviceOf(src, t.dev)?.mtu ?? ctx.cluster.settings.underlayMtu - t.overhead;
  if (t.kind === 'ipip') {
    w.update({ outer: { src: src.internalIP, dst: dst.internalIP, protocol: 'ipip' } });
    w.hop({
      kind: 'encap',
      at: deviceId(src.name, t.dev),
      node: src.name,
      rule: `tunl0: ipip remote any local any ttl inherit nopmtudisc`,
      text: encapText(t, ends, mtu, null),
    });
    return;
  }
  const dstTunnelMac = deviceOf(dst, t.dev)?.mac ?? '';
  w.update({
    eth: { src: deviceOf(src, t.dev)?.mac ?? '', dst: dstTunnelMac },
    outer: {
      src: `${src.internalIP}:${vxlanSourcePort(inner.src, inner.dst, inner.protocol)}`,
      dst: `${dst.internalIP}:${t.port}`,
      protocol: 'udp',
      vni: t.vni,
    },
  });
  // The eBPF data path wraps the packet itself, from its ipcache, with the identity as the VNI.
  const rule = cni.ebpf
    ? cni.ebpf.tunnelEndpoint(inner.dst.split(':')[0] ?? '', dst, t)
    : `${dstTunnelMac} dev ${t.dev} dst ${dst.internalIP} self permanent`;
  const text = encapText(t, ends, mtu, cni.ebpf ? cni.name : null);
  w.hop({ kind: 'encap', at: deviceId(src.name, t.dev), node: src.name, rule, text });
}

function decap(w: PathWriter, ctx: WalkContext, dst: ClusterNode, t: Tunnel, innerSrc: string, innerDst: string): void {
  w.decapsulate();
  const cni = cniPlugin(ctx.cluster);
  if (t.kind === 'ipip') {
    w.hop({
      kind: 'decap',
      at: deviceId(dst.name, t.dev),
      node: dst.name,
      rule: 'tunl0: ipip remote any local any',
      text: decapText(t, dst.name, { src: innerSrc, dst: innerDst }, null),
    });
    return;
  }
  const rule = cni.ebpf ? cni.ebpf.fromOverlay(t.dev) : `${t.dev}: vxlan id ${t.vni} dstport ${t.port} nolearning`;
  w.hop({
    kind: 'decap',
    at: deviceId(dst.name, t.dev),
    node: dst.name,
    rule,
    text: decapText(t, dst.name, { src: innerSrc, dst: innerDst }, cni.ebpf ? cni.name : null),
  });
}

function arrivalOnEth0(
  dst: ClusterNode,
  t: Tunnel | null,
  toHost: boolean,
  natReply: boolean,
  /** the plugin whose eBPF program on eth0 takes a plain packet for a pod, or null */
  ebpf: { name: string; programs: EbpfPrograms } | null,
): { text: string; rule: string } {
  const local = `local ${dst.internalIP} dev eth0 table local proto kernel scope host src ${dst.internalIP}`;
  if (t !== null) return { text: arrivalText(dst.name, { what: 'tunnel', tunnel: t }), rule: local };
  if (natReply) return { text: arrivalText(dst.name, { what: 'reply' }), rule: `-m conntrack --ctstate ESTABLISHED` };
  if (toHost) return { text: arrivalText(dst.name, { what: 'local', ip: dst.internalIP }), rule: local };
  if (ebpf) return { text: arrivalText(dst.name, { what: 'ebpf', cni: ebpf.name }), rule: ebpf.programs.fromNetdev };
  return { text: arrivalText(dst.name, { what: 'forward' }), rule: `${podCidrText(dst)} not local: ip_forward=1` };
}

/**
 * From one node's root namespace to another node: the route and netfilter on the sender, the
 * tunnel if the CNI uses one, the underlay, and the arrival on the receiver.
 */
function crossNode(
  w: PathWriter,
  ctx: WalkContext,
  src: ClusterNode,
  dst: ClusterNode,
  to: Netns,
  origin: Origin,
  srcPod: Pod | null,
  natReply: boolean,
): Tunnel | null {
  const cluster = ctx.cluster;
  const cni = cniPlugin(cluster);
  const toHost = to.kind === 'host' && !hostInPodRange(to);
  const t = toHost ? null : tunnelFor(ctx, src, dst, srcPod);
  const route = hostRoute(cluster, src, to, srcPod);
  // A pod's packet that the eBPF program on its veth placed: it never met the host's bridge.
  const ebpfPodSource = cni.podDatapath === 'ebpf' && srcPod !== null && !toHost;
  const bridge = cni.bridge;
  if (bridge !== null && origin === 'forward' && srcPod !== null && route.dev !== bridge && !ctx.bridged) {
    w.hop({
      kind: 'bridge',
      at: deviceId(src.name, bridge),
      node: src.name,
      rule: `${src.name} ${bridge} ${deviceIP(src, bridge) ?? ''}/${podCidrText(src).slice(podCidrText(src).indexOf('/') + 1)}`,
      text: podText({ what: 'bridge-up', bridge, node: src.name, then: 'routing' }),
    });
  }
  if (ebpfPodSource && t !== null) {
    // bpf_lxc encapsulates straight from the pod's veth: the host's routing table is not used.
    w.routed();
  } else if (ebpfPodSource) {
    nodeRoute(
      w,
      src,
      origin,
      route,
      `${cni.name} passes the packet to ${src.name}'s routing, which sends ${dst.name}'s pod range via ${dst.internalIP} on eth0 (auto-direct-node-routes).${origin === 'forward' ? ' TTL drops by one.' : ''}`,
    );
  } else {
    nodeRoute(w, src, origin, route, routeText(src, dst, to.kind === 'host', route, origin, ctx.boundSrc));
    if (!natReply) postrouting(w, ctx, src, route.dev);
  }
  if (cni.ebpf && srcPod === null && t !== null) {
    const host = cni.ebpf.hostDevice;
    w.hop({
      kind: 'route',
      at: deviceId(src.name, host),
      node: src.name,
      rule: cni.ebpf.toHost,
      text: `${cni.name}'s program on ${host} finds ${ipOf(w.packet.dst)} behind ${dst.name} and sends it to the tunnel.`,
    });
  }
  const innerSrc = w.packet.src;
  const innerDst = w.packet.dst;
  if (t !== null) encap(w, ctx, src, dst, t);
  else w.update({ eth: { src: deviceOf(src, 'eth0')?.mac ?? '', dst: deviceOf(dst, 'eth0')?.mac ?? '' } });
  const what =
    t === null
      ? 'packet'
      : t.kind === 'ipip'
        ? 'IP-in-IP packet'
        : t.kind === 'geneve'
          ? 'Geneve packet'
          : 'VXLAN packet';
  const dstPod = to.kind === 'pod' ? to.pod : null;
  const vpcIn = cni.vpc && dstPod !== null ? cni.vpc.eniOf(dstPod) : 'eth0';
  const fabric = cni.vpc
    ? { out: route.dev, in: vpcIn, dstIP: netnsIP(to), route: vpcNeighbour(route, dst, vpcIn, netnsIP(to)) }
    : null;
  const vpcRule = cni.vpc && dstPod !== null && !natReply ? cni.vpc.arrivalRule(dstPod) : '';
  underlay(
    w,
    src,
    dst,
    what,
    vpcRule !== ''
      ? {
          rule: vpcRule,
          text: `${dst.name} takes the packet in on ${vpcIn}; the AWS VPC CNI's ip rule for ${netnsIP(to)} sends it to the main table, where the pod's /32 route is.`,
        }
      : arrivalOnEth0(dst, t, toHost, natReply, cni.ebpf && !toHost ? { name: cni.name, programs: cni.ebpf } : null),
    t !== null,
    fabric,
  );
  if (t !== null) decap(w, ctx, dst, t, innerSrc, innerDst);
  return t;
}

/**
 * Walks a packet from one network namespace to another (the hops between the sockets; the caller
 * adds the socket hops at both ends). Source NAT on the way is recorded in `ctx.snat`.
 *
 * With `natReply`, the destination is a node address that conntrack maps back to the real client:
 * the walk ends on arrival at that node, before any local delivery.
 */
export function walk(w: PathWriter, ctx: WalkContext, from: Netns, to: Netns, natReply = false): void {
  const cluster = ctx.cluster;
  const cni = cniPlugin(cluster);
  const dstIP = netnsIP(to);
  const srcNode = netnsNode(cluster, from);
  const dstNode = netnsNode(cluster, to);
  const dstPod = to.kind === 'pod' ? to.pod : null;
  if (!natReply) policyBegin(w, ctx, from.kind === 'pod' ? from.pod : null, to);
  let origin: Origin;
  if (from.kind === 'pod') {
    const src = from.pod;
    const sameNode = srcNode.name === dstNode.name;
    // Pods on one bridge share an L2 segment: the frame is switched, never routed.
    if (cni.podDatapath === 'bridge' && dstPod !== null && sameNode) {
      leavePod(w, cluster, src, dstPod, dstIP);
      if (!policyGate(w, 'egress', src)) return;
      enterPod(w, cluster, dstPod, 'switched');
      return;
    }
    // The eBPF program on the veth places a packet for a pod itself: redirect, tunnel or host routing.
    if (cni.podDatapath === 'ebpf' && dstPod !== null) {
      const t = sameNode ? null : tunnelFor(ctx, srcNode, dstNode, src);
      const program = `${cni.name}'s eBPF program on ${src.veth ?? ''}`;
      const text = sameNode
        ? `${program} finds ${dstIP} in its endpoint map: a pod on this node.`
        : t !== null
          ? `${program} finds ${dstIP} in its ipcache behind ${dstNode.name} (${dstNode.internalIP}) and sends it to the tunnel, bypassing the host's routing.`
          : `${program} finds ${dstIP} on ${dstNode.name} and, in native routing mode, hands the packet to the host's routing.`;
      leavePod(w, cluster, src, null, dstIP, text, cni.vethRule(src, podKey(src), 'out'));
      if (!policyGate(w, 'egress', src)) return;
      if (sameNode) {
        enterEbpfPod(w, cluster, dstPod, cni.name);
        return;
      }
    } else {
      leavePod(w, cluster, src, null, dstIP);
      if (!policyGate(w, 'egress', src)) return;
    }
    origin = 'forward';
  } else {
    origin = 'local';
  }
  if (srcNode.name === dstNode.name) {
    if (to.kind === 'host') {
      if (from.kind === 'host') {
        w.hop({
          kind: 'loopback',
          at: deviceId(srcNode.name, 'lo'),
          node: srcNode.name,
          rule: hostRoute(cluster, srcNode, to).rule,
          text: `${dstIP} is the node's own address: the kernel loops the packet back through lo.`,
        });
      } else {
        if (cni.bridge !== null) {
          w.hop({
            kind: 'bridge',
            at: deviceId(srcNode.name, cni.bridge),
            node: srcNode.name,
            rule: `${srcNode.name} ${cni.bridge} ${deviceIP(srcNode, cni.bridge) ?? ''}`,
            text: podText({ what: 'bridge-up', bridge: cni.bridge, node: srcNode.name, then: 'routing' }),
          });
        }
        w.hop({
          kind: 'route',
          at: nodeId(srcNode.name),
          node: srcNode.name,
          rule: `local ${dstIP} dev ${localDevOf(srcNode, dstIP)} table local proto kernel scope host src ${dstIP}`,
          text: `${dstIP} is one of ${srcNode.name}'s own addresses, so the packet is delivered locally (INPUT), not forwarded: no NAT, TTL unchanged.`,
        });
      }
      return;
    }
    nodeToLocalPod(w, ctx, srcNode, to.pod, origin, !natReply);
    return;
  }
  crossNode(w, ctx, srcNode, dstNode, to, origin, from.kind === 'pod' ? from.pod : null, natReply);
  if (to.kind === 'pod') {
    const pod = to.pod;
    if (cni.podDatapath === 'ebpf') enterEbpfPod(w, cluster, pod, `${dstNode.name}'s eBPF`);
    else nodeToLocalPod(w, ctx, dstNode, pod, 'forward', !natReply);
  } else if (hostInPodRange(to) && !natReply) {
    w.hop({
      kind: 'route',
      at: nodeId(dstNode.name),
      node: dstNode.name,
      rule: `local ${dstIP} dev ${hostRoute(cluster, srcNode, to).dev === 'eth0' ? 'eth0' : localDevOf(dstNode, dstIP)} table local proto kernel scope host src ${dstIP}`,
      text: `${dstIP} is ${dstNode.name}'s own address on its CNI device, so the packet goes up to a local socket (INPUT).`,
    });
  }
}

/**
 * Continues a packet that is already in `node`'s root namespace (a Service's DNAT happened there)
 * towards another namespace: `origin` is 'forward' for a packet that came from a pod or the wire,
 * 'local' for one the host made. A destination in `node`'s own root namespace is left to the caller.
 */
export function walkFromNode(
  w: PathWriter,
  ctx: WalkContext,
  node: ClusterNode,
  to: Netns,
  origin: Origin,
  srcPod: Pod | null,
  natReply = false,
): void {
  const cluster = ctx.cluster;
  const dstNode = netnsNode(cluster, to);
  if (!natReply) {
    policyBegin(w, ctx, srcPod, to);
    if (srcPod !== null && !policyGate(w, 'egress', srcPod)) return;
  }
  if (dstNode.name === node.name) {
    if (to.kind === 'pod') nodeToLocalPod(w, ctx, node, to.pod, origin, !natReply);
    return;
  }
  crossNode(w, ctx, node, dstNode, to, origin, srcPod, natReply);
  if (to.kind !== 'pod') return;
  if (cniPlugin(cluster).podDatapath === 'ebpf') enterEbpfPod(w, cluster, to.pod, `${dstNode.name}'s eBPF`);
  else nodeToLocalPod(w, ctx, dstNode, to.pod, 'forward', !natReply);
}

/**
 * The reply's way back when the request was source-NATed on `snat.node`: to that node's address,
 * conntrack restores the client's address (un-SNAT), then on to the client.
 */
/** conntrack on the node that masqueraded a connection restores the original destination of its answer. */
export function unSnat(w: PathWriter, snat: SnatRecord, what: 'reply' | 'answer'): void {
  const node = snat.node;
  const before = { src: w.packet.src, dst: w.packet.dst };
  w.update({ dst: snat.nat.before.src });
  w.hop({
    kind: 'conntrack',
    at: nodeId(node.name),
    node: node.name,
    nat: { type: 'un-SNAT', before, after: { src: w.packet.src, dst: w.packet.dst } },
    rule: `conntrack: ${snat.nat.before.src} -> ${snat.nat.before.dst} [SNAT to ${snat.nat.after.src}]`,
    text: `conntrack on ${node.name} recognises the ${what} to its masqueraded connection and restores the original destination ${w.packet.dst} (un-SNAT).`,
  });
}

export function walkNatReply(w: PathWriter, ctx: WalkContext, from: Netns, client: Netns, snat: SnatRecord): void {
  const node = snat.node;
  walk(w, ctx, from, { kind: 'host', node, ip: ipOf(snat.nat.after.src) }, true);
  unSnat(w, snat, 'reply');
  if (client.kind === 'pod') nodeToLocalPod(w, ctx, node, client.pod, 'forward', false);
}

function localDevOf(node: ClusterNode, ip: string): string {
  for (const d of node.devices) if (d.address !== null && d.address.startsWith(`${ip}/`)) return d.name;
  return 'eth0';
}

/** Unsupported pairings raised this before every CNI was simulated; kept for API compatibility. */
export class UnsupportedPathError extends Error {}

/**
 * Walks a packet from the source pod's eth0 to the destination pod's eth0 (the hops between the
 * sockets), for callers that know both ends are pods with their own namespaces.
 */
export function podToPodPath(w: PathWriter, cluster: Cluster, src: Pod, dst: Pod): void {
  walk(w, { cluster, ephemeralPort: () => 0, snat: null }, { kind: 'pod', pod: src }, { kind: 'pod', pod: dst });
}

/** The element id of the container that owns a listening socket, or null. */
export function listenerOf(pod: Pod, port: number, protocol: string): ElementId | null {
  for (const c of pod.containers) {
    if (c.listening.some((p) => p.containerPort === port && p.protocol === protocol))
      return containerId(pod.namespace, pod.name, c.name);
  }
  return null;
}
