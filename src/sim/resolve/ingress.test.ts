/**
 * ingress-nginx's handling of a request (docs/networking-model.md) on clusters loaded from YAML:
 * the Kubernetes documentation's path-matching table row by row, host and wildcard matching, the
 * default backends, 503 and 308, service-upstream, IngressClass selection, the upstream headers,
 * and adding the controller to a description that lacks one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import { effectiveClass, ingresses, nginxIngresses } from '../model/ingressModel';
import type { PathType } from '../model/ingressModel';
import type { Cluster } from '../model/types';
import {
  addIngressController,
  hostMatches,
  ingressControllerPods,
  ingressExposure,
  ingressHttp,
  ingressRuleText,
  matchIngress,
  pickUpstream,
  nginxLocations,
  pathMatches,
  requestId,
  upstreamHeaders,
} from './ingress';

const read = (f: string): string => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function loadSpec(...more: (string | { text: string })[]): { cluster: Cluster; spec: ClusterSpec } {
  const sources = ['kubeadm.yaml', 'nodes.yaml', 'cni/flannel-vxlan.yaml', 'edge/apps.yaml', ...more].map((f, i) =>
    typeof f === 'string' ? { name: f, text: read(f) } : { name: `inline-${i}`, text: f.text },
  );
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.source}:${e.line ?? ''}: ${e.message}`).join('\n'));
  return { cluster: result.cluster, spec: result.spec };
}
const load = (...more: (string | { text: string })[]): Cluster => loadSpec(...more).cluster;

const shop = load('edge/ingress.yaml');
const ipOf = (c: Cluster, key: string): string => c.pods.find((p) => `${p.namespace}/${p.name}` === key)!.ip;

/** An Ingress for host t.example.com with the given paths, all to Service shop/web. */
function pathsIngress(paths: [string, PathType][]): Cluster {
  const items = paths
    .map(
      ([path, type]) =>
        `          - path: ${path}\n            pathType: ${type}\n            backend: {service: {name: web, port: {number: 80}}}\n`,
    )
    .join('');
  return load('edge/ingress.yaml', {
    text: `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: table, namespace: shop}\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: t.example.com\n      http:\n        paths:\n${items}`,
  });
}

