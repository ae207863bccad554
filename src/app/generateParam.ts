/**
 * `?generate=<nodes>x<podsPerNode>`: a generated cluster for demos at scale and for benchmarks.
 * Sizes are capped; a bad value gets a message and the built-in cluster.
 */
import type { Cluster, ClusterSpec } from '../sim';
import { visibleText } from '../sim/model/format';

export const MAX_GENERATED_NODES = 200;
export const MAX_GENERATED_PODS_PER_NODE = 100;
export const MAX_GENERATED_POLICIES = 1000;

export type GenerateParam =
  | { kind: 'none' }
  | { kind: 'ok'; nodes: number; podsPerNode: number; policies: number }
  | { kind: 'error'; message: string };

/** The recipe as links write it: `50x20`, or `50x20&policies=200` with policies. */
export function generateRecipe(param: { nodes: number; podsPerNode: number; policies: number }): string {
  return `${param.nodes}x${param.podsPerNode}${param.policies > 0 ? `&policies=${param.policies}` : ''}`;
}

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
  // `&policies=N`: N generated NetworkPolicies, on Calico (generateCluster's policy option)
  const policiesText = new URLSearchParams(search).get('policies');
  if (policiesText === null) return { kind: 'ok', nodes, podsPerNode, policies: 0 };
  const policies = /^\d{1,4}$/.test(policiesText.trim()) ? Number(policiesText.trim()) : NaN;
  if (!(policies <= MAX_GENERATED_POLICIES)) {
    return {
      kind: 'error',
      message: `policies=${visibleText(policiesText, 40)} is not a number of NetworkPolicies from 0 to ${MAX_GENERATED_POLICIES}; showing the built-in cluster.`,
    };
  }
  return { kind: 'ok', nodes, podsPerNode, policies };
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
  policies = 0,
): Promise<GeneratedCluster> {
  const [{ generatedSource }, { loadManifests }] = await Promise.all([
    import('../sim/generate/generateCluster'),
    import('../sim/import'),
  ]);
  const result = loadManifests([generatedSource(nodes, podsPerNode, seed, { policies })]);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return { cluster: result.cluster, spec: result.spec };
}
