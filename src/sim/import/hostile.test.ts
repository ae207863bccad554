/**
 * Hostile and malformed input the importer must refuse, or accept with a warning, saying what and
 * where: each case names the field, and the line where the text gives one.
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from './index';
import type { ImportResult } from './index';
import { MAX_PODS } from '../model/build';
import { buildCluster } from '../model/build';
import { applyOp, ClusterOpError } from '../ops/index';

const load = (text: string, name = 'editor'): ImportResult => loadManifests([{ name, text }]);
function failed(result: ImportResult): Extract<ImportResult, { ok: false }> {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** The 5 KB share link of the issue: 400 Nodes and one Deployment of 100,000 replicas. */
function bigCluster(replicas: number, nodes = 400): string {
  const nodeDocs = Array.from(
    { length: nodes },
    (_, i) =>
      `apiVersion: v1\nkind: Node\nmetadata:\n  name: n${i}\nspec:\n  podCIDR: 10.${100 + (i >> 8)}.${i & 255}.0/24\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 192.168.${i >> 7}.${(i & 127) + 1}`,
  );
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: web
        image: nginx`;
  return [...nodeDocs, deployment].join('\n---\n');
}

describe('the size of the cluster an input builds', () => {
  it(`refuses more than MAX_PODS (${MAX_PODS}) pods before building any, naming the workload and spec.replicas`, () => {
    const text = bigCluster(100_000);
    const started = performance.now();
    const { errors } = failed(load(text));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      object: 'Deployment default/web',
      field: 'spec.replicas',
      line: lineOf(text, 'replicas: 100000'),
    });
    expect(errors[0]!.message).toMatch(/100,0\d\d pods, more than the 20,000 .*MAX_PODS.*asks for 100,000 pods/);
  });

  it('still builds a cluster at the limit', () => {
    const result = load(bigCluster(MAX_PODS - 2, 100));
    expect(result.ok && result.cluster.pods.length).toBe(MAX_PODS);
  });

  it('refuses to scale a Deployment past the limit (an operation in a link)', () => {
    const template = (app: string) => ({ labels: { app }, containers: [{ name: 'c', ports: [] }] });
    const cluster = buildCluster({
      nodes: Array.from({ length: 100 }, (_, i) => ({ name: `n${i}`, podCIDR: `10.244.${i}.0/24` })),
      workloads: [
        { kind: 'Deployment', name: 'big', replicas: MAX_PODS - 600, template: template('big') },
        { kind: 'Deployment', name: 'small', replicas: 1, template: template('small') },
      ],
    });
    const scale = (replicas: number) =>
      applyOp(cluster, { op: 'scaleDeployment', deployment: 'default/small', replicas });
    expect(() => scale(1000)).toThrow(ClusterOpError);
    expect(() => scale(1000)).toThrow(/MAX_PODS/);
    expect(scale(3).pods.length).toBe(cluster.pods.length + 2);
  });
});
