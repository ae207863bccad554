/**
 * flannel (docs/networking-model.md): every pod's veth is a port of the cni0 bridge, whose
 * address is the node's gateway (.1 of its podCIDR). With the VXLAN backend, other nodes' pod
 * ranges are routed onlink via their flannel.1 address (10.244.N.0) on flannel.1, VNI 1, UDP 8472;
 * with host-gw, via the other node's own address on eth0, unencapsulated.
 */
import { formatIPv4, nthAddress } from '../model/ip';
import { deviceIP } from '../model/memo';
import { fnv1a, macFor } from '../model/rng';
import type { CniConfig, Cluster, ClusterNode, Device } from '../model/types';
import { cidrContains } from '../model/ip';
import { lookup } from '../model/lookup';
import { parseCidr, parseIPv4 } from '../model/memo';
import { hex, podCidrText } from './common';
import type { CniPlugin, EgressNat, Postrouting, Tunnel } from './common';

export const FLANNEL_VXLAN_PORT = 8472;
export const FLANNEL_VNI = 1;

type FlannelConfig = Extract<CniConfig, { kind: 'flannel' }>;

const VXLAN: Tunnel = { dev: 'flannel.1', kind: 'vxlan', port: FLANNEL_VXLAN_PORT, vni: FLANNEL_VNI, overhead: 50 };

const NO_RULES: Postrouting = { kind: 'no-rules' };

/**
 * flannel's FLANNEL-POSTRTG chain (`--ip-masq`, docs/networking-model.md): RETURN for traffic
 * inside the cluster CIDR, MASQUERADE for pods talking to anything else and for hosts talking to
 * pods on other nodes.
 */
function flannelPostrouting(cluster: Cluster, node: ClusterNode, src: string, dst: string): Postrouting | null {
  const cl = lookup(cluster).podSubnet;
  const local = parseCidr(podCidrText(node)) ?? cl;
  const s = parseIPv4(src) ?? 0;
  const d = parseIPv4(dst) ?? 0;
  const net = cluster.settings.podSubnet;
  const sIn = cidrContains(cl, s);
  const dIn = cidrContains(cl, d);
  const ret = (rule: string): Postrouting => ({ kind: 'rule', rule, masquerade: false, why: 'flannel-return' });
  const masq = (rule: string): Postrouting => ({ kind: 'rule', rule, masquerade: true, why: 'flannel-masq' });
  if (cidrContains(local, s) && dIn)
    return ret(`-A FLANNEL-POSTRTG -s ${node.podCIDR} -d ${net} -m comment --comment "flanneld masq" -j RETURN`);
  if (sIn && cidrContains(local, d))
    return ret(`-A FLANNEL-POSTRTG -s ${net} -d ${node.podCIDR} -m comment --comment "flanneld masq" -j RETURN`);
  if (!sIn && cidrContains(local, d))
    return ret(`-A FLANNEL-POSTRTG ! -s ${net} -d ${node.podCIDR} -m comment --comment "flanneld masq" -j RETURN`);
  if (sIn && d >>> 28 !== 14)
    return masq(
      `-A FLANNEL-POSTRTG -s ${net} ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully`,
    );
  if (!sIn && dIn)
    return masq(
      `-A FLANNEL-POSTRTG ! -s ${net} -d ${net} -m comment --comment "flanneld masq" -j MASQUERADE --random-fully`,
    );
  return null;
}

export function flannel(cfg: FlannelConfig): CniPlugin {
  const vxlan = cfg.backend === 'vxlan';
  return {
    kind: 'flannel',
    name: 'flannel',
    podDatapath: 'bridge',
    policyEnforcer: null,
    bridge: 'cni0',
    networkName: 'cbr0',
    blockSize: null,
    podMtu: (settings) => (vxlan ? settings.underlayMtu - VXLAN.overhead : settings.underlayMtu),
    mtuDevice: () => 'cni0',
    vethName: (key) => `veth${hex(fnv1a(key), 8)}`,
    hostVethMac: (_pod, podKey) => macFor(`veth/${podKey}`),
    nodeDevices(node: ClusterNode, podCidr, _block, mtu): Device[] {
      const key = (dev: string): string => `${node.name}/${dev}`;
      const devices: Device[] = [
        {
          name: 'cni0',
          address: `${formatIPv4(nthAddress(podCidr, 1))}/${podCidr.prefix}`,
          mac: macFor(key('cni0')),
          mtu,
          kind: 'bridge',
        },
      ];
      if (vxlan)
        devices.push({
          name: 'flannel.1',
          address: `${formatIPv4(podCidr.base)}/32`,
          mac: macFor(key('flannel.1')),
          mtu,
          kind: 'vxlan',
        });
      return devices;
    },
    podRoute(_cluster, node, { dstNode, local }) {
      if (local) {
        const gw = deviceIP(node, 'cni0') ?? '';
        return { rule: `${node.podCIDR} dev cni0 proto kernel scope link src ${gw}`, dev: 'cni0', src: gw };
      }
      if (vxlan)
        return {
          rule: `${dstNode.podCIDR} via ${deviceIP(dstNode, 'flannel.1') ?? ''} dev flannel.1 onlink`,
          dev: 'flannel.1',
          src: deviceIP(node, 'flannel.1') ?? node.internalIP,
        };
      return { rule: `${dstNode.podCIDR} via ${dstNode.internalIP} dev eth0`, dev: 'eth0', src: node.internalIP };
    },
    tunnel: () => (vxlan ? VXLAN : null),
    localRoutes: (_cluster, node) => [
      `${node.podCIDR} dev cni0 proto kernel scope link src ${deviceIP(node, 'cni0') ?? ''}`,
    ],
    remoteRanges: (node) => [podCidrText(node)],
    egressNat(cluster, node, pod, dstIP): EgressNat {
      const inPool = cidrContains(lookup(cluster).podSubnet, parseIPv4(dstIP) ?? 0);
      if (!cfg.ipMasq) return { masquerade: false, rule: '', why: 'no-ip-masq' };
      const net = cluster.settings.podSubnet;
      if (inPool) {
        const local = cidrContains(parseCidr(podCidrText(node)) ?? { base: 0, prefix: 32 }, parseIPv4(pod.ip) ?? 0);
        const rule = local
          ? `-A FLANNEL-POSTRTG -s ${node.podCIDR} -d ${net} -m comment --comment "flanneld masq" -j RETURN`
          : `-A FLANNEL-POSTRTG -s ${net} -d ${node.podCIDR} -m comment --comment "flanneld masq" -j RETURN`;
        return { masquerade: false, rule, why: 'flannel-return' };
      }
      if ((parseIPv4(dstIP) ?? 0) >>> 28 === 14) return { masquerade: false, rule: '', why: 'multicast' };
      const rule = `-A FLANNEL-POSTRTG -s ${net} ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully`;
      return { masquerade: true, rule, why: 'flannel-masq' };
    },
    forwardRule: (cluster) =>
      `-A FLANNEL-FWD -s ${cluster.settings.podSubnet} -m comment --comment "flanneld forward" -j ACCEPT`,
    podGateway: (node) => ({ ip: deviceIP(node, 'cni0') ?? '', dev: 'cni0' }),
    vethRule: (pod, podKey) => `${pod.veth ?? ''}@if2: master cni0 (veth peer of ${podKey} eth0)`,
    postrouting: (cluster, node, src, dst) => (cfg.ipMasq ? flannelPostrouting(cluster, node, src, dst) : NO_RULES),
  };
}
