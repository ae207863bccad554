/**
 * The pod-level data path: how a packet leaves one pod and reaches another, on one node or across
 * nodes, as the CNI plugin wires it (k8s-networking.md sections 1 to 3).
 */
import { containerId, deviceId, nodeId, podEth0Id, vethId, wireId } from '../model/ids';
import { deviceIP, deviceOf, lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import type { PathWriter } from './pathWriter';
import { fnv1a } from '../model/rng';

/** VXLAN's kernel default UDP port, which flannel keeps (k8s-networking.md 0.1). */
export const FLANNEL_VXLAN_PORT = 8472;
export const FLANNEL_VNI = 1;

const podKey = (pod: Pod): string => `${pod.namespace}/${pod.name}`;

/**
 * The VXLAN outer UDP source port: the kernel hashes the inner flow into the local port range, so
 * one connection always uses one source port and different flows spread across ECMP paths.
 */
export function vxlanSourcePort(innerSrc: string, innerDst: string, protocol: string): number {
  return 32768 + (fnv1a(`${innerSrc}>${innerDst}/${protocol}`) % (60999 - 32768 + 1));
}

function prefixOf(cidr: string): string {
  return cidr.slice(cidr.indexOf('/') + 1);
}

/**
 * The packet leaves the sending pod: the pod's routing table, ARP for the next hop, and the veth
 * pair into the node's root namespace.
 */
export function leavePod(w: PathWriter, cluster: Cluster, src: Pod, dst: Pod | null, dstIP: string): void {
  const node = lookup(cluster).nodeByName.get(src.node) as ClusterNode;
  const sameSubnet = dst !== null && dst.node === src.node && !dst.hostNetwork;
  const gateway = deviceIP(node, 'cni0') ?? '';
  const eth0 = podEth0Id(src.namespace, src.name);
  if (sameSubnet) {
    w.hop(
      'route',
      eth0,
      src.node,
      `${dstIP} is in the pod's own subnet ${node.podCIDR}, so the pod sends it straight out of eth0 without a gateway.`,
      `${node.podCIDR} dev eth0 proto kernel scope link src ${src.ip}`,
    );
    w.packet.eth = { src: src.mac, dst: dst.mac };
    w.hop(
      'arp',
      eth0,
      src.node,
      `The pod asks who has ${dstIP}; cni0 floods the ARP request and ${dst.name} answers with its MAC.`,
      `${dstIP} dev eth0 lladdr ${dst.mac} REACHABLE`,
    );
  } else {
    w.hop(
      'route',
      eth0,
      src.node,
      `${dstIP} is outside the pod's subnet, so the pod sends it to its gateway ${gateway}, the cni0 bridge.`,
      `${cluster.settings.podSubnet} via ${gateway} dev eth0`,
    );
    const cni0 = deviceOf(node, 'cni0');
    w.packet.eth = { src: src.mac, dst: cni0?.mac ?? '' };
    w.hop(
      'arp',
      eth0,
      src.node,
      `The pod resolves its gateway ${gateway} to cni0's MAC address.`,
      `${gateway} dev eth0 lladdr ${cni0?.mac ?? ''} REACHABLE`,
    );
  }
  w.hop(
    'veth',
    vethId(src.node, src.namespace, src.name),
    src.node,
    `The frame crosses the veth pair from the pod's eth0 to ${src.veth ?? 'its host end'} in ${src.node}'s root namespace.`,
    `${src.veth ?? ''}@if2: master cni0 (veth peer of ${podKey(src)} eth0)`,
  );
}

/** The last stretch into the receiving pod: bridge, veth, the pod's eth0. */
export function enterPod(w: PathWriter, cluster: Cluster, dst: Pod, fromBridge: 'switched' | 'routed'): void {
  const node = lookup(cluster).nodeByName.get(dst.node) as ClusterNode;
  const cni0 = deviceOf(node, 'cni0');
  if (fromBridge === 'routed') {
    w.packet.eth = { src: cni0?.mac ?? '', dst: dst.mac };
    w.hop(
      'arp',
      deviceId(dst.node, 'cni0'),
      dst.node,
      `${dst.node} resolves ${dst.ip} on cni0 to ${dst.name}'s MAC address.`,
      `${dst.ip} dev cni0 lladdr ${dst.mac} REACHABLE`,
    );
  }
  w.hop(
    'bridge',
    deviceId(dst.node, 'cni0'),
    dst.node,
    fromBridge === 'switched'
      ? `cni0 switches the frame by MAC to ${dst.veth ?? ''}; the pods share one L2 segment, so no router touches it (TTL unchanged). With br_netfilter it still passes FORWARD, where flannel accepts pod traffic.`
      : `cni0 forwards the frame to ${dst.veth ?? ''}, the port where ${dst.name}'s MAC was learned.`,
    fromBridge === 'switched'
      ? `-A FLANNEL-FWD -s ${cluster.settings.podSubnet} -m comment --comment "flanneld forward" -j ACCEPT`
      : `${dst.mac} dev ${dst.veth ?? ''} master cni0`,
  );
  w.hop(
    'veth',
    vethId(dst.node, dst.namespace, dst.name),
    dst.node,
    `The frame crosses the veth pair from ${dst.veth ?? ''} into ${dst.name}'s network namespace.`,
    `${dst.veth ?? ''}@if2: master cni0 (veth peer of ${podKey(dst)} eth0)`,
  );
}

/** The source node's routing and netfilter for a packet that came in from a local pod. */
function routeOnNode(w: PathWriter, cluster: Cluster, node: ClusterNode, route: string, text: string): void {
  w.routed();
  w.hop('route', nodeId(node.name), node.name, text, route);
  const podCidr = node.podCIDR;
  const clusterCidr = cluster.settings.podSubnet;
  const [srcIp] = w.packet.src.split(':');
  const fromLocal = lookup(cluster).nodeForPodIP(srcIp ?? '')?.name === node.name;
  w.hop(
    'netfilter',
    nodeId(node.name),
    node.name,
    'FORWARD accepts pod traffic and POSTROUTING returns without NAT: pod-to-pod traffic keeps its source address.',
    fromLocal
      ? `-A FLANNEL-POSTRTG -s ${podCidr} -d ${clusterCidr} -m comment --comment "flanneld masq" -j RETURN`
      : `-A FLANNEL-POSTRTG -s ${clusterCidr} -d ${podCidr} -m comment --comment "flanneld masq" -j RETURN`,
  );
}

/**
 * Pod to pod on another node with flannel's VXLAN backend: route to flannel.1, encapsulate in
 * UDP 8472 with VNI 1, cross the underlay, decapsulate, route to cni0 (k8s-networking.md 3.1).
 */
function crossNodeFlannelVxlan(w: PathWriter, cluster: Cluster, src: ClusterNode, dst: ClusterNode): void {
  const dstNet = dst.podCIDR;
  const dstVtep = deviceIP(dst, 'flannel.1') ?? '';
  const srcFlannel = deviceOf(src, 'flannel.1');
  const dstFlannel = deviceOf(dst, 'flannel.1');
  w.hop('bridge', deviceId(src.name, 'cni0'), src.name, `The frame is addressed to cni0 itself, so ${src.name}'s kernel takes the packet up to IP routing.`, `${src.name} cni0 ${deviceIP(src, 'cni0') ?? ''}/${prefixOf(src.podCIDR)}`);
  routeOnNode(
    w,
    cluster,
    src,
    `${dstNet} via ${dstVtep} dev flannel.1 onlink`,
    `${src.name} routes ${dstNet} (${dst.name}'s pods) via flannel.1, the VXLAN device flannel set up for every remote node. TTL drops by one.`,
  );
  const inner = w.packet;
  w.packet = {
    ...inner,
    eth: { src: srcFlannel?.mac ?? '', dst: dstFlannel?.mac ?? '' },
    outer: {
      src: `${src.internalIP}:${vxlanSourcePort(inner.src, inner.dst, inner.protocol)}`,
      dst: `${dst.internalIP}:${FLANNEL_VXLAN_PORT}`,
      protocol: 'udp',
      vni: FLANNEL_VNI,
    },
  };
  w.hop(
    'encap',
    deviceId(src.name, 'flannel.1'),
    src.name,
    `flannel.1 wraps the packet in VXLAN (VNI ${FLANNEL_VNI}): an outer UDP packet from ${src.internalIP} to ${dst.internalIP}:${FLANNEL_VXLAN_PORT}, 50 bytes of headers, which is why pod MTU is ${src.devices.find((d) => d.name === 'flannel.1')?.mtu ?? 1450}.`,
    `${dstFlannel?.mac ?? ''} dev flannel.1 dst ${dst.internalIP} self permanent`,
  );
  w.hop(
    'route',
    deviceId(src.name, 'eth0'),
    src.name,
    `The outer packet leaves ${src.name} through eth0 towards ${dst.internalIP} on the node network.`,
    `${underlayNet(src)} dev eth0 proto kernel scope link src ${src.internalIP}`,
  );
  w.hop('wire', wireId(src.name, dst.name), null, `The VXLAN packet crosses the underlay from ${src.name} (${src.internalIP}) to ${dst.name} (${dst.internalIP}).`);
  w.hop(
    'route',
    deviceId(dst.name, 'eth0'),
    dst.name,
    `${dst.name} receives it on eth0; UDP port ${FLANNEL_VXLAN_PORT} belongs to the kernel's VXLAN driver.`,
    `local ${dst.internalIP} dev eth0 table local proto kernel scope host src ${dst.internalIP}`,
  );
  const { outer: _outer, ...decapsulated } = w.packet;
  w.packet = decapsulated;
  w.hop(
    'decap',
    deviceId(dst.name, 'flannel.1'),
    dst.name,
    `flannel.1 strips the outer headers (VNI ${FLANNEL_VNI}) and hands the original packet, still ${inner.src} to ${inner.dst}, to ${dst.name}'s routing.`,
    `flannel.1: vxlan id ${FLANNEL_VNI} dstport ${FLANNEL_VXLAN_PORT} nolearning`,
  );
  routeOnNode(
    w,
    cluster,
    dst,
    `${dst.podCIDR} dev cni0 proto kernel scope link src ${deviceIP(dst, 'cni0') ?? ''}`,
    `${dst.name} routes the packet to its local pod subnet ${dst.podCIDR} on cni0. TTL drops by one.`,
  );
}

function underlayNet(node: ClusterNode): string {
  const eth0 = deviceOf(node, 'eth0')?.address ?? `${node.internalIP}/24`;
  const [ip, prefix] = eth0.split('/');
  const octets = (ip ?? '').split('.');
  return prefix === '24' ? `${octets.slice(0, 3).join('.')}.0/24` : eth0;
}

/** Unsupported pairings of this foundation raise this; later issues add the other CNIs. */
export class UnsupportedPathError extends Error {}

/**
 * Walks a packet from the source pod's eth0 to the destination pod's eth0 (the hops between the
 * sockets). The caller adds the socket hops at both ends.
 */
export function podToPodPath(w: PathWriter, cluster: Cluster, src: Pod, dst: Pod): void {
  leavePod(w, cluster, src, dst, dst.ip);
  if (src.node === dst.node) {
    enterPod(w, cluster, dst, 'switched');
    return;
  }
  const lk = lookup(cluster);
  const srcNode = lk.nodeByName.get(src.node) as ClusterNode;
  const dstNode = lk.nodeByName.get(dst.node) as ClusterNode;
  const cni = cluster.settings.cni;
  if (cni.kind === 'flannel' && cni.backend === 'vxlan') {
    crossNodeFlannelVxlan(w, cluster, srcNode, dstNode);
  } else {
    throw new UnsupportedPathError(`cross-node traffic with ${cni.kind} is not simulated yet`);
  }
  enterPod(w, cluster, dst, 'routed');
}

/** The element id of the container that owns a listening socket, or null. */
export function listenerOf(pod: Pod, port: number, protocol: string): string | null {
  for (const c of pod.containers) {
    if (c.listening.some((p) => p.containerPort === port && p.protocol === protocol)) return containerId(pod.namespace, pod.name, c.name);
  }
  return null;
}
