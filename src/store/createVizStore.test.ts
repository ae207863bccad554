import { describe, expect, it } from 'vitest';
import { findScenario } from '../sim';
import { createVizStore, sameRequest } from './createVizStore';
import * as engine from '../sim/engine';

describe('the visualizer store', () => {
  it('sends a packet and keeps the previous trace when a request is bad', () => {
    const store = createVizStore({ engine });
    expect(store.getState().sendPacket({ from: 'pod/default/client', to: 'pod/default/app-1', port: 8080 })).toBe(true);
    const first = store.getState().trace;
    expect(first?.verdict).toBe('delivered');
    expect(store.getState().sendPacket({ from: 'pod/default/nope', to: 'pod/default/app-1' })).toBe(false);
    expect(store.getState().trace).toBe(first);
    expect(store.getState().requestError).toMatch(/no pod default\/nope/);
  });

  it('loads a scenario at a step, and a CNI switch re-traces the same pod even when its IP changes', () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 7);
    expect(store.getState().startStep).toBe(7);
    const before = store.getState().trace!;
    expect(
      store.getState().setSettings({
        cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
      }),
    ).toBe(true);
    const after = store.getState().trace!;
    expect(after).not.toBe(before);
    expect(after.endpoint?.pod).toBe(before.endpoint?.pod);
    expect(after.endpoint?.ip).not.toBe(before.endpoint?.ip);
    expect(after.hops.find((h) => h.kind === 'encap')?.at).toBe('dev/node-a/tunl0');
  });

  it('keeps two stores independent', () => {
    const a = createVizStore({ engine });
    const b = createVizStore({ engine });
    a.getState().select('node/node-a');
    expect(b.getState().selection).toBeNull();
  });
});

describe('pick mode', () => {
  it('turns two clicks into a request: a container as source, a pod as destination', () => {
    const store = createVizStore({ engine });
    store.getState().setPickMode(true);
    store.getState().tap('container/default/app-1/sidecar');
    expect(store.getState().pick).toEqual({ stage: 'to', from: 'pod/default/app-1:sidecar' });
    store.getState().tap('dev/pod/default/client/eth0');
    expect(store.getState().pick).toBeNull();
    // client declares no port: the pick sends a ping
    expect(store.getState().request).toEqual({
      from: 'pod/default/app-1:sidecar',
      to: 'pod/default/client',
      protocol: 'icmp',
    });
    expect(store.getState().trace?.verdict).toBe('delivered');
  });

  it('refuses what cannot be a source, and a plain click outside the mode selects', () => {
    const store = createVizStore({ engine });
    store.getState().setPickMode(true);
    store.getState().tap('svc/default/web');
    expect(store.getState().pick).toEqual({ stage: 'from' });
    expect(store.getState().notice).toMatch(/as the source/);
    store.getState().setPickMode(false);
    store.getState().tap('svc/default/web');
    expect(store.getState().selection).toBe('svc/default/web');
    expect(store.getState().request).toBeNull();
  });
});

describe('pinned choices', () => {
  it('a scenario’s pick pins the endpoint in the app as in the simulation', () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('pod-to-service')!;
    store.getState().loadScenario(scenario);
    expect(store.getState().trace?.endpoint?.pod).toBe(scenario.pick![0]);
    expect(store.getState().trace?.request.pick).toEqual(scenario.pick);
  });

  it('a burst inside a scenario follows the real spread, not the scenario’s pinned endpoint', () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('pod-to-service')!;
    store.getState().loadScenario(scenario);
    expect(store.getState().sendBurst({ from: 'pod/default/client', to: 'svc/default/web' }, 100)).toBe(true);
    const burst = store.getState().burst!;
    const counts = new Map<string, number>();
    for (const t of burst.traces) counts.set(t.endpoint!.pod, (counts.get(t.endpoint!.pod) ?? 0) + 1);
    expect(burst.distribution.endpoints).toHaveLength(3);
    expect(counts.size).toBe(3);
    for (const n of counts.values()) expect(n).toBeGreaterThan(15);
    for (const t of burst.traces) expect(t.request.pick).toEqual([]);
    // the one traced request keeps its pin
    expect(store.getState().trace?.endpoint?.pod).toBe(scenario.pick![0]);
    expect(store.getState().pins).toEqual(scenario.pick);
  });
});

