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
    // the topics in order; a stop added between them (a Gateway stop after the Ingress) keeps this true
    const order = [
      'pod-to-pod-cross-node',
      'container-to-container',
      'pod-to-pod-same-node',
      'pod-to-service',
      'nodeport-cluster',
      'loadbalancer',
      'ingress',
      'gateway',
      'egress',
    ];
    const seen = KUBERNETES_NETWORKING.stops.map((s) => s.scenario ?? '');
    const firsts = order.map((id) => seen.indexOf(id));
    expect(firsts.every((i) => i >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    expect(seen.at(-1)).toBe('egress');
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
        // every address a caption or answer names is one the cluster or this packet's trace has
        const known = new Set<string>();
        for (const text of [
          ...steps.map((h) => h.text),
          ...cluster.pods.map((p) => p.ip ?? ''),
          ...cluster.nodes.map((n) => n.internalIP),
          ...cluster.services.map((s) => s.clusterIP ?? ''),
        ])
          for (const ip of text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []) known.add(ip);
        for (const text of [stop.caption, stop.question?.text ?? '', stop.question?.answer ?? ''])
          for (const ip of text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []) expect(known, `${ip} in “${text}”`).toContain(ip);
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

  /** The kinds of hop a stop's own steps show (from `step` to its last). */
  const kindsAt = (index: number): string[] => {
    const stop = KUBERNETES_NETWORKING.stops[index];
    const scenario = findScenario(stop?.scenario ?? '');
    if (!stop || !scenario) throw new Error('missing');
    const cluster = applyOps(buildCluster(scenario.spec), stop.ops ?? []);
    const t = trace(cluster, stop.request ?? scenario.request, {
      seed: scenario.seed ?? 1,
      pick: stop.ops ? [] : (scenario.pick ?? []),
    });
    return flattenHops(t)
      .slice(stop.step, lastStepOf(stop) + 1)
      .map((h) => `${h.kind} ${h.text}`);
  };
  const indexOf = (id: string): number => KUBERNETES_NETWORKING.stops.findIndex((s) => s.scenario === id);

  it('each stop shows what its caption says, under the default settings', () => {
    // the Ingress: NGINX ends the client's connection, reads host and path, opens its own to a pod IP
    const ingress = kindsAt(indexOf('ingress'));
    expect(ingress.some((k) => k.startsWith('proxy ') && /ends the client's TCP connection/.test(k))).toBe(true);
    expect(ingress.some((k) => /opens its own TCP connection .* to the endpoint/.test(k))).toBe(true);
    // the Gateway: Envoy reads the request from the client's own address and connects to a pod IP
    const gateway = kindsAt(indexOf('gateway'));
    expect(gateway.some((k) => k.startsWith('deliver ') && /from 203\.0\.113\.10:/.test(k))).toBe(true);
    expect(gateway.some((k) => k.startsWith('proxy ') && /ends the client's TCP connection/.test(k))).toBe(true);
    expect(gateway.some((k) => /opens its own TCP connection .* to the endpoint/.test(k))).toBe(true);
    // egress: the masquerade on the way out and conntrack's un-SNAT of the answer
    const egress = kindsAt(indexOf('egress'));
    expect(egress.some((k) => /masquerades the packet to 192\.168\.10\.11/.test(k))).toBe(true);
    expect(egress.some((k) => k.startsWith('conntrack ') && /un-SNAT/.test(k))).toBe(true);
    // the flat network's stop: no NAT between pods, the VXLAN stop wraps and unwraps
    const vxlan = kindsAt(3);
    expect(vxlan.some((k) => k.startsWith('encap '))).toBe(true);
    expect(vxlan.some((k) => k.startsWith('decap '))).toBe(true);
    // the NodePort stop masquerades; the ClusterIP stop DNATs on the client's node (node-a)
    expect(kindsAt(indexOf('nodeport-cluster')).some((k) => /masquerades the marked packet/.test(k))).toBe(true);
    expect(kindsAt(indexOf('pod-to-service')).some((k) => /^netfilter .*DNAT rewrites/.test(k))).toBe(true);
  });

  it('the deleted pod’s replacement is the one the caption names, on node-b', () => {
    const scenario = findScenario('pod-to-service');
    const stop = KUBERNETES_NETWORKING.stops[7];
    if (!scenario || !stop) throw new Error('missing');
    const after = applyOps(buildCluster(scenario.spec), stop.ops ?? []);
    const before = new Set(buildCluster(scenario.spec).pods.map((p) => p.name));
    const fresh = after.pods.filter((p) => !before.has(p.name));
    expect(fresh.map((p) => [p.node, p.ip])).toEqual([['node-b', '10.244.2.4']]);
    const t = trace(after, scenario.request, { seed: 1, pick: [] });
    expect(t.endpoint?.pod).toBe('default/web-8rdbl7jt4z-8rtdn');
    expect(stop.caption).toContain('10.244.2.4');
    expect(stop.caption).toContain('10.244.1.4');
  });
});
