import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import type { Cluster, ClusterNode, Service } from '../model/types';
import { CILIUM_GATEWAY_CLUSTER } from '../scenarios/gatewayCluster';
import { findScenario } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { CILIUM_ENVOY_DEVICE, CILIUM_INGRESS_IDENTITY, ciliumGatewayEnabled, ciliumIngressIP } from '../cni/cilium';
import { addCiliumGateway } from '../model/ciliumGateway';
import { L7_PROXIES, l7Exposure, l7ProxyForService } from './registry';
import { ciliumGateway } from './ciliumGateway';
import type { L7Context } from './types';

const cluster = buildCluster(CILIUM_GATEWAY_CLUSTER);
const node = (c: Cluster, name: string): ClusterNode => c.nodes.find((n) => n.name === name) as ClusterNode;
const gatewaySvc = (c: Cluster): Service => c.services.find((s) => s.name === 'cilium-gateway-shop') as Service;
const ctx = (remoteAddr: string, over: Partial<L7Context> = {}): L7Context => ({
  proxy: { kind: 'node', node: node(cluster, 'node-a') },
  remoteAddr,
  port: 80,
  service: gatewaySvc(cluster),
  seed: 2,
  pick: [],
  ...over,
});
const request = (path: string) => ({ method: 'GET', scheme: 'http' as const, host: 'shop.example.com', path });

/** The scenario's description under other settings, as the app's switches or a corpus variant build it. */
function under(settings: ClusterSpec['settings']): Cluster {
  return buildCluster({ ...CILIUM_GATEWAY_CLUSTER, settings: { ...CILIUM_GATEWAY_CLUSTER.settings, ...settings } });
}

