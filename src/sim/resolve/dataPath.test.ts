/**
 * The pod data path of docs/networking-model.md, on clusters loaded from real
 * Kubernetes YAML (fixtures/), for each CNI variant, with reply paths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import type { Hop, Trace } from '../trace/types';
import { trace } from './trace';
import type { TraceInput } from './trace';
import { TraceRequestError } from './request';

function load(...files: string[]): Cluster {
  const sources = files.map((f) => ({
    name: f,
    text: readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
  }));
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.source}:${e.line ?? ''}: ${e.message}`).join('\n'));
  return result.cluster;
}

const base = ['kubeadm.yaml', 'nodes.yaml', 'workloads.yaml'];
const cluster = (cni: string, ...more: string[]): Cluster => load(...base, `cni/${cni}.yaml`, ...more);
const path = (t: Trace | Hop[]): string[] => (Array.isArray(t) ? t : t.hops).map((h) => `${h.kind} ${h.at}`);
const ipOf = (c: Cluster, name: string): string => c.pods.find((p) => p.name === name)!.ip;

/** Every hop names an element the drawing has (the id table of docs/trace-format.md), on a node that exists. */
function expectDrawable(c: Cluster, t: Trace): void {
  const nodes = new Set(c.nodes.map((n) => n.name));
  const pods = new Set(c.pods.map((p) => `${p.namespace}/${p.name}`));
  for (const hop of [...t.hops, ...(t.reply?.hops ?? [])]) {
    const parts = hop.at.split('/');
    switch (parts[0]) {
      case 'node':
        expect(nodes.has(parts[1]!)).toBe(true);
        break;
      case 'dev':
        if (parts[1] === 'pod') {
          expect(pods.has(`${parts[2]}/${parts[3]}`)).toBe(true);
          expect(['eth0', 'lo']).toContain(parts[4]);
        } else {
          const node = c.nodes.find((n) => n.name === parts[1])!;
          expect([...node.devices.map((d) => d.name), 'lo']).toContain(parts[2]);
        }
        break;
      case 'veth':
        expect(nodes.has(parts[1]!) && pods.has(`${parts[2]}/${parts[3]}`)).toBe(true);
        break;
      case 'container': {
        const pod = c.pods.find((p) => p.namespace === parts[1] && p.name === parts[2])!;
        expect(pod.containers.map((x) => x.name)).toContain(parts[3]);
        break;
      }
      case 'wire':
        expect(nodes.has(parts[1]!) && nodes.has(parts[2]!) && parts[1]! < parts[2]!).toBe(true);
        expect(hop.node).toBeNull();
        break;
      default:
        throw new Error(`unexpected element id ${hop.at}`);
    }
    if (hop.node !== null) expect(nodes.has(hop.node)).toBe(true);
  }
}

/** The reply runs from the server's socket back to the client's, addressed to what the client sent from. */
function expectReply(t: Trace): void {
  const reply = t.reply!;
  expect(reply).not.toBeNull();
  expect(reply.hops[0]!.kind).toBe('socket');
  expect(reply.hops.at(-1)!.kind).toBe('deliver');
  expect(reply.hops.at(-1)!.at).toBe(t.hops[0]!.at);
  if (t.verdict === 'delivered' && t.request.protocol !== 'icmp') {
    expect(reply.hops.at(-1)!.packet.dst).toBe(t.hops[0]!.packet.src);
    expect(reply.hops.at(-1)!.packet.src).toBe(t.hops[0]!.packet.dst);
  }
}

function run(c: Cluster, input: TraceInput, seed = 1): Trace {
  const t = trace(c, input, { seed });
  expectDrawable(c, t);
  expectReply(t);
  // Same input and seed: the same bytes.
  expect(JSON.stringify(trace(c, input, { seed }))).toBe(JSON.stringify(t));
  return t;
}

