/**
 * Indexes over a Cluster, built once per Cluster object and cached. The Cluster stays plain data;
 * the trace hot path gets O(1) lookups.
 */
import { cidrContains, parseCidr, parseIPv4 } from './ip';
import type { Cidr } from './ip';
import type { Cluster, ClusterNode, EndpointSet, Pod, Service } from './types';
import { weakCache } from './weakCache';

export interface ClusterLookup {
  readonly podByKey: ReadonlyMap<string, Pod>;
  /** pods with their own IP (hostNetwork pods share the node's and are not here) */
  readonly podByIP: ReadonlyMap<string, Pod>;
  readonly nodeByName: ReadonlyMap<string, ClusterNode>;
  readonly nodeByIP: ReadonlyMap<string, ClusterNode>;
  readonly serviceByKey: ReadonlyMap<string, Service>;
  readonly serviceByIP: ReadonlyMap<string, Service>;
  readonly endpointsByService: ReadonlyMap<string, EndpointSet>;
  readonly podSubnet: Cidr;
  /** the node whose pod range holds an address, or null */
  nodeForPodIP(ip: string): ClusterNode | null;
}

/** The cluster's indexes, built once per cluster. */
export const lookup = weakCache((cluster: Cluster): ClusterLookup => {
  const podByKey = new Map<string, Pod>();
  const podByIP = new Map<string, Pod>();
  for (const pod of cluster.pods) {
    podByKey.set(`${pod.namespace}/${pod.name}`, pod);
    if (!pod.hostNetwork) podByIP.set(pod.ip, pod);
  }
  // Calico nodes own /26 blocks that can sit inside another node's podCIDR: match the blocks.
  const nodeRanges = cluster.nodes.flatMap((node) =>
    (node.podRanges ?? (node.podCIDR === null ? [] : [node.podCIDR])).map((range) => ({
      node,
      cidr: parseCidr(range),
    })),
  );
  const result: ClusterLookup = {
    podByKey,
    podByIP,
    nodeByName: new Map(cluster.nodes.map((n) => [n.name, n])),
    nodeByIP: new Map(cluster.nodes.map((n) => [n.internalIP, n])),
    serviceByKey: new Map(cluster.services.map((s) => [`${s.namespace}/${s.name}`, s])),
    serviceByIP: new Map(cluster.services.filter((s) => s.clusterIP).map((s) => [s.clusterIP as string, s])),
    endpointsByService: new Map(cluster.endpoints.map((e) => [e.service, e])),
    podSubnet: parseCidr(cluster.settings.podSubnet) ?? { base: 0, prefix: 0 },
    nodeForPodIP(ip) {
      const value = parseIPv4(ip);
      if (value === null) return null;
      const pod = podByIP.get(ip);
      if (pod) return result.nodeByName.get(pod.node) ?? null;
      for (const { node, cidr } of nodeRanges) if (cidr && cidrContains(cidr, value)) return node;
      return null;
    },
  };
  return result;
});

export function deviceOf(node: ClusterNode, name: string) {
  return node.devices.find((d) => d.name === name) ?? null;
}

/** The address part of a device's `ip/prefix`, or null. */
export function deviceIP(node: ClusterNode, name: string): string | null {
  const address = deviceOf(node, name)?.address;
  return address ? (address.split('/')[0] as string) : null;
}
