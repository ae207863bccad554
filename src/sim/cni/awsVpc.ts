/**
 * The AWS VPC CNI, `aws-node` (docs/networking-model.md, "AWS VPC CNI"): pods take secondary
 * addresses of the node's ENIs, from the node's VPC subnet, so there is no per-node podCIDR and no
 * overlay; the VPC fabric delivers a pod address to the ENI that holds it. On the node, each pod's
 * host veth (`eni` + 11 hex digits of SHA-1 of `<namespace>.<pod>`) has a /32 route in the main
 * table; the pod routes everything via 169.254.1.1, a link-local address no device holds, which a
 * static ARP entry maps to the host veth's MAC. A pod whose address sits on a secondary ENI gets an
 * ip rule `from <pod> lookup <table>` (table = device number + 1) whose default route leaves by that
 * ENI; every pod gets `to <pod> lookup main` (priority 512), so answers reach its veth. Traffic
 * leaving the VPC's CIDRs is SNATed to the node's primary address in AWS-SNAT-CHAIN-0, unless
 * AWS_VPC_K8S_CNI_EXTERNALSNAT leaves it to a NAT gateway; connections from pods to outside the VPC
 * are marked 0x80 and routed by the main table (priority 1024), so they leave by eth0.
 *
 * Which ENI a pod's address is on: ipamd keeps the primary ENI and, with WARM_ENI_TARGET=1, one
 * spare ENI (eth1) full of free secondary addresses, and hands out whichever its walk over the
 * ENIs (a Go map, in random order) meets first. The simulation picks by a stable hash of the pod's
 * name. Prefix delegation, ENI and address limits per instance type, custom networking and
 * security groups for pods are not modelled.
 */
import { cidrContains, formatCidr, formatIPv4, maskOf } from '../model/ip';
import type { Cidr } from '../model/ip';
import { lookup } from '../model/lookup';
import { deviceOf, parseCidr, parseIPv4 } from '../model/memo';
import { fnv1a, macFor } from '../model/rng';
import type { Cluster, ClusterNode, ClusterSettings, CniConfig, Device, Pod } from '../model/types';
import { weakCache } from '../model/weakCache';
import { sha1Hex } from './sha1';
import type { CniPlugin, EgressNat, HostRoute, Postrouting } from './common';

type AwsVpcConfig = Extract<CniConfig, { kind: 'aws-vpc' }>;

export const AWS_GATEWAY = '169.254.1.1';
export const AWS_SNAT_CHAIN = 'AWS-SNAT-CHAIN-0';
/** the connmark aws-node sets on pod connections leaving the VPC (AWS_VPC_K8S_CNI_CONNMARK) */
export const AWS_CONNMARK = '0x80';
/** ip rule priorities the plugin uses (pkg/networkutils): to a pod, the connmark, from a pod */
export const TO_POD_PRIORITY = 512;
export const CONNMARK_PRIORITY = 1024;
export const FROM_POD_PRIORITY = 1536;
/** EC2 reserves the first four addresses of every subnet (network, router, DNS, future) and the last */
const RESERVED_LOW = 4;

/** The host-side veth name: `eni` and the first 11 hex digits of SHA-1 of `<namespace>.<pod>`. */
export function awsVethName(key: string): string {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : `${key.slice(0, slash)}.${key.slice(slash + 1)}`;
  return `eni${sha1Hex(name).slice(0, 11)}`;
}

/** The subnet a node's primary ENI (eth0) sits in, which its pods take addresses from. */
export function nodeSubnet(node: Pick<ClusterNode, 'internalIP' | 'devices'>, prefix = ASSUMED_SUBNET_PREFIX): Cidr {
  const eth0 = node.devices.find((d) => d.name === 'eth0')?.address ?? `${node.internalIP}/${prefix}`;
  const c = parseCidr(eth0);
  if (c === null) return { base: 0, prefix: 32 };
  return { base: (c.base & maskOf(c.prefix)) >>> 0, prefix: c.prefix };
}

/**
 * The longest subnet prefix assumed when no setting gives it: the node network every other CNI
 * draws. eksctl cuts its VPC into /19 subnets and the EKS CloudFormation template into /18s; a
 * dump whose pods sit farther from their node than a /24 widens the assumption to hold them.
 */