describe('container to container (section 1)', () => {
  const c = cluster('flannel-vxlan');

  it.each(['localhost:8080', '127.0.0.1:8080'])(
    'reaches a sibling container at %s through lo, 127.0.0.1 to 127.0.0.1',
    (to) => {
      const t = run(c, { from: 'pod/default/duo:sidecar', to });
      expect(path(t)).toEqual([
        'socket container/default/duo/sidecar',
        'loopback dev/pod/default/duo/lo',
        'deliver container/default/duo/web',
      ]);
      expect(t.hops[0]!.packet.src).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(t.hops.at(-1)!.packet.dst).toBe('127.0.0.1:8080');
      expect(path(t.reply!.hops)).toEqual([
        'socket container/default/duo/web',
        'loopback dev/pod/default/duo/lo',
        'deliver container/default/duo/sidecar',
      ]);
      expect(t.endpoint).toEqual({ pod: 'default/duo', ip: ipOf(c, 'duo'), port: 8080, container: 'web' });
    },
  );

  it("keeps traffic to the pod's own IP inside the pod, via lo, from the pod IP", () => {
    for (const to of [`${ipOf(c, 'duo')}:8080`, 'pod/default/duo']) {
      const t = run(c, { from: 'pod/default/duo:sidecar', to, port: 8080 });
      expect(path(t)).toEqual([
        'socket container/default/duo/sidecar',
        'loopback dev/pod/default/duo/lo',
        'deliver container/default/duo/web',
      ]);
      expect(t.hops[0]!.packet.src.startsWith(`${ipOf(c, 'duo')}:`)).toBe(true);
      expect(t.hops.some((h) => h.kind === 'veth' || h.kind === 'bridge')).toBe(false);
    }
  });

  it('refuses a port nothing in the pod listens on, at once, inside the pod', () => {
    const t = run(c, { from: 'pod/default/duo:web', to: 'localhost:9090' });
    expect(t.verdict).toBe('refused');
    expect(path(t).at(-1)).toBe('reject dev/pod/default/duo/lo');
    expect(t.reply!.verdict).toBe('refused');
    expect(t.reply!.hops[0]!.packet.protocol).toBe('tcp');
  });

  it('gives a port two containers declare to the first; the second cannot bind it and the pod is not Ready', () => {
    const clash = c.pods.find((p) => p.name === 'clash')!;
    expect(clash.ready).toBe(false);
    expect(clash.containers[1]!.ready).toBe(false);
    const t = run(c, { from: 'pod/default/client', to: 'pod/default/clash', port: 8080 });
    expect(t.verdict).toBe('delivered');
    expect(t.endpoint?.container).toBe('first');
  });
});

describe('pod to pod on one node (section 2)', () => {
  it('flannel: ARP for the peer, switched by cni0, no routing, TTL unchanged, no NAT', () => {
    const c = cluster('flannel-vxlan');
    const t = run(c, { from: 'pod/default/client', to: 'pod/default/server-a', port: 8080 });
    expect(t.hops.map((h) => h.kind)).toEqual(['socket', 'route', 'arp', 'veth', 'bridge', 'veth', 'deliver']);
    expect(t.hops[2]!.rule).toContain(`${ipOf(c, 'server-a')} dev eth0 lladdr`);
    expect(t.hops.at(-1)!.packet.ttl).toBe(64);
    expect(t.hops.some((h) => h.nat)).toBe(false);
  });

  it('Calico: proxy ARP for 169.254.1.1 answered with ee:ee:ee:ee:ee:ee, then the host routes via a /32 (TTL -1), no bridge', () => {
    const c = cluster('calico-ipip');
    const server = c.pods.find((p) => p.name === 'server-a')!;
    const t = run(c, { from: 'pod/default/client', to: 'pod/default/server-a', port: 8080 });
    expect(path(t)).toEqual([
      'socket container/default/client/client',
      'route dev/pod/default/client/eth0',
      'arp dev/pod/default/client/eth0',
      'veth veth/node-a/default/client',
      'route node/node-a',
      'arp veth/node-a/default/server-a',
      'veth veth/node-a/default/server-a',
      'deliver container/default/server-a/web',
    ]);
    expect(t.hops[1]!.rule).toBe('default via 169.254.1.1 dev eth0');
    expect(t.hops[2]!.rule).toBe('169.254.1.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee REACHABLE');
    expect(t.hops[2]!.packet.eth?.dst).toBe('ee:ee:ee:ee:ee:ee');
    expect(t.hops[4]!.rule).toBe(`${server.ip} dev ${server.veth} scope link`);
    expect(server.veth).toMatch(/^cali[0-9a-f]{11}$/);
    expect(t.hops.at(-1)!.packet.ttl).toBe(63);
  });

  it('Cilium: eBPF redirects from one lxc veth to the other, bypassing the host stack', () => {
    const c = cluster('cilium-vxlan');
    const t = run(c, { from: 'pod/default/client', to: 'pod/default/server-a', port: 8080 });
    expect(path(t)).toEqual([
      'socket container/default/client/client',
      'route dev/pod/default/client/eth0',
      'arp dev/pod/default/client/eth0',
      'veth veth/node-a/default/client',
      'veth veth/node-a/default/server-a',
      'deliver container/default/server-a/web',
    ]);
    expect(t.hops[4]!.rule).toMatch(/^bpf_redirect_peer\(lxc[0-9a-f]+\)/);
    expect(t.hops.some((h) => h.kind === 'bridge' || h.at.startsWith('node/'))).toBe(false);
  });
});