describe('path matching: the table of the Kubernetes Ingress documentation', () => {
  const single: [PathType, string, string, boolean][] = [
    ['Prefix', '/', '/', true],
    ['Prefix', '/', '/foo', true],
    ['Prefix', '/', '/aaa/bbb/ccc', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/aaa', '/ccc', false],
  ];
  it.each(single)('%s %s, request %s: %s', (type, path, request, matches) => {
    expect(pathMatches(type, path, request)).toBe(matches);
    // The same through an Ingress: a match goes to the rule, no match to the default backend (404).
    const m = matchIngress(pathsIngress([[path, type]]), { host: 't.example.com', path: request, scheme: 'http' });
    expect(m.status).toBe(matches ? 200 : 404);
    expect(m.rule?.path ?? null).toBe(matches ? path : null);
  });

  const multi: [string, [string, PathType][], string, string | null][] = [
    [
      'Prefix /, /aaa; request /aaa/ccc matches /aaa',
      [
        ['/', 'Prefix'],
        ['/aaa', 'Prefix'],
      ],
      '/aaa/ccc',
      '/aaa',
    ],
    [
      'Prefix /, /aaa, /aaa/bbb; request /aaa/bbb matches /aaa/bbb',
      [
        ['/', 'Prefix'],
        ['/aaa', 'Prefix'],
        ['/aaa/bbb', 'Prefix'],
      ],
      '/aaa/bbb',
      '/aaa/bbb',
    ],
    [
      'Prefix /, /aaa, /aaa/bbb; request /ccc matches /',
      [
        ['/', 'Prefix'],
        ['/aaa', 'Prefix'],
        ['/aaa/bbb', 'Prefix'],
      ],
      '/ccc',
      '/',
    ],
    ['Prefix /aaa; request /ccc uses the default backend', [['/aaa', 'Prefix']], '/ccc', null],
  ];
  it.each(multi)('%s', (_, paths, request, expected) => {
    const m = matchIngress(pathsIngress(paths), { host: 't.example.com', path: request, scheme: 'http' });
    expect(m.rule?.path ?? null).toBe(expected);
    expect(m.source).toBe(expected === null ? 'default-backend' : 'rule');
  });

  it('Mixed: /foo (Prefix) and /foo (Exact), request /foo prefers Exact, in either order', () => {
    for (const paths of [
      [
        ['/foo', 'Prefix'],
        ['/foo', 'Exact'],
      ],
      [
        ['/foo', 'Exact'],
        ['/foo', 'Prefix'],
      ],
    ] as [string, PathType][][]) {
      const m = matchIngress(pathsIngress(paths), { host: 't.example.com', path: '/foo', scheme: 'http' });
      expect(m.rule).toEqual({ host: 't.example.com', path: '/foo', pathType: 'Exact' });
      expect(m.location).toBe('location = /foo');
    }
  });

  it('renders path types as ingress-nginx does: Prefix as `= /foo` plus `/foo/`, ImplementationSpecific as a plain prefix', () => {
    expect(nginxLocations('/foo/', 'Prefix')).toEqual([
      { modifier: '=', path: '/foo' },
      { modifier: '', path: '/foo/' },
    ]);
    expect(nginxLocations('/', 'Prefix')).toEqual([{ modifier: '', path: '/' }]);
    expect(nginxLocations('/static', 'ImplementationSpecific')).toEqual([{ modifier: '', path: '/static' }]);
    // Unlike Prefix, ImplementationSpecific /static matches /staticfiles.
    expect(pathMatches('ImplementationSpecific', '/static', '/staticfiles')).toBe(true);
    expect(pathMatches('Prefix', '/static', '/staticfiles')).toBe(false);
    // Exact is case-sensitive.
    expect(pathMatches('Exact', '/foo', '/FOO')).toBe(false);
  });
});

describe('hosts', () => {
  it('a wildcard matches exactly one more label', () => {
    expect(hostMatches('*.foo.com', 'bar.foo.com')).toBe(true);
    expect(hostMatches('*.foo.com', 'baz.bar.foo.com')).toBe(false);
    expect(hostMatches('*.foo.com', 'foo.com')).toBe(false);
    expect(hostMatches('*.foo.com', 'BAR.Foo.com')).toBe(true);
    expect(hostMatches('foo.bar.com', 'foo.bar.com')).toBe(true);
  });

  it('exact host before wildcard, wildcard before the catch-all', () => {
    const exact = matchIngress(shop, { host: 'shop.example.com', path: '/api/orders', scheme: 'https' });
    expect(exact).toMatchObject({
      ingress: 'shop/storefront',
      server: 'shop.example.com',
      status: 200,
      location: 'location /api/',
    });
    expect(exact.backend).toMatchObject({
      namespace: 'shop',
      service: 'api',
      port: 'http',
      servicePort: { port: 8080 },
    });
    const wild = matchIngress(shop, { host: 'blog.example.com', path: '/', scheme: 'http' });
    expect(wild).toMatchObject({ ingress: 'shop/storefront', server: '*.example.com', status: 200, tls: false });
    expect(wild.backend!.service).toBe('web');
    for (const host of ['a.b.example.com', 'example.com', 'unknown.org']) {
      const none = matchIngress(shop, { host, path: '/', scheme: 'http' });
      expect(none).toMatchObject({
        ingress: null,
        server: '_',
        status: 404,
        source: 'default-backend',
        upstream: null,
      });
    }
  });

  it('ignores a port in the Host header', () => {
    expect(matchIngress(shop, { host: 'blog.example.com:8080', path: '/', scheme: 'http' }).server).toBe(
      '*.example.com',
    );
  });
});

describe('backends and answers', () => {
  it('200 from the endpoint pod IPs and target ports, not the ClusterIP', () => {
    const m = matchIngress(shop, { host: 'shop.example.com', path: '/api/orders', scheme: 'https' });
    expect(m.upstream).toEqual({
      kind: 'endpoints',
      endpoints: [{ pod: 'shop/api', ip: ipOf(shop, 'shop/api'), port: 9090 }],
    });
    expect(m.tls).toBe(true);
    expect(m.text).toMatch(/not the ClusterIP/);
  });

  it('Exact beats a longer Prefix only on equality; ImplementationSpecific is a string prefix', () => {
    expect(matchIngress(shop, { host: 'shop.example.com', path: '/api/v1/health', scheme: 'https' })).toMatchObject({
      location: 'location = /api/v1/health',
      backend: { service: 'web' },
    });
    expect(matchIngress(shop, { host: 'shop.example.com', path: '/api/v1/health/x', scheme: 'https' })).toMatchObject({
      location: 'location /api/',
      backend: { service: 'api' },
    });
    expect(
      matchIngress(shop, { host: 'shop.example.com', path: '/staticfiles/app.js', scheme: 'https' }),
    ).toMatchObject({ location: 'location /static', backend: { service: 'api' } });
  });

  it('503 when the backend has no ready endpoint or does not exist', () => {
    const down = matchIngress(shop, { host: 'shop.example.com', path: '/down', scheme: 'https' });
    expect(down).toMatchObject({ status: 503, upstream: null, backend: { service: 'broken' } });
    expect(down.text).toMatch(/no ready endpoint: 503/);
    const missing = matchIngress(shop, { host: 'shop.example.com', path: '/missing/x', scheme: 'https' });
    expect(missing).toMatchObject({ status: 503, backend: { service: 'nosuchservice', servicePort: null } });
    expect(missing.text).toMatch(/does not exist/);
  });

  it('308 to https for a plain-HTTP request to a TLS host, before any backend is asked', () => {
    const m = matchIngress(shop, { host: 'shop.example.com', path: '/down', scheme: 'http' });
    expect(m).toMatchObject({ status: 308, redirect: 'https://shop.example.com/down', upstream: null, tls: true });
    const off = load('edge/ingress.yaml', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: plain\n  namespace: shop\n  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}\nspec:\n  ingressClassName: nginx\n  tls: [{hosts: [plain.example.org]}]\n  rules:\n    - host: plain.example.org\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n',
    });
    expect(matchIngress(off, { host: 'plain.example.org', path: '/', scheme: 'http' }).status).toBe(200);
  });

  it("the Ingress's defaultBackend answers its host's unmatched paths; service-upstream sends to the ClusterIP", () => {
    const svc = shop.services.find((s) => s.namespace === 'shop' && s.name === 'web')!;
    const fallback = matchIngress(shop, { host: 'api.example.com', path: '/other', scheme: 'http' });
    expect(fallback).toMatchObject({
      ingress: 'shop/api',
      source: 'ingress-default-backend',
      status: 200,
      rule: null,
      location: 'location /',
    });
    expect(fallback.upstream).toEqual({ kind: 'service', ip: svc.clusterIP, port: 80 });
    const api = shop.services.find((s) => s.namespace === 'shop' && s.name === 'api')!;
    expect(matchIngress(shop, { host: 'api.example.com', path: '/v2/users', scheme: 'http' }).upstream).toEqual({
      kind: 'service',
      ip: api.clusterIP,
      port: 8080,
    });
  });

  it('service-upstream to a Service without endpoints: kube-proxy refuses the ClusterIP, NGINX answers 502', () => {
    const c = load('edge/ingress.yaml', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: gone\n  namespace: shop\n  annotations: {nginx.ingress.kubernetes.io/service-upstream: "true"}\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: gone.example.org\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: broken, port: {number: 80}}}}]}\n',
    });
    const broken = c.services.find((s) => s.namespace === 'shop' && s.name === 'broken')!;
    expect(matchIngress(c, { host: 'gone.example.org', path: '/', scheme: 'http' })).toMatchObject({
      status: 502,
      upstream: { kind: 'service', ip: broken.clusterIP, port: 80 },
    });
  });

  it('an Ingress with only a defaultBackend becomes the catch-all', () => {
    const c = load('edge/ingress.yaml', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: fallback, namespace: shop}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n',
    });
    expect(matchIngress(c, { host: 'unknown.org', path: '/x', scheme: 'http' })).toMatchObject({
      ingress: 'shop/fallback',
      server: '_',
      source: 'ingress-default-backend',
      status: 200,
    });
  });
});

