/**
 * `?generate=<nodes>x<podsPerNode>`: a generated cluster for demos at scale and for benchmarks.
 * Sizes are capped; a bad value gets a message and the built-in cluster.
 */
import type { Cluster, ClusterSpec } from '../sim';
import { visibleText } from '../sim/model/format';

export const MAX_GENERATED_NODES = 200;
export const MAX_GENERATED_PODS_PER_NODE = 100;

export type GenerateParam =
  { kind: 'none' } | { kind: 'ok'; nodes: number; podsPerNode: number } | { kind: 'error'; message: string };

export function parseGenerateParam(search: string): GenerateParam {
  const value = new URLSearchParams(search).get('generate');
  if (value === null) return { kind: 'none' };
  const match = /^(\d{1,4})x(\d{1,4})$/.exec(value.trim());
  if (!match) {
    return {
      kind: 'error',
      message: `generate=${visibleText(value, 40)} is not <nodes>x<podsPerNode> (for example 10x10); showing the built-in cluster.`,
    };
  }
  const nodes = Number(match[1]);
  const podsPerNode = Number(match[2]);
  if (nodes < 1 || nodes > MAX_GENERATED_NODES || podsPerNode > MAX_GENERATED_PODS_PER_NODE) {
    return {
      kind: 'error',
      message: `generate=${value} is outside the limits (1 to ${MAX_GENERATED_NODES} nodes, 0 to ${MAX_GENERATED_PODS_PER_NODE} pods per node); showing the built-in cluster.`,
    };
  }
  return { kind: 'ok', nodes, podsPerNode };
}

export interface GeneratedCluster {
  cluster: Cluster;
  spec: ClusterSpec;
}

/**
 * Builds the generated cluster on this thread; the generator and the importer load on demand. The
 * page calls it first thing (boot.ts): its main thread has nothing else to do while the app's code
 * downloads and compiles, and a cluster built here needs no copying between threads.
 */
export async function loadGeneratedCluster(
  nodes: number,
  podsPerNode: number,
  seed: number,
): Promise<GeneratedCluster> {
  const [{ generatedSource }, { loadManifests }] = await Promise.all([
    import('../sim/generate/generateCluster'),
    import('../sim/import'),
  ]);
  const result = loadManifests([generatedSource(nodes, podsPerNode, seed)]);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return { cluster: result.cluster, spec: result.spec };
}