describe('the scenario on screen', () => {
  it('stays through a switch of settings and a re-send of the same packet, and goes with another packet', () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('pod-to-service')!;
    store.getState().loadScenario(scenario);
    store.getState().setSettings({ proxyMode: 'ipvs' });
    expect(store.getState().scenario?.id).toBe('pod-to-service');
    // the form sends what it shows, with the protocol spelled out: the same packet
    const request = store.getState().request!;
    store.getState().sendPacket({ ...request, protocol: 'tcp' }, { byUser: true });
    expect(store.getState().scenario?.id).toBe('pod-to-service');
    expect(store.getState().trace?.endpoint?.pod).toBe(scenario.pick![0]);
    // another packet: the scenario and its pinned choice no longer describe what is on screen
    store.getState().sendPacket({ from: 'pod/default/app-1', to: 'svc/default/web' }, { byUser: true });
    expect(store.getState().scenario).toBeNull();
    expect(store.getState().pins).toEqual([]);
    expect(store.getState().trace?.request.pick).toEqual([]);
  });

  it('pins the endpoint a packet asks for (a matrix cell through a Service) and keeps it with the packet', () => {
    const store = createVizStore({ engine });
    const web = store
      .getState()
      .cluster.pods.filter((p) => p.labels.app === 'web')
      .map((p) => `${p.namespace}/${p.name}`);
    expect(web.length).toBeGreaterThan(1);
    for (const pod of web) {
      store.getState().sendPacket({ from: 'pod/default/client', to: 'svc/default/web' }, { byUser: true, pins: [pod] });
      expect(store.getState().trace?.endpoint?.pod).toBe(pod);
      expect(store.getState().pins).toEqual([pod]);
    }
  });
});

describe('the same packet', () => {
  it('is another packet when only the method, a header or the query string differs', () => {
    const store = createVizStore({ engine });
    const scenario = findScenario('gateway-header-match')!;
    store.getState().loadScenario(scenario);
    const request = store.getState().request!;
    // the same request again keeps the scenario
    store.getState().sendPacket({ ...request }, { byUser: true });
    expect(store.getState().scenario?.id).toBe('gateway-header-match');
    // without the header the route sends it elsewhere: it is another packet
    store.getState().sendPacket({ ...request, headers: [] }, { byUser: true });
    expect(store.getState().scenario).toBeNull();
    store.getState().loadScenario(scenario);
    store.getState().sendPacket({ ...request, method: 'POST' }, { byUser: true });
    expect(store.getState().scenario).toBeNull();
    store.getState().loadScenario(scenario);
    store.getState().sendPacket({ ...request, to: `${request.to}?v=2` }, { byUser: true });
    expect(store.getState().scenario).toBeNull();
  });

  it('compares method and header lines exactly', () => {
    const base = { from: 'a', to: 'http://x/', protocol: 'tcp' as const, seed: 1, pick: [] };
    expect(sameRequest(base, { ...base, method: 'GET' })).toBe(true);
    expect(sameRequest(base, { ...base, method: 'get' })).toBe(false);
    expect(sameRequest({ ...base, headers: ['A: 1'] }, { ...base, headers: ['A: 1'] })).toBe(true);
    expect(sameRequest({ ...base, headers: ['A: 1'] }, { ...base, headers: ['A: 2'] })).toBe(false);
    expect(sameRequest({ ...base, headers: [] }, base)).toBe(true);
  });
});

describe('the trace engine, loaded on demand', () => {
  it('queues requests made before it arrives and traces them when it does', async () => {
    const store = createVizStore();
    expect(store.getState().sendPacket({ from: 'pod/default/client', to: 'pod/default/app-1', port: 8080 })).toBe(true);
    await store.getState().whenReady();
    expect(store.getState().trace?.verdict).toBe('delivered');
  });

  it('follows a new request with the camera; a switch re-tracing the same one keeps the view', () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 3);
    expect(store.getState().follow).toBe(true);
    // the user panned: the camera lets go
    store.getState().setFollow(false);
    store.getState().setSettings({ proxyMode: 'ipvs' });
    expect(store.getState().follow).toBe(false);
    store.getState().sendPacket({ from: 'pod/default/client', to: 'svc/default/web' });
    expect(store.getState().follow).toBe(true);
  });

  it('blanks only on the presenter stage, and leaving it brings the picture back', () => {
    const store = createVizStore({ engine });
    store.getState().setPresenting(true);
    store.getState().setBlank(true);
    expect(store.getState().blank).toBe(true);
    store.getState().setPresenting(false);
    expect(store.getState().blank).toBe(false);
  });
});