describe('IngressClass selection', () => {
  it("ingress-nginx serves its class's Ingresses, not Traefik's", () => {
    expect(nginxIngresses(shop).map((i) => i.name)).toEqual(['storefront', 'api']);
    expect(matchIngress(shop, { host: 'other.example.org', path: '/', scheme: 'http' }).status).toBe(404);
  });

  it('a class-less Ingress gets the default IngressClass, or none', () => {
    const ing =
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bare, namespace: shop}\nspec:\n  rules:\n    - host: bare.example.org\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n';
    const without = load('edge/ingress.yaml', { text: ing });
    expect(
      effectiveClass(
        without,
        ingresses(without).find((i) => i.name === 'bare')!,
      ),
    ).toBeNull();
    expect(matchIngress(without, { host: 'bare.example.org', path: '/', scheme: 'http' }).status).toBe(404);
    const defaulted = load('edge/ingress.yaml', {
      text: `${ing}---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx-default\n  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}\nspec: {controller: k8s.io/ingress-nginx}\n`,
    });
    expect(
      effectiveClass(
        defaulted,
        ingresses(defaulted).find((i) => i.name === 'bare')!,
      )?.name,
    ).toBe('nginx-default');
    expect(matchIngress(defaulted, { host: 'bare.example.org', path: '/', scheme: 'http' }).status).toBe(200);
  });
});

