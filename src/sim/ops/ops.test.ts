/**
 * The pod operations keep what they remember (host-local's last address per node, the count of
 * pods they created) in the cluster itself, so a copied cluster behaves like the original: a cluster
 * sent through structuredClone (a worker, a link) or JSON gets the same next addresses and names.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { Cluster } from '../model/types';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { applyOp } from './index';
import type { ClusterOp } from './index';

const OPS: ClusterOp[] = [
  { op: 'scaleDeployment', deployment: 'default/web', replicas: 5 },
  { op: 'deletePod', pod: 'default/client' },
  { op: 'nodeDown', node: 'node-b' },
  { op: 'scaleDeployment', deployment: 'default/web', replicas: 7 },
];

const addresses = (c: Cluster): string[] => c.pods.map((p) => `${p.namespace}/${p.name} ${p.node} ${p.ip}`);

describe('applyOp on a copied cluster', () => {
  it('gives the same pods, names and addresses as on the original, op after op', () => {
    let original = buildCluster(defaultClusterSpec);
    let cloned = structuredClone(original);
    let viaJson = JSON.parse(JSON.stringify(original)) as Cluster;
    for (const op of OPS) {
      original = applyOp(original, op);
      cloned = applyOp(structuredClone(cloned), op);
      viaJson = applyOp(JSON.parse(JSON.stringify(viaJson)) as Cluster, op);
      expect(addresses(cloned)).toEqual(addresses(original));
      expect(addresses(viaJson)).toEqual(addresses(original));
      expect(cloned).toEqual(original);
    }
    // the operations did create pods, so the memory mattered
    expect(original.ipam?.created).toBeGreaterThan(0);
  });

  it('hands out the address after the last one, not a freed one', () => {
    const c = buildCluster(defaultClusterSpec);
    const scaled = applyOp(c, { op: 'scaleDeployment', deployment: 'default/web', replicas: 4 });
    const added = scaled.pods.find((p) => !c.pods.some((q) => q.name === p.name))!;
    const shrunk = applyOp(structuredClone(scaled), { op: 'scaleDeployment', deployment: 'default/web', replicas: 3 });
    const again = applyOp(structuredClone(shrunk), { op: 'scaleDeployment', deployment: 'default/web', replicas: 4 });
    const readded = again.pods.find((p) => !shrunk.pods.some((q) => q.name === p.name))!;
    if (readded.node === added.node) expect(readded.ip).not.toBe(added.ip);
    expect(readded.name).not.toBe(added.name);
  });
});
