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
    # Upstream selects gateway-conformance: backend; the importer keeps no Namespace labels yet, so the
    # label the API server always sets stands in for it.
    allowedRoutes:
      namespaces: { from: Selector, selector: { matchLabels: { kubernetes.io/metadata.name: gateway-conformance-app-backend } } }
---
${deployment(INFRA, 'infra-backend-v1')}---
${deployment(INFRA, 'infra-backend-v2')}---
${deployment(INFRA, 'infra-backend-v3')}---
${deployment('gateway-conformance-web-backend', 'web-backend')}---
${deployment('gateway-conformance-app-backend', 'app-backend')}`;

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

function ask(cluster: Cluster, gateway: string, a: Ask, seed = 1): RouteDecision {
  const req: GatewayRequest = {
    scheme: a.scheme ?? 'http',
    host: a.host ?? 'example.com',
    port: a.port ?? 80,
    method: a.method ?? 'GET',
    path: a.path,
    query: a.query ?? [],
    headers: a.headers ?? [],
  };
  return routeRequest(cluster, { namespace: INFRA, name: gateway }, req, { seed });
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

  const headerRoute = `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ headers: [{ name: version, value: one }] }]
${backend('infra-backend-v1')}
  - matches: [{ headers: [{ name: version, value: two }] }]
${backend('infra-backend-v2')}
  - matches: [{ headers: [{ name: version, value: two }, { name: color, value: orange }] }]
${backend('infra-backend-v1')}
  - matches: [{ headers: [{ name: color, value: blue }] }, { headers: [{ name: color, value: green }] }]
${backend('infra-backend-v1')}
  - matches: [{ headers: [{ name: color, value: red }] }, { headers: [{ name: color, value: yellow }] }]
${backend('infra-backend-v2')}`;

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
        ['Version', 'one'],
        ['Color', 'orange'],
      ],
      '200 infra-backend-v1',
    ],
    [[['Color', 'blue']], '200 infra-backend-v1'],
    [[['Color', 'green']], '200 infra-backend-v1'],
    [[['Color', 'red']], '200 infra-backend-v2'],
    [[['Color', 'yellow']], '200 infra-backend-v2'],
    [[['Version', 'four']], '404'],
    [[['Color', 'purple']], '404'],
    [[['Version', 'TWO']], '404'],
  ] as [[string, string][], string][])('HTTPRouteHeaderMatching %j -> %s', (headers, want) => {
    expect(outcome(ask(load(route('header-matching', headerRoute)), 'same-namespace', { path: '/', headers }))).toBe(
      want,
    );
  });

  const queryRoute = `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ queryParams: [{ name: animal, value: whale }] }]
${backend('infra-backend-v1')}
  - matches: [{ queryParams: [{ name: animal, value: dolphin }] }]
${backend('infra-backend-v2')}
  - matches: [{ queryParams: [{ name: animal, value: dolphin }, { name: color, value: blue }] }, { queryParams: [{ name: ANIMAL, value: Whale }] }]
${backend('infra-backend-v3')}`;

  it.each([
    [[['animal', 'whale']], '200 infra-backend-v1'],
    [[['animal', 'dolphin']], '200 infra-backend-v2'],
    [
      [
        ['animal', 'dolphin'],
        ['color', 'blue'],
      ],
      '200 infra-backend-v3',
    ],
    [[['ANIMAL', 'Whale']], '200 infra-backend-v3'],
    [
      [
        ['animal', 'dolphin'],
        ['color', 'yellow'],
      ],
      '200 infra-backend-v2',
    ],
    [[['color', 'blue']], '404'],
    [[['animal', 'Whale']], '404'],
    [[], '404'],
  ] as [[string, string][], string][])('HTTPRouteQueryParamMatching %j -> %s', (query, want) => {
    expect(outcome(ask(load(route('query-param-matching', queryRoute)), 'same-namespace', { path: '/', query }))).toBe(
      want,
    );
  });

  const methodRoute = `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ method: POST }]
${backend('infra-backend-v1')}
  - matches: [{ method: GET }]
${backend('infra-backend-v2')}
  - matches: [{ path: { type: PathPrefix, value: /path1 }, method: GET }]
${backend('infra-backend-v1')}
  - matches: [{ headers: [{ name: version, value: one }], method: PUT }]
${backend('infra-backend-v2')}
  - matches: [{ path: { type: PathPrefix, value: /path3 }, headers: [{ name: version, value: three }], method: PATCH }]
${backend('infra-backend-v3')}
  - matches: [{ path: { type: PathPrefix, value: /path4 }, headers: [{ name: version, value: four }], method: DELETE }, { path: { type: PathPrefix, value: /path5 }, headers: [{ name: version, value: five }], method: PATCH }]
