import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import { explainRequest } from './explain';
import type { GatewayRequest } from './route';

const examples = readFileSync(new URL('./fixtures/examples.yaml', import.meta.url), 'utf8');

function load(text: string): Cluster {
  const r = loadManifests([{ name: 'examples.yaml', text }]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.cluster;
}

const req = (host: string, path: string, extra: Partial<GatewayRequest> = {}): GatewayRequest => ({
  scheme: 'https',
  host,
  port: 443,
  method: 'GET',
  path,
  query: [],
  headers: [],
  ...extra,
});
const web = { namespace: 'default', name: 'web' };

describe('explainRequest', () => {
  const c = load(examples);

  it('says the header rule won and why the catch-all rule, which also matches, lost', () => {
    const e = explainRequest(c, web, req('www.example.com', '/', { headers: [['X-Canary', 'always']] }));
    const [first, second] = e.matches;
    expect(first).toMatchObject({ route: 'default/web', rule: 0, outcome: 'won' });
    expect(first?.checks.map((x) => [x.what, x.ok])).toEqual([
      ['hostname', true],
      ['path', true],
      ['header', true],
    ]);
    expect(first?.checks[2]?.text).toBe('header x-canary = always: sent as always');
    expect(second).toMatchObject({
      route: 'default/web',
      rule: 1,
      outcome: 'outranked',
      precedence: 'more header matches come first (1 against 0)',
    });
  });

  it('without the header, the header rule fails on it and the catch-all wins', () => {
    const e = explainRequest(c, web, req('www.example.com', '/shop'));
    const rule0 = e.matches.find((m) => m.rule === 0 && m.route === 'default/web');
    expect(rule0?.outcome).toBe('no-match');
    expect(rule0?.checks.find((x) => !x.ok)?.text).toBe('header x-canary = always: not sent');
    expect(e.matches.find((m) => m.outcome === 'won')).toMatchObject({ route: 'default/web', rule: 1 });
    expect(e.decision.status).toBe(200);
  });

  it('says why routes on other listeners or hostnames were never considered', () => {
    const e = explainRequest(c, web, req('api.example.com', '/cart/items', { scheme: 'http', port: 80 }));
    expect(e.matches[0]).toMatchObject({ route: 'default/api', outcome: 'won' });
    const byRoute = (r: string) => e.matches.find((m) => m.route === r);
    expect(byRoute('default/to-https')).toMatchObject({ outcome: 'not-considered' });
    expect(byRoute('default/to-https')?.checks[0]?.text).toBe(
      "host api.example.com is not among the route's hostnames (www.example.com)",
    );
    expect(byRoute('default/web')?.checks[0]?.text).toBe('the route is not attached to listener http');
  });

  it('explains that a prefix matches whole segments', () => {
    const e = explainRequest(c, web, req('api.example.com', '/cartx', { scheme: 'http', port: 80 }));
    expect(e.decision.status).toBe(404);
    expect(e.matches[0]?.checks.find((x) => x.what === 'path')).toEqual({
      what: 'path',
      ok: false,
      text: 'path /cartx not starts with the segments /cart (a prefix matches whole segments only)',
    });
  });

  const twoRoutes = `${examples}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: late, namespace: default }
spec:
  parentRefs: [{ name: web, sectionName: http }]
  hostnames: [api.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cart } }]
      backendRefs: [{ name: web, port: 80 }]
    - matches: [{ path: { type: Exact, value: /cart/items }, method: GET }]
      backendRefs: [{ name: web, port: 80 }]
`;

  it('names the step of the precedence that decided: Exact path, then route age', () => {
    const cl = load(twoRoutes);
    const e = explainRequest(cl, web, req('api.example.com', '/cart/items', { scheme: 'http', port: 80 }));
    expect(e.matches[0]).toMatchObject({ route: 'default/late', rule: 1, outcome: 'won' });
    const api = e.matches.find((m) => m.route === 'default/api');
    expect(api?.precedence).toBe('an Exact path comes before a PathPrefix path');
    const other = explainRequest(cl, web, req('api.example.com', '/cart/x', { scheme: 'http', port: 80 }));
    // in precedence order: the Exact match first (it fails on the path), then the winner
    expect(other.matches[0]).toMatchObject({ route: 'default/late', rule: 1, outcome: 'no-match' });
    expect(other.matches[1]).toMatchObject({ route: 'default/api', outcome: 'won' });
    expect(other.matches.find((m) => m.route === 'default/late' && m.rule === 0)?.precedence).toBe(
      'equal matches: the older route comes first; default/api (no creationTimestamp, so its place in the input) is before default/late (no creationTimestamp, so its place in the input)',
    );
  });

  it('agrees with routeRequest on the winner for every request tried', () => {
    const cl = load(twoRoutes);
    const hosts = ['www.example.com', 'api.example.com', 'x.example.com'];
    const paths = ['/', '/cart', '/cart/items', '/cartx', '/shop'];
    for (const host of hosts)
      for (const path of paths)
        for (const [scheme, port] of [
          ['http', 80],
          ['https', 443],
        ] as const)
          for (const headers of [[], [['x-canary', 'always']]] as [string, string][][]) {
            const e = explainRequest(cl, web, req(host, path, { scheme, port, headers }));
            const won = e.matches.filter((m) => m.outcome === 'won');
            const m = e.decision.matched;
            expect(won.map((w) => [w.route, w.rule, w.match])).toEqual(
              m ? [[`${m.route.namespace}/${m.route.name}`, m.ruleIndex, m.matchIndex]] : [],
            );
            // an outranked match held on every criterion, a failed one on not all
            for (const x of e.matches) {
              if (x.outcome === 'outranked') expect(x.checks.every((c) => c.ok)).toBe(true);
              if (x.outcome === 'no-match') expect(x.checks.some((c) => !c.ok)).toBe(true);
            }
          }
  });
});