describe('headers to the upstream', () => {
  it('sets what ingress-nginx sets: XFF is $remote_addr and replaces the incoming one, Host unchanged', () => {
    const h = upstreamHeaders(
      {
        host: 'shop.example.com',
        scheme: 'https',
        headers: { 'X-Forwarded-For': '1.2.3.4', 'User-Agent': 'curl/8.11.0', Connection: 'keep-alive' },
      },
      '10.244.1.1',
      7,
    );
    expect(h).toEqual({
      'User-Agent': 'curl/8.11.0',
      Host: 'shop.example.com',
      'X-Request-ID': requestId(7),
      'X-Real-IP': '10.244.1.1',
      'X-Forwarded-For': '10.244.1.1',
      'X-Forwarded-Host': 'shop.example.com',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Scheme': 'https',
      'X-Scheme': 'https',
      'X-Original-Forwarded-For': '1.2.3.4',
    });
  });

  it('the request ID is 32 hex digits, the same for one seed, different across seeds', () => {
    expect(requestId(1)).toMatch(/^[0-9a-f]{32}$/);
    expect(requestId(1)).toBe(requestId(1));
    expect(requestId(2)).not.toBe(requestId(1));
    // X-Forwarded-Port is the port NGINX listens on, whatever the client dialled (a nodePort, or a port in Host).
    const h = upstreamHeaders({ host: 'a.example.com:8080', scheme: 'http' }, '203.0.113.5', 1);
    expect(h['X-Forwarded-Port']).toBe('80');
    expect(h['Host']).toBe('a.example.com:8080');
    expect(h['X-Original-Forwarded-For']).toBeUndefined();
  });
});

describe('adding the controller', () => {
  it('adds ingress-nginx in the bare-metal layout (NodePort) and says so', () => {
    const { spec } = loadSpec('edge/ingress.yaml');
    const { spec: next, note } = addIngressController(spec);
    expect(note).toBe(
      'The input has 3 Ingresses but no Ingress controller: the simulation adds ingress-nginx as its bare-metal manifest installs it (Deployment ingress-nginx/ingress-nginx-controller behind a NodePort Service).',
    );
    expect(spec.workloads!.some((w) => w.name === 'ingress-nginx-controller')).toBe(false);
    const c = buildCluster(next);
    const svc = c.services.find((s) => s.namespace === 'ingress-nginx' && s.name === 'ingress-nginx-controller')!;
    expect(svc.type).toBe('NodePort');
    expect(svc.externalTrafficPolicy).toBe('Cluster');
    expect(svc.ports.map((p) => [p.name, p.port, p.targetPort, p.nodePort !== null])).toEqual([
      ['http', 80, 'http', true],
      ['https', 443, 'https', true],
    ]);
    const pods = ingressControllerPods(c);
    expect(pods).toHaveLength(1);
    expect(pods[0]!.name).toMatch(/^ingress-nginx-controller-[a-z0-9]{10}-[a-z0-9]{5}$/);
    const eps = c.endpoints.find((e) => e.service === 'ingress-nginx/ingress-nginx-controller')!;
    expect(eps.endpoints[0]!.ports.map((p) => p.port).sort()).toEqual([443, 80]);
    // The IngressClass nginx was there already, so matching is the same.
    expect(matchIngress(c, { host: 'blog.example.com', path: '/', scheme: 'http' }).status).toBe(200);
    // A second call finds the controller.
    expect(addIngressController(next).note).toBeNull();
  });

  it('the cloud layout: LoadBalancer with externalTrafficPolicy Local; adds IngressClass nginx; warns about class-less Ingresses', () => {
    const { spec } = loadSpec({
      text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bare, namespace: shop}\nspec:\n  rules:\n    - host: bare.example.org\n      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n',
    });
    const { spec: next, note } = addIngressController(spec, 'cloud');
    expect(note).toMatch(
      /behind a LoadBalancer Service with externalTrafficPolicy: Local, IngressClass nginx\)\. shop\/bare names no ingressClassName and no IngressClass is marked ingressclass.kubernetes.io\/is-default-class, so ingress-nginx ignores it\.$/,
    );
    const c = buildCluster(next);
    const svc = c.services.find((s) => s.name === 'ingress-nginx-controller')!;
    expect(svc).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(svc.loadBalancerIP).not.toBeNull();
    expect(c.namespaces).toContain('ingress-nginx');
    expect(nginxIngresses(c)).toHaveLength(0);
  });

  it('changes nothing without Ingresses', () => {
    const { spec } = loadSpec();
    expect(addIngressController(spec)).toEqual({ spec, note: null });
  });
});

