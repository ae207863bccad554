/**
 * The matrix worker's protocol: the page posts a cluster and a selection, the worker answers with
 * progress by rows and one compact matrix (its typed arrays transferred, not copied). Pure and
 * transport-free, so that the worker's glue is three lines and this is unit-tested in Node.
 */
import type { Cluster } from '../model/types';
import { computeCompactMatrix } from './compact';
import type { CompactMatrix } from './compact';
import type { MatrixPort, MatrixVia, PodSelection } from './matrix';

export interface MatrixJobRequest {
  type: 'matrix';
  /** echoed in every answer, so that the page can drop answers to jobs it superseded */
  id: number;
  cluster: Cluster;
  from: PodSelection;
  to: PodSelection;
  /** these ports, or every port some destination declares */
  ports: MatrixPort[] | 'declared';
  via?: MatrixVia;
}

export type MatrixJobResponse =
  | { type: 'progress'; id: number; rows: number; of: number }
  | { type: 'result'; id: number; ok: true; matrix: CompactMatrix; ms: number }
  | { type: 'result'; id: number; ok: false; message: string };

function isRequest(message: unknown): message is MatrixJobRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<MatrixJobRequest>;
  return (
    m.type === 'matrix' &&
    typeof m.id === 'number' &&
    typeof m.cluster === 'object' &&
    m.cluster !== null &&
    (Array.isArray(m.ports) || m.ports === 'declared') &&
    (m.via === undefined || m.via === 'pod' || m.via === 'service')
  );
}

/**
 * Handles one message. Anything but a well-formed job is answered with an error result (id -1 when
 * it has none), never with an exception; so is a selection that does not parse.
 */
export function handleMatrixMessage(
  message: unknown,
  post: (response: MatrixJobResponse, transfer?: ArrayBuffer[]) => void,
  now: () => number = () => Date.now(),
): void {
  if (!isRequest(message)) {
    const id = typeof (message as { id?: unknown } | null)?.id === 'number' ? (message as { id: number }).id : -1;
    post({ type: 'result', id, ok: false, message: 'not a matrix job' });
    return;
  }
  const { id } = message;
  try {
    const t0 = now();
    const matrix = computeCompactMatrix(
      message.cluster,
      { from: message.from, to: message.to, ports: message.ports, via: message.via ?? 'pod' },
      { onProgress: (rows, of) => post({ type: 'progress', id, rows, of }), every: 20 },
    );
    post({ type: 'result', id, ok: true, matrix, ms: now() - t0 }, [matrix.verdicts.buffer, matrix.decisions.buffer]);
  } catch (error) {
    post({ type: 'result', id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}
