/**
 * Sentences for a packet leaving and entering a pod and for crossing a tunnel: the walk
 * (resolve/podPath.ts) decides each step from the CNI plugin's answers and hands it over as data;
 * the narrator words it, so that every plugin's steps read alike.
 */
import type { Tunnel } from '../cni/common';

/** A step of the packet between a pod's eth0 and its node, in either direction. */
export type PodStep =
  /** a routed or eBPF pod: its one default route to a gateway no interface holds (routed) or the node's device (eBPF) */
  | { what: 'gateway-route'; datapath: 'routed'; cni: string; gateway: string }
  | { what: 'gateway-route'; datapath: 'ebpf'; cni: string; gateway: string; gatewayDev: string }
  /** a ptp pod (kindnet): its gateway is the first address of the node's podCIDR, held by the veth's host end */
  | { what: 'ptp-route'; ownSubnet: boolean; dst: string; cni: string; gateway: string; podCIDR: string }
  /** a bridge pod: the destination is in its own subnet, on link */
  | { what: 'onlink-route'; dst: string; podCIDR: string }
  /** a bridge pod: the destination is elsewhere, via the bridge's address */
  | { what: 'bridge-route'; dst: string; gateway: string; bridge: string }
  /** the pod's ARP for its next hop, answered by proxy ARP, the eBPF program, a peer, or the bridge */
  | { what: 'arp'; answer: 'proxy'; gateway: string; veth: string; mac: string }
  | { what: 'arp'; answer: 'veth-address'; gateway: string; veth: string; mac: string }
  /** the AWS VPC CNI wrote a permanent ARP entry for its gateway into the pod */
  | { what: 'arp'; answer: 'static'; gateway: string; veth: string; mac: string }
  | { what: 'arp'; answer: 'ebpf'; gateway: string; veth: string; cni: string }
  | { what: 'arp'; answer: 'peer'; dst: string; bridge: string; peer: string }
  | { what: 'arp'; answer: 'bridge'; dst: string; bridge: string }
  | { what: 'arp'; answer: 'gateway'; gateway: string; bridge: string }
  /** the frame crosses the veth pair out of the pod into the node's root namespace */
  | { what: 'veth-out'; datapath: 'bridge' | 'routed' | 'ebpf'; veth: string | null; node: string; cni: string }
  /** the node resolves the pod's address on its bridge or its veth */
  | { what: 'neighbour'; node: string; ip: string; dev: string; pod: string }
  /** the bridge hands the frame to the pod's port: switched between pods, or after routing */
  | { what: 'bridge-port'; switched: boolean; bridge: string; veth: string; pod: string; cni: string }
  /** the frame crosses the veth pair into the pod */
  | { what: 'veth-in'; veth: string; pod: string }
  /** an eBPF program redirects the packet into the pod's veth (`from`: which program) */
  | { what: 'ebpf-redirect'; from: string; ip: string; cni: string; veth: string; pod: string }
  /**
   * A pod's frame addressed to the bridge itself goes up to the node's IP layer: to routing, to nat
   * PREROUTING first (br_netfilter, a Service address), or, a reply, to conntrack.
   */
  | { what: 'bridge-up'; bridge: string; node: string; then: 'routing' | 'prerouting' | 'conntrack' }
  /** bridged DNAT back to the sender: the bridge sends the frame out of the port it came in on */
  | { what: 'hairpin'; bridge: string; veth: string; reply: boolean }
  /** the frame goes back into the pod it came from, or (a reply) into the client pod */
  | { what: 'veth-back'; pod: string; reply: boolean };

