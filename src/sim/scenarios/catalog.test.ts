import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { trace } from '../resolve/trace';
import { SCENARIOS, findScenario } from './catalog';

describe('built-in scenarios', () => {
  it('have unique, stable, URL-safe ids', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    for (const id of [
      'container-to-container',
      'pod-to-pod-same-node',
      'pod-to-pod-cross-node',
      'pod-to-service',
      'pod-to-service-dns',
      'nodeport-cluster',
      'nodeport-local',
      'loadbalancer',
      'ingress',
      'ingress-404',
      'ingress-503',
      'egress',
      'network-policy-deny',
      'netpol-truth-table',
      'gateway',
      'gateway-split',
      'gateway-redirect',
      'gateway-header-match',
      'gateway-no-route',
      'gateway-cross-namespace',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('titles and framings hold under every CNI and proxy mode: a mechanism is named only as a condition', () => {
    // the explanation under them is written from the trace; what they say must not name a
    // plugin, proxy mode or device that a switch can take off the screen
    const MECHANISM = /flannel|calico|cilium|iptables|nftables|ipvs|vxlan|geneve|ip-in-ip|cni0|tunl0|host-gw/i;
    for (const s of SCENARIOS) {
      expect(s.title, s.id).not.toMatch(MECHANISM);
      // a framing may say "(where the plugin enforces it, as Calico does)": in parentheses only
      expect(s.framing.replace(/\([^)]*\)/g, ''), s.id).not.toMatch(MECHANISM);
    }
  });

  it('each traces to the outcome its framing tells', () => {
    for (const s of SCENARIOS) {
      const t = trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
      expect(t.verdict, s.id).toBe(s.id.startsWith('network-policy-deny') ? 'dropped' : 'delivered');
      expect(t.warnings, s.id).toBeUndefined();
    }
    const c2c = findScenario('container-to-container')!;
    expect(trace(buildCluster(c2c.spec), c2c.request).hops.map((h) => h.kind)).toEqual([
      'socket',
      'loopback',
      'deliver',
    ]);
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

  it('the edge of the cluster: Ingress 200, 404, 503, egress masquerade, a policy drop', () => {
    const run = (id: string) => {
      const s = findScenario(id)!;
      return trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
    };
    // ingress: two connections with NGINX's proxy hop between; the backend pod answers 200, and
    // behind the NodePort (externalTrafficPolicy Cluster) X-Forwarded-For is a node-side address.
    const ing = run('ingress');
    const proxy = ing.hops.findIndex((h) => h.kind === 'proxy');
    expect(proxy).toBeGreaterThan(0);
    expect(ing.hops[proxy]!.rule).toBe(
      'Ingress default/shop: host shop.example.com path /cart (Prefix) -> service web:80',
    );
    expect(ing.hops[proxy - 1]!.at).toMatch(/^container\/ingress-nginx\/ingress-nginx-controller-.*\/controller$/);
    expect(ing.hops[proxy + 1]!.kind).toBe('socket');
    expect(ing.http).toMatchObject({ method: 'GET', host: 'shop.example.com', path: '/cart', status: 200 });
    expect(ing.http!.headers['X-Forwarded-For']).not.toBe('203.0.113.10');
    expect(ing.endpoint!.pod).toBe(findScenario('ingress')!.pick![0]);
    expect(ing.hops.at(-1)!.packet.dst).toBe(`${ing.endpoint!.ip}:8080`);
    expect(ing.hops.slice(proxy + 1).some((h) => h.nat)).toBe(false);
    // ingress-404: NGINX answers itself; no pod is contacted after the proxy hop.
    const nf = run('ingress-404');
    expect(nf.http!.status).toBe(404);
    expect(nf.hops.at(-1)!.kind).toBe('proxy');
    expect(nf.hops.at(-1)!.rule).toContain('default backend (404)');
    // ingress-503: a backend without ready endpoints.
    const su = run('ingress-503');
    expect(su.http!.status).toBe(503);
    expect(su.hops.at(-1)!.kind).toBe('proxy');
    expect(su.reply!.verdict).toBe('delivered');
    // egress: masqueraded to node-a's address on the way out, un-SNATed on the way back.
    const eg = run('egress');
    const masq = eg.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
    expect(masq.nat!.after.src).toMatch(/^192\.168\.10\.11:/);
    expect(eg.hops.at(-1)).toMatchObject({ kind: 'deliver', at: 'ext/93.184.216.34' });
    expect(eg.hops.at(-1)!.packet.src).toMatch(/^192\.168\.10\.11:/);
    expect(eg.reply!.hops.some((h) => h.nat?.type === 'un-SNAT')).toBe(true);
    expect(eg.reply!.hops.at(-1)!.packet.dst).toBe(eg.hops[0]!.packet.src);
    // network-policy-deny: dropped silently at the destination's veth, no reply, the policy named.
    const np = run('network-policy-deny');
    expect(np.reply).toBeNull();
    expect(np.hops.at(-1)!.kind).toBe('drop');
    expect(np.hops.at(-1)!.at).toMatch(/^veth\/node-b\/default\/web-/);
    expect(np.reason).toContain('default/default-deny-ingress');
  });

  it('Gateway API: each scenario ends at the client with the HTTP status its framing tells', () => {
    const run = (id: string) => {
      const s = findScenario(id)!;
      return trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
    };
    const expected: Record<string, number> = {
      gateway: 200,
      'gateway-split': 200,
      'gateway-redirect': 301,
      'gateway-header-match': 200,
      'gateway-no-route': 404,
      'gateway-cross-namespace': 500,
      'gateway-cross-namespace-granted': 200,
    };
    for (const [id, status] of Object.entries(expected)) {
      const t = run(id);
      expect(t.http?.status, id).toBe(status);
      // the last packet arrives back at the client
      expect(t.reply!.hops.at(-1)!.packet.dst, id).toMatch(/^203\.0\.113\.10:/);
      expect(t.hops.find((h) => h.kind === 'proxy')!.at, id).toMatch(/^container\/envoy-gateway-system\/envoy-/);
    }
    expect(run('gateway-header-match').endpoint!.pod).toMatch(/^default\/web-canary-/);
    expect(run('gateway-redirect').http!.location).toBe('https://secure.example.com/login');
    // the Gateway scenarios run on their own cluster: the built-in one keeps no Envoy
    expect(findScenario('gateway')!.spec).not.toBe(findScenario('ingress')!.spec);
    expect(buildCluster(findScenario('pod-to-service')!.spec).pods.some((p) => p.name.startsWith('envoy-'))).toBe(
      false,
    );
  });
});
