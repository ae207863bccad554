/**
 * What every CNI module shares: the interface the rest of the simulation asks (devices, naming,
 * MTU, routes, encapsulation) and the typed decisions it returns. One module per CNI implements it
 * (flannel.ts, calico.ts, cilium.ts, kindnet.ts, awsVpc.ts); the registry (../registry.ts) picks the one configured.
 */
import { cidrContains, formatIPv4 } from '../model/ip';
import { parseCidr, parseIPv4 } from '../model/memo';
import type { Cidr } from '../model/ip';
import { deviceOf } from '../model/memo';
import type { CniConfig, Cluster, ClusterNode, ClusterSettings, Device, Pod } from '../model/types';
import { weakCache } from '../model/weakCache';

/** A tunnel between two nodes: the device, the header it adds and what that costs. */
export interface Tunnel {
  dev: string;
  kind: 'vxlan' | 'ipip' | 'geneve';
  /** the outer UDP port (0 for IP-in-IP) */
  port: number;
  /** the VNI (Cilium: the source's security identity) */
  vni: number;
  /** bytes of outer headers */
  overhead: number;
}

/**
 * What the CNI's own POSTROUTING rules do with a packet leaving a node (docs/networking-model.md):
 * `no-rules`, the plugin installs none for pods (flannel without --ip-masq); `rule`, the rule that
 * matched, whether it masquerades, and why (the narrator words it).
 */
export type Postrouting =
  | { kind: 'no-rules' }
  | {
      kind: 'rule';
      /** the rule as `iptables -S` prints it */
      rule: string;
      masquerade: boolean;
      why:
        | 'flannel-masq'
        | 'flannel-return'
        | 'nat-outgoing'
        | 'nat-outgoing-in-pool'
        | 'nat-outgoing-not-pod'
        | 'kind-masq'
        | 'kind-masq-return'
        | 'kind-masq-host'
        | 'aws-snat'
        | 'aws-snat-return'
        | 'aws-snat-excluded'
        | 'aws-snat-host';
      /** the rule is `-j SNAT --to-source` (the AWS VPC CNI), not MASQUERADE */
      snat?: true;
    };

/** Why the CNI masquerades a pod's packet leaving the cluster, or not; the narrator words it. */
export type EgressWhy =
  | 'no-ip-masq'
  | 'flannel-return'
  | 'multicast'
  | 'flannel-masq'
  | 'nat-outgoing-off'
  | 'in-pool'
  | 'nat-outgoing'
  | 'pod-network'
  | 'cluster-node-ebpf'
  | 'cluster-node'
  | 'bpf-masquerade'
  | 'iptables-masquerade'
  | 'kind-masq'
  | 'kind-masq-return'
  | 'aws-snat'
  | 'aws-snat-vpc'
  | 'aws-snat-excluded'
  | 'aws-external-snat';

/** The CNI's own egress masquerade decision for a pod's packet (when ip-masq-agent does not run). */
export interface EgressNat {
  masquerade: boolean;
  /** the deciding rule as `iptables -S` or Cilium's eBPF shows it; '' when none is involved */
  rule: string;
  why: EgressWhy;
  /** MASQUERADE without --random-fully: the kernel keeps the source port when it is free */
  keepsPort?: boolean;
  /** the rule is `-j SNAT --to-source` (the AWS VPC CNI), not MASQUERADE */
  snat?: true;
}

/**
 * The eBPF programs of a plugin that runs its data path in eBPF (Cilium), as the walk shows where
 * each acts: the lines `tc filter show` / `cilium-dbg` would print.
 */
export interface EbpfPrograms {
  /** the device where the host's own packets to pods enter the eBPF data path */
  readonly hostDevice: string;
  /** the program on that device */
  readonly toHost: string;
  /** the program on the node's eth0, which finds local endpoints for arriving packets */
  readonly fromNetdev: string;
  /** the program on a tunnel device, which takes decapsulated packets */
  fromOverlay(dev: string): string;
  /** the redirect into a pod's veth, from the endpoint map */
  redirect(pod: Pod, podKey: string): string;
  /** the ipcache entry that sends a packet for `innerDstIP` to `dst` through the tunnel */
  tunnelEndpoint(innerDstIP: string, dst: ClusterNode, t: Tunnel): string;
}

/** A route as the node's kernel holds it, with the source address it picks for its own packets. */
export interface HostRoute {
  /** the route as `ip route` prints it */
  rule: string;
  /** the device the packet leaves through */
  dev: string;
  /** the source address the kernel picks for a locally made packet */
  src: string;
  /**
   * who installed it when the narration should say so: `bgp`, a routing daemon learned it (BIRD);
   * `kindnetd`, kind's agent keeps it from the Node objects; `vpc`, the VPC's subnet route or router
   * (the AWS VPC CNI), perhaps chosen by an ip rule for the source pod
   */
  by?: 'bgp' | 'kindnetd' | 'vpc';
  /** the VPC subnet the route's decision rests on, when its prefix is assumed (no setting gives it) */
  assumedSubnet?: string;
}