export const ASSUMED_SUBNET_PREFIX = 24;
/** EC2's bounds for an IPv4 subnet's prefix length */
export const SUBNET_PREFIX_MIN = 16;
export const SUBNET_PREFIX_MAX = 28;

/**
 * The prefix length of the nodes' VPC subnets: the setting, else the longest (at most /24, at least
 * /16) whose subnet around each node holds the addresses the input gives its pods.
 */
export function vpcSubnetPrefixFor(
  settings: Pick<ClusterSettings, 'vpcSubnetPrefix'>,
  nodes: readonly Pick<ClusterNode, 'name' | 'internalIP'>[],
  pods: readonly { node: string; ip: string }[],
): number {
  if (settings.vpcSubnetPrefix !== undefined) return settings.vpcSubnetPrefix;
  const nodeIP = new Map(nodes.map((n) => [n.name, parseIPv4(n.internalIP)]));
  let prefix = ASSUMED_SUBNET_PREFIX;
  for (const pod of pods) {
    const a = nodeIP.get(pod.node);
    const b = parseIPv4(pod.ip);
    if (a === undefined || a === null || b === null) continue;
    while (prefix > SUBNET_PREFIX_MIN && (a & maskOf(prefix)) >>> 0 !== (b & maskOf(prefix)) >>> 0) prefix--;
  }
  return prefix;
}

/** The nodes' subnet prefix as the cluster has it, and whether a setting gave it or it is assumed. */
export const vpcSubnetPrefix = weakCache((cluster: Cluster): { prefix: number; assumed: boolean } => {
  const first = cluster.nodes[0];
  const prefix = first ? nodeSubnet(first).prefix : ASSUMED_SUBNET_PREFIX;
  return { prefix, assumed: cluster.settings.vpcSubnetPrefix === undefined };
});

/** The addresses of a subnet EC2 hands out: all but the first four and the last. */
export function usableRange(subnet: Cidr): [number, number] {
  return [RESERVED_LOW, 2 ** (32 - subnet.prefix) - 1];
}

/**
 * The smallest CIDR holding every one of these subnets: the VPC's CIDR as the simulation assumes
 * it when no setting gives it (the plugin reads the real one from instance metadata).
 */
export function smallestCidrHolding(subnets: readonly Cidr[]): string {
  if (subnets.length === 0) return '10.0.0.0/16';
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of subnets) {
    lo = Math.min(lo, s.base);
    hi = Math.max(hi, s.base + 2 ** (32 - s.prefix) - 1);
  }
  let prefix = 32;
  while (prefix > 0 && (lo & maskOf(prefix)) >>> 0 !== (hi & maskOf(prefix)) >>> 0) prefix--;
  return formatCidr({ base: (lo & maskOf(prefix)) >>> 0, prefix });
}

/** The VPC's CIDRs: the setting, else the assumption (smallest CIDR holding every node's subnet). */
export const vpcCidrs = weakCache((cluster: Cluster): { cidrs: readonly string[]; assumed: boolean } => {
  const given = cluster.settings.vpcCidrs;
  if (given && given.length > 0) return { cidrs: given, assumed: false };
  return { cidrs: [smallestCidrHolding(cluster.nodes.map(nodeSubnet))], assumed: true };
});

/** The VPC CIDRs a set of settings and node addresses give, for the builder (before nodes exist). */
export function vpcCidrsFor(
  settings: Pick<ClusterSettings, 'vpcCidrs'>,
  internalIPs: readonly string[],
  prefix = ASSUMED_SUBNET_PREFIX,
): string[] {
  if (settings.vpcCidrs && settings.vpcCidrs.length > 0) return [...settings.vpcCidrs];
  return [smallestCidrHolding(internalIPs.map((ip) => nodeSubnet({ internalIP: ip, devices: [] }, prefix)))];
}

/** The ENI (its device on the node) a pod's address is a secondary address of: eth0 or eth1. */
export function podEni(pod: Pick<Pod, 'namespace' | 'name'>): 'eth0' | 'eth1' {
  return (fnv1a(`${pod.namespace}/${pod.name}`) & 1) === 0 ? 'eth0' : 'eth1';
}

/** The route table of an ENI: `main` for the primary, device number + 1 for the others. */
export function eniTable(eni: string): string {
  return eni === 'eth0' ? 'main' : String(Number(eni.slice(3)) + 1);
}

