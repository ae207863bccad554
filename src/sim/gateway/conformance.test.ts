/**
 * The behaviour the upstream Gateway API conformance tests for HTTPRoute check
 * (kubernetes-sigs/gateway-api conformance/tests/httproute-*.go), as table tests named after them.
 * Each test loads its own manifests through the importer, on the base objects the suite installs
 * (a GatewayClass, the `same-namespace` and `all-namespaces` Gateways, and the infra backends).
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import { routeRequest } from './route';
import type { GatewayRequest, RouteDecision } from './route';
import { gatewayApiStatus } from './status';

const INFRA = 'gateway-conformance-infra';

function deployment(ns: string, name: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: echo, image: echo-basic, ports: [{ containerPort: 3000 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { app: ${name} }
  ports: [{ port: 8080, targetPort: 3000 }]
`;
}

/** The objects conformance/base/manifests.yaml installs that these tests use. */
const BASE = `apiVersion: v1
kind: Namespace
metadata: { name: ${INFRA}, labels: { gateway-conformance: infra } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-web-backend, labels: { gateway-conformance: web-backend } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-app-backend, labels: { gateway-conformance: backend } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: envoy-gateway }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: Same } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: all-namespaces, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: backend-namespaces, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { gateway-conformance: backend } } } }
---
${deployment(INFRA, 'infra-backend-v1')}---
${deployment(INFRA, 'infra-backend-v2')}---
${deployment(INFRA, 'infra-backend-v3')}---
${deployment('gateway-conformance-web-backend', 'web-backend')}---
${deployment('gateway-conformance-app-backend', 'app-backend')}---
${deployment('gateway-conformance-app-backend', 'app-backend-v1')}---
${deployment('gateway-conformance-app-backend', 'app-backend-v2')}`;

function load(yaml: string): Cluster {
  const r = loadManifests([
    { name: 'base.yaml', text: BASE },
    { name: 'test.yaml', text: yaml },
  ]);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.object ?? ''} ${e.field ?? ''} ${e.message}`).join('\n'));
  return r.cluster;
}

interface Ask {
  host?: string;
  path: string;
  method?: string;
  headers?: [string, string][];
  query?: [string, string][];
  port?: number;
  scheme?: 'http' | 'https';
}

function ask(
  cluster: Cluster,
  gateway: string,
  a: Ask,
  seed = 1,
  backendResponseHeaders: [string, string][] = [],
): RouteDecision {
  const req: GatewayRequest = {
    scheme: a.scheme ?? 'http',
    host: a.host ?? 'example.com',
    port: a.port ?? 80,
    method: a.method ?? 'GET',
    path: a.path,
    query: a.query ?? [],
    headers: a.headers ?? [],
  };
  return routeRequest(cluster, { namespace: INFRA, name: gateway }, req, { seed, backendResponseHeaders });
}

/** `200 ns/backend`, `404`, `302 location`: what a conformance expectation compares. */
function outcome(d: RouteDecision): string {
  if (d.status === 200 && d.picked) return `200 ${d.picked.ref.name}`;
  if (d.location) return `${d.status} ${d.location}`;
  return String(d.status);
}

const route = (name: string, spec: string, ns = INFRA): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n${spec}`;

const backend = (name: string, extra = '') => `    backendRefs: [{ name: ${name}, port: 8080${extra} }]`;

