import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { compactMatrixCsv, matrixCsv } from './csv';
import { computeMatrix } from './matrix';
import { netpolTruthTableSpec } from './netpolTruthTable';
import { handleMatrixMessage } from './protocol';
import type { MatrixJobResponse } from './protocol';

const cluster = buildCluster(
  netpolTruthTableSpec([
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'x' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ]),
);
const ports = [
  { port: 80, protocol: 'tcp' as const },
  { port: 81, protocol: 'udp' as const },
];

function run(message: unknown): { answers: MatrixJobResponse[]; transfers: ArrayBuffer[][] } {
  const answers: MatrixJobResponse[] = [];
  const transfers: ArrayBuffer[][] = [];
  handleMatrixMessage(message, (r, t) => {
    answers.push(r);
    transfers.push(t ?? []);
  });
  return { answers, transfers };
}

describe('handleMatrixMessage', () => {
  it('answers a job with progress by rows, then the compact matrix, its arrays transferred', () => {
    const { answers, transfers } = run({ type: 'matrix', id: 7, cluster, from: {}, to: { namespace: 'x' }, ports });
    const progress = answers.filter((a) => a.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', id: 7, rows: 11, of: 11 });
    const result = answers.at(-1);
    if (result?.type !== 'result' || !result.ok) throw new Error('no result');
    expect(result.id).toBe(7);
    expect(result.matrix.verdicts).toHaveLength(11 * 3 * 2);
    expect(transfers.at(-1)).toEqual([result.matrix.verdicts.buffer, result.matrix.decisions.buffer]);
    // the CSV of the compact matrix is the CLI's, byte for byte
    expect(compactMatrixCsv(result.matrix)).toBe(matrixCsv(computeMatrix(cluster, { to: { namespace: 'x' }, ports })));
  });

  it('answers what is not a job, and a selector that does not parse, with an error result', () => {
    expect(run('hello').answers).toEqual([{ type: 'result', id: -1, ok: false, message: 'not a matrix job' }]);
    expect(run({ type: 'matrix', id: 3 }).answers).toEqual([
      { type: 'result', id: 3, ok: false, message: 'not a matrix job' },
    ]);
    const bad = run({ type: 'matrix', id: 4, cluster, from: { selector: 'a=b=c' }, to: {}, ports }).answers;
    expect(bad).toEqual([{ type: 'result', id: 4, ok: false, message: expect.stringContaining('selector') }]);
  });
});