${backend('infra-backend-v2')}`;

  it.each([
    [{ method: 'POST', path: '/' }, '200 infra-backend-v1'],
    [{ method: 'GET', path: '/' }, '200 infra-backend-v2'],
    [{ method: 'GET', path: '/path1' }, '200 infra-backend-v1'],
    [{ method: 'PUT', path: '/', headers: [['version', 'one']] }, '200 infra-backend-v2'],
    [{ method: 'PATCH', path: '/path3', headers: [['version', 'three']] }, '200 infra-backend-v3'],
    [{ method: 'DELETE', path: '/path4', headers: [['version', 'four']] }, '200 infra-backend-v2'],
    [{ method: 'PATCH', path: '/path5', headers: [['version', 'five']] }, '200 infra-backend-v2'],
    [{ method: 'POST', path: '/path1' }, '200 infra-backend-v1'],
    [{ method: 'HEAD', path: '/' }, '404'],
    [{ method: 'PUT', path: '/' }, '404'],
    [{ method: 'PATCH', path: '/path5', headers: [['version', 'four']] }, '404'],
  ] as [Ask, string][])('HTTPRouteMethodMatching %o -> %s', (a, want) => {
    expect(outcome(ask(load(route('method-matching', methodRoute)), 'same-namespace', a))).toBe(want);
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

  const redirect = (name: string, filter: string, match = '/') =>
    `  - matches: [{ path: { type: PathPrefix, value: ${match} } }]\n    filters: [{ type: RequestRedirect, requestRedirect: ${filter} }]\n    # ${name}`;

  it.each([
    [
      'HTTPRouteRedirectHostAndStatus',
      '/hostname-redirect',
      '{ hostname: example.org }',
      '302 http://example.org/hostname-redirect',
    ],
    [
      'HTTPRouteRedirectHostAndStatus',
      '/host-and-status',
      '{ hostname: example.org, statusCode: 301 }',
      '301 http://example.org/host-and-status',
    ],
    ['HTTPRouteRedirectScheme', '/scheme', '{ scheme: https }', '302 https://example.com/scheme'],
    [
      'HTTPRouteRedirectScheme',
      '/scheme-and-host',
      '{ scheme: https, hostname: example.org }',
      '302 https://example.org/scheme-and-host',
    ],
    ['HTTPRouteRedirectPort', '/port', '{ port: 8083 }', '302 http://example.com:8083/port'],
    [
      'HTTPRouteRedirectPort',
      '/port-and-host',
      '{ hostname: example.org, port: 8083 }',
      '302 http://example.org:8083/port-and-host',
    ],
    [
      'HTTPRouteRedirectPortAndScheme',
      '/scheme-nil-and-port-nil',
      '{ scheme: https }',
      '302 https://example.com/scheme-nil-and-port-nil',
    ],
    [
      'HTTPRouteRedirectPortAndScheme',
      '/scheme-https-and-port-443',
      '{ scheme: https, port: 443 }',
      '302 https://example.com/scheme-https-and-port-443',
    ],
    [
      'HTTPRouteRedirectPortAndScheme',
      '/scheme-https-and-port-8443',
      '{ scheme: https, port: 8443 }',
      '302 https://example.com:8443/scheme-https-and-port-8443',
    ],
    [
      'HTTPRouteRedirectPortAndScheme',
      '/scheme-http-and-port-80',
      '{ scheme: http, port: 80 }',
      '302 http://example.com/scheme-http-and-port-80',
    ],
    ['HTTPRoute303Redirect', '/303', '{ statusCode: 303, hostname: example.org }', '303 http://example.org/303'],
    ['HTTPRoute307Redirect', '/307', '{ statusCode: 307, hostname: example.org }', '307 http://example.org/307'],
    ['HTTPRoute308Redirect', '/308', '{ statusCode: 308, hostname: example.org }', '308 http://example.org/308'],
    [
      'HTTPRouteRedirectPath',
      '/original-prefix',
      '{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }',
      '302 http://example.com/replacement-prefix/lemon',
    ],
    [
      'HTTPRouteRedirectPath',
      '/full',
      '{ path: { type: ReplaceFullPath, replaceFullPath: /full-path-replacement } }',
      '302 http://example.com/full-path-replacement',
    ],
    [
      'HTTPRouteRedirectPath',
      '/path-and-host',
      '{ hostname: example.org, path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }',
      '302 http://example.org/replacement-prefix/lemon',
    ],
    [
      'HTTPRouteRedirectPath',
      '/trailing',
      '{ path: { type: ReplacePrefixMatch, replacePrefixMatch: / } }',
      '302 http://example.com/lemon',
    ],
  ])('%s %s %s -> %s', (_name, prefix, filter, want) => {
    const c = load(
      route('redirect', `  parentRefs: [{ name: same-namespace }]\n  rules:\n${redirect(_name, filter, prefix)}`),
    );
    const path =
      prefix === '/original-prefix' || prefix === '/path-and-host' || prefix === '/trailing'
        ? `${prefix}/lemon`
        : prefix;
    expect(outcome(ask(c, 'same-namespace', { path }))).toBe(want);
  });

  it('HTTPRouteRedirectPortAndScheme: from an HTTP listener on 8080 a scheme-less redirect keeps the listener port', () => {
    const c = load(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: http-8080, namespace: ${INFRA} }
spec:
  gatewayClassName: envoy-gateway
  listeners: [{ name: http, port: 8080, protocol: HTTP }]
---
${route('redirect-8080', `  parentRefs: [{ name: http-8080 }]\n  rules:\n${redirect('x', '{ hostname: example.org }')}`)}`);
    expect(outcome(ask(c, 'http-8080', { path: '/a', port: 8080 }))).toBe('302 http://example.org:8080/a');
  });

  const rewrite = `  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /prefix/one } }]
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /one } } }]
${backend('infra-backend-v1')}
  - matches: [{ path: { type: PathPrefix, value: /full/one } }]
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /one } } }]
${backend('infra-backend-v1')}
  - matches: [{ path: { type: PathPrefix, value: /full/rewrite-path-and-modify-headers } }]
    filters:
    - { type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /test } } }
    - { type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: X-Header-Set, value: set-overwrites-values }], add: [{ name: X-Header-Add, value: header-val-1 }], remove: [X-Header-Remove] } }