describe('HTTPRoute conformance (upstream test names)', () => {
  it('HTTPRouteSimpleSameNamespace', () => {
    const c = load(
      route(
        'gateway-conformance-infra-test',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - ${backend('infra-backend-v1').trim()}`,
      ),
    );
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('200 infra-backend-v1');
    const s = gatewayApiStatus(c).routes[0]!;
    expect(s.parents[0]!.conditions[0]).toMatchObject({ type: 'Accepted', status: 'True' });
    expect(s.resolvedRefs).toMatchObject({ status: 'True', reason: 'ResolvedRefs' });
  });

  const matching = `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: / } }, { headers: [{ name: version, value: one }] }]
${backend('infra-backend-v1')}
  - matches: [{ path: { type: PathPrefix, value: /v2 } }, { headers: [{ name: version, value: two }] }]
${backend('infra-backend-v2')}`;

  it.each([
    [{ path: '/' }, '200 infra-backend-v1'],
    [{ path: '/example' }, '200 infra-backend-v1'],
    [{ path: '/', headers: [['Version', 'one']] }, '200 infra-backend-v1'],
    [{ path: '/v2' }, '200 infra-backend-v2'],
    [{ path: '/v2/example' }, '200 infra-backend-v2'],
    [{ path: '/', headers: [['Version', 'two']] }, '200 infra-backend-v2'],
  ] as [Ask, string][])('HTTPRouteMatching %o -> %s', (a, want) => {
    expect(outcome(ask(load(route('matching', matching)), 'same-namespace', a))).toBe(want);
  });

  it.each([
    [{ host: 'example.com', path: '/' }, '200 infra-backend-v1'],
    [{ host: 'example.com', path: '/example' }, '200 infra-backend-v1'],
    [{ host: 'example.net', path: '/example' }, '200 infra-backend-v1'],
    [{ host: 'example.com', path: '/', headers: [['Version', 'one']] }, '200 infra-backend-v1'],
    [{ host: 'example.com', path: '/v2' }, '200 infra-backend-v2'],
    [{ host: 'example.com', path: '/v2/example' }, '200 infra-backend-v2'],
    [{ host: 'example.com', path: '/', headers: [['Version', 'two']] }, '200 infra-backend-v2'],
    [{ host: 'example.net', path: '/v2' }, '200 infra-backend-v1'],
    [{ host: 'example.net', path: '/', headers: [['Version', 'two']] }, '200 infra-backend-v1'],
  ] as [Ask, string][])('HTTPRouteMatchingAcrossRoutes %o -> %s', (a, want) => {
    const c = load(
      route(
        'matching-part1',
        `  parentRefs: [{ name: same-namespace }]\n  hostnames: [example.com, example.net]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: / } }, { headers: [{ name: version, value: one }] }]\n${backend('infra-backend-v1')}`,
      ) +
        '\n---\n' +
        route(
          'matching-part2',
          `  parentRefs: [{ name: same-namespace }]\n  hostnames: [example.com]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /v2 } }, { headers: [{ name: version, value: two }] }]\n${backend('infra-backend-v2')}`,
        ),
    );
    expect(outcome(ask(c, 'same-namespace', a))).toBe(want);
  });

  it.each([
    ['/match/exact/one', '200 infra-backend-v3'],
    ['/match/exact', '200 infra-backend-v2'],
    ['/match', '200 infra-backend-v1'],
    ['/match/prefix/one/any', '200 infra-backend-v2'],
    ['/match/prefix/any', '200 infra-backend-v1'],
    ['/match/any', '200 infra-backend-v3'],
  ])('HTTPRoutePathMatchOrder %s -> %s', (path, want) => {
    const rule = (type: string, value: string, b: string) =>
      `  - matches: [{ path: { type: ${type}, value: ${value} } }]\n${backend(b)}`;
    const c = load(
      route(
        'path-matching-order',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n${[
          rule('Exact', '/match', 'infra-backend-v1'),
          rule('Exact', '/match/exact', 'infra-backend-v2'),
          rule('Exact', '/match/exact/one', 'infra-backend-v3'),
          rule('PathPrefix', '/match/', 'infra-backend-v3'),
          rule('PathPrefix', '/match/prefix/', 'infra-backend-v1'),
          rule('PathPrefix', '/match/prefix/one', 'infra-backend-v2'),
        ].join('\n')}`,
      ),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  it.each([
    ['/', '200 infra-backend-v1'],
    ['/one', '200 infra-backend-v1'],
    ['/two', '200 infra-backend-v2'],
    ['/two/', '404'],
    ['/Two', '404'],
    ['/one/example', '404'],
    ['/onetwo', '404'],
  ])('HTTPRouteExactPathMatching %s -> %s', (path, want) => {
    const c = load(
      route(
        'exact-matching',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - matches: [{ path: { type: Exact, value: /one } }, { path: { type: Exact, value: / } }]\n${backend('infra-backend-v1')}\n  - matches: [{ path: { type: Exact, value: /two } }]\n${backend('infra-backend-v2')}`,
      ),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  // A rule in one line: matches (JSON-ish YAML flow), filters, and one backend.
  const rule = (matches: string, b: string, filters = '') =>
    `  - matches: ${matches}\n${filters ? `    filters: ${filters}\n` : ''}${backend(b)}`;
  const rules = (name: string, ...list: string[]) =>
    route(name, `  parentRefs: [{ name: same-namespace }]\n  rules:\n${list.join('\n')}`);

  const headerRoute = rules(
    'header-matching',
    rule('[{ headers: [{ name: version, value: one }] }]', 'infra-backend-v1'),
    rule('[{ headers: [{ name: version, value: two }] }]', 'infra-backend-v2'),
    rule('[{ headers: [{ name: version, value: two }, { name: color, value: orange }] }]', 'infra-backend-v1'),
    rule(
      '[{ headers: [{ name: color, value: blue }] }, { headers: [{ name: color, value: green }] }]',
      'infra-backend-v1',
    ),
    rule(
      '[{ headers: [{ name: color, value: red }] }, { headers: [{ name: color, value: yellow }] }]',
      'infra-backend-v2',
    ),
  );

  it.each([
    [[['Version', 'one']], '200 infra-backend-v1'],
    [[['Version', 'two']], '200 infra-backend-v2'],
    [
      [
        ['Version', 'two'],
        ['Color', 'orange'],
      ],
      '200 infra-backend-v1',
    ],
    [
      [
        ['Version', 'two'],
        ['Color', 'blue'],
      ],
      '200 infra-backend-v2',
    ],
    [[['Color', 'orange']], '404'],
    [[['Some-Other-Header', 'one']], '404'],
    [[['Color', 'blue']], '200 infra-backend-v1'],
    [[['Color', 'green']], '200 infra-backend-v1'],
    [[['Color', 'red']], '200 infra-backend-v2'],
    [[['Color', 'yellow']], '200 infra-backend-v2'],
    [[['Color', 'purple']], '404'],
  ] as [[string, string][], string][])('HTTPRouteHeaderMatching %j -> %s', (headers, want) => {
    expect(outcome(ask(load(headerRoute), 'same-namespace', { path: '/', headers }))).toBe(want);
  });

  const queryRoute = rules(
    'query-param-matching',
    rule('[{ queryParams: [{ name: animal, value: whale }] }]', 'infra-backend-v1'),
    rule('[{ queryParams: [{ name: animal, value: dolphin }] }]', 'infra-backend-v2'),
    rule(
      '[{ queryParams: [{ name: animal, value: dolphin }, { name: color, value: blue }] }, { queryParams: [{ name: ANIMAL, value: Whale }] }]',
      'infra-backend-v3',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /path1 }, queryParams: [{ name: animal, value: whale }] }]',
      'infra-backend-v1',
    ),
    rule(
      '[{ headers: [{ name: version, value: one }], queryParams: [{ name: animal, value: whale }] }]',
      'infra-backend-v2',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /path2 }, headers: [{ name: version, value: two }], queryParams: [{ name: animal, value: whale }] }]',
      'infra-backend-v3',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /path3 }, queryParams: [{ name: animal, value: shark }] }, { path: { type: PathPrefix, value: /path4 }, headers: [{ name: version, value: three }], queryParams: [{ name: animal, value: kraken }] }]',
      'infra-backend-v1',
    ),
    rule('[{ path: { type: PathPrefix, value: /path5 } }]', 'infra-backend-v1'),
    rule('[{ queryParams: [{ name: animal, value: hydra }] }]', 'infra-backend-v2'),
    rule('[{ headers: [{ name: version, value: four }] }]', 'infra-backend-v3'),
  );

  it.each([
    ['/?animal=whale', {}, '200 infra-backend-v1'],
    ['/?animal=dolphin', {}, '200 infra-backend-v2'],
    ['/?animal=dolphin&color=blue', {}, '200 infra-backend-v3'],
    ['/?ANIMAL=Whale', {}, '200 infra-backend-v3'],
    ['/?animal=whale&otherparam=irrelevant', {}, '200 infra-backend-v1'],
    ['/?animal=dolphin&color=yellow', {}, '200 infra-backend-v2'],
    ['/?color=blue', {}, '404'],
    ['/?animal=dog', {}, '404'],
    ['/?animal=whaledolphin', {}, '404'],
    ['/', {}, '404'],
    ['/path1?animal=whale', {}, '200 infra-backend-v1'],
    ['/?animal=whale', { version: 'one' }, '200 infra-backend-v2'],
    ['/path2?animal=whale', { version: 'two' }, '200 infra-backend-v3'],
    ['/path3?animal=shark', {}, '200 infra-backend-v1'],
    ['/path4?animal=kraken', { version: 'three' }, '200 infra-backend-v1'],
    ['/?animal=shark', {}, '404'],
    ['/path4?animal=kraken', {}, '404'],
    ['/path5?animal=hydra', {}, '200 infra-backend-v1'],
    ['/?animal=hydra', { version: 'four' }, '200 infra-backend-v3'],
  ] as [string, Record<string, string>, string][])('HTTPRouteQueryParamMatching %s %o -> %s', (url, headers, want) => {
    const [path, qs] = url.split('?') as [string, string | undefined];
    const query = (qs ?? '')
      .split('&')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]);
    expect(outcome(ask(load(queryRoute), 'same-namespace', { path, query, headers: Object.entries(headers) }))).toBe(
      want,
    );
  });

  const methodRoute = rules(
    'method-matching',
    rule('[{ method: POST }]', 'infra-backend-v1'),
    rule('[{ method: GET }]', 'infra-backend-v2'),
    rule('[{ path: { type: PathPrefix, value: /path1 }, method: GET }]', 'infra-backend-v1'),
    rule('[{ headers: [{ name: version, value: one }], method: PUT }]', 'infra-backend-v2'),
    rule(
      '[{ path: { type: PathPrefix, value: /path2 }, headers: [{ name: version, value: two }], method: POST }]',
      'infra-backend-v3',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /path3 }, method: PATCH }, { path: { type: PathPrefix, value: /path4 }, headers: [{ name: version, value: three }], method: DELETE }]',
      'infra-backend-v1',
    ),
    rule('[{ path: { type: PathPrefix, value: /path5 } }]', 'infra-backend-v1'),
    rule('[{ method: PATCH }]', 'infra-backend-v2'),
    rule('[{ headers: [{ name: version, value: four }] }]', 'infra-backend-v3'),
  );

  it.each([
    [{ method: 'POST', path: '/' }, '200 infra-backend-v1'],
    [{ method: 'GET', path: '/' }, '200 infra-backend-v2'],
    [{ method: 'HEAD', path: '/' }, '404'],
    [{ method: 'GET', path: '/path1' }, '200 infra-backend-v1'],
    [{ method: 'PUT', path: '/', headers: [['version', 'one']] }, '200 infra-backend-v2'],
    [{ method: 'POST', path: '/path2', headers: [['version', 'two']] }, '200 infra-backend-v3'],
    [{ method: 'PATCH', path: '/path3' }, '200 infra-backend-v1'],
    [{ method: 'DELETE', path: '/path4', headers: [['version', 'three']] }, '200 infra-backend-v1'],
    [{ method: 'PUT', path: '/' }, '404'],
    [{ method: 'DELETE', path: '/path4' }, '404'],
    [{ method: 'PATCH', path: '/path5' }, '200 infra-backend-v1'],
    [{ method: 'PATCH', path: '/', headers: [['version', 'four']] }, '200 infra-backend-v2'],
  ] as [Ask, string][])('HTTPRouteMethodMatching %o -> %s', (a, want) => {
    expect(outcome(ask(load(methodRoute), 'same-namespace', a))).toBe(want);
  });

  const intersection = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: httproute-hostname-intersection, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners:
  - { name: listener-1, port: 80, protocol: HTTP, hostname: very.specific.com }
  - { name: listener-2, port: 80, protocol: HTTP, hostname: "*.wildcard.io" }
  - { name: listener-3, port: 80, protocol: HTTP, hostname: "*.anotherwildcard.io" }
---
${route('specific-host-matches-listener-specific-host', `  parentRefs: [{ name: httproute-hostname-intersection }]\n  hostnames: [non.matching.com, "*.nonmatchingwildcard.io", very.specific.com]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /s1 } }]\n${backend('infra-backend-v1')}`)}
---
${route('specific-host-matches-listener-wildcard-host', `  parentRefs: [{ name: httproute-hostname-intersection }]\n  hostnames: [non.matching.com, wildcard.io, foo.wildcard.io, bar.wildcard.io, foo.bar.wildcard.io]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /s2 } }]\n${backend('infra-backend-v2')}`)}
---
${route('wildcard-host-matches-listener-specific-host', `  parentRefs: [{ name: httproute-hostname-intersection }]\n  hostnames: [non.matching.com, "*.specific.com"]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /s3 } }]\n${backend('infra-backend-v3')}`)}
---
${route('wildcard-host-matches-listener-wildcard-host', `  parentRefs: [{ name: httproute-hostname-intersection }]\n  hostnames: ["*.anotherwildcard.io"]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /s4 } }]\n${backend('infra-backend-v1')}`)}
---
${route('no-intersecting-hosts', `  parentRefs: [{ name: httproute-hostname-intersection }]\n  hostnames: [specific.but.wrong.com, wildcard.io]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /s5 } }]\n${backend('infra-backend-v2')}`)}`;

  it.each([
    ['very.specific.com', '/s1', '200 infra-backend-v1'],
    ['very.specific.com:1234', '/s1', '200 infra-backend-v1'],
    ['non.matching.com', '/s1', '404'],
    ['foo.nonmatchingwildcard.io', '/s1', '404'],
    ['foo.wildcard.io', '/s1', '404'],
    ['very.specific.com', '/non-matching-prefix', '404'],
    ['foo.wildcard.io', '/s2', '200 infra-backend-v2'],
    ['bar.wildcard.io', '/s2', '200 infra-backend-v2'],
    ['foo.bar.wildcard.io', '/s2', '200 infra-backend-v2'],
    ['non.matching.com', '/s2', '404'],
    ['wildcard.io', '/s2', '404'],
    ['very.specific.com', '/s2', '404'],
    ['very.specific.com', '/s3', '200 infra-backend-v3'],
    ['non.matching.com', '/s3', '404'],
    ['foo.specific.com', '/s3', '404'],
    ['foo.anotherwildcard.io', '/s4', '200 infra-backend-v1'],
    ['anotherwildcard.io', '/s4', '404'],
    ['specific.but.wrong.com', '/s5', '404'],
  ])('HTTPRouteHostnameIntersection %s%s -> %s', (host, path, want) => {
    expect(outcome(ask(load(intersection), 'httproute-hostname-intersection', { host, path }))).toBe(want);
  });

  it('HTTPRouteHostnameIntersection: a route sharing no hostname with any listener is not accepted', () => {
    const s = gatewayApiStatus(load(intersection)).routes.find((r) => r.route.name === 'no-intersecting-hosts')!;
    expect(s.parents[0]!.conditions[0]).toMatchObject({ status: 'False', reason: 'NoMatchingListenerHostname' });
  });

  const listenerHostnames = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: httproute-listener-hostname-matching, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners:
  - { name: listener-1, port: 80, protocol: HTTP, hostname: bar.com }
  - { name: listener-2, port: 80, protocol: HTTP, hostname: foo.bar.com }
  - { name: listener-3, port: 80, protocol: HTTP, hostname: "*.bar.com" }
  - { name: listener-4, port: 80, protocol: HTTP, hostname: "*.foo.com" }