describe('pod to pod across nodes (section 3)', () => {
  const cross = { from: 'pod/default/client', to: 'pod/default/server-b', port: 8080 };

  it('flannel VXLAN: flannel.1, UDP 8472, VNI 1, node IP to node IP, TTL -2, no NAT', () => {
    const c = cluster('flannel-vxlan');
    const t = run(c, cross);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap.at).toBe('dev/node-a/flannel.1');
    expect(encap.packet.outer).toMatchObject({ dst: '192.168.10.12:8472', protocol: 'udp', vni: 1 });
    expect(t.hops.find((h) => h.kind === 'route' && h.at === 'node/node-a')!.rule).toBe(
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
    );
    expect(t.hops.at(-1)!.packet).toMatchObject({ src: expect.stringMatching(/^10\.244\.1\.\d+:\d+$/), ttl: 62 });
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(c.pods.find((p) => p.name === 'client')!.mtu).toBe(1450);
  });

  it('flannel host-gw: a route via the other node on eth0, no tunnel, no outer header, MTU 1500', () => {
    const c = cluster('flannel-host-gw');
    const t = run(c, cross);
    expect(t.hops.find((h) => h.at === 'node/node-a' && h.kind === 'route')!.rule).toBe(
      '10.244.2.0/24 via 192.168.10.12 dev eth0',
    );
    expect(t.hops.some((h) => h.kind === 'encap' || h.packet.outer)).toBe(false);
    expect(t.hops.some((h) => h.at.includes('flannel.1'))).toBe(false);
    expect(path(t)).toContain('wire wire/node-a/node-b');
    expect(t.hops.at(-1)!.packet.ttl).toBe(62);
    expect(c.pods.find((p) => p.name === 'client')!.mtu).toBe(1500);
  });

  it('Calico IPIP: a BIRD route via tunl0, IP-in-IP (protocol 4, no UDP), MTU 1480', () => {
    const c = cluster('calico-ipip');
    const t = run(c, cross);
    const route = t.hops.find((h) => h.at === 'node/node-a' && h.kind === 'route')!;
    expect(route.rule).toMatch(/^10\.244\.0\.\d+\/26 via 192\.168\.10\.12 dev tunl0 proto bird onlink$/);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap.at).toBe('dev/node-a/tunl0');
    expect(encap.packet.outer).toEqual({ src: '192.168.10.11', dst: '192.168.10.12', protocol: 'ipip' });
    expect(encap.text).toContain('protocol 4');
    expect(path(t)).toContain('decap dev/node-b/tunl0');
    expect(c.pods.find((p) => p.name === 'client')!.mtu).toBe(1480);
    expect(t.hops.at(-1)!.packet.ttl).toBe(62);
  });

  it('Calico CrossSubnet: no encapsulation inside a subnet, IP-in-IP across subnets', () => {
    const c = cluster('calico-ipip-crosssubnet', 'nodes-two-subnets.yaml');
    const same = run(c, cross);
    expect(same.hops.some((h) => h.kind === 'encap')).toBe(false);
    expect(same.hops.find((h) => h.at === 'node/node-a' && h.kind === 'route')!.rule).toMatch(
      /via 192\.168\.10\.12 dev eth0 proto bird$/,
    );
    const across = run(c, { ...cross, to: 'pod/default/server-c' });
    expect(across.hops.find((h) => h.kind === 'encap')!.packet.outer).toEqual({
      src: '192.168.10.11',
      dst: '192.168.20.13',
      protocol: 'ipip',
    });
    expect(path(across)).toContain('wire wire/node-a/node-c');
  });

  it('Calico VXLAN: vxlan.calico, UDP 4789, VNI 4096', () => {
    const c = cluster('calico-vxlan');
    const t = run(c, cross);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap.at).toBe('dev/node-a/vxlan.calico');
    expect(encap.packet.outer).toMatchObject({ dst: '192.168.10.12:4789', protocol: 'udp', vni: 4096 });
  });

  it.each([
    ['cilium-vxlan', 'cilium_vxlan', 8472],
    ['cilium-geneve', 'cilium_geneve', 6081],
  ])('%s: eBPF encapsulates straight from the lxc veth; the VNI carries the security identity', (cni, dev, port) => {
    const c = cluster(cni);
    const t = run(c, cross);
    expect(path(t).slice(3, 6)).toEqual([
      'veth veth/node-a/default/client',
      `encap dev/node-a/${dev}`,
      'route dev/node-a/eth0',
    ]);
    const outer = t.hops.find((h) => h.kind === 'encap')!.packet.outer!;
    expect(outer).toMatchObject({ dst: `192.168.10.12:${port}`, protocol: 'udp' });
    expect(outer.vni).toBeGreaterThanOrEqual(256);
    expect(path(t).slice(-2)).toEqual(['veth veth/node-b/default/server-b', 'deliver container/default/server-b/web']);
  });

  it('Cilium native routing: the host routes via the other node, no tunnel', () => {
    const c = cluster('cilium-native');
    const t = run(c, cross);
    expect(t.hops.find((h) => h.at === 'node/node-a')!.rule).toBe('10.244.2.0/24 via 192.168.10.12 dev eth0');
    expect(t.hops.some((h) => h.packet.outer)).toBe(false);
  });

  it('refuses a port nothing listens on with an RST (TCP) or ICMP port unreachable (UDP), which travel back', () => {
    const c = cluster('flannel-vxlan');
    const tcp = run(c, { ...cross, port: 9999 });
    expect([tcp.verdict, tcp.reply!.verdict]).toEqual(['refused', 'refused']);
    expect(path(tcp).at(-1)).toBe('reject dev/pod/default/server-b/eth0');
    const udp = run(c, { ...cross, port: 5353, protocol: 'udp' });
    expect(udp.verdict).toBe('refused');
    expect(udp.reply!.hops[0]!.packet).toMatchObject({
      protocol: 'icmp',
      src: ipOf(c, 'server-b'),
      dst: ipOf(c, 'client'),
    });
    const dns = run(c, { ...cross, port: 53, protocol: 'udp' });
    expect(dns.verdict).toBe('delivered');
    expect(dns.endpoint?.container).toBe('dns');
  });

  it('answers a ping with an echo reply along the reverse path', () => {
    const c = cluster('flannel-vxlan');
    const t = run(c, { from: 'pod/default/client', to: 'pod/default/server-b', protocol: 'icmp' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops[0]!.packet.src).toBe(ipOf(c, 'client'));
    expect(t.reply!.hops.find((h) => h.kind === 'encap')!.packet.outer!.dst).toBe('192.168.10.11:8472');
  });

  it('changes only the random parts with the seed', () => {
    const c = cluster('flannel-vxlan');
    const a = trace(c, cross, { seed: 1 });
    const b = trace(c, cross, { seed: 2 });
    expect(a.hops[0]!.packet.src).not.toBe(b.hops[0]!.packet.src);
    expect(path(a)).toEqual(path(b));
  });
});

