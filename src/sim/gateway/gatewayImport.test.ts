import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { toManifests } from '../export/toManifests';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import { gatewayApi, readGateway } from './model';
import { findGateway, routeRequest } from './route';
import type { GatewayRequest } from './route';
import { gatewayApiStatus } from './status';

const examples = readFileSync(new URL('./fixtures/examples.yaml', import.meta.url), 'utf8');

function load(text: string): Cluster {
  const r = loadManifests([{ name: 'examples.yaml', text }]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.cluster;
}

const get = (host: string, path: string, extra: Partial<GatewayRequest> = {}): GatewayRequest => ({
  scheme: 'http',
  host,
  port: 80,
  method: 'GET',
  path,
  query: [],
  headers: [],
  ...extra,
});
const web = { namespace: 'default', name: 'web' };

describe('Gateway API import and examples', () => {
  it('imports the examples and routes them: redirect, split, header match, cross-namespace', () => {
    const c = load(examples);
    expect(gatewayApi(c).routes.map((r) => r.name)).toEqual(['to-https', 'web', 'api']);
    const redirect = routeRequest(c, web, get('www.example.com', '/shop', { query: [['q', 'a%20b']] }));
    expect([redirect.status, redirect.location]).toEqual([301, 'https://www.example.com/shop?q=a%20b']);
    const https = get('www.example.com', '/', { scheme: 'https', port: 443 });
    expect(routeRequest(c, web, https).backends.map((b) => [b.ref.name, b.probability])).toEqual([
      ['web', 0.9],
      ['web-canary', 0.1],
    ]);
    const canary = routeRequest(c, web, { ...https, headers: [['X-Canary', 'always']] });
    expect([canary.status, canary.picked?.ref.name, canary.matched?.ruleIndex]).toEqual([200, 'web-canary', 0]);
    expect(routeRequest(c, web, get('api.example.com', '/cart/items')).status).toBe(200);
    expect(routeRequest(c, web, get('api.example.com', '/other')).status).toBe(404);
  });

  it('finds the Gateway a request reaches: named, or the only one on the port', () => {
    const c = load(examples);
    expect(findGateway(c, { scheme: 'https', port: 443 })).toMatchObject({ ok: true, gateway: { name: 'web' } });
    expect(findGateway(c, { scheme: 'http', port: 81 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('no Gateway has an HTTP listener on port 81'),
    });
    expect(findGateway(c, { scheme: 'http', port: 80 }, { namespace: 'shop', name: 'web' })).toMatchObject({
      ok: false,
    });
    const two = load(
      `${examples}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: other }\nspec:\n  gatewayClassName: eg\n  listeners: [{ name: http, port: 80, protocol: HTTP }]\n`,
    );
    expect(findGateway(two, { scheme: 'http', port: 80 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('several Gateways'),
    });
    expect(findGateway(two, { scheme: 'http', port: 80 }, { namespace: 'default', name: 'other' })).toMatchObject({
      ok: true,
    });
  });

  it('answers 500 for the cross-namespace backend once the ReferenceGrant is gone', () => {
    const withoutGrant = examples.slice(0, examples.lastIndexOf('---'));
    const c = load(withoutGrant);
    const d = routeRequest(c, web, get('api.example.com', '/cart'));
    expect(d.status).toBe(500);
    expect(d.reason).toContain('RefNotPermitted');
    expect(gatewayApiStatus(c).routes.find((r) => r.route.name === 'api')!.resolvedRefs.reason).toBe('RefNotPermitted');
  });

  it('round-trips every Gateway API object through toManifests', () => {
    const c = load(examples);
    const text = toManifests(c, null)
      .map((o) => stringify(o))
      .join('---\n');
    const again = load(text);
    expect(gatewayApi(again)).toEqual(gatewayApi(c));
  });

  it('reads ReferenceGrant v1 as well as v1beta1', () => {
    const c = load(examples.replace('gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1'));
    expect(gatewayApi(c).grants).toHaveLength(1);
  });

  it('reports an invalid RE2 pattern at its line and column, with the character', () => {
    const text = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bad }
spec:
  rules:
    - matches:
        - path:
            type: RegularExpression
            value: "/v[0-9+/(a"
`;
    const r = loadManifests([{ name: 'bad.yaml', text }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({
      object: 'HTTPRoute default/bad',
      field: 'spec.rules[0].matches[0].path.value',
      line: 9,
      column: 20,
    });
    expect(r.errors[0]!.message).toContain('missing closing ]');
    expect(r.errors[0]!.message).toContain('character 3 of the pattern');
  });

  it.each([
    ['spec:\n  listeners:\n    - { name: a, port: 80, protocol: HTTP }\n', 'spec.gatewayClassName', 'is required'],
    [
      'spec:\n  gatewayClassName: eg\n  listeners:\n    - { name: a, port: 443, protocol: HTTPS }\n',
      'spec.listeners[0].tls',
      'is required for an HTTPS listener',
    ],
    [
      'spec:\n  gatewayClassName: eg\n  listeners:\n    - { name: a, port: 80, protocol: HTTP, hostname: "1.2.3.4:80" }\n',
      'spec.listeners[0].hostname',
      'DNS name',
    ],
  ])('rejects a Gateway with %j at %s', (specText, field, message) => {
    const r = loadManifests([
      {
        name: 'gw.yaml',
        text: `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: g }\n${specText}`,
      },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ field });
    expect(r.errors[0]!.message).toContain(message);
    expect(r.errors[0]!.line).toBeGreaterThan(0);
  });

  it.each([
    [
      '    - backendRefs: [{ name: web }]\n',
      'spec.rules[0].backendRefs[0].port',
      'is required when the backend is a Service',
    ],
    [
      '    - filters: [{ type: RequestRedirect, requestRedirect: { statusCode: 304 } }]\n',
      'spec.rules[0].filters[0].requestRedirect.statusCode',
      'must be one of 301',
    ],
    [
      '    - matches: [{ path: { type: Exact, value: /a } }]\n      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /b } } }]\n',
      'spec.rules[0].filters[0].urlRewrite.path.type',
      'PathPrefix',
    ],
    [
      '    - matches: [{ path: { type: PathPrefix, value: /a%2Fb } }]\n',
      'spec.rules[0].matches[0].path.value',
      'must not contain "%2F"',
    ],
    [
      '    - matches: [{ path: { type: Exact, value: "/a b" } }]\n',
      'spec.rules[0].matches[0].path.value',
      'only path characters',
    ],
    [
      '    - matches: [{ path: { type: Exact, value: /a/.. } }]\n',
      'spec.rules[0].matches[0].path.value',
      'must not end with',
    ],
    [
      '    - filters: [{ type: RequestRedirect, requestRedirect: { scheme: https } }]\n      backendRefs: [{ name: web, port: 80 }]\n',
      'spec.rules[0].backendRefs',
      'must be empty when the rule redirects',
    ],
    ['    - matches: [{ method: FETCH }]\n', 'spec.rules[0].matches[0].method', 'must be one of'],
  ])('rejects an HTTPRoute rule %j at %s', (rule, field, message) => {
    const r = loadManifests([
      {
        name: 'r.yaml',
        text: `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\nspec:\n  rules:\n${rule}`,
      },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ field });
    expect(r.errors[0]!.message).toContain(message);
  });
});

describe('a listener’s TLS mode', () => {
  const gateway = (tls: unknown) =>
    readGateway({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'g', namespace: 'infra' },
      spec: {
        gatewayClassName: 'eg',
        listeners: [{ name: 'l', protocol: 'HTTPS', port: 443, ...(tls === undefined ? {} : { tls }) }],
      },
    })!.listeners[0]!;

  it('defaults to Terminate as the CRD does, keeps Passthrough, and is null without tls', () => {
    expect(gateway({ certificateRefs: [{ name: 'c' }] })).toMatchObject({
      tlsMode: 'Terminate',
      certificateRefs: [{ kind: 'Secret', namespace: 'infra', name: 'c' }],
    });
    expect(gateway({ mode: 'Passthrough' }).tlsMode).toBe('Passthrough');
    expect(gateway(undefined).tlsMode).toBeNull();
  });
});