const inAny = (cidrs: readonly string[], ip: string): string | null => {
  const v = parseIPv4(ip);
  if (v === null) return null;
  return (
    cidrs.find((c) => {
      const p = parseCidr(c);
      return p !== null && cidrContains(p, v);
    }) ?? null
  );
};

const returnRule = (cidr: string, exclusion: boolean): string =>
  `-A ${AWS_SNAT_CHAIN} -d ${cidr} -m comment --comment "AWS SNAT CHAIN${exclusion ? ' EXCLUSION' : ''}" -j RETURN`;
const snatRule = (node: ClusterNode): string =>
  `-A ${AWS_SNAT_CHAIN} ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${node.internalIP} --random-fully`;

/**
 * Where an ENI of a node leads next for an address. The main table (eth0) has the kernel's
 * connected route for the subnet, so an address in it is on-link; a secondary ENI's table holds
 * only a /32 to the subnet's router and a default route via it (the plugin deletes the connected
 * route eth1's address would add to main), so everything from a pod on it goes to the router.
 */
function fabricRoute(node: ClusterNode, eni: string, dstIP: string, table: string): { rule: string } {
  const subnet = nodeSubnet(node);
  const t = table === 'main' ? '' : ` table ${table}`;
  const onLink = table === 'main' && cidrContains(subnet, parseIPv4(dstIP) ?? 0);
  if (onLink) return { rule: `${formatCidr(subnet)} dev ${eni} proto kernel scope link` };
  return { rule: `default via ${formatIPv4(subnet.base + 1)} dev ${eni}${t}` };
}

