/** Named selectors: components subscribe to the smallest slice they need. */
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
  return { nodes: s.cluster.nodes.length, pods: s.cluster.pods.length, containers, services: s.cluster.services.length };
}

/** Pods as the request form lists them: `pod/<ns>/<name>` with a readable label. */
export function podChoices(cluster: Cluster): { value: string; label: string; node: string }[] {
  return cluster.pods
    .filter((p) => !p.hostNetwork)
    .map((p) => ({ value: `pod/${p.namespace}/${p.name}`, label: `${p.namespace}/${p.name} (${p.ip}, ${p.node})`, node: p.node }));
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