describe("Cilium's Gateway API module", () => {
  it('serves the Service the operator creates, cilium-gateway-<name>: LoadBalancer, no selector, port-<n>', () => {
    expect(L7_PROXIES.map((p) => p.id)).toContain('cilium-gateway');
    const svc = gatewaySvc(cluster);
    expect(svc).toMatchObject({
      namespace: 'default',
      type: 'LoadBalancer',
      selector: null,
      externalTrafficPolicy: 'Cluster',
      ports: [{ name: 'port-80', port: 80, protocol: 'tcp' }],
    });
    expect(svc && l7ProxyForService(svc, cluster)?.id).toBe('cilium-gateway');
    expect(ciliumGateway.placement).toBe('node');
    const web = cluster.services.find((s) => s.name === 'web');
    expect(web && l7ProxyForService(web, cluster)).toBeNull();
    expect(l7Exposure(cluster, 'shop.example.com', 'http')).toMatchObject({
      proxy: { id: 'cilium-gateway' },
      exposure: { service: 'default/cilium-gateway-shop', via: 'load-balancer', ip: svc?.loadBalancerIP, port: 80 },
    });
  });

  it("gives every node an Envoy and an ingress address from the end of its pod range, no pod's", () => {
    for (const n of cluster.nodes) {
      expect(n.devices.some((d) => d.name === CILIUM_ENVOY_DEVICE)).toBe(true);
      const ip = ciliumIngressIP(n);
      expect(ip).toBe(`${n.podCIDR?.slice(0, n.podCIDR.lastIndexOf('.'))}.254`);
      expect(cluster.pods.some((p) => p.ip === ip)).toBe(false);
    }
  });

  it('decides with the Gateway API router; Envoy connects from the ingress address, identity ingress', () => {
    const d = ciliumGateway.decide(cluster, request('/cart'), ctx('203.0.113.10'));
    expect(d.status).toBe(200);
    expect(d.route).toEqual({ kind: 'HTTPRoute', namespace: 'default', name: 'shop', rule: 0 });
    expect(d.upstreamSource).toBe('10.244.1.254');
    expect(d.upstreamIdentity).toBe(CILIUM_INGRESS_IDENTITY);
    expect(d.upstream?.kind).toBe('endpoint');
    expect(d.rule).toBe('HTTPRoute default/shop rule 0 (PathPrefix /cart) -> web:80');
    if (d.upstream?.kind === 'endpoint')
      expect(d.upstream.rule).toMatch(/^cluster default:web:80 \(EDS default\/web:80/);
    // use_remote_address with no trusted hops: the peer Envoy saw, and it is external
    expect(d.backendRequest?.headers).toMatchObject({
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-proto': 'http',
      'x-envoy-external-address': '203.0.113.10',
    });
    expect(d.backendRequest?.headers['x-envoy-internal']).toBeUndefined();
  });

  it("a client in Cilium's internal ranges is marked internal instead; a spoofed X-Forwarded-For is kept, not trusted", () => {
    const d = ciliumGateway.decide(
      cluster,
      { ...request('/cart'), headers: { 'X-Forwarded-For': '1.2.3.4', 'X-Envoy-Foo': 'x' } },
      ctx('192.168.10.50'),
    );
    expect(d.backendRequest?.headers['x-forwarded-for']).toBe('1.2.3.4, 192.168.10.50');
    expect(d.backendRequest?.headers['x-envoy-internal']).toBe('true');
    expect(d.backendRequest?.headers['x-envoy-external-address']).toBeUndefined();
    const ext = ciliumGateway.decide(
      cluster,
      { ...request('/cart'), headers: { 'X-Envoy-Foo': 'x' } },
      ctx('203.0.113.9'),
    );
    expect(ext.backendRequest?.headers['x-envoy-foo']).toBeUndefined();
  });

  it('answers 404 itself when no rule matches, and when the Service is no Gateway of its class', () => {
    const miss = ciliumGateway.decide(cluster, request('/'), ctx('203.0.113.10'));
    expect(miss).toMatchObject({ status: 404, upstream: null, backendRequest: null, route: null });
    const web = cluster.services.find((s) => s.name === 'web') as Service;
    const none = ciliumGateway.decide(cluster, request('/cart'), ctx('203.0.113.10', { service: web }));
    expect(none.status).toBe(404);
    expect(none.text).toContain('No Gateway of Cilium');
    expect(() =>
      ciliumGateway.decide(
        cluster,
        request('/cart'),
        ctx('203.0.113.10', { proxy: { kind: 'pod', pod: cluster.pods[0]! } }),
      ),
    ).toThrow(/on the node/);
  });

  it('runs only with Cilium and kube-proxy replacement, and follows enable-gateway-api when it is given', () => {
    const classes = [{ controllerName: 'io.cilium/gateway-controller' }];
    const base = {
      kind: 'cilium',
      routingMode: 'tunnel',
      tunnelProtocol: 'vxlan',
      kubeProxyReplacement: true,
    } as const;
    expect(ciliumGatewayEnabled({ cni: base }, classes)).toBe(true);
    expect(ciliumGatewayEnabled({ cni: base }, [])).toBe(false);
    expect(ciliumGatewayEnabled({ cni: { ...base, gatewayApi: true } }, [])).toBe(true);
    expect(ciliumGatewayEnabled({ cni: { ...base, gatewayApi: false } }, classes)).toBe(false);
    expect(ciliumGatewayEnabled({ cni: { ...base, kubeProxyReplacement: false } }, classes)).toBe(false);
    expect(ciliumGatewayEnabled({ cni: { ...base, kubeProxyReplacement: false }, proxyMode: 'cilium' }, classes)).toBe(
      true,
    );
    expect(ciliumGatewayEnabled({ cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true } }, classes)).toBe(false);
    // without it the Service stays, with no one behind it: kube-proxy refuses the connection
    const flannel = under({ cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true }, proxyMode: 'iptables' });
    expect(flannel.nodes.some((n) => n.devices.some((d) => d.name === CILIUM_ENVOY_DEVICE))).toBe(false);
    const svc = gatewaySvc(flannel);
    expect(svc && l7ProxyForService(svc, flannel)).toBeNull();
    const t = trace(flannel, { from: 'external/203.0.113.10', to: 'http://shop.example.com/cart' }, { seed: 2 });
    expect(t.verdict).toBe('refused');
  });

  it('adds the Service only for a Gateway of its class that lacks it, and says so', () => {
    const spec: ClusterSpec = { ...CILIUM_GATEWAY_CLUSTER, services: [] };
    const added = addCiliumGateway(spec);
    expect(added.spec.services?.map((s) => s.name)).toEqual(['cilium-gateway-shop']);
    expect(added.note).toContain("a Gateway of Cilium's GatewayClass");
    expect(addCiliumGateway(added.spec).note).toBeNull();
    const off = addCiliumGateway({ ...spec, settings: { ...spec.settings, cni: { kind: 'kindnet' } } });
    expect(off.note).toBeNull();
  });
});

