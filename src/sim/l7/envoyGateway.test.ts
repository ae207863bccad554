import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import { addEnvoyGateway, envoyContainerPort, envoyResourceName, ENVOY_GATEWAY_NAMESPACE } from '../model/envoyGateway';
import { trace } from '../resolve/trace';
import { endpointDistribution, traceBurst } from '../resolve/distribution';
import { TraceRequestError } from '../resolve/request';
import { timeline } from '../trace/conversation';
import { GATEWAY_CLUSTER, GATEWAY_CLUSTER_GRANTED } from '../scenarios/gatewayCluster';
import { defaultClusterSpec } from '../scenarios/defaultCluster';

const cluster = buildCluster(GATEWAY_CLUSTER);
const CLIENT = 'external/203.0.113.10';
const envoyPod = cluster.pods.find((p) => p.namespace === ENVOY_GATEWAY_NAMESPACE)!;

describe('Envoy Gateway resources', () => {
  it('names them as Envoy Gateway does: envoy-<ns>-<name>-<first 8 hex of sha256("ns/name")>', () => {
    // the name of the quickstart's Gateway default/eg, as `kubectl get svc -n envoy-gateway-system` shows it
    expect(envoyResourceName({ namespace: 'default', name: 'eg' })).toBe('envoy-default-eg-e41e7b31');
    const long = envoyResourceName({ namespace: 'a'.repeat(30), name: 'b'.repeat(30) });
    expect(long).toMatch(/^envoy-a{30}-b{17}-[0-9a-f]{8}$/);
  });

  it('shifts privileged listener ports by 10000 and keeps the others', () => {
    expect([80, 443, 1023, 1024, 8080].map(envoyContainerPort)).toEqual([10080, 10443, 11023, 1024, 8080]);
  });

  it('adds the Deployment and LoadBalancer Service with a note, once', () => {
    const bare: ClusterSpec = {
      ...defaultClusterSpec,
      extras: (GATEWAY_CLUSTER.extras ?? []).filter(
        (x) => (x as { kind?: string }).kind === 'GatewayClass' || (x as { kind?: string }).kind === 'Gateway',
      ),
    };
    const added = addEnvoyGateway(bare);
    expect(added.note).toContain('envoy-default-eg-e41e7b31');
    const svc = added.spec.services!.find((s) => s.name === 'envoy-default-eg-e41e7b31')!;
    expect(svc).toMatchObject({
      namespace: ENVOY_GATEWAY_NAMESPACE,
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
    });
    expect(svc.ports).toEqual([
      { name: 'http-80', protocol: 'tcp', port: 80, targetPort: 10080 },
      { name: 'https-443', protocol: 'tcp', port: 443, targetPort: 10443 },
    ]);
    expect(svc.selector).toMatchObject({
      'gateway.envoyproxy.io/owning-gateway-name': 'eg',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'default',
    });
    expect(addEnvoyGateway(added.spec).note).toBeNull();
    // a Gateway of another controller's class gets nothing
    const other = {
      ...bare,
      extras: bare.extras!.map((x) =>
        (x as { kind?: string }).kind === 'GatewayClass'
          ? { ...(x as object), spec: { controllerName: 'example.com/other' } }
          : x,
      ),
    };
    expect(addEnvoyGateway(other).note).toBeNull();
  });
});