describe('hostNetwork pods and node processes (section 11)', () => {
  it("a hostNetwork pod reaching a remote pod with flannel VXLAN sends from flannel.1's 10.244.N.0, and the reply comes back through the tunnel", () => {
    const c = cluster('flannel-vxlan');
    const t = run(c, { from: 'pod/monitoring/agent', to: 'pod/default/server-b', port: 8080 });
    expect(t.hops[0]!.packet.src).toMatch(/^10\.244\.1\.0:\d+$/);
    expect(path(t).slice(0, 4)).toEqual([
      'socket container/monitoring/agent/agent',
      'route node/node-a',
      'netfilter node/node-a',
      'encap dev/node-a/flannel.1',
    ]);
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(t.reply!.hops.find((h) => h.kind === 'encap')!.packet.outer!.dst).toBe('192.168.10.11:8472');
    // A host's own packet is not forwarded on its node: only the receiving node takes one off.
    expect(t.hops.at(-1)!.packet.ttl).toBe(63);
  });

  it('a hostNetwork pod is reached at its node IP; a pod is masqueraded to its node IP on the way, and conntrack undoes it for the reply', () => {
    const c = cluster('flannel-vxlan');
    const t = run(c, { from: 'pod/default/client', to: 'pod/monitoring/exporter', port: 9100 });
    expect(t.verdict).toBe('delivered');
    expect(t.hops[0]!.packet.dst).toBe('192.168.10.12:9100');
    expect(path(t).at(-1)).toBe('deliver container/monitoring/exporter/node-exporter');
    expect(t.endpoint).toEqual({
      pod: 'monitoring/exporter',
      ip: '192.168.10.12',
      port: 9100,
      container: 'node-exporter',
    });
    const masq = t.hops.find((h) => h.nat)!;
    expect(masq.nat!.type).toBe('MASQUERADE');
    expect(masq.nat!.after.src).toMatch(/^192\.168\.10\.11:\d+$/);
    expect(t.hops.at(-1)!.packet.src).toBe(masq.nat!.after.src);
    const unsnat = t.reply!.hops.find((h) => h.nat)!;
    expect(unsnat).toMatchObject({ kind: 'conntrack', at: 'node/node-a' });
    expect(unsnat.nat).toMatchObject({
      type: 'un-SNAT',
      before: { dst: masq.nat!.after.src },
      after: { dst: t.hops[0]!.packet.src },
    });
  });

  it('a client outside the cluster reaching a hostNetwork pod on its node address names that pod as the endpoint', () => {
    const c = cluster('flannel-vxlan');
    const t = trace(c, { from: 'external/203.0.113.5', to: '192.168.10.12:9100' });
    expect(t.verdict).toBe('delivered');
    expect(path(t).at(-1)).toBe('deliver container/monitoring/exporter/node-exporter');
    expect(t.endpoint).toEqual({
      pod: 'monitoring/exporter',
      ip: '192.168.10.12',
      port: 9100,
      container: 'node-exporter',
    });
    // A node daemon is no pod: kube-proxy's health port answers, and there is no endpoint to name.
    const daemon = trace(c, { from: 'external/203.0.113.5', to: '192.168.10.12:10256' });
    expect(daemon.verdict).toBe('delivered');
    expect(daemon.endpoint).toBeNull();
  });

  it("a process on a node reaches a local pod from cni0's address and a remote one through the tunnel", () => {
    const c = cluster('flannel-vxlan');
    const local = run(c, { from: 'node/node-a', to: 'pod/default/server-a', port: 8080 });
    expect(local.hops[0]!.at).toBe('node/node-a');
    expect(local.hops[0]!.packet.src).toMatch(/^10\.244\.1\.1:\d+$/);
    expect(local.hops[1]!.rule).toBe('10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1');
    const remote = run(c, { from: 'node/node-a', to: 'pod/default/server-b', port: 8080 });
    expect(remote.hops.some((h) => h.kind === 'encap')).toBe(true);
  });

  it('a node reaches another node directly on the underlay, and its own address through lo', () => {
    const c = cluster('calico-ipip');
    const t = run(c, { from: 'node/node-a', to: 'node/cp', port: 6443 });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.some((h) => h.kind === 'encap')).toBe(false);
    expect(path(t).at(-1)).toBe('deliver node/cp');
    const self = run(c, { from: 'pod/monitoring/agent', to: '192.168.10.11:10250' });
    expect(path(self)).toEqual([
      'socket container/monitoring/agent/agent',
      'loopback dev/node-a/lo',
      'deliver node/node-a',
    ]);
    const closed = run(c, { from: 'node/node-a', to: '192.168.10.12:12345' });
    expect(closed.verdict).toBe('refused');
    expect(path(closed).at(-1)).toBe('reject node/node-b');
  });

  it('Cilium does not masquerade pod traffic to another node', () => {
    const c = cluster('cilium-vxlan');
    const t = run(c, { from: 'pod/default/client', to: 'pod/monitoring/exporter', port: 9100 });
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(t.hops.at(-1)!.packet.src.startsWith(`${ipOf(c, 'client')}:`)).toBe(true);
  });
});

