/**
 * The contract of the manifest importer: Kubernetes objects (YAML or JSON text) in, a Cluster out,
 * with every problem located at the object, the field and, for text, the line and column.
 */
import type { ClusterSpec } from '../model/build';
import type { Cluster } from '../model/types';

export interface ManifestSource {
  /** a file name, or a label such as `editor` for pasted text */
  name: string;
  text: string;
}

export interface ImportProblem {
  severity: 'error' | 'warning';
  message: string;
  /** which input it came from */
  source: string;
  /** 1-based, when the problem can be placed in text */
  line?: number;
  column?: number;
  /** the object, as `Kind namespace/name` */
  object?: string;
  /** the field path inside the object, as `spec.ports[0].targetPort` */
  field?: string;
}

export type ImportResult =
  | {
      ok: true;
      cluster: Cluster;
      /** the description the cluster was built from (what later layers and links replay) */
      spec: ClusterSpec;
      warnings: ImportProblem[];
      /** kinds that were recognised as Kubernetes objects but are not simulated, with counts */
      ignored: Record<string, number>;
    }
  | { ok: false; errors: ImportProblem[]; warnings: ImportProblem[] };
