/**
 * Cilium (docs/networking-model.md): pods have /32 addresses and a default route to the node's
 * cilium_host address; the host end of each veth is `lxc...`, where eBPF programs route and enforce
 * policy. In tunnel mode the whole pod network is routed to cilium_host and wrapped in VXLAN (UDP
 * 8472) or Geneve (UDP 6081) with the source's security identity as the VNI; in native routing,
 * other nodes' pod ranges are routed via their node address on eth0.
 */
import { cidrSize, formatIPv4, nthAddress, parseCidr } from '../model/ip';
import { deviceIP, deviceOf, parseIPv4 } from '../model/memo';
import { cidrContains } from '../model/ip';
import { lookup } from '../model/lookup';
import { fnv1a, macFor } from '../model/rng';
import type { CniConfig, ClusterNode, ClusterSettings, Device, Pod } from '../model/types';
import { hex, podCidrText } from './common';
import type { CniPlugin, EbpfPrograms, EgressNat, HostRoute } from './common';
import { FLANNEL_VXLAN_PORT } from './flannel';

export const CILIUM_GENEVE_PORT = 6081;
/** The reserved identity of the host (and of hostNetwork pods). */
const CILIUM_HOST_IDENTITY = 1;
/** The reserved identity `ingress`: what Cilium's Envoy is when it connects on for Ingress and Gateway API. */
export const CILIUM_INGRESS_IDENTITY = 8;
/** The per-node Envoy Cilium programs for Ingress and Gateway API, drawn as one of the node's devices. */
export const CILIUM_ENVOY_DEVICE = 'cilium-envoy';

/** The controllerName of Cilium's GatewayClass (`cilium`). */
export const CILIUM_GATEWAY_CONTROLLER = 'io.cilium/gateway-controller';

/**
 * Whether Cilium's Gateway API runs: Cilium with kube-proxy replacement (its eBPF hands the
 * Gateway's Service to Envoy), and cilium-config's `enable-gateway-api` on. Where the settings do not say (a CNI preset, not a ConfigMap), a
 * GatewayClass naming Cilium's controller stands for it: Cilium's operator creates that class
 * itself when the feature is on, and nothing else would accept it.
 */
export function ciliumGatewayEnabled(
  settings: Partial<Pick<ClusterSettings, 'cni' | 'proxyMode'>>,
  classes: readonly { controllerName: string }[],
): boolean {
  const cni = settings.cni;
  // kube-proxy replacement: the CNI's flag, or the app's Cilium (eBPF) Service proxy mode
  const replaced = cni?.kind === 'cilium' && (cni.kubeProxyReplacement || settings.proxyMode === 'cilium');
  if (cni?.kind !== 'cilium' || !replaced || cni.gatewayApi === false) return false;
  return cni.gatewayApi === true || classes.some((c) => c.controllerName === CILIUM_GATEWAY_CONTROLLER);
}

/**
 * The settings with Cilium's Gateway API decided where a preset left it open, so that the nodes
 * get their Envoy and every later reader agrees; other settings unchanged.
 */
export function settleCiliumGatewayApi(
  settings: ClusterSettings,
  classes: readonly { controllerName: string }[],
): ClusterSettings {
  const cni = settings.cni;
  if (cni.kind !== 'cilium' || cni.gatewayApi !== undefined || !ciliumGatewayEnabled(settings, classes))
    return settings;
  return { ...settings, cni: { ...cni, gatewayApi: true } };
}

/**
 * The node's ingress address: the agent takes one address of the node's pod range for the
 * reserved:ingress identity when Envoy configuration is on, and Envoy's upstream connections for
 * Ingress and Gateway API leave from it. Cilium's IPAM hands addresses out in no fixed order; the
 * model takes the range's last usable address, which its pod allocation (from .2 up) does not reach.
 */
export function ciliumIngressIP(node: ClusterNode): string | null {
  const cidr = node.podCIDR === null ? null : parseCidr(node.podCIDR);
  return cidr === null ? null : formatIPv4(nthAddress(cidr, cidrSize(cidr) - 2));
}

type CiliumConfig = Extract<CniConfig, { kind: 'cilium' }>;

