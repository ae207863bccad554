/** Named selectors: components subscribe to the smallest slice they need. */
import { ingresses } from '../sim';
import type { Cluster, Hop } from '../sim';
import type { VizState } from './createVizStore';

export const selectCluster = (s: VizState) => s.cluster;
export const selectTrace = (s: VizState) => s.trace;
export const selectSteps = (s: VizState) => s.steps;
export const selectStep = (s: VizState) => s.step;
export const selectPlaying = (s: VizState) => s.playing;
export const selectSpeed = (s: VizState) => s.speed;
export const selectSelection = (s: VizState) => s.selection;
export const selectTheme = (s: VizState) => s.theme;
export const selectRequestError = (s: VizState) => s.requestError;

/** The hop being shown, or null. */
export const selectCurrentHop = (s: VizState): Hop | null => (s.step >= 0 ? (s.steps[s.step] ?? null) : null);

/** Element ids the trace passes through (for highlighting), in order, without repeats. */
export function pathIds(steps: readonly Hop[]): string[] {
  return [...new Set(steps.map((h) => h.at))];
}

/** Counts of what the model holds, whatever the zoom or level of detail. */
export function elementCount(s: VizState): { nodes: number; pods: number; containers: number; services: number } {
  let containers = 0;
  for (const pod of s.cluster.pods) containers += pod.containers.length;
  return {
    nodes: s.cluster.nodes.length,
    pods: s.cluster.pods.length,
    containers,
    services: s.cluster.services.length,
  };
}

/** Pods as the request form lists them: `pod/<ns>/<name>` with a readable label. */
export function podChoices(cluster: Cluster): { value: string; label: string; node: string }[] {
  return cluster.pods
    .filter((p) => !p.hostNetwork)
    .map((p) => ({
      value: `pod/${p.namespace}/${p.name}`,
      label: `${p.namespace}/${p.name} (${p.ip}, ${p.node})`,
      node: p.node,
    }));
}

/**
 * The request "Send packet" starts with: from the `client` pod (else the first user pod) to a pod
 * that listens, on another node, so the first packet shows the whole cross-node path.
 */
export function defaultPacketRequest(cluster: Cluster): { from: string; to: string } | null {
  const pods = cluster.pods.filter((p) => !p.hostNetwork);
  const user = pods.filter((p) => p.namespace !== 'kube-system');
  const source = user.find((p) => p.name === 'client') ?? user[0] ?? pods[0];
  if (!source) return null;
  const listens = (p: (typeof pods)[number]) => p.containers.some((c) => c.listening.length > 0);
  const target =
    user.find((p) => p.node !== source.node && listens(p)) ??
    pods.find((p) => p.node !== source.node && listens(p)) ??
    pods.find((p) => p !== source && listens(p));
  if (!target) return null;
  return { from: `pod/${source.namespace}/${source.name}`, to: `pod/${target.namespace}/${target.name}` };
}

export interface Choice {
  value: string;
  label: string;
}

/** Sources a packet can start from: pods, nodes (a host process) and a client on the Internet. */
export function sourceChoices(cluster: Cluster): { group: string; choices: Choice[] }[] {
  return [
    { group: 'Pods', choices: podChoices(cluster) },
    {
      group: 'Nodes (a process on the host)',
      choices: cluster.nodes.map((n) => ({ value: `node/${n.name}`, label: `${n.name} (${n.internalIP})` })),
    },
    {
      group: 'Outside the cluster',
      choices: [{ value: 'external/203.0.113.10', label: 'a client on the Internet (203.0.113.10)' }],
    },
  ];
}

/**
 * Destinations to suggest (any text the CLI accepts works too): pods, Services by name and by
 * DNS name, NodePorts and load-balancer addresses, Ingress URLs, and a host on the Internet.
 */
export function destinationSuggestions(cluster: Cluster): Choice[] {
  const out: Choice[] = podChoices(cluster).map((c) => ({ value: c.value, label: c.label }));
  const first = cluster.nodes.find((n) => n.role === 'worker') ?? cluster.nodes[0];
  for (const svc of cluster.services) {
    if (svc.type === 'ExternalName') continue;
    out.push({
      value: `svc/${svc.namespace}/${svc.name}`,
      label: `Service ${svc.namespace}/${svc.name} (${svc.clusterIP ?? 'headless'})`,
    });
    out.push({
      value: svc.namespace === 'default' ? svc.name : `${svc.name}.${svc.namespace}`,
      label: `DNS name of Service ${svc.namespace}/${svc.name}`,
    });
    for (const p of svc.ports) {
      if (p.nodePort !== null && first)
        out.push({
          value: `${first.internalIP}:${p.nodePort}`,
          label: `NodePort ${p.nodePort} of ${svc.name} on ${first.name}`,
        });
    }
    if (svc.loadBalancerIP)
      out.push({ value: `${svc.loadBalancerIP}:${svc.ports[0]?.port ?? 80}`, label: `load balancer of ${svc.name}` });
  }
  for (const ing of ingresses(cluster)) {
    for (const rule of ing.rules) {
      const host = rule.host ?? first?.internalIP ?? 'localhost';
      for (const p of rule.paths)
        out.push({ value: `http://${host}${p.path ?? '/'}`, label: `Ingress ${ing.namespace}/${ing.name}` });
    }
  }
  out.push({ value: '93.184.216.34:443', label: 'a server on the Internet' });
  return out;
}
