/**
 * A node's main routing table as `ip route` prints it, built from the same route rules the trace
 * follows (resolve/podPath.ts `hostRoute`), so the inspector and the trace always agree.
 */
import { cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../model/ip';
import { deviceOf } from '../model/lookup';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import { hostRoute } from '../resolve/podPath';
import { cniPlugin } from '../registry';

/** The destination of a route line (`default`, `blackhole 10.244.0.64/26`, `10.244.1.0/24`...). */
function destinationOf(line: string): number {
  const first = line.split(' ')[0] === 'blackhole' ? line.split(' ')[1] : line.split(' ')[0];
  if (!first || first === 'default') return -1;
  const ip = parseIPv4(first.split('/')[0] ?? '');
  return ip ?? Number.MAX_SAFE_INTEGER;
}

/**
 * The routes of `node`'s main table: the default route and the underlay subnet, the local pod
 * range (bridge, per-pod /32s or cilium_host), and one route per other node's pod range.
 */
export function routingTable(cluster: Cluster, node: ClusterNode): string[] {
  const lines = new Set<string>();
  const eth0 = parseCidr(deviceOf(node, 'eth0')?.address ?? `${node.internalIP}/24`);
  if (eth0) {
    lines.add(`default via ${formatIPv4(eth0.base + 1)} dev eth0 proto static`);
    lines.add(`${formatIPv4(eth0.base)}/${eth0.prefix} dev eth0 proto kernel scope link src ${node.internalIP}`);
  }
  const cni = cniPlugin(cluster);
  const localPods = cluster.pods.filter((p: Pod) => p.node === node.name && !p.hostNetwork);
  for (const line of cni.localRoutes(cluster, node, localPods)) lines.add(line);
  for (const other of cluster.nodes) {
    if (other.name === node.name) continue;
    for (const range of cni.remoteRanges(other)) {
      const cidr = parseCidr(range);
      if (!cidr) continue;
      // any address of the remote pod range is routed the same way; take one that is not the node's
      const ip = formatIPv4(cidr.base + 1);
      if (!cidrContains(cidr, parseIPv4(ip) ?? 0)) continue;
      lines.add(hostRoute(cluster, node, { kind: 'host', node: other, ip }).rule);
    }
  }
  return [...lines].sort((a, b) => destinationOf(a) - destinationOf(b));
}
