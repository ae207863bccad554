import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { matrixCsv, matrixJson, rowsOfCompact, rowsOfMatrix } from './serialize';
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
    // the CSV and JSON of the compact matrix are the CLI's, byte for byte
    const full = computeMatrix(cluster, { to: { namespace: 'x' }, ports });
    expect(matrixCsv(rowsOfCompact(result.matrix))).toBe(matrixCsv(rowsOfMatrix(full)));
    expect(matrixJson(rowsOfCompact(result.matrix))).toBe(matrixJson(rowsOfMatrix(full)));
  });

  it('computes every declared port through the Services when asked', () => {
    const { answers } = run({ type: 'matrix', id: 8, cluster, from: {}, to: {}, ports: 'declared', via: 'service' });
    const result = answers.at(-1);
    if (result?.type !== 'result' || !result.ok) throw new Error('no result');
    expect(result.matrix.via).toBe('service');
    expect(result.matrix.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual([
      '53/tcp',
      '53/udp',
      '80/tcp',
      '80/udp',
      '81/tcp',
      '81/udp',
      '9153/tcp',
    ]);
    // CoreDNS's ports are kube-dns's: every destination has a Service, so nothing is skipped
    expect(result.matrix.skipped).toBe(0);
    expect(run({ type: 'matrix', id: 9, cluster, from: {}, to: {}, ports, via: 'vip' }).answers[0]).toMatchObject({
      ok: false,
    });
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
