import { describe, expect, it } from 'vitest';
import { generateRecipe, loadGeneratedCluster, parseGenerateParam } from './generateParam';
import { generatedServiceCount, generatedSource } from '../sim/generate/generateCluster';
import { loadManifests } from '../sim/import';

describe('parseGenerateParam', () => {
  it('reads <nodes>x<podsPerNode>', () => {
    expect(parseGenerateParam('?generate=100x50')).toEqual({ kind: 'ok', nodes: 100, podsPerNode: 50, policies: 0 });
    expect(parseGenerateParam('?embed=1')).toEqual({ kind: 'none' });
  });

  it('reads policies=N beside it, and writes the recipe back the same way', () => {
    const param = parseGenerateParam('?generate=50x20&policies=200');
    expect(param).toEqual({ kind: 'ok', nodes: 50, podsPerNode: 20, policies: 200 });
    if (param.kind !== 'ok') throw new Error('not ok');
    expect(generateRecipe(param)).toBe('50x20&policies=200');
    expect(parseGenerateParam(`?generate=${generateRecipe(param)}`)).toEqual(param);
    expect(generateRecipe({ nodes: 3, podsPerNode: 4, policies: 0 })).toBe('3x4');
    for (const bad of ['abc', '-1', '1001', '1e3', '']) {
      const result = parseGenerateParam(`?generate=5x5&policies=${bad}`);
      expect(result, bad).toMatchObject({ kind: 'error', message: expect.stringContaining('policies=') });
    }
  });

  it('rejects malformed and oversized values with a message', () => {
    for (const bad of [
      '?generate=abc',
      '?generate=10',
      '?generate=10x',
      '?generate=-1x5',
      '?generate=0x5',
      '?generate=201x10',
      '?generate=10x101',
      '?generate=1e3x1',
    ]) {
      const result = parseGenerateParam(bad);
      expect(result.kind, bad).toBe('error');
    }
    expect(parseGenerateParam('?generate=500x10')).toMatchObject({
      message: expect.stringContaining('1 to 200 nodes'),
    });
  });
});

describe('loadGeneratedCluster', () => {
  it("builds the cluster that loading the generator's JSON gives, with the sizes asked for", async () => {
    const { cluster, spec } = await loadGeneratedCluster(3, 4, 1);
    // the workers' pods plus the two CoreDNS pods; the generated Services plus kubernetes and kube-dns
    expect(cluster.pods).toHaveLength(3 * 4 + 2);
    expect(cluster.services).toHaveLength(generatedServiceCount(3, 4) + 2);
    expect(cluster.nodes.map((n) => n.name)).toEqual(['control-plane', 'worker-001', 'worker-002', 'worker-003']);
    const here = loadManifests([generatedSource(3, 4, 1)]);
    expect(here.ok && here.cluster).toEqual(cluster);
    expect(here.ok && here.spec).toEqual(spec);
  });

  it('gives a different cluster for another seed', async () => {
    const [a, b] = await Promise.all([loadGeneratedCluster(3, 4, 1), loadGeneratedCluster(3, 4, 2)]);
    expect(JSON.stringify(a.cluster)).not.toBe(JSON.stringify(b.cluster));
  });
});
