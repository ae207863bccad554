/**
 * The registry: the one place that maps a cluster's settings to the modules implementing them, a
 * CNI plugin (cni/) and a Service proxy (resolve/proxy/). Everything else asks the module it gets
 * here; an ESLint rule (eslint.config.js, "settings are read through the registry") keeps it so.
 */
import type { CniConfig, Cluster, ClusterSettings, ProxyMode } from './model/types';
import type { CniPlugin } from './cni/common';
import { calico } from './cni/calico';
import { cilium } from './cni/cilium';
import { flannel } from './cni/flannel';
import { kindnet } from './cni/kindnet';
import { awsVpc } from './cni/awsVpc';
import type { ServiceProxy } from './proxy/common';
import { ciliumProxy } from './proxy/cilium';
import { iptablesProxy } from './proxy/iptables';
import { ipvsProxy } from './proxy/ipvs';
import { nftablesProxy } from './proxy/nftables';
import { weakCache } from './model/weakCache';

const PROXIES: Readonly<Record<ProxyMode, ServiceProxy>> = {
  iptables: iptablesProxy,
  nftables: nftablesProxy,
  ipvs: ipvsProxy,
  cilium: ciliumProxy,
};

/** The Service proxy that runs with these settings (kube-proxy in one of its modes, or Cilium's). */
export function serviceProxy(cluster: Cluster | { settings: Pick<ClusterSettings, 'proxyMode'> }): ServiceProxy {
  return PROXIES[cluster.settings.proxyMode];
}

// A plugin is bound to its configuration object; settings are immutable, so one per object.
const pluginFor = weakCache((cfg: CniConfig): CniPlugin => {
  switch (cfg.kind) {
    case 'flannel':
      return flannel(cfg);
    case 'calico':
      return calico(cfg);
    case 'cilium':
      return cilium(cfg);
    case 'kindnet':
      return kindnet();
    case 'aws-vpc':
      return awsVpc(cfg);
  }
});

/** The CNI plugin configured in these settings. */
export function cniPlugin(cluster: Cluster | { settings: Pick<ClusterSettings, 'cni'> }): CniPlugin {
  return pluginFor(cluster.settings.cni);
}

/** A CNI as the app's switch and the CLI's --cni offer it: the common configuration of each. */
export interface CniPreset {
  readonly id: string;
  readonly label: string;
  readonly cni: CniConfig;
}

export const CNI_PRESETS: readonly CniPreset[] = [
  { id: 'flannel-vxlan', label: 'flannel (VXLAN)', cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true } },
  { id: 'flannel-host-gw', label: 'flannel (host-gw)', cni: { kind: 'flannel', backend: 'host-gw', ipMasq: true } },
  {
    id: 'calico-ipip',
    label: 'Calico (IPIP)',
    cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'cilium',
    label: 'Cilium (VXLAN)',
    cni: { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
  },
  { id: 'kindnet', label: 'kindnet (kind)', cni: { kind: 'kindnet' } },
  { id: 'aws-vpc', label: 'AWS VPC (EKS)', cni: { kind: 'aws-vpc', externalSnat: false, excludeSnatCidrs: [] } },
];

/** The preset a configuration belongs to (a Calico pool in VXLAN mode is still `calico-ipip`'s family). */
export function cniPresetId(cni: CniConfig): string {
  switch (cni.kind) {
    case 'flannel':
      return cni.backend === 'vxlan' ? 'flannel-vxlan' : 'flannel-host-gw';
    case 'calico':
      return 'calico-ipip';
    case 'cilium':
      return 'cilium';
    case 'kindnet':
      return 'kindnet';
    case 'aws-vpc':
      return 'aws-vpc';
  }
}

/**
 * The settings after switching to a preset: whether NetworkPolicy is enforced follows the CNI
 * (flannel alone does not), and Cilium's kube-proxy replacement leaves with Cilium.
 */
export function switchCni(settings: Pick<ClusterSettings, 'proxyMode'>, preset: CniPreset): Partial<ClusterSettings> {
  return {
    cni: preset.cni,
    // EKS ships the AWS VPC CNI with its network policy agent off (enable-network-policy-controller)
    policyEnforced:
      preset.cni.kind !== 'aws-vpc' && cniPlugin({ settings: { cni: preset.cni } }).policyEnforcer !== null,
    ...(preset.cni.kind !== 'cilium' && settings.proxyMode === 'cilium' ? { proxyMode: 'iptables' as const } : {}),
  };
}