/** The sentence of a step between a pod and its node. */
export function podText(s: PodStep): string {
  switch (s.what) {
    case 'gateway-route':
      return s.datapath === 'routed'
        ? `A ${s.cni} pod has a single route: everything goes to the gateway ${s.gateway}, an address no interface really holds.`
        : `A ${s.cni} pod has a /32 address and sends everything to its gateway ${s.gateway}, the node's ${s.gatewayDev} address.`;
    case 'ptp-route':
      return s.ownSubnet
        ? `${s.dst} is in the pod's own subnet ${s.podCIDR}, but ${s.cni}'s ptp setup routes that subnet via the gateway ${s.gateway} too: there is no shared L2 segment, every packet goes through the host.`
        : `The pod's default route leads to its gateway ${s.gateway}, the first address of ${s.podCIDR}.`;
    case 'onlink-route':
      return `${s.dst} is in the pod's own subnet ${s.podCIDR}, so the pod sends it straight out of eth0 without a gateway.`;
    case 'bridge-route':
      return `${s.dst} is outside the pod's subnet, so the pod sends it to its gateway ${s.gateway}, the ${s.bridge} bridge.`;
    case 'arp':
      switch (s.answer) {
        case 'proxy':
          return `The pod asks who has ${s.gateway}; the host end of its veth, ${s.veth}, answers by proxy ARP with ${s.mac}.`;
        case 'veth-address':
          return `The pod asks who has ${s.gateway}; the host end of its veth, ${s.veth}, holds ${s.gateway}/32 itself and answers with ${s.mac}.`;
        case 'static':
          return `No ARP request: the CNI wrote a permanent entry mapping ${s.gateway}, an address no device holds, to the MAC of the host end of the pod's veth, ${s.veth} (${s.mac}).`;
        case 'ebpf':
          return `The pod asks for ${s.gateway}'s MAC; ${s.cni}'s eBPF program on ${s.veth} answers with the veth's own MAC.`;
        case 'peer':
          return `The pod asks who has ${s.dst}; ${s.bridge} floods the ARP request and ${s.peer} answers with its MAC.`;
        case 'bridge':
          return `The pod asks who has ${s.dst}: it is ${s.bridge}'s own address, and the bridge answers with its MAC.`;
        case 'gateway':
          return `The pod resolves its gateway ${s.gateway} to ${s.bridge}'s MAC address.`;
      }
      break;
    case 'veth-out':
      switch (s.datapath) {
        case 'routed':
          return `The frame crosses the veth pair into ${s.veth ?? ''} in ${s.node}'s root namespace; there is no bridge, the host routes it.`;
        case 'ebpf':
          return `The frame crosses the veth pair into ${s.veth ?? ''}, where ${s.cni}'s eBPF program takes it.`;
        case 'bridge':
          return `The frame crosses the veth pair from the pod's eth0 to ${s.veth ?? 'its host end'} in ${s.node}'s root namespace.`;
      }
      break;
    case 'neighbour':
      return `${s.node} resolves ${s.ip} on ${s.dev} to ${s.pod}'s MAC address.`;
    case 'bridge-port':
      return s.switched
        ? `${s.bridge} switches the frame by MAC to ${s.veth}; the pods share one L2 segment, so no router touches it (TTL unchanged). With br_netfilter it still passes FORWARD, where ${s.cni} accepts pod traffic.`
        : `${s.bridge} forwards the frame to ${s.veth}, the port where ${s.pod}'s MAC was learned.`;
    case 'veth-in':
      return `The frame crosses the veth pair from ${s.veth} into ${s.pod}'s network namespace.`;
    case 'bridge-up':
      switch (s.then) {
        case 'routing':
          return `The frame is addressed to ${s.bridge} itself, so ${s.node}'s kernel takes the packet up to IP routing.`;
        case 'prerouting':
          return `The frame is addressed to ${s.bridge} itself, so ${s.node} takes the packet up to IP; with br_netfilter it enters nat PREROUTING first.`;
        case 'conntrack':
          return `The frame goes to ${s.bridge} and up to ${s.node}'s IP layer, where conntrack knows the connection.`;
      }
      break;
    case 'hairpin':
      return s.reply
        ? `${s.bridge} sends the reply back out of ${s.veth} (hairpin).`
        : `Bridged DNAT: ${s.bridge} sends the frame back out of ${s.veth}, the port it came in on, which hairpin mode allows (the flannel CNI config sets hairpinMode: true). TTL unchanged.`;
    case 'veth-back':
      return s.reply
        ? `The frame crosses the veth pair into ${s.pod}.`
        : `The frame crosses the veth pair back into ${s.pod}'s network namespace.`;
    case 'ebpf-redirect':
      return `${s.from} looks ${s.ip} up in ${s.cni}'s endpoint map and redirects the packet straight into ${s.veth}, the veth of ${s.pod}; eBPF rewrites the MACs and takes one from the TTL.`;
  }
}

