/**
 * The import worker's protocol: the app posts manifests, the worker answers with progress and one
 * result. Pure and transport-free, so the worker's glue is three lines and this is unit-tested.
 */
import type { ClusterSpec } from '../model/build';
import type { Cluster } from '../model/types';
import { generateCluster } from '../generate/generateCluster';
import { loadManifests } from './index';
import type { ImportProgress } from './index';
import type { ImportProblem, ManifestSource } from './types';

export interface ImportRequest {
  type: 'import';
  /** echoed in every answer, so that the client can drop answers to requests it superseded */
  id: number;
  sources: ManifestSource[];
}

/**
 * A generated cluster (`?generate=NxM`), built where the manifests are parsed: the app posts it
 * before its own code has loaded, so that generating overlaps the page's start.
 */
export interface GenerateRequest {
  type: 'generate';
  id: number;
  nodes: number;
  podsPerNode: number;
  seed: number;
}

/** The Services of a generated cluster: one per five pods, as `?generate` and the benchmarks use. */
export const generatedServiceCount = (nodes: number, podsPerNode: number): number => Math.ceil((nodes * podsPerNode) / 5);

/** The manifest source of a generated cluster, named as the app shows it: JSON, quick to parse. */
export function generatedSource(nodes: number, podsPerNode: number, seed: number): ManifestSource {
  return { name: `generate=${nodes}x${podsPerNode}`, text: generateCluster(nodes, podsPerNode, generatedServiceCount(nodes, podsPerNode), seed, 'json') };
}

export type ImportResponse =
  | { type: 'progress'; id: number; progress: ImportProgress }
  | {
      type: 'result';
      id: number;
      ok: true;
      cluster: Cluster;
      spec: ClusterSpec;
      warnings: ImportProblem[];
      ignored: Record<string, number>;
    }
  | { type: 'result'; id: number; ok: false; errors: ImportProblem[]; warnings: ImportProblem[] };

function isRequest(message: unknown): message is ImportRequest | GenerateRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<ImportRequest> & Partial<GenerateRequest>;
  if (typeof m.id !== 'number') return false;
  if (m.type === 'generate') return [m.nodes, m.podsPerNode, m.seed].every((n) => Number.isInteger(n));
  return m.type === 'import' && Array.isArray(m.sources);
}

/**
 * Handles one message: anything but a well-formed import request is answered with an error result
 * (id -1 when the message has none), never with an exception.
 */
export function handleImportMessage(message: unknown, post: (response: ImportResponse) => void): void {
  if (!isRequest(message)) {
    const id = typeof (message as { id?: unknown } | null)?.id === 'number' ? (message as { id: number }).id : -1;
    post({ type: 'result', id, ok: false, errors: [{ severity: 'error', source: 'worker', message: 'Not an import request.' }], warnings: [] });
    return;
  }
  const { id } = message;
  const onProgress = (progress: ImportProgress): void => post({ type: 'progress', id, progress });
  const result =
    message.type === 'generate'
      ? loadManifests([generatedSource(message.nodes, message.podsPerNode, message.seed)], { onProgress })
      : // users paste Ingresses without their controller: add ingress-nginx as the CLI does, with a warning
        loadManifests(message.sources, { addIngressController: true, onProgress });
  if (result.ok) {
    post({ type: 'result', id, ok: true, cluster: result.cluster, spec: result.spec, warnings: result.warnings, ignored: result.ignored });
  } else {
    post({ type: 'result', id, ok: false, errors: result.errors, warnings: result.warnings });
  }
}
