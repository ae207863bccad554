import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { trace } from '../resolve/trace';
import { SCENARIOS, findScenario } from './catalog';

describe('built-in scenarios', () => {
  it('have unique, stable, URL-safe ids', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    for (const id of ['container-to-container', 'pod-to-pod-same-node', 'pod-to-pod-cross-node', 'pod-to-service', 'pod-to-service-dns', 'nodeport-cluster', 'nodeport-local', 'loadbalancer']) {
      expect(ids).toContain(id);
    }
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
    const run = (id: string) => {
      const s = findScenario(id)!;
      return trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
    };
    const svc = run('pod-to-service');
    expect(svc.hops.some((h) => h.nat?.type === 'DNAT')).toBe(true);
    expect(svc.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.2:/);
    expect(svc.candidates).toHaveLength(3);
    const dns = run('pod-to-service-dns');
    expect(dns.dns?.queries[0]?.name).toBe('web.default.svc.cluster.local');
    const np = run('nodeport-cluster');
    expect(np.endpoint?.pod).toMatch(/^default\/web-/);
    expect(np.hops.some((h) => h.nat && h.nat.type !== 'DNAT')).toBe(true);
    expect(np.hops.at(-1)!.packet.src).not.toMatch(/^203\.0\.113\.10/);
    const local = run('nodeport-local');
    expect(local.hops.at(-1)!.packet.src).toMatch(/^203\.0\.113\.10/);
    expect(run('loadbalancer').hops.some((h) => h.at === 'lb/default/web-lb')).toBe(true);
  });
});
