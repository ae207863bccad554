import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { trace } from '../resolve/trace';
import { SCENARIOS, findScenario } from './catalog';

describe('built-in scenarios', () => {
  it('have unique, stable, URL-safe ids', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    for (const id of ['container-to-container', 'pod-to-pod-same-node', 'pod-to-pod-cross-node']) expect(ids).toContain(id);
  });

  it('each traces to the outcome its explanation tells', () => {
    for (const s of SCENARIOS) {
      const t = trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
      expect(t.verdict, s.id).toBe('delivered');
    }
    const c2c = findScenario('container-to-container')!;
    expect(trace(buildCluster(c2c.spec), c2c.request).hops.map((h) => h.kind)).toEqual(['socket', 'loopback', 'deliver']);
    const same = findScenario('pod-to-pod-same-node')!;
    expect(trace(buildCluster(same.spec), same.request).hops.some((h) => h.kind === 'encap')).toBe(false);
    const cross = findScenario('pod-to-pod-cross-node')!;
    const crossTrace = trace(buildCluster(cross.spec), cross.request);
    expect(crossTrace.hops.some((h) => h.kind === 'encap')).toBe(true);
    expect(crossTrace.endpoint?.pod).toMatch(/^default\/web-/);
    expect(findScenario('nope')).toBeNull();
  });
});
