import { describe, expect, it } from 'vitest';
import * as engine from '../../sim/engine';
import { SCENARIOS, findScenario } from '../../sim';
import { createVizStore } from '../../store/createVizStore';
import { decodeShare, encodeShare } from './linkCodec';
import { contentOf, prepareShare, showShare } from './snapshot';
import type { Provenance } from './snapshot';

const podsOf = (store: ReturnType<typeof createVizStore>) =>
  store
    .getState()
    .cluster.pods.map((p) => `${p.namespace}/${p.name} ${p.ip} ${p.node}`)
    .sort();

describe('what a link holds', () => {
  it('a built-in scenario at a step is an #example link', () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(SCENARIOS[2]!, 3);
    store.getState().setPlayback(3, false);
    expect(contentOf(store.getState(), { generated: null })).toEqual({
      kind: 'example',
      id: SCENARIOS[2]!.id,
      step: 3,
      renumbered: false,
    });
  });

  it('a changed cluster is its manifests and ops, and opens to the same pods, trace, step and selection', async () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('pod-to-service') ?? SCENARIOS[0]!;
    store.getState().loadScenario(scenario);
    const victim = store
      .getState()
      .cluster.pods.find((p) => p.owner?.startsWith('Deployment/') && p.namespace === 'default')!;
    expect(store.getState().applyClusterOps([{ op: 'deletePod', pod: `${victim.namespace}/${victim.name}` }])).toBe(
      true,
    );
    store.getState().setPlayback(2, false);
    store.getState().select(`node/${victim.node}`);
    const content = contentOf(store.getState(), { generated: null });
    expect(content.kind).toBe('payload');
    if (content.kind !== 'payload') return;
    expect(content.payload.ops).toEqual([{ op: 'deletePod', pod: `${victim.namespace}/${victim.name}` }]);
    // manifests describe the cluster before the ops: the replacement pod is not among them
    expect(JSON.stringify(content.payload)).not.toContain('"managedFields"');

    const decoded = await decodeShare(await encodeShare(content.payload));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const other = createVizStore({ engine });
    showShare(other, decoded.payload, await prepareShare(decoded.payload));
    expect(podsOf(other)).toEqual(podsOf(store));
    expect(other.getState().trace?.endpoint).toEqual(store.getState().trace?.endpoint);
    expect(other.getState().startStep).toBe(2);
    expect(other.getState().selection).toBe(`node/${victim.node}`);
    // and the link written there carries the same ops again
    const again = contentOf(other.getState(), { generated: null });
    expect(again.kind === 'payload' && again.payload.ops).toEqual(content.payload.ops);
  });

  it('settings switched in the app travel with the link', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(SCENARIOS[2]!);
    store.getState().setSettings({ proxyMode: 'ipvs' });
    const content = contentOf(store.getState(), { generated: null });
    if (content.kind !== 'payload') throw new Error('expected a payload');
    const prepared = await prepareShare(content.payload);
    expect(prepared.cluster.settings.proxyMode).toBe('ipvs');
  });

  it('a scenario after a proxy and CNI switch reopens as that scenario, at its step, in its settings', async () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('pod-to-service')!;
    store.getState().loadScenario(scenario);
    store.getState().setSettings({ proxyMode: 'ipvs' });
    store.getState().setSettings({ cni: { kind: 'flannel', backend: 'host-gw', ipMasq: true } });
    store.getState().setPlayback(5, false);
    const content = contentOf(store.getState(), { generated: null });
    if (content.kind !== 'payload') throw new Error('expected a payload');
    expect(content.payload.scenario).toBe('pod-to-service');

    const decoded = await decodeShare(await encodeShare(content.payload));
    if (!decoded.ok) throw new Error(decoded.message);
    const other = createVizStore({ engine });
    showShare(other, decoded.payload, await prepareShare(decoded.payload));
    expect(other.getState().scenario?.id).toBe('pod-to-service');
    expect(other.getState().startStep).toBe(5);
    expect(other.getState().cluster.settings.proxyMode).toBe('ipvs');
    expect(other.getState().cluster.settings.cni).toEqual({ kind: 'flannel', backend: 'host-gw', ipMasq: true });
    expect(other.getState().trace?.endpoint).toEqual(store.getState().trace?.endpoint);
    expect(other.getState().trace?.hops.map((h) => h.kind)).toEqual(store.getState().trace?.hops.map((h) => h.kind));
    // the link made there names the scenario again
    const again = contentOf(other.getState(), { generated: null });
    expect(again.kind === 'payload' && again.payload.scenario).toBe('pod-to-service');
  });

  it('a cluster of the user’s own names no scenario, and an unknown scenario id opens without one', async () => {
    const store = createVizStore({ engine });
    store.getState().sendPacket({ from: 'pod/default/client', to: 'svc/default/web' });
    const content = contentOf(store.getState(), { generated: null }, { forcePayload: true });
    if (content.kind !== 'payload') throw new Error('expected a payload');
    expect(content.payload.scenario).toBeUndefined();
    const other = createVizStore({ engine });
    const payload = { ...content.payload, scenario: 'no-such-scenario' };
    showShare(other, payload, await prepareShare(payload));
    expect(other.getState().scenario).toBeNull();
    expect(other.getState().trace?.verdict).toBe('delivered');
  });

  it('a generated cluster is its recipe, not its pods', async () => {
    const prepared = await prepareShare({
      v: 1,
      generate: '3x2',
      ops: [],
      settings: {},
      request: null,
      seed: 4,
      pick: [],
      step: null,
      selection: null,
    });
    const store = createVizStore({
      engine,
      cluster: prepared.cluster,
      ...(prepared.spec ? { spec: prepared.spec } : {}),
    });
    const provenance: Provenance = { generated: prepared.generated };
    const content = contentOf(store.getState(), provenance);
    expect(content).toMatchObject({ kind: 'payload', payload: { generate: '3x2', seed: 4 } });
    expect(JSON.stringify(content).length).toBeLessThan(300);
  });

  it('objects that do not build a cluster are an error with a message', async () => {
    await expect(
      prepareShare({
        v: 1,
        manifests: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: 7 }],
        ops: [],
        settings: {},
        request: null,
        seed: 1,
        pick: [],
        step: null,
        selection: null,
      }),
    ).rejects.toThrow(/do not build a cluster/);
  });

  it('a link carrying an old netviz.io load-balancer annotation opens with ipMode Proxy and a notice', async () => {
    const prepared = await prepareShare({
      v: 1,
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'elb', namespace: 'default', annotations: { 'netviz.io/ip-mode': 'Proxy' } },
          spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
          status: { loadBalancer: { ingress: [{ ip: '198.51.100.20' }] } },
        },
      ],
      ops: [],
      settings: {},
      request: null,
      seed: 1,
      pick: [],
      step: null,
      selection: null,
    });
    const elb = prepared.cluster.services.find((s) => s.name === 'elb')!;
    expect(elb.loadBalancerIPMode).toBe('Proxy');
    expect(elb.annotations).toEqual({});
    expect(prepared.notices.join(' ')).toMatch(
      /old k8s-netviz annotation: Service default\/elb .*netviz\.io\/ip-mode.*ipMode: Proxy/,
    );
  });
});
