import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import { routeRequest } from './route';
import { gatewayApiStatus } from './status';

function load(text: string): Cluster {
  const r = loadManifests([{ name: 'gw.yaml', text }]);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.cluster;
}

const CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
---
`;
const gateway = (listeners: string, cls = 'eg') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw }
spec:
  gatewayClassName: ${cls}
  listeners:
${listeners}`;
const get = {
  scheme: 'http' as const,
  host: 'a.example.com',
  port: 80,
  method: 'GET',
  path: '/',
  query: [],
  headers: [],
};

describe('Gateway and listener status', () => {
  it('a Gateway without its GatewayClass has no controller: Pending, and no answer', () => {
    const c = load(gateway('  - { name: http, port: 80, protocol: HTTP }', 'missing'));
    const g = gatewayApiStatus(c).gateways[0]!;
    expect(g.conditions[0]).toMatchObject({ type: 'Accepted', status: 'Unknown', reason: 'Pending' });
    expect(g.owned).toBe(false);
    expect(routeRequest(c, { namespace: 'default', name: 'gw' }, get).status).toBe(0);
  });

  it('HTTP and HTTPS on one port conflict; two listeners with one hostname on one port too', () => {
    const c = load(
      CLASS +
        gateway(`  - { name: a, port: 80, protocol: HTTP }
  - { name: b, port: 80, protocol: HTTPS, tls: { certificateRefs: [{ name: cert }] } }
  - { name: c, port: 8080, protocol: HTTP, hostname: x.example.com }
  - { name: d, port: 8080, protocol: HTTP, hostname: x.example.com }
  - { name: e, port: 9090, protocol: HTTP }`),
    );
    const g = gatewayApiStatus(c).gateways[0]!;
    const conflicted = (name: string) =>
      g.listeners.find((l) => l.listener.name === name)!.conditions.find((k) => k.type === 'Conflicted');
    expect(conflicted('a')).toMatchObject({ status: 'True', reason: 'ProtocolConflict' });
    expect(conflicted('c')).toMatchObject({ status: 'True', reason: 'HostnameConflict' });
    expect(conflicted('e')).toMatchObject({ status: 'False', reason: 'NoConflicts' });
    expect(g.listeners.find((l) => l.listener.name === 'e')!.programmed).toBe(true);
    const ask = (port: number, scheme: 'http' | 'https' = 'http') =>
      routeRequest(c, { namespace: 'default', name: 'gw' }, { ...get, port, scheme });
    expect(ask(9090, 'https').reason).toContain('speaks HTTP, not HTTPS');
    expect([ask(7000).status, ask(7000).reason]).toEqual([0, expect.stringContaining('connection is refused')]);
    expect(g.conditions[0]).toMatchObject({ type: 'Accepted', status: 'True', reason: 'ListenersNotValid' });
  });

  it('counts attached routes per listener and refuses an HTTPRoute on a TCP listener', () => {
    const c = load(
      CLASS +
        gateway(`  - { name: http, port: 80, protocol: HTTP }
  - { name: tcp, port: 5432, protocol: TCP }`) +
        `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  parentRefs: [{ name: gw, sectionName: http }, { name: gw, sectionName: tcp }]
`,
    );
    const s = gatewayApiStatus(c);
    expect(s.gateways[0]!.listeners.map((l) => [l.listener.name, l.attachedRoutes])).toEqual([
      ['http', 1],
      ['tcp', 0],
    ]);
    expect(s.routes[0]!.parents.map((p) => p.conditions[0]!.reason)).toEqual(['Accepted', 'NotAllowedByListeners']);
    // The CRD default: one rule for every path, without backends: 500.
    expect(routeRequest(c, { namespace: 'default', name: 'gw' }, get).status).toBe(500);
  });
});
