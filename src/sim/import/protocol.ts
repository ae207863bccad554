/**
 * The import worker's protocol: the app posts manifests, the worker answers with progress and one
 * result. Pure and transport-free, so the worker's glue is three lines and this is unit-tested.
 */
import type { ClusterSpec } from '../model/build';
import type { Cluster } from '../model/types';
import { loadManifests } from './index';
import type { ImportProgress } from './index';
import type { ImportProblem, ManifestSource } from './types';

export interface ImportRequest {
  type: 'import';
  /** echoed in every answer, so that the client can drop answers to requests it superseded */
  id: number;
  sources: ManifestSource[];
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

function isRequest(message: unknown): message is ImportRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<ImportRequest>;
  return typeof m.id === 'number' && m.type === 'import' && Array.isArray(m.sources);
}

/**
 * Handles one message: anything but a well-formed import request is answered with an error result
 * (id -1 when the message has none), never with an exception.
 */
export function handleImportMessage(message: unknown, post: (response: ImportResponse) => void): void {
  if (!isRequest(message)) {
    const id = typeof (message as { id?: unknown } | null)?.id === 'number' ? (message as { id: number }).id : -1;
    post({
      type: 'result',
      id,
      ok: false,
      errors: [{ severity: 'error', source: 'worker', message: 'Not an import request.' }],
      warnings: [],
    });
    return;
  }
  const { id } = message;
  const onProgress = (progress: ImportProgress): void => post({ type: 'progress', id, progress });
  // users paste Ingresses without their controller: add ingress-nginx as the CLI does, with a warning
  const result = loadManifests(message.sources, { addIngressController: true, onProgress });
  if (result.ok) {
    post({
      type: 'result',
      id,
      ok: true,
      cluster: result.cluster,
      spec: result.spec,
      warnings: result.warnings,
      ignored: result.ignored,
    });
  } else {
    post({ type: 'result', id, ok: false, errors: result.errors, warnings: result.warnings });
  }
}
