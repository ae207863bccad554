/**
 * ingress-nginx behind the L7 seam: the typed decision for the built-in Ingress cluster (the
 * listener, the Ingress rule, the endpoint, the request the backend sees, the status, the source
 * of NGINX's upstream connection), and the registry that finds it.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { findScenario } from '../scenarios/catalog';
import type { Cluster, Pod } from '../model/types';
import { L7_PROXIES, l7Exposure, l7ProxyForService } from './registry';
import { ingressNginx } from './ingressNginx';
import type { L7Context } from './types';

const cluster: Cluster = buildCluster((findScenario('ingress') as NonNullable<ReturnType<typeof findScenario>>).spec);
const ctrl = cluster.pods.find((p) => p.namespace === 'ingress-nginx') as Pod;
const ctx = (more: Partial<L7Context> = {}): L7Context => ({
  proxy: { kind: 'pod', pod: ctrl },
  remoteAddr: '10.244.1.0',
  port: 80,
  seed: 1,
  pick: [],
  ...more,
});
const get = (path: string, scheme: 'http' | 'https' = 'http') => ({
  method: 'GET',
  scheme,
  host: 'shop.example.com',
  path,
});

describe('the ingress-nginx module', () => {
  it('is found by the controller Service and by the hosts its Ingresses name', () => {
    expect(L7_PROXIES.map((p) => p.id)).toEqual(['ingress-nginx', 'envoy-gateway', 'cilium-gateway']);
    const svc = cluster.services.find((s) => s.name === 'ingress-nginx-controller');
    expect(svc && l7ProxyForService(svc, cluster)?.id).toBe('ingress-nginx');
    const web = cluster.services.find((s) => s.name === 'web');
    expect(web && l7ProxyForService(web, cluster)).toBeNull();
    expect(l7Exposure(cluster, 'shop.example.com', 'http')?.exposure.via).toBe('node-port');
    expect(l7Exposure(cluster, 'elsewhere.example.com', 'http')).toBeNull();
  });

  it('a matching rule: listener, Ingress rule, chosen endpoint, request as the backend sees it', () => {
    const web = cluster.pods.filter((p) => p.namespace === 'default' && p.name.startsWith('web-'));
    const pinned = web[web.length - 1] as Pod;
    const d = ingressNginx.decide(cluster, get('/cart'), ctx({ pick: [`default/${pinned.name}`] }));
    expect(d.proxy).toBe('ingress-nginx');
    expect(d.listener).toEqual({ name: 'shop.example.com', port: 80, protocol: 'HTTP', hostname: 'shop.example.com' });
    expect(d.route).toEqual({ kind: 'Ingress', namespace: 'default', name: 'shop', rule: 0 });
    expect(d.status).toBe(200);
    expect(d.upstream?.kind).toBe('endpoint');
    if (d.upstream?.kind !== 'endpoint') return;
    expect(d.upstream.chosen).toMatchObject({ pod: `default/${pinned.name}`, ip: pinned.ip });
    expect(d.upstream.probability).toBeCloseTo(1 / web.length);
    expect(d.upstream.rule).toContain(`server ${pinned.ip}:`);
    expect(d.backendRequest?.path).toBe('/cart');
    expect(d.backendRequest?.headers['X-Forwarded-For']).toBe('10.244.1.0');
    expect(d.backendRequest?.headers['Host']).toBe('shop.example.com');
    expect(d.upstreamSource).toBe(ctrl.ip);
    expect(d.backendService).toBe('default/web');
  });

  it('the query string reaches the backend unchanged and takes no part in matching', () => {
    const d = ingressNginx.decide(cluster, { ...get('/cart'), query: 'id=7&x' }, ctx());
    expect(d.status).toBe(200);
    expect(d.backendRequest?.path).toBe('/cart?id=7&x');
  });

  it('no rule: 404 from the proxy itself, no route, nothing contacted', () => {
    const d = ingressNginx.decide(cluster, get('/'), ctx());
    expect(d.status).toBe(404);
    expect(d.route).toBeNull();
    expect(d.upstream).toBeNull();
    expect(d.backendRequest).toBeNull();
    expect(ingressNginx.statusLine(d.status)).toBe('404 Not Found');
  });

  it('a backend without endpoints: 503, the route still named', () => {
    const d = ingressNginx.decide(cluster, get('/admin'), ctx());
    expect(d.status).toBe(503);
    expect(d.route).toEqual({ kind: 'Ingress', namespace: 'default', name: 'shop', rule: 0 });
    expect(d.backendService).toBe('default/admin');
    expect(d.upstream).toBeNull();
    expect(ingressNginx.statusLine(503)).toBe('503 Service Temporarily Unavailable');
    expect(ingressNginx.statusLine(504)).toBe('504 Gateway Time-out');
  });
});
