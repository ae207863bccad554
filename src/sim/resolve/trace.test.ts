import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { trace } from './trace';
import { TraceRequestError } from './request';

const cluster = buildCluster(defaultClusterSpec);
const webOn = (node: string) => cluster.pods.find((p) => p.owner === 'Deployment/web' && p.node === node)!;

describe('pod to pod across nodes with flannel VXLAN', () => {
  const target = webOn('node-b');
  const t = trace(cluster, { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 }, { seed: 7 });

  it('walks veth, cni0, routing, flannel.1, the wire and back down into the pod, in that order', () => {
    expect(t.hops.map((h) => `${h.kind} ${h.at}`)).toEqual([
      'socket container/default/client/client',
      'route dev/pod/default/client/eth0',
      'arp dev/pod/default/client/eth0',
      'veth veth/node-a/default/client',
      'bridge dev/node-a/cni0',
      'route node/node-a',
      'netfilter node/node-a',
      'encap dev/node-a/flannel.1',
      'route dev/node-a/eth0',
      'wire wire/node-a/node-b',
      'route dev/node-b/eth0',
      'decap dev/node-b/flannel.1',
      'route node/node-b',
      'netfilter node/node-b',
      'arp dev/node-b/cni0',
      'bridge dev/node-b/cni0',
      `veth veth/node-b/default/${target.name}`,
      `deliver container/default/${target.name}/web`,
    ]);
    expect(t.verdict).toBe('delivered');
    expect(t.endpoint).toEqual({ pod: `default/${target.name}`, ip: target.ip, port: 8080, container: 'web' });
  });

  it('never NATs: the receiver sees the client pod IP and each routed hop takes one from the TTL', () => {
    const last = t.hops.at(-1)!.packet;
    expect(last.src).toMatch(/^10\.244\.1\.2:\d+$/);
    expect(last.dst).toBe(`${target.ip}:8080`);
    expect(last.ttl).toBe(62);
    expect(t.hops.some((h) => h.nat)).toBe(false);
  });

  it('wraps the packet in VXLAN from node IP to node IP, UDP 8472, VNI 1, only between the two flannel.1 devices', () => {
    const encapIndex = t.hops.findIndex((h) => h.kind === 'encap');
    const decapIndex = t.hops.findIndex((h) => h.kind === 'decap');
    for (const [i, hop] of t.hops.entries()) {
      if (i >= encapIndex && i < decapIndex) {
        expect(hop.packet.outer?.src).toMatch(/^192\.168\.10\.11:\d+$/);
        expect(hop.packet.outer?.dst).toBe('192.168.10.12:8472');
        expect(hop.packet.outer?.protocol).toBe('udp');
        expect(hop.packet.outer?.vni).toBe(1);
      } else {
        expect(hop.packet.outer).toBeUndefined();
      }
    }
    expect(t.hops[encapIndex]!.rule).toContain('dst 192.168.10.12');
    expect(t.hops[5]!.rule).toBe('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink');
  });

  it('has a reply that retraces the path from the server back to the client socket', () => {
    expect(t.reply?.verdict).toBe('delivered');
    const hops = t.reply!.hops;
    expect(hops[0]!.packet.src).toBe(`${target.ip}:8080`);
    expect(hops.at(-1)!.at).toBe('container/default/client/client');
    expect(hops.at(-1)!.packet.dst).toBe(t.hops[0]!.packet.src);
    expect(hops.find((h) => h.kind === 'encap')!.packet.outer?.dst).toBe('192.168.10.11:8472');
  });

  it('gives byte-identical JSON for the same input and seed, and another source port for another seed', () => {
    const again = trace(
      cluster,
      { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 },
      { seed: 7 },
    );
    expect(JSON.stringify(again)).toBe(JSON.stringify(t));
    const other = trace(
      cluster,
      { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 },
      { seed: 8 },
    );
    expect(other.hops[0]!.packet.src).not.toBe(t.hops[0]!.packet.src);
  });
});

describe('pod to pod on one node', () => {
  const target = webOn('node-a');
  const t = trace(cluster, { from: 'pod/client', to: target.ip, port: 8080 });

  it('is switched by cni0 after an ARP for the peer itself: no routing, TTL unchanged, no NAT', () => {
    expect(t.hops.map((h) => h.kind)).toEqual(['socket', 'route', 'arp', 'veth', 'bridge', 'veth', 'deliver']);
    expect(t.hops[1]!.rule).toBe('10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2');
    expect(t.hops.at(-1)!.packet.ttl).toBe(64);
    expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.2:/);
  });
});

describe('a destination that does not listen', () => {
  it('refuses a TCP connection with an RST that travels back to the client', () => {
    const t = trace(cluster, { from: 'pod/default/client', to: `pod/default/${webOn('node-b').name}`, port: 9999 });
    expect(t.verdict).toBe('refused');
    expect(t.hops.at(-1)!.kind).toBe('reject');
    expect(t.reply!.verdict).toBe('refused');
    expect(t.reply!.hops.at(-1)!.at).toBe('container/default/client/client');
  });
});

describe('containers of one pod', () => {
  it('talk over lo: the packet never leaves the pod', () => {
    const t = trace(cluster, { from: 'pod/default/app-1:sidecar', to: 'localhost:8080' });
    expect(t.hops.map((h) => `${h.kind} ${h.at}`)).toEqual([
      'socket container/default/app-1/sidecar',
      'loopback dev/pod/default/app-1/lo',
      'deliver container/default/app-1/web',
    ]);
    expect(t.hops.at(-1)!.packet.dst).toBe('127.0.0.1:8080');
  });
});

describe('bad requests', () => {
  it('name what is wrong', () => {
    expect(() => trace(cluster, { from: 'pod/default/nope', to: 'pod/default/client' })).toThrow(TraceRequestError);
    expect(() => trace(cluster, { from: 'pod/default/nope', to: 'pod/default/client' })).toThrow(
      /no pod default\/nope/,
    );
    expect(() => trace(cluster, { from: 'pod/client', to: 'pod/app-1', port: 70000 })).toThrow(/not a port number/);
  });
});