describe('a request through the node’s Envoy', () => {
  const scenario = findScenario('gateway-cilium')!;
  const t = trace(buildCluster(scenario.spec), scenario.request, { seed: scenario.seed ?? 1 });
  const proxyAt = t.hops.findIndex((h) => h.kind === 'proxy');

  it('reaches a node, where eBPF hands it to that node’s Envoy: no DNAT, the client’s address kept', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.hops.slice(0, proxyAt).map((h) => h.kind)).toEqual([
      'socket',
      'wire',
      'load-balancer',
      'route',
      'netfilter',
      'deliver',
    ]);
    expect(t.hops.slice(0, proxyAt).every((h) => h.nat === undefined)).toBe(true);
    const envoy = t.hops[proxyAt]!;
    expect(envoy.at).toBe(`dev/node-a/${CILIUM_ENVOY_DEVICE}`);
    expect(envoy.packet.src).toMatch(/^203\.0\.113\.10:/);
    expect(envoy.packet.dst).toBe(`${gatewaySvc(cluster)?.loadBalancerIP}:80`);
    expect(t.hops[proxyAt - 2]?.rule).toContain('L7 load balancer');
  });

  it('opens the upstream connection from the ingress address, carried through VXLAN as identity 8', () => {
    const up = t.hops[proxyAt + 1]!;
    expect(up.kind).toBe('socket');
    expect(up.packet.src).toMatch(/^10\.244\.1\.254:/);
    expect(up.text).toContain('reserved identity ingress (8)');
    const encap = t.hops.find((h) => h.kind === 'encap');
    expect(encap?.packet.outer?.vni).toBe(CILIUM_INGRESS_IDENTITY);
    const last = t.hops[t.hops.length - 1]!;
    expect(last.kind).toBe('deliver');
    expect(last.node).toBe('node-b');
    expect(last.packet.src).toMatch(/^10\.244\.1\.254:/);
    expect(last.text).toContain("node-a's ingress address");
    expect(t.http?.backend?.headers['x-forwarded-for']).toBe('203.0.113.10');
  });

  it('the backend answers the ingress address through the tunnel; Envoy answers the client as the load balancer', () => {
    const reply = t.reply?.hops ?? [];
    expect(reply.some((h) => h.kind === 'encap' && h.node === 'node-b')).toBe(true);
    const relay = reply.findIndex((h) => h.kind === 'proxy');
    expect(reply[relay]?.packet.src).toBe(`${gatewaySvc(cluster)?.loadBalancerIP}:80`);
    expect(reply[reply.length - 1]).toMatchObject({ kind: 'deliver', at: 'ext/203.0.113.10' });
    expect(t.conversation?.map((x) => `${x.leg} ${x.carries.join('+')}`)).toEqual([
      'client-proxy SYN',
      'client-proxy SYN-ACK',
      'client-proxy ACK+request',
      'proxy-backend SYN',
      'proxy-backend SYN-ACK',
      'proxy-backend ACK+request',
      'proxy-backend response',
      'client-proxy response',
    ]);
  });

  it('is followed from outside the cluster only', () => {
    expect(() => trace(cluster, { from: 'node/node-a', to: 'http://shop.example.com/cart' })).toThrow(
      /traced from outside it/,
    );
  });
});

describe('NetworkPolicy at the backend sees the ingress identity', () => {
  const policy = (ingress: unknown[]) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress },
  });
  const run = (ingress: unknown[]) => {
    const spec = { ...CILIUM_GATEWAY_CLUSTER, extras: [...(CILIUM_GATEWAY_CLUSTER.extras ?? []), policy(ingress)] };
    return trace(
      buildCluster(spec),
      { from: 'external/203.0.113.10', to: 'http://shop.example.com/cart' },
      { seed: 2 },
    );
  };

  it('a pod selector does not select it, nor does an ipBlock that holds its address: Envoy gives up, 504', () => {
    for (const from of [
      [{ podSelector: {} }],
      [{ namespaceSelector: {} }],
      [{ ipBlock: { cidr: '10.244.0.0/16' } }],
      [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    ]) {
      const t = run([{ from }]);
      expect(t.http?.status, JSON.stringify(from)).toBe(504);
      expect(t.hops.some((h) => h.kind === 'policy' || h.kind === 'drop')).toBe(true);
    }
  });

  it('a rule open to every source lets it through', () => {
    expect(run([{}]).http?.status).toBe(200);
    expect(run([{ ports: [{ port: 8080 }] }]).http?.status).toBe(200);
  });
});