export function awsVpc(cfg: AwsVpcConfig): CniPlugin {
  const postrouting = (cluster: Cluster, node: ClusterNode, src: string, dst: string): Postrouting | null => {
    if (cfg.externalSnat) return null;
    const vpc = inAny(vpcCidrs(cluster).cidrs, dst);
    if (vpc !== null) return { kind: 'rule', rule: returnRule(vpc, false), masquerade: false, why: 'aws-snat-return' };
    const excluded = inAny(cfg.excludeSnatCidrs, dst);
    if (excluded !== null)
      return { kind: 'rule', rule: returnRule(excluded, true), masquerade: false, why: 'aws-snat-excluded' };
    // The chain SNATs every packet leaving the VPC, but a host's own already carries the primary address.
    const pod = lookup(cluster).podByIP.has(src);
    return { kind: 'rule', rule: snatRule(node), masquerade: pod, why: pod ? 'aws-snat' : 'aws-snat-host', snat: true };
  };
  const podRoute: CniPlugin['podRoute'] = (cluster, node, { dstNode, pod, local, srcPod }): HostRoute => {
    if (local && pod)
      return { rule: `${pod.ip} dev ${pod.veth ?? ''} scope link`, dev: pod.veth ?? '', src: node.internalIP };
    const dstIP = pod?.ip ?? dstNode.internalIP;
    // A pod on a secondary ENI: its ip rule picks that ENI's table, whose routes leave by that ENI.
    const eni = srcPod && !srcPod.hostNetwork ? podEni(srcPod) : 'eth0';
    const table = eniTable(eni);
    const { rule } = fabricRoute(node, eni, dstIP, table);
    const via = table === 'main' ? rule : `${FROM_POD_PRIORITY}: from ${srcPod?.ip ?? ''} lookup ${table}; ${rule}`;
    const assumed = vpcSubnetPrefix(cluster).assumed ? { assumedSubnet: formatCidr(nodeSubnet(node)) } : {};
    return { rule: via, dev: eni, src: node.internalIP, by: 'vpc', ...assumed };
  };
  return {
    kind: 'aws-vpc',
    // "A VPC CNI pod", "VPC CNI's": the name reads in the narrator's sentences
    name: 'VPC CNI',
    podDatapath: 'routed',
    gatewayArp: 'static',
    // the network policy agent (aws-network-policy-agent, eBPF) when the ConfigMap enables it
    policyEnforcer: "the AWS network policy agent's eBPF",
    policyOff:
      'the AWS VPC CNI\'s network policy agent is off (the amazon-vpc-cni ConfigMap does not set enable-network-policy-controller: "true")',
    bridge: null,
    networkName: 'aws-cni',
    blockSize: null,
    underlayRoutesPods: true,
    podMtu: (settings) => settings.underlayMtu,
    mtuDevice: () => 'eth0',
    vethName: awsVethName,
    hostVethMac: (_pod, podKey) => macFor(`veth/${podKey}`),
    // eth1: the spare ENI (WARM_ENI_TARGET=1); `block` carries its primary address (the builder's IPAM)
    nodeDevices(node, _podCidr, block, mtu): Device[] {
      return [
        {
          name: 'eth1',
          address: `${formatIPv4(block.base)}/${nodeSubnet(node).prefix}`,
          mac: macFor(`${node.name}/eth1`),
          mtu,
          kind: 'ethernet',
        },
      ];
    },
    podRoute,
    tunnel: () => null,
    localRoutes(cluster, node, localPods) {
      const lines: string[] = [];
      for (const pod of localPods) lines.push(podRoute(cluster, node, { dstNode: node, pod, local: true }).rule);
      const subnet = nodeSubnet(node);
      const eth1 = deviceOf(node, 'eth1');
      if (eth1) {
        const gw = formatIPv4(subnet.base + 1);
        lines.push(`${gw} dev eth1 scope link table 2`, `default via ${gw} dev eth1 table 2`);
      }
      return lines;
    },
    // Pod addresses are not node ranges: the VPC routes each to its ENI.
    remoteRanges: () => [],
    egressNat(cluster, node, pod, dstIP): EgressNat {
      const d = postrouting(cluster, node, pod.ip, dstIP);
      if (d === null) return { masquerade: false, rule: '', why: 'aws-external-snat' };
      if (d.kind !== 'rule') return { masquerade: false, rule: '', why: 'aws-external-snat' };
      return {
        masquerade: d.masquerade,
        rule: d.rule,
        why:
          d.why === 'aws-snat-return'
            ? 'aws-snat-vpc'
            : d.why === 'aws-snat-excluded'
              ? 'aws-snat-excluded'
              : 'aws-snat',
        snat: true,
      };
    },
    podGateway: () => ({ ip: AWS_GATEWAY, dev: null }),
    vethRule: (pod, podKey) => `${pod.veth ?? ''}@if3 (veth peer of ${podKey} eth0)`,
    postrouting,
    vpc: {
      externalSnat: cfg.externalSnat,
      eniOf: (pod) => podEni(pod),
      egressRoute(cluster, node, pod, dstIP) {
        const eni = podEni(pod);
        if (eni === 'eth0') return null;
        // AWS-CONNMARK-CHAIN-0 (nat PREROUTING, from eni+ veths) returns for the VPC's CIDRs and
        // the excluded ones and marks the rest 0x80, restored as the packet mark before routing;
        // with EXTERNALSNAT it is not installed, so nothing is marked.
        const why = cfg.externalSnat
          ? 'external-snat'
          : inAny(vpcCidrs(cluster).cidrs, dstIP) !== null
            ? 'in-vpc'
            : inAny(cfg.excludeSnatCidrs, dstIP) !== null
              ? 'excluded'
              : 'marked';
        if (why === 'marked')
          return {
            dev: 'eth0',
            table: 'main',
            rule: `${CONNMARK_PRIORITY}: from all fwmark ${AWS_CONNMARK}/${AWS_CONNMARK} lookup main`,
            marked: true,
            why,
          };
        const table = eniTable(eni);
        return {
          ...(vpcSubnetPrefix(cluster).assumed ? { assumedSubnet: formatCidr(nodeSubnet(node)) } : {}),
          dev: eni,
          table,
          rule: `${FROM_POD_PRIORITY}: from ${pod.ip} lookup ${table}; ${fabricRoute(node, eni, dstIP, table).rule}`,
          marked: false,
          why,
        };
      },
      arrivalRule: (pod) => (pod === null ? '' : `${TO_POD_PRIORITY}: from all to ${pod.ip} lookup main`),
      fromPodRules(pod) {
        const eni = podEni(pod);
        const rules = [`${TO_POD_PRIORITY}: from all to ${pod.ip} lookup main`];
        if (eni !== 'eth0') rules.push(`${FROM_POD_PRIORITY}: from ${pod.ip} lookup ${eniTable(eni)}`);
        return rules;
      },
    },
  };
}