/** Where a route on a node leads: a pod (here or on another node), or another node's pod range. */
export interface RouteTarget {
  /** the node whose pods (or CNI address) the packet is for */
  dstNode: ClusterNode;
  /** the destination pod, or null for the node's own address inside its pod range */
  pod: Pod | null;
  /** the destination is a pod on this very node */
  local: boolean;
  /** the pod the packet comes from, when a plugin's policy routing looks at the source (AWS VPC CNI) */
  srcPod?: Pod | null;
}

/**
 * A plugin whose pods' addresses are the VPC's own (the AWS VPC CNI): the fabric delivers each to
 * the ENI (a device of its node) that holds it, and ip rules steer packets to and from pods.
 */
export interface VpcEgress {
  readonly dev: string;
  readonly table: string;
  readonly rule: string;
  readonly marked: boolean;
  /** why: marked leaving the VPC, or unmarked (EXTERNALSNAT, an excluded CIDR, inside the VPC) */
  readonly why: 'marked' | 'external-snat' | 'excluded' | 'in-vpc';
  /** the node's VPC subnet when its prefix is assumed: its router is the next hop */
  readonly assumedSubnet?: string;
}

export interface VpcFabric {
  /** AWS_VPC_K8S_CNI_EXTERNALSNAT: no SNAT and no connmark; a NAT gateway of the VPC translates */
  readonly externalSnat: boolean;
  /** the device of the ENI a pod's address is a secondary address of (`eth0`, `eth1`) */
  eniOf(pod: Pod): string;
  /** the ip rule that takes a packet arriving for a local pod to the main table, '' for none */
  arrivalRule(pod: Pod | null): string;
  /**
   * How a pod's packet to an address outside the cluster leaves its node, when it does not by the
   * main table's route through eth0 (null): a pod on a secondary ENI whose connection the plugin
   * marked as leaving the VPC goes by the connmark's rule to main and eth0 (`marked`); otherwise
   * its `from <pod>` rule picks its ENI's table, whose default route leaves by that ENI. `rule` is
   * the ip rule and the route it finds, as the hop shows them.
   */
  egressRoute(cluster: Cluster, node: ClusterNode, pod: Pod, dstIP: string): VpcEgress | null;
  /** the ip rules the plugin adds for a pod, as `ip rule` prints them */
  fromPodRules(pod: Pod): string[];
}

/**
 * A CNI plugin as the simulation models it. Every method returns data (devices, routes, tunnels),
 * never sentences: the path writer turns them into hops.
 */
