// Breaks the settings rule of eslint.config.js on purpose, in each way it can be broken, so that
// src/lintRules.test.ts can show the rule catches it (this folder is not linted otherwise).
import type { Cluster, ClusterSettings } from '../src/sim';

export function bridgeOf(cluster: Cluster): string | null {
  return cluster.settings.cni.kind === 'flannel' ? 'cni0' : null;
}

export function usesIpvs(settings: ClusterSettings): boolean {
  return settings.proxyMode === 'ipvs';
}

export function kindOf(cluster: Cluster): string {
  const { cni } = cluster.settings;
  return cni.kind;
}