${backend('infra-backend-v1')}
  - matches: [{ path: { type: PathPrefix, value: /strip-prefix } }]
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: / } } }]
${backend('infra-backend-v1')}
  - matches: [{ path: { type: PathPrefix, value: /rewrite-host } }]
    filters: [{ type: URLRewrite, urlRewrite: { hostname: one.example.org } }]
${backend('infra-backend-v2')}`;

  it.each([
    ['HTTPRouteRewritePath', '/prefix/one/two', '/one/two', 'example.com'],
    ['HTTPRouteRewritePath', '/full/one/two', '/one', 'example.com'],
    ['HTTPRouteRewritePath', '/full/rewrite-path-and-modify-headers/test', '/test', 'example.com'],
    ['HTTPRouteRewritePath', '/strip-prefix/three', '/three', 'example.com'],
    ['HTTPRouteRewritePath', '/strip-prefix', '/', 'example.com'],
    ['HTTPRouteRewriteHost', '/rewrite-host', '/rewrite-host', 'one.example.org'],
  ])('%s %s -> backend sees %s on %s', (_n, path, want, host) => {
    const d = ask(load(route('rewrite-path', rewrite)), 'same-namespace', {
      path,
      headers: [
        ['X-Header-Remove', 'remove-val'],
        ['X-Header-Add-Append', 'append-val-1'],
        ['X-Header-Set', 'some-other-value'],
      ],
    });
    expect(d.status).toBe(200);
    expect(d.upstream).toMatchObject({ path: want, host });
    if (path.includes('modify-headers')) {
      const h = Object.fromEntries(d.upstream!.headers);
      expect(h).toMatchObject({ 'X-Header-Set': 'set-overwrites-values', 'X-Header-Add': 'header-val-1' });
      expect(h).not.toHaveProperty('X-Header-Remove');
    }
  });

  it('HTTPRouteRequestHeaderModifier: set overwrites, add appends, remove deletes, names ignore case', () => {
    const c = load(
      route(
        'request-header-modifier',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - filters:\n    - type: RequestHeaderModifier\n      requestHeaderModifier:\n        set: [{ name: X-Header-Set, value: set-overwrites-values }]\n        add: [{ name: X-Header-Add, value: add-appends-values }]\n        remove: [X-Header-Remove]\n${backend('infra-backend-v1')}`,
      ),
    );
    const d = ask(c, 'same-namespace', {
      path: '/',
      headers: [
        ['Some-Other-Header', 'val'],
        ['x-header-set', 'some-other-value'],
        ['X-Header-Add', 'some-other-value'],
        ['x-header-remove', 'val'],
      ],
    });
    expect(d.upstream!.headers.filter(([n]) => !n.startsWith('x-forwarded'))).toEqual([
      ['Some-Other-Header', 'val'],
      ['X-Header-Set', 'set-overwrites-values'],
      ['X-Header-Add', 'some-other-value,add-appends-values'],
    ]);
  });

  it('HTTPRouteResponseHeaderModifier: the client sees the set and added headers', () => {
    const c = load(
      route(
        'response-header-modifier',
        `  parentRefs: [{ name: same-namespace }]\n  rules:\n  - filters:\n    - type: ResponseHeaderModifier\n      responseHeaderModifier:\n        set: [{ name: X-Header-Set, value: set-overwrites-values }]\n        add: [{ name: X-Header-Add, value: add-appends-values }]\n        remove: [X-Header-Remove]\n${backend('infra-backend-v1')}`,
      ),
    );
    const d = ask(c, 'same-namespace', { path: '/' });
    expect(d.status).toBe(200);
    expect(d.responseHeaders).toEqual([
      ['X-Header-Set', 'set-overwrites-values'],
      ['X-Header-Add', 'add-appends-values'],
    ]);
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
