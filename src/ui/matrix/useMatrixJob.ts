/**
 * Runs one matrix job at a time in the matrix worker: progress by rows, a result, and cancel (the
 * worker is terminated: its loop never yields, so a message could not stop it). A new selection
 * while a job runs ends that job the same way and starts the new one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Cluster } from '../../sim/model/types';
import type { CompactMatrix } from '../../sim/matrix/compact';
import type { MatrixPort, MatrixVia, PodSelection } from '../../sim/matrix/matrix';
import type { MatrixJobRequest, MatrixJobResponse } from '../../sim/matrix/protocol';

export interface MatrixJob {
  from: PodSelection;
  to: PodSelection;
  ports: MatrixPort[] | 'declared';
  via: MatrixVia;
}

export type MatrixJobState =
  | { status: 'idle' }
  | { status: 'running'; rows: number; of: number }
  | { status: 'done'; matrix: CompactMatrix; ms: number; cluster: Cluster; key: string }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

export const createMatrixWorker = (): Worker =>
  new Worker(new URL('./matrixWorker.ts', import.meta.url), { type: 'module', name: 'matrix' });

export function useMatrixJob(
  cluster: Cluster,
  job: MatrixJob | null,
  createWorker: () => Worker = createMatrixWorker,
): { state: MatrixJobState; cancel: () => void; restart: () => void } {
  const [state, setState] = useState<MatrixJobState>({ status: 'idle' });
  const [round, setRound] = useState(0);
  const worker = useRef<Worker | null>(null);
  const running = useRef(false);
  const nextId = useRef(0);
  const key = job === null ? '' : JSON.stringify(job);

  const stop = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    running.current = false;
  }, []);

  useEffect(() => {
    if (key === '') {
      setState({ status: 'idle' });
      return undefined;
    }
    const request = JSON.parse(key) as MatrixJob;
    // a job still running is abandoned with its worker: the new one starts on a fresh worker
    if (running.current) stop();
    const w = worker.current ?? createWorker();
    worker.current = w;
    const id = ++nextId.current;
    running.current = true;
    setState({ status: 'running', rows: 0, of: 0 });
    w.onmessage = (event: MessageEvent<MatrixJobResponse>) => {
      const answer = event.data;
      if (answer.id !== id) return;
      if (answer.type === 'progress') {
        setState({ status: 'running', rows: answer.rows, of: answer.of });
        return;
      }
      running.current = false;
      setState(
        answer.ok
          ? { status: 'done', matrix: answer.matrix, ms: answer.ms, cluster, key }
          : { status: 'error', message: answer.message },
      );
    };
    w.onerror = (event) => {
      running.current = false;
      setState({ status: 'error', message: event.message || 'the matrix worker failed' });
    };
    const message: MatrixJobRequest = { type: 'matrix', id, cluster, ...request };
    w.postMessage(message);
    return undefined;
  }, [cluster, key, round, createWorker, stop]);

  // the worker goes with the view
  useEffect(() => stop, [stop]);

  const cancel = useCallback(() => {
    if (!running.current) return;
    stop();
    setState({ status: 'cancelled' });
  }, [stop]);
  const restart = useCallback(() => setRound((r) => r + 1), []);
  return { state, cancel, restart };
}