/** The nodes a tunnel joins, by name and underlay address. */
export interface TunnelEnds {
  src: { name: string; ip: string };
  dst: { name: string; ip: string };
}

/**
 * The encapsulation on the sending node: `mtu` is the pods' MTU the overhead leaves, `ebpf` the
 * plugin's name when its eBPF data path wraps the packet itself (the VNI is then an identity).
 */
export function encapText(t: Tunnel, ends: TunnelEnds, mtu: number, ebpf: string | null): string {
  const { src, dst } = ends;
  if (t.kind === 'ipip')
    return `${t.dev} wraps the packet in a second IPv4 header from ${src.ip} to ${dst.ip} with IP protocol 4 (IP-in-IP, no UDP): 20 bytes, which is why pod MTU is ${mtu}.`;
  if (ebpf !== null) {
    const proto = t.kind === 'geneve' ? 'Geneve' : 'VXLAN';
    return `${ebpf} encapsulates the packet in ${proto} on ${t.dev}: an outer UDP packet from ${src.ip} to ${dst.ip}:${t.port}, whose VNI ${t.vni} carries the sender's security identity so ${dst.name} need not look it up.`;
  }
  return `${t.dev} wraps the packet in VXLAN (VNI ${t.vni}): an outer UDP packet from ${src.ip} to ${dst.ip}:${t.port}, 50 bytes of headers, which is why pod MTU is ${mtu}.`;
}

/** The decapsulation on the receiving node `node`, handing the inner packet to routing or to eBPF. */
export function decapText(t: Tunnel, node: string, inner: { src: string; dst: string }, ebpf: string | null): string {
  if (t.kind === 'ipip')
    return `${t.dev} strips the outer IP header and hands the original packet, still ${inner.src} to ${inner.dst}, to ${node}'s routing.`;
  return `${t.dev} strips the outer headers (VNI ${t.vni}) and hands the original packet, still ${inner.src} to ${inner.dst}, ${ebpf !== null ? `to ${ebpf}'s eBPF` : `to ${node}'s routing`}.`;
}

/** How the receiving node's eth0 takes the packet (see arrivalOnEth0 in resolve/podPath.ts). */
export type Arrival =
  | { what: 'tunnel'; tunnel: Tunnel }
  | { what: 'reply' }
  | { what: 'local'; ip: string }
  | { what: 'ebpf'; cni: string }
  | { what: 'forward' };

/** The sentence of the receiving node's eth0. */
export function arrivalText(node: string, a: Arrival): string {
  switch (a.what) {
    case 'tunnel':
      return a.tunnel.kind === 'ipip'
        ? `${node} receives it on eth0; IP protocol 4 belongs to the kernel's ipip module.`
        : `${node} receives it on eth0; UDP port ${a.tunnel.port} belongs to the kernel's ${a.tunnel.kind === 'geneve' ? 'Geneve' : 'VXLAN'} driver.`;
    case 'reply':
      return `${node} receives the reply on eth0; conntrack knows the connection it belongs to.`;
    case 'local':
      return `${node} receives the packet on eth0: ${a.ip} is its own address, so it goes up to a local socket (INPUT).`;
    case 'ebpf':
      return `${node} receives the packet on eth0, where ${a.cni}'s eBPF finds a local endpoint.`;
    case 'forward':
      return `${node} receives the packet on eth0; it is not addressed to the node, so the kernel forwards it.`;
  }
}
