/**
 * The edge of the cluster wired into trace() (issue 5, docs/networking-model.md):
 * NetworkPolicy verdicts and drops, DNS behind a default-deny egress, Ingress as two connections,
 * egress masquerade, and hostPort.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import type { Cluster } from '../model/types';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { addIngressController } from './ingress';
import { trace } from './trace';

const CALICO = {
  cni: {
    kind: 'calico' as const,
    ipipMode: 'Always' as const,
    vxlanMode: 'Never' as const,
    natOutgoing: true,
    blockSize: 26,
  },
  policyEnforced: true,
};
const policy = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'default' },
  spec,
});
const build = (spec: ClusterSpec): Cluster => buildCluster(spec);
const webOn = (c: Cluster, node: string): string =>
  `pod/default/${c.pods.find((p) => p.owner === 'Deployment/web' && p.node === node)!.name}`;

describe('NetworkPolicy in trace()', () => {
  const deny = policy('web-deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });
  const allow = policy('web-from-client', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }],
  });

  it('a denied packet is dropped at the destination, silently: no reply, the isolating policy named', () => {
    const c = build({ ...defaultClusterSpec, settings: CALICO, extras: [deny] });
    const t = trace(c, { from: 'pod/default/client', to: webOn(c, 'node-b'), port: 8080 });
    expect(t.verdict).toBe('dropped');
    expect(t.reply).toBeNull();
    expect(t.hops.at(-1)!.kind).toBe('drop');
    expect(t.hops.some((h) => h.kind === 'deliver')).toBe(false);
    expect(t.reason).toMatch(/No ingress rule of default\/web-deny .*allows TCP port 8080/);
  });

  it('an allowed packet names the policy and the rule that allowed it, on a policy hop and in the reason', () => {
    const c = build({ ...defaultClusterSpec, settings: CALICO, extras: [deny, allow] });
    const t = trace(c, { from: 'pod/default/client', to: webOn(c, 'node-b'), port: 8080 });
    expect(t.verdict).toBe('delivered');
    expect(t.reason).toContain('Allowed by default/web-from-client spec.ingress[0]');
    expect(t.hops.find((h) => h.kind === 'policy')!.rule).toBe(
      'NetworkPolicy default/web-from-client spec.ingress[0]: from podSelector app=client; ports TCP/8080',
    );
    expect(t.reply!.verdict).toBe('delivered');
  });

  it('with plain flannel the policy has no effect, and the trace says so', () => {
    const c = build({ ...defaultClusterSpec, extras: [deny] });
    const t = trace(c, { from: 'pod/default/client', to: webOn(c, 'node-b'), port: 8080 });
    expect(t.verdict).toBe('delivered');
    expect(t.reason).toMatch(/does not enforce NetworkPolicy: it has no effect/);
    expect(t.hops.find((h) => h.kind === 'policy')!.text).toMatch(/no effect/);
  });

  it('dropped DNS queries are still listed: the first search name and the name as is, each timed out', () => {
    const c = build({
      ...defaultClusterSpec,
      settings: CALICO,
      extras: [policy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
    });
    const queries = (to: string): string[] =>
      trace(c, { from: 'pod/default/client', to, port: 80 }).dns!.queries.map(
        (q) => `${q.name} ${q.type} ${q.timedOut ? 'timeout' : JSON.stringify(q.answer)}`,
      );
    // ndots:5: the search list comes first; its first timeout ends the search, the name as is is still tried.
    expect(queries('web')).toEqual([
      'web.default.svc.cluster.local A timeout',
      'web.default.svc.cluster.local AAAA timeout',
      'web A timeout',
      'web AAAA timeout',
    ]);
    // Enough dots (ndots:5): the name as is first; its timeout does not end the lookup, the first
    // search name follows and ends it (glibc res_search).
    expect(queries('a.b.c.d.e.example.com')).toEqual([
      'a.b.c.d.e.example.com A timeout',
      'a.b.c.d.e.example.com AAAA timeout',
      'a.b.c.d.e.example.com.default.svc.cluster.local A timeout',
      'a.b.c.d.e.example.com.default.svc.cluster.local AAAA timeout',
    ]);
    // An absolute name is tried once.
    expect(queries('web.default.svc.cluster.local.')).toEqual([
      'web.default.svc.cluster.local A timeout',
      'web.default.svc.cluster.local AAAA timeout',
    ]);
    // An SRV name asks for SRV records.
    expect(queries('_http._tcp.web')).toEqual([
      '_http._tcp.web.default.svc.cluster.local SRV timeout',
      '_http._tcp.web SRV timeout',
    ]);
    // Without the policy nothing times out.
    const open = trace(build({ ...defaultClusterSpec, settings: CALICO }), { from: 'pod/default/client', to: 'web' });
    expect(open.dns!.queries.some((q) => q.timedOut)).toBe(false);
  });

  it('a default-deny egress blocks DNS too: the resolver times out, the name is unresolved and nothing is sent', () => {
    const c = build({
      ...defaultClusterSpec,
      settings: CALICO,
      extras: [policy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
    });
    const t = trace(c, { from: 'pod/default/client', to: 'web', port: 80 });
    expect(t.verdict).toBe('unresolved');
    expect(t.hops).toEqual([]);
    expect(t.dns!.hops.some((h) => h.kind === 'drop')).toBe(true);
    expect(t.reason).toMatch(/times out/);
    // ...and the same policy drops egress to the Internet at the client's veth.
    const out = trace(c, { from: 'pod/default/client', to: '93.184.216.34', port: 443 });
    expect(out.verdict).toBe('dropped');
    expect(out.hops.at(-1)!.at).toBe('veth/node-a/default/client');
    expect(out.hops.some((h) => h.at.startsWith('ext/'))).toBe(false);
  });
});

describe('Ingress in trace()', () => {
  const shop = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['secure.example.com'], secretName: 'tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
        {
          host: 'secure.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    },
  };
  const bare = build(addIngressController({ ...defaultClusterSpec, extras: [shop] }, 'bare-metal').spec);
  const cloud = build(addIngressController({ ...defaultClusterSpec, extras: [shop] }, 'cloud').spec);

  it('two connections with the proxy hop between them, and http as the backend sees it', () => {
    const t = trace(bare, { from: 'external/203.0.113.10', to: 'http://shop.example.com/index.html' });
    const i = t.hops.findIndex((h) => h.kind === 'proxy');
    expect(t.hops[i - 1]!.kind).toBe('deliver');
    expect(t.hops[i - 1]!.packet.dst).toMatch(/:80$/);
    const leg2 = t.hops.slice(i + 1);
    expect(leg2[0]!.kind).toBe('socket');
    expect(leg2[0]!.packet.src.split(':')[0]).toBe(t.hops[i - 1]!.packet.dst.split(':')[0]);
    expect(leg2.at(-1)!.packet.dst).toBe(`${t.endpoint!.ip}:8080`);
    expect(t.candidates).toHaveLength(3);
    expect(t.http).toMatchObject({ method: 'GET', host: 'shop.example.com', path: '/index.html', status: 200 });
    expect(t.http!.headers['X-Forwarded-Proto']).toBe('http');
    expect(t.reply!.hops.at(-1)).toMatchObject({ at: 'ext/203.0.113.10' });
    expect(t.reply!.hops.at(-1)!.packet.dst).toBe(t.hops[0]!.packet.src);
  });

  it('X-Forwarded-For: a node-side address behind externalTrafficPolicy Cluster, the client behind a LoadBalancer with Local', () => {
    const viaNodePort = trace(bare, { from: 'external/203.0.113.10', to: 'http://shop.example.com/' });
    expect(viaNodePort.http!.headers['X-Forwarded-For']).not.toBe('203.0.113.10');
    expect(viaNodePort.http!.headers['X-Forwarded-For']).toMatch(/^(10\.244\.|192\.168\.10\.)/);
    const viaLb = trace(cloud, { from: 'external/203.0.113.10', to: 'http://shop.example.com/' });
    expect(viaLb.hops.some((h) => h.at === 'lb/ingress-nginx/ingress-nginx-controller')).toBe(true);
    expect(viaLb.http!.headers['X-Forwarded-For']).toBe('203.0.113.10');
    expect(viaLb.http!.headers['X-Real-IP']).toBe('203.0.113.10');
  });

  it('308 for plain http to a host with tls; --pick pins the upstream; a pod can be the client', () => {
    const r = trace(bare, { from: 'external/203.0.113.10', to: 'http://secure.example.com/a' });
    expect(r.http!.status).toBe(308);
    expect(r.hops.at(-1)!.kind).toBe('proxy');
    const pinned = webOn(bare, 'node-a').slice(4);
    const p = trace(bare, { from: 'pod/default/client', to: 'http://shop.example.com/' }, { pick: [pinned] });
    expect(p.endpoint!.pod).toBe(pinned);
    expect(p.candidates.find((c) => c.chosen)!.pod).toBe(pinned);
    expect(p.warnings).toBeUndefined();
  });

  it("NGINX's upstream connection is an ordinary pod-to-pod one for NetworkPolicy: allowed from the controller namespace, or 504 when denied", () => {
    const fromIngress = policy('web-from-ingress', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }],
    });
    const allowed = build(
      addIngressController({ ...defaultClusterSpec, settings: CALICO, extras: [shop, fromIngress] }, 'bare-metal').spec,
    );
    const ok = trace(allowed, { from: 'external/203.0.113.10', to: 'http://shop.example.com/' });
    expect(ok.http!.status).toBe(200);
    expect(ok.reason).toContain('default/web-from-ingress spec.ingress[0]');
    const denied = build(
      addIngressController(
        {
          ...defaultClusterSpec,
          settings: CALICO,
          extras: [
            shop,
            policy('web-deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
          ],
        },
        'bare-metal',
      ).spec,
    );
    const t = trace(denied, { from: 'external/203.0.113.10', to: 'http://shop.example.com/' });
    expect(t.verdict).toBe('delivered');
    expect(t.http!.status).toBe(504);
    expect(t.hops.at(-1)!.kind).toBe('drop');
  });

  it('a URL whose host is no Ingress host is a plain connection (DNS, Service), without http', () => {
    const t = trace(bare, { from: 'pod/default/client', to: 'http://web/' });
    expect(t.verdict).toBe('delivered');
    expect(t.http).toBeNull();
    expect(t.dns!.queries[0]!.name).toBe('web.default.svc.cluster.local');
  });
});

describe('egress in trace()', () => {
  it('a node talks to the Internet with its own address, no masquerade', () => {
    const t = trace(build(defaultClusterSpec), { from: 'node/node-b', to: '93.184.216.34', port: 80 });
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(t.hops.at(-1)!.packet.src).toMatch(/^192\.168\.10\.12:/);
    expect(t.reply!.hops.at(-1)!.at).toBe('node/node-b');
  });
  it('Calico natOutgoing masquerades pod traffic leaving the pool; a name outside the cluster resolves upstream', () => {
    const c = build({ ...defaultClusterSpec, settings: CALICO });
    const t = trace(c, { from: 'pod/default/client', to: 'example.com', port: 443 });
    expect(t.dns!.queries.some((q) => q.name === 'example.com')).toBe(true);
    expect(t.hops.find((h) => h.nat?.type === 'MASQUERADE')!.rule).toContain('cali-nat-outgoing');
    expect(t.hops.at(-1)!.at).toMatch(/^ext\/203\.0\.113\./);
    expect(t.reply!.hops.some((h) => h.nat?.type === 'un-SNAT')).toBe(true);
  });
});

describe('hostPort in trace()', () => {
  const spec: ClusterSpec = {
    ...defaultClusterSpec,
    workloads: [
      ...(defaultClusterSpec.workloads ?? []),
      {
        kind: 'Pod',
        name: 'edge',
        nodeName: 'node-b',
        labels: { app: 'edge' },
        containers: [{ name: 'proxy', image: 'nginx:1.27', ports: [{ containerPort: 8443, hostPort: 443 }] }],
      },
    ],
  };
  const c = build(spec);
  const edge = c.pods.find((p) => p.name === 'edge')!;

  it('portmap DNATs the hostPort on the pod own node; the client keeps its address', () => {
    const t = trace(c, { from: 'external/203.0.113.9', to: '192.168.10.12:443' });
    expect(t.verdict).toBe('delivered');
    const dnat = t.hops.find((h) => h.nat?.type === 'DNAT')!;
    expect(dnat.at).toBe('node/node-b');
    expect(dnat.rule).toMatch(
      /^-A CNI-DN-[0-9a-f]{21} -p tcp -m tcp --dport 443 -j DNAT --to-destination 10\.244\.2\.\d+:8443$/,
    );
    expect(t.endpoint).toMatchObject({ pod: 'default/edge', ip: edge.ip, port: 8443 });
    expect(t.hops.at(-1)!.packet.src).toMatch(/^203\.0\.113\.9:/);
    expect(t.reply!.hops.find((h) => h.nat?.type === 'un-DNAT')!.nat!.after.src).toBe('192.168.10.12:443');
    expect(t.reply!.hops.at(-1)!.at).toBe('ext/203.0.113.9');
  });

  it('other nodes have no rule: refused at once (RST), and the reason says where the hostPort is', () => {
    const t = trace(c, { from: 'external/203.0.113.9', to: '192.168.10.11:443' });
    expect(t.verdict).toBe('refused');
    expect(t.reason).toMatch(/published on node-b only/);
    const p = trace(c, { from: 'pod/default/client', to: '192.168.10.11:443' });
    expect(p.verdict).toBe('refused');
    expect(p.reason).toMatch(/published on node-b only/);
  });

  it('hairpin from a pod of the same node and 127.0.0.1 from the node are marked and masqueraded', () => {
    const web = c.pods.find((p) => p.owner === 'Deployment/web' && p.node === 'node-b')!;
    const h = trace(c, { from: `pod/default/${web.name}`, to: '192.168.10.12:443' });
    expect(h.verdict).toBe('delivered');
    expect(h.hops.map((x) => x.nat?.type).filter(Boolean)).toEqual(['DNAT', 'MASQUERADE']);
    expect(h.hops.some((x) => x.rule?.includes('CNI-HOSTPORT-SETMARK'))).toBe(true);
    expect(h.reply!.hops.at(-1)!.packet).toMatchObject({ src: '192.168.10.12:443', dst: h.hops[0]!.packet.src });
    const lo = trace(c, { from: 'node/node-b', to: '127.0.0.1:443' });
    expect(lo.verdict).toBe('delivered');
    expect(lo.hops.find((x) => x.nat?.type === 'MASQUERADE')!.nat!.after.src).toMatch(/^10\.244\.2\.1:/);
    const remote = trace(c, { from: 'pod/default/client', to: '192.168.10.12:443' });
    expect(remote.verdict).toBe('delivered');
    expect(remote.reply!.hops.at(-1)!.packet).toMatchObject({
      src: '192.168.10.12:443',
      dst: remote.hops[0]!.packet.src,
    });
  });

  it('a pod address is not reachable from outside the cluster', () => {
    const t = trace(c, { from: 'external/203.0.113.9', to: edge.ip, port: 8443 });
    expect(t.verdict).toBe('dropped');
    expect(t.hops.at(-1)!.at).toBe('internet');
  });
});

describe('answers are never NATed again (conntrack, docs/networking-model.md)', () => {
  it('a pod reaching another node unmasqueraded (ip-masq-agent) gets the answer from that node address', () => {
    const agent = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
      spec: {
        template: {
          spec: { containers: [{ name: 'ip-masq-agent', image: 'registry.k8s.io/networking/ip-masq-agent:v2.9.3' }] },
        },
      },
    };
    const c = build({
      ...defaultClusterSpec,
      workloads: [
        ...(defaultClusterSpec.workloads ?? []),
        {
          kind: 'DaemonSet',
          namespace: 'kube-system',
          name: 'ip-masq-agent',
          template: { hostNetwork: true, containers: [{ name: 'ip-masq-agent' }] },
        },
      ],
      extras: [agent],
    });
    const t = trace(c, { from: 'pod/default/client', to: '192.168.10.12:22' });
    expect(t.verdict).toBe('delivered');
    // the request keeps the pod address (192.168.0.0/16 is a non-masquerade CIDR)...
    expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.2:/);
    // ...and no rule rewrites the answer on its way back: the client sees the node's address
    expect(t.reply!.hops.some((h) => h.nat !== undefined)).toBe(false);
    expect(t.reply!.hops.at(-1)!.packet.src).toBe('192.168.10.12:22');
  });

  it('a plain pod-to-pod answer passes no nat rule either', () => {
    const c = build(defaultClusterSpec);
    const t = trace(c, { from: 'pod/default/client', to: webOn(c, 'node-b'), port: 8080 });
    expect(t.reply!.hops.filter((h) => h.kind === 'netfilter')).toEqual([]);
  });
});

describe('an ICMP error the node makes itself', () => {
  it('is not forwarded, so it keeps its TTL of 64 all the way to the client', () => {
    const c = build({
      ...defaultClusterSpec,
      services: [
        ...(defaultClusterSpec.services ?? []),
        { name: 'empty', selector: { app: 'nobody' }, ports: [{ port: 80, targetPort: 8080 }] },
      ],
    });
    const t = trace(c, { from: 'pod/default/client', to: 'svc/default/empty' });
    expect(t.verdict).toBe('refused');
    expect(t.reply!.hops.every((h) => h.packet.ttl === 64)).toBe(true);
  });
});

describe("traffic from a pod's own node under an isolating policy", () => {
  it('passes, and the reason says why (not that nothing isolates the pod)', () => {
    const c = build({
      ...defaultClusterSpec,
      settings: CALICO,
      extras: [policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] })],
    });
    const t = trace(c, { from: 'node/node-a', to: webOn(c, 'node-a'), port: 8080 });
    expect(t.verdict).toBe('delivered');
    expect(t.reason).toMatch(
      /isolated for ingress \(default\/default-deny\), but traffic from its own node is always allowed/,
    );
  });
});

describe('a NodePort Service without any endpoint', () => {
  it('has no NAT rule at all: only KUBE-EXTERNAL-SERVICES rejects, and the client is refused', () => {
    const c = build({
      ...defaultClusterSpec,
      services: [
        ...(defaultClusterSpec.services ?? []),
        {
          name: 'np-empty',
          type: 'NodePort',
          selector: { app: 'nobody' },
          ports: [{ port: 80, targetPort: 8080, nodePort: 30090 }],
        },
      ],
    });
    const t = trace(c, { from: 'external/203.0.113.10', to: '192.168.10.11:30090' });
    expect(t.verdict).toBe('refused');
    expect(t.hops.some((h) => /KUBE-NODEPORTS|KUBE-EXT-/.test(h.rule ?? ''))).toBe(false);
    expect(t.hops.some((h) => /REJECT/.test(h.rule ?? ''))).toBe(true);
  });
});

describe("the source of a REJECT's ICMP error", () => {
  it('in IPVS mode is the ClusterIP, a local address on kube-ipvs0; in iptables mode the address routing picks', () => {
    const ipvs = build({ ...defaultClusterSpec, settings: { proxyMode: 'ipvs' } });
    const web = ipvs.services.find((s) => s.name === 'web')!;
    const t = trace(ipvs, { from: 'pod/default/client', to: `${web.clusterIP!}:81` });
    expect(t.verdict).toBe('refused');
    expect(t.reply!.hops[0]!.packet.src).toBe(web.clusterIP);
    const nft = build({ ...defaultClusterSpec, settings: { proxyMode: 'nftables' } });
    const n = trace(nft, { from: 'pod/default/client', to: `${web.clusterIP!}:81` });
    expect(n.reply!.hops[0]!.packet.src).toBe('10.244.1.1');
  });
});

describe('a pod reaching its own hostPort', () => {
  it('is bridged DNAT with hairpin, masqueraded to cni0: TTL unchanged', () => {
    const c = build({
      ...defaultClusterSpec,
      workloads: [
        ...(defaultClusterSpec.workloads ?? []),
        {
          kind: 'Pod',
          name: 'edge',
          nodeName: 'node-a',
          containers: [{ name: 'proxy', ports: [{ containerPort: 80, hostPort: 8080 }] }],
        },
      ],
    });
    const t = trace(c, { from: 'pod/default/edge', to: '192.168.10.11:8080' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.every((h) => h.packet.ttl === 64)).toBe(true);
    const hairpin = t.hops.find((h) => h.rule?.startsWith('bridge link set'));
    // worded by the narrator, as the same hairpin through a Service is
    expect(hairpin?.text).toMatch(/^Bridged DNAT: cni0 sends the frame back out of veth\w+, the port it came in on/);
    expect(t.hops.some((h) => h.rule?.includes('hairpin on'))).toBe(true);
    expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.1:/);
  });
});

describe('a pod to a host beside the nodes, unmasqueraded (ip-masq-agent defaults)', () => {
  const withAgent = (siteRoutesPodNetwork?: boolean): Cluster =>
    build({
      ...defaultClusterSpec,
      settings: {
        ...defaultClusterSpec.settings,
        cni: { kind: 'flannel', backend: 'vxlan', ipMasq: false },
        ...(siteRoutesPodNetwork === undefined ? {} : { siteRoutesPodNetwork }),
      },
      extras: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
          data: {},
        },
      ],
    });
  const request = { from: 'pod/default/client', to: '192.168.10.50:5432' };

  it('goes on-link and, by default, never gets its answer: the client times out and the trace says why', () => {
    const t = trace(withAgent(), request);
    expect(t.hops.some((h) => h.at === 'internet')).toBe(false);
    expect(t.hops.at(-1)).toMatchObject({ kind: 'deliver', at: 'ext/192.168.10.50' });
    expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.2:/);
    expect(t.reply!.verdict).toBe('dropped');
    expect(t.reply!.hops.map((h) => h.kind)).toEqual(['socket', 'drop']);
    expect(t.reason).toMatch(/on-link.*nothing on the site network routes 10\.244\.0\.0\/16 back.*times out/);
  });

  it('is answered through the site router when the site network routes pod CIDRs', () => {
    const t = trace(withAgent(true), request);
    expect(t.reply!.verdict).toBe('delivered');
    expect(t.reply!.hops[1]).toMatchObject({
      kind: 'wire',
      at: 'internet',
      rule: '10.244.1.0/24 via 192.168.10.11 (site router)',
    });
    expect(t.reply!.hops.at(-1)).toMatchObject({ kind: 'deliver', at: 'container/default/client/client' });
    // the setting does not touch a masqueraded connection, nor one to the Internet
    const internet = trace(withAgent(true), { from: 'pod/default/client', to: '93.184.215.14:443' });
    expect(internet.hops.at(-1)!.packet.src).toMatch(/^192\.168\.10\.11:/);
  });
});