describe('the Envoy data path', () => {
  it('plays the two connections: client to Envoy on 10080, then Envoy from its pod to a pod IP', () => {
    const t = trace(cluster, { from: CLIENT, to: 'http://shop.example.com/cart' });
    expect(t.verdict).toBe('delivered');
    expect(t.http).toMatchObject({
      status: 200,
      route: { kind: 'HTTPRoute', namespace: 'default', name: 'shop', rule: 0 },
      location: null,
    });
    const proxy = t.hops.findIndex((h) => h.kind === 'proxy');
    expect(t.hops[0]!.packet.dst).toBe(
      `${cluster.services.find((s) => s.name.startsWith('envoy-'))!.loadBalancerIP}:80`,
    );
    expect(t.hops[proxy - 1]!.packet.dst).toBe(`${envoyPod.ip}:10080`);
    // with externalTrafficPolicy Local the client's address reaches Envoy unchanged
    expect(t.hops[proxy - 1]!.packet.src).toMatch(/^203\.0\.113\.10:/);
    const upstream = t.hops.slice(proxy + 1);
    expect(upstream[0]!.packet.src).toMatch(new RegExp(`^${envoyPod.ip.replace(/\./g, '\\.')}:`));
    expect(upstream.at(-1)!.packet.dst).toBe(`${t.endpoint!.ip}:8080`);
    // straight to the pod: no Service rule on Envoy's connection
    expect(upstream.some((h) => h.nat)).toBe(false);
    expect(t.http!.headers['x-forwarded-for']).toBe('203.0.113.10');
    expect(t.http!.headers['x-envoy-internal']).toBeUndefined();
    expect(t.http!.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(t.http!.backend).toMatchObject({ method: 'GET', path: '/cart' });
    // the conversation: handshake with Envoy, request, Envoy's own handshake and request, responses
    expect(t.conversation!.map((x) => `${x.leg} ${x.carries.join('+')}`)).toEqual([
      'client-proxy SYN',
      'client-proxy SYN-ACK',
      'client-proxy ACK+request',
      'proxy-backend SYN',
      'proxy-backend SYN-ACK',
      'proxy-backend ACK+request',
      'proxy-backend response',
      'client-proxy response',
    ]);
    expect(timeline(t).at(-1)!.hop.text).toContain('200 OK');
  });

  it('a client inside the cluster is marked internal, and an x-envoy header it sent is kept', () => {
    const t = trace(cluster, {
      from: 'pod/default/client',
      to: 'http://shop.example.com/cart',
      headers: ['X-Envoy-Debug: 1'],
    });
    expect(t.http!.headers['x-envoy-internal']).toBe('true');
    expect(t.http!.headers['x-envoy-debug']).toBe('1');
    const outside = trace(cluster, { from: CLIENT, to: 'http://shop.example.com/cart', headers: ['X-Envoy-Debug: 1'] });
    expect(outside.http!.headers['x-envoy-debug']).toBeUndefined();
  });

  it('answers 404, 301 and 500 itself, contacting no backend', () => {
    const nf = trace(cluster, { from: CLIENT, to: 'http://shop.example.com/' });
    expect(nf.http).toMatchObject({ status: 404, route: null, backend: null });
    expect(nf.hops.at(-1)!.kind).toBe('proxy');
    const rd = trace(cluster, { from: CLIENT, to: 'http://secure.example.com/login?next=%2F' });
    expect(rd.http).toMatchObject({
      status: 301,
      location: 'https://secure.example.com/login?next=%2F',
      query: 'next=%2F',
      route: { name: 'secure-redirect', rule: 0 },
    });
    expect(timeline(rd).at(-1)!.hop.text).toContain('301 Moved Permanently');
    const ise = trace(cluster, { from: CLIENT, to: 'http://store.example.com/' });
    expect(ise.http).toMatchObject({ status: 500, route: { namespace: 'store', name: 'store' }, backend: null });
    expect(ise.hops.find((h) => h.kind === 'proxy')!.text).toContain('RefNotPermitted');
    const ok = trace(buildCluster(GATEWAY_CLUSTER_GRANTED), { from: CLIENT, to: 'http://store.example.com/' });
    expect(ok.http!.status).toBe(200);
    expect(ok.endpoint!.pod).toMatch(/^backend\/inventory-/);
  });

  it('a backend without a ready endpoint: 503 from Envoy, with RFC 9110 reason phrase', () => {
    const spec: ClusterSpec = {
      ...GATEWAY_CLUSTER,
      workloads: (GATEWAY_CLUSTER.workloads ?? []).map((w) =>
        w.kind === 'Deployment' && w.name === 'web-canary' ? { ...w, replicas: 0 } : w,
      ),
    };
    const t = trace(buildCluster(spec), { from: CLIENT, to: 'http://api.example.com/', headers: ['X-Canary: always'] });
    expect(t.http).toMatchObject({ status: 503, route: { name: 'api', rule: 0 }, backend: null });
    expect(timeline(t).at(-1)!.hop.text).toContain('503 Service Unavailable');
  });

  it('a header sends the request to the rule with more header matches', () => {
    const canary = trace(cluster, { from: CLIENT, to: 'http://api.example.com/', headers: ['X-Canary: always'] });
    expect(canary.endpoint!.pod).toMatch(/^default\/web-canary-/);
    expect(canary.http!.route).toMatchObject({ name: 'api', rule: 0 });
    expect(canary.http!.headers['x-canary']).toBe('always');
    const plain = trace(cluster, { from: CLIENT, to: 'http://api.example.com/' });
    expect(plain.endpoint!.pod).toMatch(/^default\/web-(?!canary)/);
    expect(plain.http!.route).toMatchObject({ name: 'api', rule: 1 });
  });

  it('method and query parameters take part in matching', () => {
    const spec: ClusterSpec = {
      ...GATEWAY_CLUSTER,
      extras: [
        ...(GATEWAY_CLUSTER.extras ?? []),
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'orders', namespace: 'default' },
          spec: {
            parentRefs: [{ name: 'eg', sectionName: 'http' }],
            hostnames: ['orders.example.com'],
            rules: [
              { matches: [{ method: 'POST' }], backendRefs: [{ name: 'web-canary', port: 80 }] },
              {
                matches: [{ queryParams: [{ name: 'v', value: '2' }] }],
                backendRefs: [{ name: 'web-canary', port: 80 }],
              },
            ],
          },
        },
      ],
    };
    const c = buildCluster(spec);
    expect(trace(c, { from: CLIENT, to: 'http://orders.example.com/' }).http!.status).toBe(404);
    const post = trace(c, { from: CLIENT, to: 'http://orders.example.com/', method: 'POST' });
    expect(post.http).toMatchObject({ status: 200, method: 'POST', route: { rule: 0 } });
    expect(post.request.method).toBe('POST');
    const v2 = trace(c, { from: CLIENT, to: 'http://orders.example.com/list?v=2' });
    expect(v2.http).toMatchObject({ status: 200, route: { rule: 1 }, backend: { path: '/list?v=2' } });
    expect(trace(c, { from: CLIENT, to: 'http://orders.example.com/list?v=3' }).http!.status).toBe(404);
  });

  it('a 90/10 split: exact shares per pod, and a burst that follows them', () => {
    const request = { from: CLIENT, to: 'http://checkout.example.com/' };
    const t = trace(cluster, request);
    const share = (re: RegExp) =>
      t.candidates.filter((c) => re.test(c.pod)).reduce((n, c) => n + (c.probability ?? 0), 0);
    expect(share(/^default\/web-canary-/)).toBeCloseTo(0.1, 12);
    expect(share(/^default\/web-(?!canary)/)).toBeCloseTo(0.9, 12);
    const dist = endpointDistribution(cluster, request);
    expect(dist.endpoints.reduce((n, e) => n + e.probability, 0)).toBeCloseTo(1, 12);
    const burst = traceBurst(cluster, request, 400);
    const canary = burst.filter((b) => b.endpoint?.pod.startsWith('default/web-canary-')).length;
    // 400 draws at p = 0.1: within 4 standard deviations (24) of 40
    expect(Math.abs(canary - 40)).toBeLessThan(24);
    expect(canary).toBeGreaterThan(0);
  });

  it('says what is wrong with a bad method or header, and refuses them off HTTP', () => {
    expect(() => trace(cluster, { from: CLIENT, to: 'http://shop.example.com/', method: 'GE T' })).toThrow(
      /method: "GE T" is not an HTTP method/,
    );
    expect(() => trace(cluster, { from: CLIENT, to: 'http://shop.example.com/', headers: ['nocolon'] })).toThrow(
      TraceRequestError,
    );
    expect(() => trace(cluster, { from: 'pod/default/client', to: '10.244.1.3', port: 8080, method: 'POST' })).toThrow(
      /method: a method and headers belong to an HTTP request/,
    );
  });

  it('a Host header line picks the route, as curl -H "Host: ..." does', () => {
    const lb = cluster.services.find((s) => s.name.startsWith('envoy-'))!.loadBalancerIP!;
    const t = trace(cluster, { from: CLIENT, to: `http://${lb}/cart`, headers: ['Host: shop.example.com'] });
    expect(t.http).toMatchObject({ status: 200, host: 'shop.example.com', route: { name: 'shop' } });
  });
});