describe('requests the simulation does not resolve yet, or that are wrong', () => {
  const c = cluster('flannel-vxlan');
  it.each([
    [{ from: 'external/203.0.113.7', to: 'svc/default/nope' }, /no Service default\/nope/],
    [{ from: 'pod/default/client', to: 'svc/default/nope' }, /no Service default\/nope/],
    [{ from: 'pod/default/client', to: 'nodeport/node-a/30999' }, /no Service has TCP NodePort 30999/],
    [{ from: 'pod/default/client', to: 'nodeport/node-a/x' }, /not nodeport\/<node>\/<port>/],
    [{ from: 'pod/default/client', to: 'ftp://example.com/' }, /not an http/],
    [{ from: 'external/203.0.113.7', to: '8.8.8.8:53' }, /outside the cluster/],
    [{ from: 'pod/default/client', to: '8.8.8.8' }, /give the port/],
    [{ from: 'pod/default/client', to: 'pod/default/nope' }, /no pod default\/nope/],
    [{ from: 'pod/default/client:nope', to: 'pod/default/server-a' }, /no container "nope"/],
    [{ from: 'node/nope', to: 'pod/default/server-a' }, /no node nope/],
    [{ from: 'pod/default/client', to: 'node/node-b' }, /give one/],
  ] as [TraceInput, RegExp][])('%o', (input, message) => {
    expect(() => trace(c, input)).toThrow(TraceRequestError);
    expect(() => trace(c, input)).toThrow(message);
  });
});