---
${route('backend-v1', `  parentRefs: [{ name: httproute-listener-hostname-matching, sectionName: listener-1 }]\n  rules:\n  - ${backend('infra-backend-v1').trim()}`)}
---
${route('backend-v2', `  parentRefs: [{ name: httproute-listener-hostname-matching, sectionName: listener-2 }]\n  rules:\n  - ${backend('infra-backend-v2').trim()}`)}
---
${route('backend-v3', `  parentRefs: [{ name: httproute-listener-hostname-matching, sectionName: listener-3 }, { name: httproute-listener-hostname-matching, sectionName: listener-4 }]\n  rules:\n  - ${backend('infra-backend-v3').trim()}`)}`;

  it.each([
    ['bar.com', '200 infra-backend-v1'],
    ['foo.bar.com', '200 infra-backend-v2'],
    ['baz.bar.com', '200 infra-backend-v3'],
    ['boo.bar.com', '200 infra-backend-v3'],
    ['multiple.prefixes.bar.com', '200 infra-backend-v3'],
    ['multiple.prefixes.foo.com', '200 infra-backend-v3'],
    ['foo.com', '404'],
    ['no.matching.host', '404'],
  ])('HTTPRouteListenerHostnameMatching %s -> %s', (host, want) => {
    expect(outcome(ask(load(listenerHostnames), 'httproute-listener-hostname-matching', { host, path: '/' }))).toBe(
      want,
    );
  });

  it('HTTPRouteCrossNamespace: a Selector listener takes routes from the selected namespace only', () => {
    const c = load(
      route(
        'cross-namespace',
        `  parentRefs: [{ name: backend-namespaces, namespace: ${INFRA} }]\n  rules:\n  - ${backend('web-backend').trim()}`,
        'gateway-conformance-web-backend',
      ) +
        '\n---\n' +
        route(
          'cross-namespace',
          `  parentRefs: [{ name: backend-namespaces, namespace: ${INFRA} }]\n  rules:\n  - ${backend('app-backend').trim()}`,
          'gateway-conformance-app-backend',
        ),
    );
    const status = gatewayApiStatus(c);
    const web = status.routes.find((r) => r.route.namespace === 'gateway-conformance-web-backend')!;
    const app = status.routes.find((r) => r.route.namespace === 'gateway-conformance-app-backend')!;
    expect(web.parents[0]!.conditions[0]).toMatchObject({ status: 'False', reason: 'NotAllowedByListeners' });
    expect(app.parents[0]!.conditions[0]).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(outcome(ask(c, 'backend-namespaces', { path: '/' }))).toBe('200 app-backend');
  });

  const grant = (from: string, to: string, name = '') => `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: reference-grant, namespace: ${to} }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${from} }]
  to: [{ group: "", kind: Service${name ? `, name: ${name}` : ''} }]`;
  const crossRef = route(
    'reference-grant',
    `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - backendRefs: [{ name: web-backend, namespace: gateway-conformance-web-backend, port: 8080 }]`,
  );

  it('HTTPRouteReferenceGrant: a grant in the backend namespace lets the route reach it', () => {
    const c = load(`${crossRef}\n---\n${grant(INFRA, 'gateway-conformance-web-backend', 'web-backend')}`);
    expect(gatewayApiStatus(c).routes[0]!.resolvedRefs).toMatchObject({ status: 'True' });
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('200 web-backend');
  });

  it('HTTPRouteInvalidCrossNamespaceBackendRef: without a grant, RefNotPermitted and 500', () => {
    const c = load(crossRef);
    const s = gatewayApiStatus(c).routes[0]!;
    expect(s.parents[0]!.conditions[0]).toMatchObject({ status: 'True' });
    expect(s.resolvedRefs).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('500');
  });

  it('HTTPRouteInvalidReferenceGrant: a grant in the wrong namespace or for another Service does not count', () => {
    for (const g of [
      grant(INFRA, INFRA),
      grant(INFRA, 'gateway-conformance-web-backend', 'not-web-backend'),
      grant('default', 'gateway-conformance-web-backend'),
    ]) {
      const c = load(`${crossRef}\n---\n${g}`);
      expect(gatewayApiStatus(c).routes[0]!.resolvedRefs.reason).toBe('RefNotPermitted');
      expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('500');
    }
  });

  it('HTTPRoutePartiallyInvalidViaInvalidReferenceGrant: the rule without a grant answers 500, the other 200', () => {
    const c = load(`apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: { name: invalid-reference-grant, namespace: gateway-conformance-app-backend }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${INFRA} }]
  to: [{ group: "", kind: Service, name: app-backend-v1 }]
