/**
 * flannel (docs/networking-model.md): every pod's veth is a port of the cni0 bridge, whose
 * address is the node's gateway (.1 of its podCIDR). With the VXLAN backend, other nodes' pod
 * ranges are routed onlink via their flannel.1 address (10.244.N.0) on flannel.1, VNI 1, UDP 8472;
 * with host-gw, via the other node's own address on eth0, unencapsulated.
 */
import { formatIPv4, nthAddress } from '../model/ip';
import { deviceIP } from '../model/memo';
import { fnv1a, macFor } from '../model/rng';
import type { CniConfig, ClusterNode, Device } from '../model/types';
import { hex } from './common';
import type { CniPlugin, Tunnel } from './common';

export const FLANNEL_VXLAN_PORT = 8472;
export const FLANNEL_VNI = 1;

type FlannelConfig = Extract<CniConfig, { kind: 'flannel' }>;

const VXLAN: Tunnel = { dev: 'flannel.1', kind: 'vxlan', port: FLANNEL_VXLAN_PORT, vni: FLANNEL_VNI, overhead: 50 };

export function flannel(cfg: FlannelConfig): CniPlugin {
  const vxlan = cfg.backend === 'vxlan';
  return {
    kind: 'flannel',
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
    remoteRanges: (node) => [node.podCIDR],
  };
}