describe('where a host name that an Ingress names is reached', () => {
  it('bare metal: a worker node and the http or https nodePort', () => {
    const { spec } = loadSpec('edge/ingress.yaml');
    const c = buildCluster(addIngressController(spec).spec);
    const svc = c.services.find((s) => s.name === 'ingress-nginx-controller')!;
    expect(ingressExposure(c, 'shop.example.com')).toEqual({
      service: 'ingress-nginx/ingress-nginx-controller',
      via: 'node-port',
      ip: '192.168.10.11',
      port: svc.ports[0]!.nodePort,
      node: 'node-a',
    });
    expect(ingressExposure(c, 'blog.example.com', 'https')!.port).toBe(svc.ports[1]!.nodePort);
    // Names no rule of ingress-nginx: it does not resolve to the controller.
    expect(ingressExposure(c, 'other.example.org')).toBeNull();
    expect(ingressExposure(c, 'a.b.example.com')).toBeNull();
  });

  it('cloud: the LoadBalancer IP on port 80 or 443', () => {
    const { spec } = loadSpec('edge/ingress.yaml');
    const c = buildCluster(addIngressController(spec, 'cloud').spec);
    const lb = c.services.find((s) => s.name === 'ingress-nginx-controller')!.loadBalancerIP;
    expect(ingressExposure(c, 'shop.example.com', 'https')).toEqual({
      service: 'ingress-nginx/ingress-nginx-controller',
      via: 'load-balancer',
      ip: lb,
      port: 443,
      node: null,
    });
  });

  it('without a controller Service, nothing', () => {
    expect(ingressExposure(shop, 'shop.example.com')).toBeNull();
  });
});

describe('what the trace shows', () => {
  it('the proxy rule, the http record and the upstream pick', () => {
    const api = matchIngress(shop, { host: 'shop.example.com', path: '/api/orders', scheme: 'https' });
    expect(ingressRuleText(api)).toBe(
      'Ingress shop/storefront: host shop.example.com path /api (Prefix) -> service api:http',
    );
    expect(ingressRuleText(matchIngress(shop, { host: 'x.org', path: '/', scheme: 'http' }))).toBe(
      'server _: no rule matches -> default backend (404)',
    );
    expect(ingressRuleText(matchIngress(shop, { host: 'shop.example.com', path: '/', scheme: 'http' }))).toBe(
      'shop.example.com has tls: return 308 https://shop.example.com/ (ssl-redirect)',
    );
    expect(ingressRuleText(matchIngress(shop, { host: 'api.example.com', path: '/x', scheme: 'http' }))).toBe(
      'Ingress shop/api: defaultBackend -> service web:80',
    );
    const http = ingressHttp({ host: 'shop.example.com', path: '/api/orders', scheme: 'https' }, api, '10.244.1.0', 3);
    expect(http).toMatchObject({ method: 'GET', host: 'shop.example.com', path: '/api/orders', status: 200 });
    expect(http.headers['X-Forwarded-For']).toBe('10.244.1.0');
    const notFound = matchIngress(shop, { host: 'x.org', path: '/', scheme: 'http' });
    expect(
      ingressHttp({ host: 'x.org', path: '/', scheme: 'http', method: 'HEAD' }, notFound, '203.0.113.5', 3),
    ).toEqual({ method: 'HEAD', host: 'x.org', path: '/', status: 404, headers: {} });
    const eps = [
      { pod: 'shop/a', ip: '10.244.1.5', port: 80 },
      { pod: 'shop/b', ip: '10.244.2.5', port: 80 },
    ];
    expect(pickUpstream(eps, 1, ['shop/b'])).toBe(eps[1]);
    expect(pickUpstream(eps, 9)).toBe(pickUpstream(eps, 9));
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => pickUpstream(eps, s)!.pod)).size).toBe(2);
    expect(pickUpstream([], 1)).toBeNull();
  });
});
