/**
 * What listens in a node's root network namespace: hostNetwork pods (which share it,
 * k8s-networking.md section 11) and the daemons every kubeadm node runs.
 */
import { containerId, nodeId } from '../model/ids';
import type { Cluster, ClusterNode, Pod, Protocol } from '../model/types';

interface Daemon {
  readonly port: number;
  readonly name: string;
  readonly where: 'all' | 'control-plane';
}

/** Well-known host daemons of a kubeadm node (kubelet, kube-proxy, the control plane, sshd). */
const DAEMONS: readonly Daemon[] = [
  { port: 22, name: 'sshd', where: 'all' },
  { port: 10250, name: 'kubelet', where: 'all' },
  { port: 10256, name: 'kube-proxy (healthz)', where: 'all' },
  { port: 6443, name: 'kube-apiserver', where: 'control-plane' },
  { port: 2379, name: 'etcd (client)', where: 'control-plane' },
  { port: 2380, name: 'etcd (peer)', where: 'control-plane' },
  { port: 10257, name: 'kube-controller-manager', where: 'control-plane' },
  { port: 10259, name: 'kube-scheduler', where: 'control-plane' },
];

export interface HostListener {
  /** the element id the socket is drawn at */
  at: string;
  /** a container name, or the daemon's name */
  name: string;
  /** the hostNetwork pod that listens, or null for a node daemon */
  pod: Pod | null;
}

const hostPodsCache = new WeakMap<Cluster, Map<string, Pod[]>>();

/** hostNetwork pods by node, built once per cluster. */
export function hostNetworkPods(cluster: Cluster, node: string): readonly Pod[] {
  let byNode = hostPodsCache.get(cluster);
  if (!byNode) {
    byNode = new Map();
    for (const pod of cluster.pods) {
      if (!pod.hostNetwork) continue;
      const list = byNode.get(pod.node) ?? [];
      list.push(pod);
      byNode.set(pod.node, list);
    }
    hostPodsCache.set(cluster, byNode);
  }
  return byNode.get(node) ?? [];
}

/** The socket listening on a port in a node's root namespace, or null (the kernel then refuses). */
export function hostListener(cluster: Cluster, node: ClusterNode, port: number, protocol: Protocol): HostListener | null {
  for (const pod of hostNetworkPods(cluster, node.name)) {
    for (const c of pod.containers) {
      if (c.listening.some((p) => p.containerPort === port && p.protocol === protocol)) {
        return { at: containerId(pod.namespace, pod.name, c.name), name: c.name, pod };
      }
    }
  }
  if (protocol !== 'tcp') return null;
  // kube-proxy does not run when Cilium replaces it.
  const kubeProxy = cluster.settings.proxyMode !== 'cilium';
  for (const d of DAEMONS) {
    if (d.port !== port || (d.where === 'control-plane' && node.role !== 'control-plane')) continue;
    if (d.name.startsWith('kube-proxy') && !kubeProxy) continue;
    return { at: nodeId(node.name), name: d.name, pod: null };
  }
  return null;
}
