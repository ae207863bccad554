/**
 * The registry: the one place that maps a cluster's settings to the modules that implement them.
 * Everything else asks the module it gets here (an ESLint rule keeps it so).
 */
import type { Cluster, ProxyMode } from '../model/types';
import type { ServiceProxy } from './proxy/common';
import { ciliumProxy } from './proxy/cilium';
import { iptablesProxy } from './proxy/iptables';
import { ipvsProxy } from './proxy/ipvs';
import { nftablesProxy } from './proxy/nftables';

const PROXIES: Readonly<Record<ProxyMode, ServiceProxy>> = {
  iptables: iptablesProxy,
  nftables: nftablesProxy,
  ipvs: ipvsProxy,
  cilium: ciliumProxy,
};

/** The Service proxy that runs in this cluster (kube-proxy in one of its modes, or Cilium's). */
export function serviceProxy(cluster: Cluster): ServiceProxy {
  return PROXIES[cluster.settings.proxyMode];
}
