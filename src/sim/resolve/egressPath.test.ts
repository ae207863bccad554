/**
 * Pod to the Internet and back (docs/networking-model.md) on clusters loaded from YAML: the
 * default route out of eth0, the masquerade decided in POSTROUTING, the Internet, and the answer's
 * un-SNAT on the node; without masquerade the answer only comes back from the site's own network.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import { defaultGateway, walkFromExternal, walkToExternal } from './egressPath';
import { PathWriter } from './pathWriter';
import type { Netns, PolicyState, WalkContext } from './podPath';

const read = (f: string): string => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function load(cni: string, ...more: string[]): Cluster {
  const sources = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', ...more].map((f) => ({
    name: f,
    text: read(f),
  }));
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.cluster;
}

const pod = (c: Cluster, key: string): Pod => c.pods.find((p) => `${p.namespace}/${p.name}` === key)!;
const node = (c: Cluster, name: string): ClusterNode => c.nodes.find((n) => n.name === name)!;
const INTERNET = '93.184.215.14';

function roundTrip(c: Cluster, from: Netns, dstIP: string, port = 443, policy: PolicyState | null = null) {
  const srcIP = from.kind === 'pod' ? from.pod.ip : from.node.internalIP;
  const w = new PathWriter({ src: `${srcIP}:40000`, dst: `${dstIP}:${port}`, protocol: 'tcp', ttl: 64 });
  const ctx: WalkContext = { cluster: c, ephemeralPort: () => 51000, snat: null, policy };
  walkToExternal(w, ctx, from, dstIP);
  const seen = w.packet;
  const r = new PathWriter({ src: seen.dst, dst: seen.src, protocol: 'tcp', ttl: 64 });
  const snat = ctx.snat;
  ctx.snat = null;
  const back = policy?.dropped ? null : walkFromExternal(r, ctx, from, snat);
  return { w, r, seen, snat, back };
}

const kinds = (w: PathWriter): string[] => w.hops.map((h) => `${h.kind} ${h.at}`);

describe('pod to the Internet', () => {
  it('Cilium: its iptables MASQUERADE (no --random-fully) keeps the source port, and the answer is un-SNATed', () => {
    const c = load('cilium-vxlan');
    const client = pod(c, 'shop/client');
    const { w, snat, back, r } = roundTrip(c, { kind: 'pod', pod: client }, INTERNET);
    const masq = w.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
    expect(masq.rule).toContain('-A CILIUM_POST_nat');
    expect(masq.nat!.after.src).toBe('192.168.10.11:40000');
    expect(snat).not.toBeNull();
    expect(back).toBe(true);
    expect(r.packet.dst).toBe(`${client.ip}:40000`);
  });
  it('flannel: default route out of eth0, FLANNEL-POSTRTG masquerades to the node IP, conntrack un-SNATs the answer', () => {
    const c = load('flannel-vxlan');
    const client = pod(c, 'shop/client');
    const { w, r, seen, snat, back } = roundTrip(c, { kind: 'pod', pod: client }, INTERNET);
    expect(kinds(w)).toEqual([
      'route dev/pod/shop/client/eth0',
      'arp dev/pod/shop/client/eth0',
      'veth veth/node-a/shop/client',
      'bridge dev/node-a/cni0',
      'route node/node-a',
      'netfilter node/node-a',
      'route dev/node-a/eth0',
      'wire internet',
    ]);
    expect(w.hops[0]!.rule).toBe('default via 10.244.1.1 dev eth0');
    expect(w.hops[4]!.rule).toBe(`default via ${defaultGateway(node(c, 'node-a'))} dev eth0 proto static`);
    expect(defaultGateway(node(c, 'node-a'))).toBe('192.168.10.1');
    expect(w.hops[5]!.nat).toEqual({
      type: 'MASQUERADE',
      before: { src: `${client.ip}:40000`, dst: `${INTERNET}:443` },
      after: { src: '192.168.10.11:51000', dst: `${INTERNET}:443` },
    });
    expect(seen).toMatchObject({ src: '192.168.10.11:51000', dst: `${INTERNET}:443`, ttl: 63 });
    expect(w.hops.at(-1)!.node).toBeNull();
    expect(snat!.node.name).toBe('node-a');
    expect(back).toBe(true);
    expect(kinds(r)).toEqual([
      'wire internet',
      'route dev/node-a/eth0',
      'conntrack node/node-a',
      'route node/node-a',
      'arp dev/node-a/cni0',
      'bridge dev/node-a/cni0',
      'veth veth/node-a/shop/client',
    ]);
    expect(r.hops[2]!.nat).toMatchObject({ type: 'un-SNAT', after: { dst: `${client.ip}:40000` } });
    expect(r.packet).toMatchObject({ src: `${INTERNET}:443`, dst: `${client.ip}:40000` });
  });

  it('flannel without --ip-masq: the pod address goes out, and the Internet cannot answer it', () => {
    const c = load('flannel-vxlan', 'edge/flannel-no-ip-masq.yaml');
    const client = pod(c, 'shop/client');
    const { w, r, seen, snat, back } = roundTrip(c, { kind: 'pod', pod: client }, INTERNET);
    expect(w.hops.some((h) => h.nat)).toBe(false);
    expect(w.hops.find((h) => h.kind === 'netfilter')!.text).toMatch(/^flanneld runs without --ip-masq/);
    expect(seen.src).toBe(`${client.ip}:40000`);
    expect(snat).toBeNull();
    expect(back).toBe(false);
    expect(r.hops.at(-1)).toMatchObject({ kind: 'drop', at: 'internet' });
  });

  it('ip-masq-agent: a private destination sees the pod address; its answer comes back only if the site routes pod CIDRs', () => {
    const c = load('flannel-vxlan', 'edge/ip-masq-agent.yaml');
    const client = pod(c, 'shop/client');
    const site = roundTrip(c, { kind: 'pod', pod: client }, '10.20.30.40');
    expect(site.seen.src).toBe(`${client.ip}:40000`);
    expect(site.w.hops.find((h) => h.kind === 'netfilter')!.rule).toBe(
      '-A IP-MASQ-AGENT -d 10.0.0.0/8 -m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN',
    );
    // off by default: nothing routes 10.244.0.0/16 back, the answer is lost
    expect(site.back).toBe(false);
    expect(site.r.hops).toHaveLength(1);
    expect(site.r.hops[0]).toMatchObject({ kind: 'drop', at: 'internet' });
    expect(site.r.hops[0]!.text).toMatch(/nothing on the site network routes the pod network 10\.244\.0\.0\/16 back/);
    const routed = load('flannel-vxlan', 'edge/ip-masq-agent.yaml', 'edge/site-routes-pod-network.yaml');
    expect(routed.settings.siteRoutesPodNetwork).toBe(true);
    const back = roundTrip(routed, { kind: 'pod', pod: pod(routed, 'shop/client') }, '10.20.30.40');
    expect(back.back).toBe(true);
    expect(back.r.hops[0]!.text).toMatch(
      /routes the pod network \(10\.244\.1\.0\/24 via 192\.168\.10\.11\) back to node-a/,
    );
    expect(back.r.packet.dst).toBe(`${client.ip}:40000`);
    const out = roundTrip(c, { kind: 'pod', pod: client }, INTERNET);
    expect(out.seen.src).toBe('192.168.10.11:51000');
    expect(out.w.hops.find((h) => h.nat)!.rule).toMatch(
      /^-A IP-MASQ-AGENT -m comment --comment "ip-masq-agent: outbound traffic is subject to MASQUERADE/,
    );
  });

  it('a host on the node subnet is on-link: the connected route and ARP for the host, no gateway, no Internet', () => {
    const c = load('flannel-vxlan', 'edge/ip-masq-agent.yaml');
    const client = pod(c, 'shop/client');
    const { w, r, seen, back } = roundTrip(c, { kind: 'pod', pod: client }, '192.168.10.50', 5432);
    expect(w.hops.find((h) => h.at === 'node/node-a' && h.kind === 'route')!.rule).toBe(
      '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11',
    );
    const arp = w.hops.at(-1)!;
    expect(arp).toMatchObject({ kind: 'arp', at: 'dev/node-a/eth0' });
    expect(arp.rule).toMatch(/^192\.168\.10\.50 dev eth0 lladdr /);
    expect(w.hops.some((h) => h.at === 'internet')).toBe(false);
    const gw = new RegExp(`(^|[^\\d.])${defaultGateway(node(c, 'node-a')).replaceAll('.', '\\.')}(?![\\d.])`);
    expect(w.hops.filter((h) => gw.test(h.rule ?? ''))).toEqual([]);
    // 192.168.0.0/16 is a default non-masquerade range: the host sees the pod, and cannot answer it
    expect(seen.src).toBe(`${client.ip}:40000`);
    expect(back).toBe(false);
    expect(r.hops[0]!.text).toMatch(/hands the answer to its default gateway 192\.168\.10\.1/);
  });

  it('a masqueraded connection to an on-link host is answered on-link, straight to the node', () => {
    const c = load('flannel-vxlan');
    const { r, seen, back } = roundTrip(c, { kind: 'pod', pod: pod(c, 'shop/client') }, '192.168.10.50', 5432);
    expect(seen.src).toBe('192.168.10.11:51000');
    expect(back).toBe(true);
    expect(r.hops.some((h) => h.at === 'internet')).toBe(false);
    expect(r.hops[0]).toMatchObject({ kind: 'route', at: 'dev/node-a/eth0' });
    expect(r.hops[0]!.text).toMatch(/straight from 192\.168\.10\.50, a host on its own subnet 192\.168\.10\.0\/24/);
  });

  it('Calico: the pod routes via 169.254.1.1 and natOutgoing masquerades', () => {
    const c = load('calico-ipip');
    const { w, seen } = roundTrip(c, { kind: 'pod', pod: pod(c, 'shop/client') }, INTERNET);
    expect(w.hops[0]!.rule).toBe('default via 169.254.1.1 dev eth0');
    expect(w.hops.some((h) => h.kind === 'bridge')).toBe(false);
    expect(w.hops.find((h) => h.nat)!.rule).toMatch(/cali-nat-outgoing/);
    expect(seen.src).toBe('192.168.10.11:51000');
  });

  it('a node (or a hostNetwork pod) goes out with its own address, nothing to masquerade', () => {
    const c = load('flannel-vxlan');
    const { w, seen, back, r } = roundTrip(c, { kind: 'host', node: node(c, 'node-b') }, INTERNET);
    expect(kinds(w)).toEqual(['route node/node-b', 'route dev/node-b/eth0', 'wire internet']);
    expect(seen.src).toBe('192.168.10.12:40000');
    expect(back).toBe(true);
    expect(kinds(r)).toEqual(['wire internet', 'route dev/node-b/eth0']);
  });

  it('egress NetworkPolicy is checked where the packet leaves the pod', () => {
    const c = load('calico-ipip', 'edge/policies.yaml');
    const web = pod(c, 'shop/web');
    const ok = roundTrip(c, { kind: 'pod', pod: web }, INTERNET, 443, { reply: false, verdict: null, dropped: null });
    expect(ok.w.hops.find((h) => h.kind === 'policy')!.rule).toBe(
      'NetworkPolicy shop/web spec.egress[1]: to ipBlock 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16; ports TCP/443',
    );
    expect(ok.back).toBe(true);
    const state: PolicyState = { reply: false, verdict: null, dropped: null };
    const denied = roundTrip(c, { kind: 'pod', pod: web }, INTERNET, 80, state);
    expect(denied.w.hops.at(-1)).toMatchObject({ kind: 'drop', at: 'veth/node-a/shop/web' });
    expect(state.dropped).toMatchObject({ direction: 'egress', pod: 'shop/web' });
    expect(denied.snat).toBeNull();
  });
});
