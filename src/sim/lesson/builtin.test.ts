import { describe, expect, it } from 'vitest';
import { applyOps } from '../ops/index';
import { buildCluster } from '../model/build';
import { findScenario } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { flattenHops } from '../trace/types';
import { lookup } from '../model/lookup';
import { BUILTIN_LESSONS, KUBERNETES_NETWORKING } from './builtin';
import { lastStepOf } from './format';

describe('the built-in lesson', () => {
  it('walks the four scenarios in the order the issue lists', () => {
    expect(KUBERNETES_NETWORKING.stops.map((s) => s.scenario)).toEqual([
      'pod-to-pod-cross-node',
      'container-to-container',
      'pod-to-pod-same-node',
      'pod-to-pod-cross-node',
      'pod-to-pod-cross-node',
      'pod-to-service',
      'pod-to-service',
      'pod-to-service',
      'nodeport-cluster',
      'loadbalancer',
      'ingress',
      'egress',
    ]);
  });

  for (const lesson of BUILTIN_LESSONS)
    lesson.stops.forEach((stop, i) => {
      it(`${lesson.id} stop ${i + 1}: its scenario, operations, steps and camera exist`, () => {
        expect(stop.shared, 'a built-in stop names a built-in scenario').toBeUndefined();
        const scenario = findScenario(stop.scenario ?? '');
        expect(scenario).not.toBeNull();
        if (!scenario) return;
        const cluster = applyOps(buildCluster(scenario.spec), stop.ops ?? []);
        const pins = stop.ops ? [] : (scenario.pick ?? []);
        const t = trace(cluster, stop.request ?? scenario.request, { seed: scenario.seed ?? 1, pick: pins });
        const steps = flattenHops(t);
        expect(lastStepOf(stop)).toBeLessThan(steps.length);
        if (Array.isArray(stop.camera)) {
          const lk = lookup(cluster);
          for (const id of stop.camera as string[]) {
            const known =
              steps.some((h) => h.at === id) ||
              lk.nodeByName.has(id.replace(/^node\//, '')) ||
              lk.serviceByKey.has(id.replace(/^svc\//, ''));
            expect(known, id).toBe(true);
          }
        }
      });
    });

  it('deleting the chosen web pod keeps the ClusterIP and changes the endpoint', () => {
    const stop = KUBERNETES_NETWORKING.stops[7];
    const scenario = findScenario('pod-to-service');
    if (!stop || !scenario) throw new Error('missing');
    const before = buildCluster(scenario.spec);
    const after = applyOps(before, stop.ops ?? []);
    const vip = (c: typeof before) => c.services.find((s) => s.name === 'web')?.clusterIP;
    expect(vip(after)).toBe(vip(before));
    const t0 = trace(before, scenario.request, { seed: 1, pick: scenario.pick ?? [] });
    const t1 = trace(after, scenario.request, { seed: 1, pick: [] });
    expect(t0.endpoint?.pod).toBe('default/web-8rdbl7jt4z-w2bsc');
    expect(t1.endpoint?.pod).not.toBe('default/web-8rdbl7jt4z-w2bsc');
    expect(t1.candidates.map((c) => c.pod)).not.toContain('default/web-8rdbl7jt4z-w2bsc');
    expect(t1.verdict).toBe('delivered');
  });
});
