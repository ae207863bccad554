/**
 * kindnet, kind's in-tree CNI (docs/networking-model.md): kindnetd writes a CNI config that chains
 * the reference `ptp` plugin with host-local IPAM on the node's podCIDR, so there is no bridge.
 * Each pod's veth pair is point-to-point: the host end (`veth` and 8 hex digits) holds the pod
 * range's gateway (.1) as a /32 and the host has a /32 route per pod through it; the pod routes
 * everything, its own /24 included, via that gateway. kindnetd adds one route per other node, its
 * podCIDR via its InternalIP on eth0 (no tunnel), and masquerades what leaves the pod network in
 * its KIND-MASQ-AGENT chain (MASQUERADE without --random-fully).
 */
import { cidrContains, formatIPv4, nthAddress } from '../model/ip';
import { lookup } from '../model/lookup';
import { parseCidr, parseIPv4 } from '../model/memo';
import { fnv1a, macFor } from '../model/rng';
import type { ClusterNode } from '../model/types';
import { hex, podCidrText } from './common';
import type { CniPlugin, EgressNat, HostRoute, Postrouting } from './common';

/** The chain kindnetd's built-in masquerade agent keeps in the nat table. */
export const KIND_MASQ_CHAIN = 'KIND-MASQ-AGENT';

const returnRule = (podSubnet: string): string =>
  `-A ${KIND_MASQ_CHAIN} -d ${podSubnet} -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN`;
const MASQ_RULE = `-A ${KIND_MASQ_CHAIN} -m comment --comment "kind-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE`;

/** host-local's gateway on a node: the first address of its podCIDR, which every host veth holds. */
function gatewayOf(node: ClusterNode): string {
  const range = parseCidr(podCidrText(node));
  return range ? formatIPv4(nthAddress(range, 1)) : '';
}

export function kindnet(): CniPlugin {
  const podRoute: CniPlugin['podRoute'] = (_cluster, node, { dstNode, pod, local }): HostRoute => {
    if (local && pod)
      // ptp adds the pod's host route with scope host, through the veth that holds the gateway
      return { rule: `${pod.ip} dev ${pod.veth ?? ''} scope host`, dev: pod.veth ?? '', src: gatewayOf(node) };
    // kindnetd's route to another node's podCIDR: a gateway, no device, so the kernel picks eth0
    return {
      rule: `${dstNode.podCIDR} via ${dstNode.internalIP} dev eth0`,
      dev: 'eth0',
      src: node.internalIP,
      by: 'kindnetd',
    };
  };
  return {
    kind: 'kindnet',
    name: 'kindnet',
    podDatapath: 'routed',
    gatewayArp: 'veth-address',
    // kindnetd embeds kube-network-policies (kind v0.24+); the settings say whether it enforces
    policyEnforcer: 'kindnetd (kube-network-policies)',
    bridge: null,
    networkName: 'kindnet',
    blockSize: null,
    // kindnetd copies eth0's MTU into the ptp config: no tunnel, nothing to give up
    podMtu: (settings) => settings.underlayMtu,
    mtuDevice: () => 'eth0',
    vethName: (key) => `veth${hex(fnv1a(key), 8)}`,
    hostVethMac: (_pod, podKey) => macFor(`veth/${podKey}`),
    // ptp creates nothing in the root namespace besides the veths
    nodeDevices: () => [],
    podRoute,
    tunnel: () => null,
    localRoutes: (cluster, node, localPods) =>
      localPods.map((pod) => podRoute(cluster, node, { dstNode: node, pod, local: true }).rule),
    remoteRanges: (node) => [podCidrText(node)],
    egressNat(cluster, _node, _pod, dstIP): EgressNat {
      if (cidrContains(lookup(cluster).podSubnet, parseIPv4(dstIP) ?? 0))
        return { masquerade: false, rule: returnRule(cluster.settings.podSubnet), why: 'kind-masq-return' };
      return { masquerade: true, rule: MASQ_RULE, why: 'kind-masq', keepsPort: true };
    },
    podGateway: (node) => ({ ip: gatewayOf(node), dev: null }),
    vethRule: (pod, podKey) => `${pod.veth ?? ''}@if2 (veth peer of ${podKey} eth0)`,
    postrouting(cluster, _node, src, dst): Postrouting | null {
      const pool = lookup(cluster).podSubnet;
      if (cidrContains(pool, parseIPv4(dst) ?? 0))
        return {
          kind: 'rule',
          rule: returnRule(cluster.settings.podSubnet),
          masquerade: false,
          why: 'kind-masq-return',
        };
      // The chain masquerades everything else, but only a pod's source address changes: a host's
      // own packet already carries the address MASQUERADE would give it.
      const pod = lookup(cluster).podByIP.has(src);
      return { kind: 'rule', rule: MASQ_RULE, masquerade: pod, why: pod ? 'kind-masq' : 'kind-masq-host' };
    },
  };
}