/** Cilium's security identity of a pod: derived from its namespace and labels, as Cilium does. */
export function ciliumIdentity(pod: Pod | null): number {
  if (pod === null || pod.hostNetwork) return CILIUM_HOST_IDENTITY;
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k] ?? ''}`)
    .join(',');
  return 256 + (fnv1a(`${pod.namespace};${labels}`) % 65000);
}

const PROGRAMS: EbpfPrograms = {
  hostDevice: 'cilium_host',
  toHost: 'tc egress cilium_host bpf_host.o:cil_to_host',
  fromNetdev: 'tc ingress eth0 bpf_host.o:cil_from_netdev',
  fromOverlay: (dev) => `tc ingress ${dev} bpf_overlay.o:cil_from_overlay`,
  redirect: (pod, podKey) => `bpf_redirect_peer(${pod.veth ?? ''}) endpoint ${podKey} identity ${ciliumIdentity(pod)}`,
  tunnelEndpoint: (innerDstIP, dst, t) =>
    `ipcache ${innerDstIP} tunnelendpoint ${dst.internalIP} (${t.dev} dstport ${t.port})`,
};

export function cilium(cfg: CiliumConfig): CniPlugin {
  const tunnel = cfg.routingMode === 'tunnel';
  const podRoute: CniPlugin['podRoute'] = (cluster, node, { dstNode, local }): HostRoute => {
    const router = deviceIP(node, 'cilium_host') ?? '';
    if (local || tunnel) {
      const net = local ? node.podCIDR : cluster.settings.podSubnet;
      const mtu = deviceOf(node, 'cilium_host')?.mtu ?? cluster.settings.underlayMtu;
      return { rule: `${net} via ${router} dev cilium_host src ${router} mtu ${mtu}`, dev: 'cilium_host', src: router };
    }
    return { rule: `${dstNode.podCIDR} via ${dstNode.internalIP} dev eth0`, dev: 'eth0', src: node.internalIP };
  };
  return {
    kind: 'cilium',
    name: 'Cilium',
    podDatapath: 'ebpf',
    policyEnforcer: "Cilium's eBPF",
    bridge: null,
    networkName: 'cilium',
    blockSize: null,
    podMtu: (settings) => (tunnel ? settings.underlayMtu - 50 : settings.underlayMtu),
    mtuDevice: () => 'cilium_host',
    vethName(key) {
      const h = fnv1a(key);
      return `lxc${hex(h, 8)}${hex(fnv1a(key, h), 4)}`;
    },
    hostVethMac: (_pod, podKey) => macFor(`veth/${podKey}`),
    nodeDevices(node: ClusterNode, podCidr, _block, mtu): Device[] {
      const key = (dev: string): string => `${node.name}/${dev}`;
      // The Envoy first: a connection for a Gateway meets it before cilium_host.
      const envoy: Device[] = cfg.gatewayApi
        ? [{ name: CILIUM_ENVOY_DEVICE, address: null, mac: '', mtu, kind: 'cilium' }]
        : [];
      const devices: Device[] = [
        ...envoy,
        {
          name: 'cilium_host',
          address: `${formatIPv4(nthAddress(podCidr, 1))}/32`,
          mac: macFor(key('cilium_host')),
          mtu,
          kind: 'cilium',
        },
      ];
      if (tunnel) {
        const name = cfg.tunnelProtocol === 'geneve' ? 'cilium_geneve' : 'cilium_vxlan';
        devices.push({ name, address: null, mac: macFor(key(name)), mtu, kind: 'vxlan' });
      }
      return devices;
    },
    podRoute,
    tunnel(_src, _dst, srcPod, identity) {
      if (!tunnel) return null;
      const vni = identity ?? ciliumIdentity(srcPod);
      return cfg.tunnelProtocol === 'geneve'
        ? { dev: 'cilium_geneve', kind: 'geneve', port: CILIUM_GENEVE_PORT, vni, overhead: 50 }
        : { dev: 'cilium_vxlan', kind: 'vxlan', port: FLANNEL_VXLAN_PORT, vni, overhead: 50 };
    },
    localRoutes(cluster, node, localPods) {
      const pod = localPods[0];
      return pod ? [podRoute(cluster, node, { dstNode: node, pod, local: true }).rule] : [];
    },
    remoteRanges: (node) => [podCidrText(node)],
    // Cilium's masquerading excludes the cluster's pods and nodes (remote-node identity); what leaves
    // the cluster is the egress decision's (resolve/egress.ts).
    postrouting: () => null,
    // Cilium leaves the pod network alone (the tunnel's cilium_ devices, the excluded range) and
    // traffic to cluster nodes. By default it masquerades the rest with iptables rules of its own in
    // CILIUM_POST_nat (the agent's installMasqueradeRules: the node set is accepted first, then
    // MASQUERADE without --random-fully, excluding the node's pod range in tunnel mode and the
    // native-routing CIDR otherwise); with enable-bpf-masquerade, in eBPF on the native device.
    egressNat(cluster, node, pod, dstIP, devIP): EgressNat {
      if (cidrContains(lookup(cluster).podSubnet, parseIPv4(dstIP) ?? 0))
        return { masquerade: false, rule: '', why: 'pod-network' };
      if (lookup(cluster).nodeByIP.has(dstIP))
        return cfg.bpfMasquerade
          ? { masquerade: false, rule: '', why: 'cluster-node-ebpf' }
          : {
              masquerade: false,
              rule: `-A CILIUM_POST_nat -s ${node.podCIDR} -m set --match-set cilium_node_set_v4 dst -m comment --comment "exclude traffic to cluster nodes from masquerade" -j ACCEPT`,
              why: 'cluster-node',
            };
      if (cfg.bpfMasquerade)
        return {
          masquerade: true,
          rule: `cil_to_netdev: snat_v4_nat ${pod.ip} -> ${devIP} (enable-ipv4-masquerade, ipv4-native-routing-cidr ${cluster.settings.podSubnet})`,
          why: 'bpf-masquerade',
        };
      const excluded = cfg.routingMode === 'native' ? cluster.settings.podSubnet : node.podCIDR;
      return {
        masquerade: true,
        rule: `-A CILIUM_POST_nat -s ${node.podCIDR} ! -d ${excluded} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
        why: 'iptables-masquerade',
        keepsPort: true,
      };
    },
    podGateway: (node) => ({ ip: deviceIP(node, 'cilium_host') ?? '', dev: 'cilium_host' }),
    vethRule: (pod, podKey, direction) =>
      direction === 'out'
        ? `tc ingress ${pod.veth ?? ''} bpf_lxc.o:cil_from_container`
        : PROGRAMS.redirect(pod, podKey),
    ebpf: PROGRAMS,
  };
}