export interface CniPlugin {
  readonly kind: CniConfig['kind'];
  /** the plugin's name in a sentence: `flannel`, `Calico`, `Cilium` */
  readonly name: string;
  /**
   * How a pod's packets meet the node, which decides the pod walk's shape: `bridge`, the pod's veth
   * is a port of `bridge`, which switches frames between local pods and hands the rest up to the
   * host's routing (flannel); `routed`, the host's kernel routes every packet by a /32 route per pod
   * and answers the pod's ARP for its gateway by proxy (Calico); `ebpf`, a program on the veth looks
   * the destination up, encapsulates or redirects it into the receiving pod's veth itself, and hands
   * only what it cannot place to the host's routing (Cilium).
   */
  readonly podDatapath: 'bridge' | 'routed' | 'ebpf';
  /**
   * For a routed plugin, who answers the pod's ARP for its gateway: `proxy-arp`, the host end of
   * the veth by proxy ARP for an address no device holds (Calico); `veth-address`, the host end of
   * the veth because it holds the gateway as a /32 itself (the ptp plugin, kindnet); `static`,
   * nobody: the plugin wrote a permanent ARP entry for the gateway into the pod (the AWS VPC CNI).
   * Absent: proxy-arp.
   */
  readonly gatewayArp?: 'proxy-arp' | 'veth-address' | 'static';
  /** what enforces NetworkPolicy when it is enforced: `Calico`, `Cilium's eBPF`; null for none */
  readonly policyEnforcer: string | null;
  /** why NetworkPolicy has no effect when the settings leave it off, in a sentence's words */
  readonly policyOff?: string;
  /** the bridge every pod's veth is a port of (flannel's cni0), or null for a routed CNI */
  readonly bridge: string | null;
  /** the CNI network name in the CNI config list (portmap's chain names hash it) */
  readonly networkName: string;
  /** the pods' MTU: the underlay's less the tunnel's headers */
  podMtu(settings: ClusterSettings): number;
  /** the device whose MTU the node's pods use */
  mtuDevice(): string;
  /** the host-side name of a pod's veth, from a stable key of the pod */
  vethName(key: string): string;
  /** the MAC the host side of a pod's veth answers with */
  hostVethMac(pod: Pod, podKey: string): string;
  /**
   * The devices the CNI creates in a node's root namespace (eth0 is the node's own): `podCidr` is
   * the node's podCIDR, `block` the range its IPAM allocates from (a Calico block, else the same;
   * for the AWS VPC CNI, the /32 of its spare ENI's primary address, which the builder allocates).
   */
  nodeDevices(node: ClusterNode, podCidr: Cidr, block: Cidr, mtu: number): Device[];
  /** IPAM: whether nodes take blocks of `blockSize` from the pool instead of using their podCIDR */
  readonly blockSize: number | null;
  /** the route a node takes to a pod (or a node's CNI address), with its device and source */
  podRoute(cluster: Cluster, node: ClusterNode, to: RouteTarget): HostRoute;
  /**
   * the tunnel a packet from `src` to a pod on `dst` is wrapped in, or null when routed plainly;
   * `identity` overrides the source's security identity where the CNI carries one (Cilium's VNI)
   */
  tunnel(src: ClusterNode, dst: ClusterNode, srcPod: Pod | null, identity?: number): Tunnel | null;
  /** the routes `ip route` shows on a node for its own pods */
  localRoutes(cluster: Cluster, node: ClusterNode, localPods: readonly Pod[]): string[];
  /** the pod ranges of another node that this node routes to (Calico: its blocks) */
  remoteRanges(node: ClusterNode): readonly string[];
  /**
   * The CNI's POSTROUTING for a packet from `src` to `dst` leaving `node`, or null when none of its
   * rules applies (Calico without natOutgoing; Cilium, whose masquerading spares the cluster).
   */
  postrouting(cluster: Cluster, node: ClusterNode, src: string, dst: string): Postrouting | null;
  /**
   * The CNI's masquerade for a pod's packet from `pod` to `dstIP` leaving `node`, to `devIP`
   * (docs/networking-model.md: flannel's --ip-masq, Calico's natOutgoing, Cilium's masquerading).
   */
  egressNat(cluster: Cluster, node: ClusterNode, pod: Pod, dstIP: string, devIP: string): EgressNat;
  /**
   * A pod's default gateway on `node`: its address, and the node's device that holds it (cni0,
   * cilium_host), null when no device does (Calico's 169.254.1.1, answered by proxy ARP).
   */
  podGateway(node: ClusterNode): { ip: string; dev: string | null };
  /** the host end of a pod's veth as `ip link` (or tc) shows it, as a packet leaves or enters the pod */
  vethRule(pod: Pod, podKey: string, direction: 'out' | 'in'): string;
  /** the FORWARD rule that accepts bridged pod traffic under br_netfilter, for a bridge plugin */
  forwardRule?(cluster: Cluster): string;
  /** the eBPF programs, for a plugin whose data path is eBPF (`podDatapath: 'ebpf'`) */
  readonly ebpf?: EbpfPrograms;
  /**
   * The network around the nodes routes pod addresses itself (the VPC: they are ENI addresses), so
   * an unmasqueraded pod address is answered without any site-network setting.
   */
  readonly underlayRoutesPods?: boolean;
  /** the VPC fabric, for a plugin whose pods hold VPC addresses (the AWS VPC CNI) */
  readonly vpc?: VpcFabric;
}

export const cidrText = (c: Cidr): string => `${formatIPv4(c.base)}/${c.prefix}`;

/** The /24 the node's eth0 sits in: Calico's CrossSubnet and the underlay routes use it. */
export const underlayNet = weakCache((node: ClusterNode): string => {
  const eth0 = deviceOf(node, 'eth0')?.address ?? `${node.internalIP}/24`;
  const cidr = parseCidr(eth0);
  return cidr ? cidrText(cidr) : eth0;
});

/**
 * The Calico IPAM block of a node that holds an address (BIRD announces one route per block): one
 * of the node's podRanges, the first when the address is not in any (the node's own addresses).
 */
export function calicoBlock(node: ClusterNode, ip: string | null): Cidr {
  const ranges = node.podRanges ?? (node.podCIDR === null ? [] : [node.podCIDR]);
  const value = ip === null ? null : parseIPv4(ip);
  let first: Cidr | null = null;
  for (const text of ranges) {
    const range = parseCidr(text);
    if (range === null) continue;
    first ??= range;
    if (value !== null && cidrContains(range, value)) return range;
  }
  return first ?? { base: 0, prefix: 32 };
}

/** A node's pod CIDR, which the builder has checked. */
export function podCidrOf(node: ClusterNode): Cidr {
  return parseCidr(node.podCIDR ?? '') ?? { base: 0, prefix: 32 };
}

/**
 * A node's podCIDR as text, for the plugins that allocate from it (flannel, Calico's default,
 * Cilium, kindnet): the builder gives every node one with them; only the AWS VPC CNI leaves it out.
 */
export function podCidrText(node: ClusterNode): string {
  return node.podCIDR ?? '';
}

const hex = (n: number, len: number): string => n.toString(16).padStart(8, '0').slice(0, len);
export { hex };
