// What both benches measure (bench.mjs, bench-compare.mjs): the engine's entry points, and the two
// requests on the generated cluster, so that the old/new comparison times what the bench reports.

/** The entry loadTs bundles: generate, import and trace. */
export const ENGINE_ENTRY = `
import { generateCluster } from './src/sim/generate/generateCluster';
import { loadManifests } from './src/sim/import/index';
import { trace } from './src/sim/resolve/trace';
export { generateCluster, loadManifests, trace };
`;

/**
 * A cross-node request between two application pods (not kube-system's) that listen on a TCP port,
 * as a user would trace them, and a pod to a Service in another namespace by its DNS name
 * (`<svc>.<ns>`, the second search candidate).
 */
export function benchRequests(cluster) {
  const listening = cluster.pods.filter(
    (p) =>
      !p.hostNetwork &&
      p.namespace !== 'kube-system' &&
      p.containers.some((c) => c.listening.some((l) => l.protocol === 'tcp')),
  );
  const client = listening[0];
  const server = listening.find((p) => p.node !== client.node);
  const port = server.containers.flatMap((c) => c.listening).find((l) => l.protocol === 'tcp').containerPort;
  const podToPod = {
    from: `pod/${client.namespace}/${client.name}`,
    to: `pod/${server.namespace}/${server.name}`,
    port,
  };
  const svc = cluster.services.find(
    (s) =>
      s.type === 'ClusterIP' &&
      s.namespace !== client.namespace &&
      s.namespace !== 'kube-system' &&
      s.namespace !== 'default' &&
      s.clusterIP,
  );
  const byName = { from: podToPod.from, to: `${svc.name}.${svc.namespace}` };
  return { client, server, port, podToPod, byName };
}