---
${route(
  'invalid-reference-grant',
  `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /v2 } }]
    backendRefs: [{ name: app-backend-v2, namespace: gateway-conformance-app-backend, port: 8080 }]
  - backendRefs: [{ name: app-backend-v1, namespace: gateway-conformance-app-backend, port: 8080 }]`,
)}`);
    const s = gatewayApiStatus(c).routes[0]!;
    expect(s.parents[0]!.conditions[0]).toMatchObject({ status: 'True' });
    expect(s.resolvedRefs).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(outcome(ask(c, 'same-namespace', { path: '/v2' }))).toBe('500');
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('200 app-backend-v1');
  });

  it('HTTPRouteInvalidBackendRefUnknownKind: InvalidKind and 500', () => {
    const c = load(
      route(
        'invalid-backend-ref-unknown-kind',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - backendRefs: [{ group: unknownkind.example.com, kind: NonExistent, name: infra-backend-v1, port: 8080 }]`,
      ),
    );
    expect(gatewayApiStatus(c).routes[0]!.resolvedRefs).toMatchObject({ status: 'False', reason: 'InvalidKind' });
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('500');
  });

  it('HTTPRouteInvalidNonExistentBackendRef: BackendNotFound and 500', () => {
    const c = load(
      route(
        'invalid-nonexistent-backend-ref',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - backendRefs: [{ name: nonexistent, port: 8080 }]`,
      ),
    );
    expect(gatewayApiStatus(c).routes[0]!.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('500');
  });

  it('HTTPRouteInvalidParentRefNotMatchingSectionName and ...ListenerPort: NoMatchingParent', () => {
    const c = load(
      route(
        'a',
        `  parentRefs: [{ name: same-namespace, sectionName: unknown }]\n  rules:\n  - ${backend('infra-backend-v1').trim()}`,
      ) +
        '\n---\n' +
        route(
          'b',
          `  parentRefs: [{ name: same-namespace, port: 81 }]\n  rules:\n  - ${backend('infra-backend-v1').trim()}`,
        ),
    );
    for (const r of gatewayApiStatus(c).routes)
      expect(r.parents[0]!.conditions[0]).toMatchObject({ status: 'False', reason: 'NoMatchingParent' });
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('404');
  });

  it('HTTPRouteInvalidCrossNamespaceParentRef: a Same-namespace listener refuses a route from elsewhere', () => {
    const c = load(
      route(
        'invalid-cross-namespace-parent-ref',
        `  parentRefs: [{ name: same-namespace, namespace: ${INFRA} }]\n  rules:\n  - ${backend('web-backend').trim()}`,
        'gateway-conformance-web-backend',
      ),
    );
    expect(gatewayApiStatus(c).routes[0]!.parents[0]!.conditions[0]).toMatchObject({ reason: 'NotAllowedByListeners' });
  });

  it('HTTPRouteDisallowedKind: a listener allowing only another kind refuses HTTPRoutes', () => {
    const c = load(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: tlsroutes-only, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { kinds: [{ kind: TLSRoute }] } }]
---
${route('disallowed-kind', `  parentRefs: [{ name: tlsroutes-only }]\n  rules:\n  - ${backend('infra-backend-v1').trim()}`)}`);
    const s = gatewayApiStatus(c);
    expect(s.routes[0]!.parents[0]!.conditions[0]).toMatchObject({ reason: 'NotAllowedByListeners' });
    expect(s.gateways.find((g) => g.gateway.name === 'tlsroutes-only')!.listeners[0]!.conditions).toContainEqual(
      expect.objectContaining({ type: 'ResolvedRefs', status: 'False', reason: 'InvalidRouteKinds' }),
    );
  });

  const redirectRule = (prefix: string, filter: string) =>
    `  - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]\n    filters: [{ type: RequestRedirect, requestRedirect: ${filter} }]`;
  const redirects = (name: string, parent: string, list: [string, string][]) =>
    route(
      name,
      `  parentRefs: [{ name: ${parent} }]\n  rules:\n${list.map(([p, f]) => redirectRule(p, f)).join('\n')}`,
    );

  it.each([
    ['/hostname-redirect', '302 http://example.org/hostname-redirect'],
    ['/host-and-status', '301 http://example.org/host-and-status'],
  ])('HTTPRouteRedirectHostAndStatus %s -> %s', (path, want) => {
    const c = load(
      redirects('redirect-host-and-status', 'same-namespace', [
        ['/hostname-redirect', '{ hostname: example.org }'],
        ['/host-and-status', '{ statusCode: 301, hostname: example.org }'],
      ]),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  it.each([
    ['/scheme', '302 https://example.com/scheme'],
    ['/scheme-and-host', '302 https://example.org/scheme-and-host'],
    ['/scheme-and-status', '301 https://example.com/scheme-and-status'],
    ['/scheme-and-host-and-status', '302 https://example.org/scheme-and-host-and-status'],
  ])('HTTPRouteRedirectScheme %s -> %s', (path, want) => {
    const c = load(
      redirects('redirect-scheme', 'same-namespace', [
        ['/scheme', '{ scheme: https }'],
        ['/scheme-and-host', '{ hostname: example.org, scheme: https }'],
        ['/scheme-and-status', '{ scheme: https, statusCode: 301 }'],
        ['/scheme-and-host-and-status', '{ scheme: https, statusCode: 302, hostname: example.org }'],
      ]),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  it.each([
    ['/port', '302 http://example.com:8083/port'],
    ['/port-and-host', '302 http://example.org:8083/port-and-host'],
    ['/port-and-status', '301 http://example.com:8083/port-and-status'],
    ['/port-and-host-and-status', '302 http://example.org:8083/port-and-host-and-status'],
  ])('HTTPRouteRedirectPort %s -> %s', (path, want) => {
    const c = load(
      redirects('redirect-port', 'same-namespace', [
        ['/port', '{ port: 8083 }'],
        ['/port-and-host', '{ hostname: example.org, port: 8083 }'],
        ['/port-and-status', '{ port: 8083, statusCode: 301 }'],
        ['/port-and-host-and-status', '{ port: 8083, hostname: example.org, statusCode: 302 }'],
      ]),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  it.each([
    ['/original-prefix/lemon', '302 http://example.com/replacement-prefix/lemon'],
    ['/full/path/original', '302 http://example.com/full-path-replacement'],
    ['/path-and-host', '302 http://example.org/replacement-prefix'],
    ['/path-and-status', '301 http://example.com/replacement-prefix'],
    ['/full-path-and-host', '302 http://example.org/replacement-full'],
    ['/full-path-and-status', '301 http://example.com/replacement-full'],
  ])('HTTPRouteRedirectPath %s -> %s', (path, want) => {
    const c = load(
      redirects('redirect-path', 'same-namespace', [
        ['/original-prefix', '{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }'],
        ['/full', '{ path: { type: ReplaceFullPath, replaceFullPath: /full-path-replacement } }'],
        [
          '/path-and-host',
          '{ hostname: example.org, path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }',
        ],
        [
          '/path-and-status',
          '{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix }, statusCode: 301 }',
        ],
        [
          '/full-path-and-host',
          '{ hostname: example.org, path: { type: ReplaceFullPath, replaceFullPath: /replacement-full } }',
        ],
        [
          '/full-path-and-status',
          '{ path: { type: ReplaceFullPath, replaceFullPath: /replacement-full }, statusCode: 301 }',
        ],
      ]),
    );
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  const portAndScheme = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace-with-http-listener-on-8080, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: http, port: 8080, protocol: HTTP, allowedRoutes: { namespaces: { from: Same } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace-with-https-listener, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: https, port: 443, protocol: HTTPS, tls: { certificateRefs: [{ name: tls-validity-checks-certificate }] } }]
---
${redirects('http-route-for-listener-on-port-80', 'same-namespace', [
  ['/scheme-nil-and-port-nil', '{ hostname: example.org }'],
  ['/scheme-nil-and-port-80', '{ port: 80, hostname: example.org }'],
  ['/scheme-nil-and-port-8080', '{ port: 8080, hostname: example.org }'],
  ['/scheme-https-and-port-nil', '{ scheme: https, hostname: example.org }'],
  ['/scheme-https-and-port-443', '{ scheme: https, port: 443, hostname: example.org }'],
  ['/scheme-https-and-port-8443', '{ scheme: https, port: 8443, hostname: example.org }'],
])}
---
${redirects('http-route-for-listener-on-port-8080', 'same-namespace-with-http-listener-on-8080', [
  ['/scheme-nil-and-port-nil', '{ hostname: example.org }'],
  ['/scheme-nil-and-port-80', '{ port: 80, hostname: example.org }'],
  ['/scheme-https-and-port-nil', '{ scheme: https, hostname: example.org }'],
])}
---
${redirects('http-route-for-listener-on-port-443', 'same-namespace-with-https-listener', [
  ['/scheme-nil-and-port-nil', '{ hostname: example.org }'],
  ['/scheme-nil-and-port-443', '{ port: 443, hostname: example.org }'],
  ['/scheme-nil-and-port-8443', '{ port: 8443, hostname: example.org }'],
  ['/scheme-http-and-port-nil', '{ scheme: http, hostname: example.org }'],
  ['/scheme-http-and-port-80', '{ scheme: http, port: 80, hostname: example.org }'],
  ['/scheme-http-and-port-8080', '{ scheme: http, port: 8080, hostname: example.org }'],
])}`;

  it.each([
    ['same-namespace', 80, '/scheme-nil-and-port-nil', 'http://example.org/scheme-nil-and-port-nil'],
    ['same-namespace', 80, '/scheme-nil-and-port-80', 'http://example.org/scheme-nil-and-port-80'],
    ['same-namespace', 80, '/scheme-nil-and-port-8080', 'http://example.org:8080/scheme-nil-and-port-8080'],
    ['same-namespace', 80, '/scheme-https-and-port-nil', 'https://example.org/scheme-https-and-port-nil'],
    ['same-namespace', 80, '/scheme-https-and-port-443', 'https://example.org/scheme-https-and-port-443'],
    ['same-namespace', 80, '/scheme-https-and-port-8443', 'https://example.org:8443/scheme-https-and-port-8443'],
    [
      'same-namespace-with-http-listener-on-8080',
      8080,
      '/scheme-nil-and-port-nil',
      'http://example.org:8080/scheme-nil-and-port-nil',
    ],
    [
      'same-namespace-with-http-listener-on-8080',
      8080,
      '/scheme-nil-and-port-80',
      'http://example.org/scheme-nil-and-port-80',
    ],
    [
      'same-namespace-with-http-listener-on-8080',
      8080,
      '/scheme-https-and-port-nil',
      'https://example.org/scheme-https-and-port-nil',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-nil-and-port-nil',
      'https://example.org/scheme-nil-and-port-nil',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-nil-and-port-443',
      'https://example.org/scheme-nil-and-port-443',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-nil-and-port-8443',
      'https://example.org:8443/scheme-nil-and-port-8443',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-http-and-port-nil',
      'http://example.org/scheme-http-and-port-nil',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-http-and-port-80',
      'http://example.org/scheme-http-and-port-80',
    ],
    [
      'same-namespace-with-https-listener',
      443,
      '/scheme-http-and-port-8080',
      'http://example.org:8080/scheme-http-and-port-8080',
    ],
  ])('HTTPRouteRedirectPortAndScheme %s:%i %s -> %s', (gw, port, path, want) => {
    const scheme = port === 443 ? 'https' : 'http';
    expect(outcome(ask(load(portAndScheme), gw, { path, port, scheme }))).toBe(`302 ${want}`);
  });

  it.each(['303', '307', '308'])('HTTPRoute%sRedirect', (code) => {
    const c = load(
      redirects(`redirect-${code}`, 'same-namespace', [[`/${code}`, `{ hostname: example.org, statusCode: ${code} }`]]),
    );
    expect(outcome(ask(c, 'same-namespace', { path: `/${code}` }))).toBe(`${code} http://example.org/${code}`);
  });

  const modify =
    '{ type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: X-Header-Set, value: set-overwrites-values }], add: [{ name: X-Header-Add, value: header-val-1 }, { name: X-Header-Add-Append, value: header-val-2 }], remove: [X-Header-Remove] } }';
  const sentHeaders: [string, string][] = [
    ['X-Header-Remove', 'remove-val'],
    ['X-Header-Add-Append', 'append-val-1'],
    ['X-Header-Set', 'set-val'],
  ];
  const modifiedHeaders = {
    'X-Header-Add': 'header-val-1',
    'X-Header-Add-Append': 'append-val-1,header-val-2',
    'X-Header-Set': 'set-overwrites-values',
  };
  const rewritePathRoute = rules(
    'rewrite-path',
    rule(
      '[{ path: { type: PathPrefix, value: /prefix/one } }]',
      'infra-backend-v1',
      '[{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /one } } }]',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /strip-prefix } }]',
      'infra-backend-v1',
      '[{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: / } } }]',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /full/one } }]',
      'infra-backend-v1',
      '[{ type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /one } } }]',
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /full/rewrite-path-and-modify-headers } }]',
      'infra-backend-v1',
      `[{ type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /test } } }, ${modify}]`,
    ),
    rule(
      '[{ path: { type: PathPrefix, value: /prefix/rewrite-path-and-modify-headers } }]',
      'infra-backend-v1',
      `[{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /prefix } } }, ${modify}]`,
    ),
  );

  it.each([
    ['/prefix/one/two', '/one/two', false],
    ['/strip-prefix/three', '/three', false],
    ['/strip-prefix', '/', false],
    ['/full/one/two', '/one', false],
    ['/full/rewrite-path-and-modify-headers/test', '/test', true],
    ['/prefix/rewrite-path-and-modify-headers/one', '/prefix/one', true],
  ])('HTTPRouteRewritePath %s -> the backend sees %s', (path, want, modified) => {
    const d = ask(load(rewritePathRoute), 'same-namespace', { path, headers: modified ? sentHeaders : [] });
    expect([d.status, d.picked?.ref.name, d.upstream?.path]).toEqual([200, 'infra-backend-v1', want]);
    if (modified) {
      const h = Object.fromEntries(d.upstream!.headers);
      expect(h).toMatchObject(modifiedHeaders);
      expect(h).not.toHaveProperty('X-Header-Remove');
    }
  });

  it.each([
    ['/one', 'one.example.org', 'infra-backend-v1'],
    ['/two', 'example.org', 'infra-backend-v2'],
    ['/rewrite-host-and-modify-headers', 'test.example.org', 'infra-backend-v2'],
  ])('HTTPRouteRewriteHost %s -> the backend sees Host %s', (path, host, b) => {
    const c = load(
      route(
        'rewrite-host',
        `  hostnames: [rewrite.example]\n  parentRefs: [{ name: same-namespace }]\n  rules:\n${[
          rule(
            '[{ path: { type: PathPrefix, value: /one } }]',
            'infra-backend-v1',
            '[{ type: URLRewrite, urlRewrite: { hostname: one.example.org } }]',
          ),
          `  - filters: [{ type: URLRewrite, urlRewrite: { hostname: example.org } }]\n${backend('infra-backend-v2')}`,
          rule(
            '[{ path: { type: PathPrefix, value: /rewrite-host-and-modify-headers } }]',
            'infra-backend-v2',
            `[{ type: URLRewrite, urlRewrite: { hostname: test.example.org } }, ${modify}]`,
          ),
        ].join('\n')}`,
      ),
    );
    const d = ask(c, 'same-namespace', { host: 'rewrite.example', path, headers: sentHeaders });
    expect([d.status, d.picked?.ref.name, d.upstream?.host, d.upstream?.path]).toEqual([200, b, host, path]);
    if (path.includes('modify')) expect(Object.fromEntries(d.upstream!.headers)).toMatchObject(modifiedHeaders);
  });

  const headerModifier = (kind: 'request' | 'response') => {
    const type = kind === 'request' ? 'RequestHeaderModifier' : 'ResponseHeaderModifier';
    const f = (body: string) => `[{ type: ${type}, ${kind}HeaderModifier: ${body} }]`;
    return rules(
      `${kind}-header-modifier`,
      rule(
        '[{ path: { type: PathPrefix, value: /set } }]',
        'infra-backend-v1',
        f('{ set: [{ name: X-Header-Set, value: set-overwrites-values }] }'),
      ),
      rule(
        '[{ path: { type: PathPrefix, value: /add } }]',
        'infra-backend-v1',
        f('{ add: [{ name: X-Header-Add, value: add-appends-values }] }'),
      ),
      rule('[{ path: { type: PathPrefix, value: /remove } }]', 'infra-backend-v1', f('{ remove: [X-Header-Remove] }')),
      rule(
        '[{ path: { type: PathPrefix, value: /multiple } }]',
        'infra-backend-v1',
        f(
          '{ set: [{ name: X-Header-Set-1, value: header-set-1 }, { name: X-Header-Set-2, value: header-set-2 }], add: [{ name: X-Header-Add-1, value: header-add-1 }, { name: X-Header-Add-2, value: header-add-2 }, { name: X-Header-Add-3, value: header-add-3 }], remove: [X-Header-Remove-1, X-Header-Remove-2] }',
        ),
      ),
      rule(
        '[{ path: { type: PathPrefix, value: /case-insensitivity } }]',
        'infra-backend-v1',
        f(
          '{ set: [{ name: X-Header-Set, value: header-set }], add: [{ name: X-Header-Add, value: header-add }], remove: [X-Header-Remove] }',
        ),
      ),
    );
  };

  /** Header names compare without case: the expectation's spelling need not be the proxy's. */
  const lowerKeys = (headers: readonly (readonly [string, string])[]) =>
    Object.fromEntries(headers.filter(([n]) => !n.startsWith('x-forwarded')).map(([n, v]) => [n.toLowerCase(), v]));

  const modifierCases: [string, [string, string][], Record<string, string>][] = [
    ['/set', [['Some-Other-Header', 'val']], { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' }],
    [
      '/set',
      [
        ['Some-Other-Header', 'val'],
        ['X-Header-Set', 'some-other-value'],
      ],
      { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' },
    ],
    ['/add', [['Some-Other-Header', 'val']], { 'some-other-header': 'val', 'x-header-add': 'add-appends-values' }],
    [
      '/add',
      [
        ['Some-Other-Header', 'val'],
        ['X-Header-Add', 'some-other-value'],
      ],
      { 'some-other-header': 'val', 'x-header-add': 'some-other-value,add-appends-values' },
    ],
    ['/remove', [['X-Header-Remove', 'val']], {}],
    [
      '/multiple',
      [
        ['X-Header-Set-2', 'set-val-2'],
        ['X-Header-Add-2', 'add-val-2'],
        ['X-Header-Remove-2', 'remove-val-2'],
        ['Another-Header', 'another-header-val'],
        ['X-Header-Remove-1', 'val'],
      ],
      {
        'x-header-set-2': 'header-set-2',
        'x-header-add-2': 'add-val-2,header-add-2',
        'another-header': 'another-header-val',
        'x-header-set-1': 'header-set-1',
        'x-header-add-1': 'header-add-1',
        'x-header-add-3': 'header-add-3',
      },
    ],
    [
      '/case-insensitivity',
      [
        ['x-header-set', 'original-val-set'],
        ['x-header-add', 'original-val-add'],
        ['x-header-remove', 'original-val-remove'],
        ['Another-Header', 'another-header-val'],
      ],
      {
        'x-header-set': 'header-set',
        'x-header-add': 'original-val-add,header-add',
        'another-header': 'another-header-val',
      },
    ],
  ];

  it.each(modifierCases)('HTTPRouteRequestHeaderModifier %s %j', (path, headers, want) => {
    const d = ask(load(headerModifier('request')), 'same-namespace', { path, headers });
    expect(d.status).toBe(200);
    expect(lowerKeys(d.upstream!.headers)).toEqual(want);
  });

  it.each(modifierCases)('HTTPRouteResponseHeaderModifier %s, backend answers %j', (path, backendHeaders, want) => {
    // The conformance echo backend answers with the headers it is asked to; the client sees them modified.
    const d = ask(load(headerModifier('response')), 'same-namespace', { path }, 1, backendHeaders);
    expect(d.status).toBe(200);
    expect(lowerKeys(d.responseHeaders)).toEqual(want);
  });

  it('HTTPRouteWeight: weights 70/30/0 are exact probabilities and a seeded burst follows them', () => {
    const c = load(
      route(
        'weighted-backends',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - backendRefs:\n    - { name: infra-backend-v1, port: 8080, weight: 70 }\n    - { name: infra-backend-v2, port: 8080, weight: 30 }\n    - { name: infra-backend-v3, port: 8080, weight: 0 }`,
      ),
    );
    expect(ask(c, 'same-namespace', { path: '/' }).backends.map((b) => [b.ref.name, b.probability])).toEqual([
      ['infra-backend-v1', 0.7],
      ['infra-backend-v2', 0.3],
      ['infra-backend-v3', 0],
    ]);
    const counts: Record<string, number> = {};
    const n = 2000;
    for (let seed = 1; seed <= n; seed++) {
      const name = ask(c, 'same-namespace', { path: '/' }, seed).picked!.ref.name;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts['infra-backend-v3']).toBeUndefined();
    // Upstream allows 5% either way around the expected share over its sample.
    expect(Math.abs(counts['infra-backend-v1']! / n - 0.7)).toBeLessThan(0.05);
    expect(Math.abs(counts['infra-backend-v2']! / n - 0.3)).toBeLessThan(0.05);
  });

  it('HTTPRouteServiceTypes / no ready endpoint: 503', () => {
    const c = load(
      `${deployment(INFRA, 'scaled-to-zero', 0)}---\n${route('zero', `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - ${backend('scaled-to-zero').trim()}`)}`,
    );
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('503');
  });

  it('HTTPRouteOmittedBackendRefs: a rule without backends answers 500', () => {
    const c = load(
      route(
        'no-backends',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: / } }]`,
      ),
    );
    expect(outcome(ask(c, 'same-namespace', { path: '/' }))).toBe('500');
  });

  it('precedence tie: the older route wins; without creationTimestamp, document order stands in', () => {
    const r = (name: string, b: string, ts = '') =>
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: ${name}, namespace: ${INFRA}${ts ? `, creationTimestamp: "${ts}"` : ''} }\nspec:\n  parentRefs: [{ name: same-namespace }]\n  rules:\n  - ${backend(b).trim()}`;
    expect(
      outcome(
        ask(load(`${r('zz', 'infra-backend-v1')}\n---\n${r('aa', 'infra-backend-v2')}`), 'same-namespace', {
          path: '/',
        }),
      ),
    ).toBe('200 infra-backend-v1');
    expect(
      outcome(
        ask(
          load(
            `${r('zz', 'infra-backend-v1', '2026-01-02T00:00:00Z')}\n---\n${r('aa', 'infra-backend-v2', '2026-01-01T00:00:00Z')}`,
          ),
          'same-namespace',
          { path: '/' },
        ),
      ),
    ).toBe('200 infra-backend-v2');
    // Same timestamp: alphabetical namespace/name.
    expect(
      outcome(
        ask(
          load(
            `${r('zz', 'infra-backend-v1', '2026-01-01T00:00:00Z')}\n---\n${r('aa', 'infra-backend-v2', '2026-01-01T00:00:00Z')}`,
          ),
          'same-namespace',
          { path: '/' },
        ),
      ),
    ).toBe('200 infra-backend-v2');
  });

  it('RegularExpression paths and headers match in full, and sort between Exact and PathPrefix', () => {
    const c = load(
      route(
        'regex',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - matches: [{ path: { type: PathPrefix, value: /v1 } }]\n${backend('infra-backend-v1')}\n  - matches: [{ path: { type: RegularExpression, value: "/v[0-9]+/users/[^/]+" } }]\n${backend('infra-backend-v2')}\n  - matches: [{ headers: [{ type: RegularExpression, name: x-tenant, value: "team-(a|b)" }] }]\n${backend('infra-backend-v3')}`,
      ),
    );
    expect(outcome(ask(c, 'same-namespace', { path: '/v1/users/ann' }))).toBe('200 infra-backend-v2');
    expect(outcome(ask(c, 'same-namespace', { path: '/v1/users/ann/x' }))).toBe('200 infra-backend-v1');
    expect(outcome(ask(c, 'same-namespace', { path: '/', headers: [['X-Tenant', 'team-b']] }))).toBe(
      '200 infra-backend-v3',
    );
    expect(outcome(ask(c, 'same-namespace', { path: '/', headers: [['X-Tenant', 'team-bc']] }))).toBe('404');
  });
});
