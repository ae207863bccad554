/**
 * The sentence of a node's routing decision towards another node or its pods, from the route the
 * CNI plugin decided (cni/: its device, its source address, who installed it).
 */
import type { HostRoute } from '../cni/common';
import type { ClusterNode } from '../model/types';

/**
 * `toHost`: the destination is the other node itself (its own address, or one in its pod range);
 * `origin`: the packet is forwarded (it loses one TTL) or made by this node; `boundSrc`: the address
 * a local socket bound (Cilium's Envoy binds the node's ingress address), kept instead of the route's.
 */
export function routeText(
  src: ClusterNode,
  dst: ClusterNode,
  toHost: boolean,
  route: HostRoute,
  origin: 'forward' | 'local',
  boundSrc?: string,
): string {
  const ttl = origin === 'forward' ? ' TTL drops by one.' : '';
  const made =
    origin !== 'local'
      ? ''
      : boundSrc !== undefined
        ? ` The source stays ${boundSrc}: the socket bound that address itself.`
        : ` The kernel picks ${route.src} as the source address of a packet the host makes itself.`;
  // An address in another node's pod range (flannel.1's, or a pod's that a reply is headed back to
  // before conntrack undoes the DNAT) is routed like its pods: only the node's own address leaves
  // plainly on eth0 (issue #18: the sentence said eth0 while the route said flannel.1).
  if (toHost && route.dev === 'eth0')
    return `${src.name} routes ${dst.internalIP}, another node, straight out of eth0 on the node network.${ttl}${made}`;
  if (route.dev === 'flannel.1')
    return `${src.name} routes ${dst.podCIDR} (${dst.name}'s pods) via flannel.1, the VXLAN device flannel set up for every remote node.${ttl}${made}`;
  if (route.dev === 'tunl0')
    return `BIRD learned over BGP that ${dst.name} holds this block; the route goes through tunl0, Calico's IP-in-IP device.${ttl}${made}`;
  if (route.dev === 'vxlan.calico')
    return `The route to ${dst.name}'s block goes through vxlan.calico, Calico's VXLAN device.${ttl}${made}`;
  if (route.dev === 'cilium_host')
    return `${src.name} routes the pod range to cilium_host, where Cilium's eBPF takes over.${made}`;
  if (route.by === 'kindnetd')
    return `kindnetd keeps a route to every other node's podCIDR from the Node objects: ${dst.podCIDR} via ${dst.name}'s address ${dst.internalIP} on eth0, no tunnel, no extra header.${ttl}${made}`;
  if (route.by === 'vpc')
    return `${dst.name}'s pods hold VPC addresses, so no podCIDR route exists: ${route.rule.includes(' lookup ') ? `the AWS VPC CNI's ip rule for the source pod picks its ENI's table, and ` : ''}${route.rule.includes(' via ') ? `the VPC subnet's router` : `the VPC subnet, on-link,`} takes it out of ${route.dev}, no tunnel.${ttl}${made}${assumedSubnetNote(route.assumedSubnet)}`;
  if (route.by === 'bgp')
    return `BIRD learned over BGP that ${dst.name} holds this block; ${dst.name} is in the same subnet, so the route goes directly via its address on eth0, without encapsulation.${ttl}${made}`;
  return `flannel's host-gw backend routes ${dst.podCIDR} via ${dst.name}'s address ${dst.internalIP} on eth0: no tunnel, no extra header.${ttl}${made}`;
}

/** The VPC subnet's mask is an assumption when no setting gives it: said where the route rests on it. */
export function assumedSubnetNote(subnet: string | undefined): string {
  return subnet === undefined
    ? ''
    : ` The subnet ${subnet} is assumed: no manifest gives its mask (the vpcSubnetPrefix setting does).`;
}
