/**
 * Calico (docs/networking-model.md): no bridge; each pod's veth (`cali...`) gets a /32 route on
 * the host and answers the pod's ARP for 169.254.1.1 by proxy ARP with ee:ee:ee:ee:ee:ee. IPAM hands
 * nodes blocks (/26) of the IPPool, and BIRD routes each remote block via IP-in-IP (tunl0), VXLAN
 * (vxlan.calico, VNI 4096, UDP 4789) or plainly, by the pool's ipipMode / vxlanMode: Always, or
 * CrossSubnet only between nodes in different subnets.
 */
import { formatIPv4 } from '../model/ip';
import { deviceIP } from '../model/memo';
import { fnv1a, macFor } from '../model/rng';
import type { CniConfig, ClusterNode, Device } from '../model/types';
import { cidrContains } from '../model/ip';
import { lookup } from '../model/lookup';
import { parseIPv4 } from '../model/memo';
import { calicoBlock, cidrText, hex, podCidrText, underlayNet } from './common';
import type { CniPlugin, EgressNat, HostRoute, Postrouting, Tunnel } from './common';

export const CALICO_VXLAN_PORT = 4789;
export const CALICO_VNI = 4096;
export const CALICO_GATEWAY = '169.254.1.1';
export const CALICO_VETH_MAC = 'ee:ee:ee:ee:ee:ee';

type CalicoConfig = Extract<CniConfig, { kind: 'calico' }>;
type EncapMode = CalicoConfig['ipipMode'];

const IPIP: Tunnel = { dev: 'tunl0', kind: 'ipip', port: 0, vni: 0, overhead: 20 };
const VXLAN: Tunnel = { dev: 'vxlan.calico', kind: 'vxlan', port: CALICO_VXLAN_PORT, vni: CALICO_VNI, overhead: 50 };

/** Calico's encapsulation between two nodes (CrossSubnet: only when their subnets differ). */
export function calicoEncap(cfg: CalicoConfig, a: ClusterNode, b: ClusterNode): 'ipip' | 'vxlan' | 'none' {
  const crosses = underlayNet(a) !== underlayNet(b);
  const applies = (mode: EncapMode): boolean => mode === 'Always' || (mode === 'CrossSubnet' && crosses);
  if (applies(cfg.ipipMode)) return 'ipip';
  if (applies(cfg.vxlanMode)) return 'vxlan';
  return 'none';
}

export function calico(cfg: CalicoConfig): CniPlugin {
  const podRoute: CniPlugin['podRoute'] = (_cluster, node, { dstNode, pod, local }): HostRoute => {
    if (local && pod)
      return { rule: `${pod.ip} dev ${pod.veth ?? ''} scope link`, dev: pod.veth ?? '', src: node.internalIP };
    const block = cidrText(calicoBlock(dstNode, pod === null ? null : pod.ip));
    const encap = calicoEncap(cfg, node, dstNode);
    if (encap === 'ipip')
      return {
        rule: `${block} via ${dstNode.internalIP} dev tunl0 proto bird onlink`,
        dev: 'tunl0',
        src: deviceIP(node, 'tunl0') ?? node.internalIP,
        by: 'bgp',
      };
    if (encap === 'vxlan')
      return {
        rule: `${block} via ${deviceIP(dstNode, 'vxlan.calico') ?? ''} dev vxlan.calico onlink`,
        dev: 'vxlan.calico',
        src: deviceIP(node, 'vxlan.calico') ?? node.internalIP,
      };
    return {
      rule: `${block} via ${dstNode.internalIP} dev eth0 proto bird`,
      dev: 'eth0',
      src: node.internalIP,
      by: 'bgp',
    };
  };
  return {
    kind: 'calico',
    name: 'Calico',
    podDatapath: 'routed',
    policyEnforcer: 'Calico',
    bridge: null,
    networkName: 'k8s-pod-network',
    blockSize: cfg.blockSize,
    podMtu(settings) {
      if (cfg.vxlanMode !== 'Never') return settings.underlayMtu - VXLAN.overhead;
      if (cfg.ipipMode !== 'Never') return settings.underlayMtu - IPIP.overhead;
      return settings.underlayMtu;
    },
    mtuDevice: () => (cfg.ipipMode !== 'Never' ? 'tunl0' : 'vxlan.calico'),
    vethName(key) {
      const h = fnv1a(key);
      return `cali${hex(h, 8)}${hex(fnv1a(key, h), 3)}`;
    },
    hostVethMac: () => CALICO_VETH_MAC,
    nodeDevices(node: ClusterNode, _podCidr, block, mtu): Device[] {
      // The tunnel device takes the block's first address; pods start at the second.
      if (cfg.ipipMode !== 'Never')
        return [
          { name: 'tunl0', address: `${formatIPv4(block.base)}/32`, mac: '00:00:00:00:00:00', mtu, kind: 'ipip' },
        ];
      if (cfg.vxlanMode !== 'Never')
        return [
          {
            name: 'vxlan.calico',
            address: `${formatIPv4(block.base)}/32`,
            mac: macFor(`${node.name}/vxlan.calico`),
            mtu,
            kind: 'vxlan',
          },
        ];
      return [];
    },
    podRoute,
    tunnel(src, dst) {
      const encap = calicoEncap(cfg, src, dst);
      return encap === 'ipip' ? IPIP : encap === 'vxlan' ? VXLAN : null;
    },
    localRoutes(cluster, node, localPods) {
      const lines = (node.podRanges ?? [podCidrText(node)]).map((block) => `blackhole ${block} proto bird`);
      for (const pod of localPods) lines.push(podRoute(cluster, node, { dstNode: node, pod, local: true }).rule);
      return lines;
    },
    remoteRanges: (node) => node.podRanges ?? [podCidrText(node)],
    egressNat(cluster, _node, _pod, dstIP): EgressNat {
      const rule =
        '-A cali-nat-outgoing -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully';
      if (!cfg.natOutgoing) return { masquerade: false, rule: '', why: 'nat-outgoing-off' };
      if (cidrContains(lookup(cluster).podSubnet, parseIPv4(dstIP) ?? 0))
        return { masquerade: false, rule, why: 'in-pool' };
      return { masquerade: true, rule, why: 'nat-outgoing' };
    },
    podGateway: () => ({ ip: CALICO_GATEWAY, dev: null }),
    vethRule: (pod, podKey, direction) =>
      direction === 'out'
        ? `${pod.veth ?? ''}@if3: proxy_arp on (veth peer of ${podKey} eth0)`
        : `${pod.veth ?? ''}@if3 (veth peer of ${podKey} eth0)`,
    postrouting(cluster, _node, src, dst): Postrouting | null {
      if (!cfg.natOutgoing) return null;
      const pool = lookup(cluster).podSubnet;
      const fromPool = cidrContains(pool, parseIPv4(src) ?? 0);
      const toPool = cidrContains(pool, parseIPv4(dst) ?? 0);
      const masquerade = fromPool && !toPool;
      return {
        kind: 'rule',
        rule: '-A cali-nat-outgoing -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully',
        masquerade,
        why: masquerade ? 'nat-outgoing' : toPool ? 'nat-outgoing-in-pool' : 'nat-outgoing-not-pod',
      };
    },
  };
}
