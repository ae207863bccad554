/**
 * Services as docs/networking-model.md describes them, on YAML fixtures: kube-proxy
 * per mode, eligible endpoints, DNS, NodePort and LoadBalancer, with reply paths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import type { Hop, Trace } from '../trace/types';
import { trace } from './trace';
import type { TraceInput, TraceOptions } from './trace';
import { chainName, sepChainName, backendsOf, ruleProbability } from '../proxy';
import { sha256Hex } from '../proxy/sha256';

function load(...files: string[]): Cluster {
  const sources = files.map((f) => ({
    name: f,
    text: readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
  }));
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.source}:${e.line ?? ''}: ${e.message}`).join('\n'));
  return result.cluster;
}

const proxyConfig = (mode: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    mode: ${mode}
    clusterCIDR: 10.244.0.0/16
`;

function cluster(cni = 'flannel-vxlan', mode = 'iptables', extra = ''): Cluster {
  const files = ['kubeadm.yaml', 'nodes.yaml', 'workloads.yaml', `cni/${cni}.yaml`, 'services/services.yaml'];
  const sources = files.map((f) => ({
    name: f,
    text: readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
  }));
  if (mode !== 'iptables') sources.push({ name: 'kube-proxy.yaml', text: proxyConfig(mode) });
  if (extra) sources.push({ name: 'extra.yaml', text: extra });
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.cluster;
}

const run = (c: Cluster, input: TraceInput, options: TraceOptions = {}): Trace => trace(c, input, options);
const ip = (c: Cluster, pod: string): string => c.pods.find((p) => p.name === pod)!.ip;
const rules = (hops: Hop[]): string[] => hops.map((h) => h.rule ?? '');
const nat = (hops: Hop[], type: string): Hop[] => hops.filter((h) => h.nat?.type === type);
const svcIP = (c: Cluster, name: string): string => c.services.find((s) => s.name === name)!.clusterIP!;

describe('kube-proxy chain names (base32 of sha256, docs/networking-model.md)', () => {
  it('computes the names real clusters show', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const c = load('kubeadm.yaml', 'nodes.yaml', 'workloads.yaml');
    const dns = c.services.find((s) => s.name === 'kube-dns')!;
    const api = c.services.find((s) => s.name === 'kubernetes')!;
    expect(chainName('KUBE-SVC-', dns, dns.ports[0]!)).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(chainName('KUBE-SVC-', dns, dns.ports[1]!)).toBe('KUBE-SVC-ERIFXISQEP7F7OF4');
    expect(chainName('KUBE-SVC-', api, api.ports[0]!)).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(sepChainName(api, api.ports[0]!, backendsOf(c, api, api.ports[0]!)[0]!)).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
  });
  it('prints 1/(n-i) with 10 decimals', () => {
    expect([0, 1].map((i) => ruleProbability(i, 3))).toEqual(['0.3333333333', '0.5000000000']);
  });
});

describe('ClusterIP in iptables mode', () => {
  const c = cluster();
  const web = svcIP(c, 'web');
  it('walks KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP -> DNAT on the client node, conntrack, un-DNAT on the reply', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-b'] });
    expect(t.verdict).toBe('delivered');
    const r = rules(t.hops);
    const i = r.findIndex((x) => x.startsWith('-A KUBE-SERVICES -d ' + web + '/32 -p tcp'));
    expect(r[i]).toContain('--comment "default/web:http cluster IP"');
    expect(r[i + 1]).toMatch(
      /^-A KUBE-SVC-\w{16} -m comment --comment "default\/web:http -> 10\.244\.2\.2:8080" -m statistic --mode random --probability 0\.5000000000 -j KUBE-SEP-/,
    );
    const dnat = nat(t.hops, 'DNAT')[0]!;
    expect(dnat.node).toBe('node-a');
    expect(dnat.rule).toMatch(/-j DNAT --to-destination 10\.244\.2\.2:8080$/);
    expect(dnat.nat!.after.dst).toBe('10.244.2.2:8080');
    expect(t.hops.find((h) => h.kind === 'conntrack')!.node).toBe('node-a');
    // never SNATed: the endpoint sees the client pod
    expect(nat(t.hops, 'MASQUERADE')).toEqual([]);
    expect(t.hops.at(-1)!.packet.src.startsWith(`${ip(c, 'client')}:`)).toBe(true);
    const un = nat(t.reply!.hops, 'un-DNAT');
    expect(un).toHaveLength(1);
    expect(un[0]!.node).toBe('node-a');
    expect(t.reply!.hops.at(-1)!.packet.src).toBe(`${web}:80`);
  });
  it('orders endpoints by IP:port string and gives exact 1/n candidates', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(t.candidates.map((x) => `${x.ip}:${x.port}`)).toEqual([
      '10.244.1.3:8080',
      '10.244.2.2:8080',
      '10.244.2.4:9090',
    ]);
    expect(t.candidates.every((x) => x.probability === 1 / 3)).toBe(true);
    expect(t.candidates.filter((x) => x.chosen)).toHaveLength(1);
  });
  it('resolves a named targetPort per pod', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-c'] });
    expect(t.endpoint).toMatchObject({ pod: 'default/server-c', port: 9090 });
  });
  it('is uniform over seeds and deterministic per seed', () => {
    const counts = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const pod = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { seed }).endpoint!.pod;
      counts.set(pod, (counts.get(pod) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(n).toBeGreaterThan(70);
    expect(JSON.stringify(run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { seed: 9 }))).toBe(
      JSON.stringify(run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { seed: 9 })),
    );
  });
  it('warns about a pick that matches no choice', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/client'] });
    expect(t.warnings).toEqual(['--pick default/client matched no choice in this trace']);
  });
  it('masquerades a node source (KUBE-MARK-MASQ, KUBE-POSTROUTING) to the egress interface address', () => {
    const t = run(c, { from: 'node/node-a', to: `${web}:80` }, { pick: ['default/server-b'] });
    expect(rules(t.hops)).toContain(
      `-A ${chainName(
        'KUBE-SVC-',
        c.services.find((s) => s.name === 'web')!,
        c.services.find((s) => s.name === 'web')!.ports[0]!,
      )} ! -s 10.244.0.0/16 -d ${web}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`,
    );
    const m = nat(t.hops, 'MASQUERADE')[0]!;
    expect(m.rule).toContain('KUBE-POSTROUTING');
    expect(m.nat!.after.src.startsWith('10.244.1.0:')).toBe(true); // flannel.1 towards a remote pod
    expect(t.reply!.hops.map((h) => h.nat?.type).filter(Boolean)).toEqual(['un-SNAT', 'un-DNAT']);
    expect(t.reply!.hops.at(-1)!.packet.dst).toBe(t.hops[0]!.packet.src);
  });
  it('masquerades a hostNetwork pod source too', () => {
    const t = run(c, { from: 'pod/monitoring/agent', to: 'svc/default/web' }, { pick: ['default/server-a'] });
    expect(nat(t.hops, 'MASQUERADE')[0]!.nat!.after.src.startsWith('10.244.1.1:')).toBe(true); // cni0 towards a local pod
  });
  it('hairpin: a pod landing on itself is masqueraded to the bridge address, bridged back out of its own port', () => {
    const t = run(c, { from: 'pod/default/server-a', to: 'svc/default/web' }, { pick: ['default/server-a'] });
    expect(t.verdict).toBe('delivered');
    expect(rules(t.hops).some((r) => /^-A KUBE-SEP-\w+ -s 10\.244\.1\.3\/32 .*-j KUBE-MARK-MASQ$/.test(r))).toBe(true);
    const m = nat(t.hops, 'MASQUERADE')[0]!;
    expect(m.nat!.after.src.startsWith('10.244.1.1:')).toBe(true);
    expect(t.hops.some((h) => h.kind === 'bridge' && /hairpin/.test(h.rule ?? ''))).toBe(true);
    // bridged: no TTL decrement
    expect(t.hops.at(-1)!.packet.ttl).toBe(64);
    expect(t.reply!.hops.at(-1)!.packet.src).toBe(`${web}:80`);
  });
  it('same-node endpoint: bridged DNAT, TTL unchanged', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-a'] });
    expect(t.hops.at(-1)!.packet.ttl).toBe(64);
    expect(nat(t.reply!.hops, 'un-DNAT')).toHaveLength(1);
  });
  it('zero endpoints: REJECT, refused at once, ICMP back', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/empty' });
    expect(t.verdict).toBe('refused');
    expect(
      rules(t.hops).some(
        (r) =>
          r.includes('"default/empty:http has no endpoints"') &&
          r.endsWith('-j REJECT --reject-with icmp-port-unreachable'),
      ),
    ).toBe(true);
    expect(t.reply!.verdict).toBe('refused');
    expect(t.candidates).toEqual([]);
  });
  it('internalTrafficPolicy Local: only local endpoints; silent DROP on a node without one', () => {
    const a = run(c, { from: 'pod/default/client', to: 'svc/default/web-local' });
    expect(a.endpoint!.pod).toBe('default/server-a');
    expect(a.candidates).toHaveLength(1);
    expect(rules(a.hops).some((r) => r.includes('KUBE-SVL-'))).toBe(true);
    const b = run(c, { from: 'pod/monitoring/agent', to: 'svc/default/web-local' });
    expect(b.verdict).toBe('delivered');
    const cp = run(c, { from: 'node/cp', to: 'svc/default/web-local' });
    expect(cp.verdict).toBe('dropped');
    expect(cp.reply).toBeNull();
    expect(rules(cp.hops).some((r) => r.includes('has no local endpoints') && r.endsWith('-j DROP'))).toBe(true);
  });
  it('an undefined port or a ping to a ClusterIP is lost (timeout) in iptables mode', () => {
    expect(run(c, { from: 'pod/default/client', to: `${web}:81` }).verdict).toBe('dropped');
    expect(run(c, { from: 'pod/default/client', to: web, protocol: 'icmp' }).verdict).toBe('dropped');
  });
  it("an undefined port is masqueraded by flannel on its way out, kube-proxy's mark being absent", () => {
    const t = run(c, { from: 'pod/default/client', to: `${web}:9999` });
    expect(t.verdict).toBe('dropped');
    const out = t.hops.findIndex((h) => h.kind === 'route' && h.at === 'node/node-a');
    expect(t.hops[out]!.rule).toBe('default via 192.168.10.1 dev eth0 proto static');
    // No KUBE-MARK-MASQ matched (those rules are per Service port): the masquerade is FLANNEL-POSTRTG's.
    const masq = nat(t.hops, 'MASQUERADE');
    expect(masq).toHaveLength(1);
    expect(t.hops.indexOf(masq[0]!)).toBe(out + 1);
    expect(masq[0]!.rule).toContain('-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4');
    expect(masq[0]!.nat!.before.src).toMatch(new RegExp(`^${ip(c, 'client').replace(/\./g, '\\.')}:`));
    expect(masq[0]!.nat!.after.src).toMatch(/^192\.168\.10\.11:\d+$/);
    expect(t.hops.at(-1)).toMatchObject({ kind: 'drop', packet: { src: masq[0]!.nat!.after.src } });
    // A ping is masqueraded too, without a port.
    const ping = run(c, { from: 'pod/default/client', to: web, protocol: 'icmp' });
    expect(nat(ping.hops, 'MASQUERADE')[0]!.nat!.after.src).toBe('192.168.10.11');
    // A hostNetwork client already sends from its node's address: nothing to masquerade.
    const host = run(c, { from: 'pod/monitoring/agent', to: `${web}:9999` });
    expect(host.verdict).toBe('dropped');
    expect(nat(host.hops, 'MASQUERADE')).toHaveLength(0);
  });
  it('ip-masq-agent leaves an undefined port of a ClusterIP unmasqueraded: 10.0.0.0/8 is in its defaults', () => {
    const agent = cluster(
      'flannel-vxlan',
      'iptables',
      readFileSync(new URL('./fixtures/edge/ip-masq-agent.yaml', import.meta.url), 'utf8'),
    );
    const t = run(agent, { from: 'pod/default/client', to: `${svcIP(agent, 'web')}:9999` });
    expect(t.verdict).toBe('dropped');
    expect(nat(t.hops, 'MASQUERADE')).toHaveLength(0);
    expect(t.hops.find((h) => h.kind === 'netfilter')!.rule).toMatch(
      /^-A IP-MASQ-AGENT -d 10\.0\.0\.0\/8 .* -j RETURN$/,
    );
    expect(t.hops.at(-1)!.packet.src).toMatch(new RegExp(`^${ip(agent, 'client').replace(/\./g, '\\.')}:`));
  });
  it('sessionAffinity ClientIP shows the recent module', () => {
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/sticky' });
    expect(nat(t.hops, 'DNAT')[0]!.rule).toContain('-m recent --set --name KUBE-SEP-');
    expect(t.hops.some((h) => /10800/.test(h.text))).toBe(true);
  });
});

describe('proxy modes differ where section 12 says', () => {
  it('nftables: numgen dispatch; undefined port and ping rejected; no localhost NodePort', () => {
    const c = cluster('flannel-vxlan', 'nftables');
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(rules(t.hops)).toContain(
      `numgen random mod 3 vmap { 0 : goto endpoint-${
        rules(t.hops)
          .join(' ')
          .match(/endpoint-(\w{8})-default\/web\/tcp\/http__10\.244\.1\.3\/8080/)![1]
      }-default/web/tcp/http__10.244.1.3/8080 , 1 : goto ${
        rules(t.hops)
          .join(' ')
          .match(/endpoint-\w{8}-default\/web\/tcp\/http__10\.244\.2\.2\/8080/)![0]
      } , 2 : goto ${
        rules(t.hops)
          .join(' ')
          .match(/endpoint-\w{8}-default\/web\/tcp\/http__10\.244\.2\.4\/9090/)![0]
      } }`,
    );
    expect(nat(t.hops, 'DNAT')[0]!.rule).toMatch(/^meta l4proto tcp dnat to /);
    expect(run(c, { from: 'pod/default/client', to: `${svcIP(c, 'web')}:81` }).verdict).toBe('refused');
    expect(run(c, { from: 'pod/default/client', to: svcIP(c, 'web'), protocol: 'icmp' }).verdict).toBe('refused');
    expect(run(c, { from: 'node/node-a', to: '127.0.0.1:30080' }).verdict).toBe('refused');
    expect(run(c, { from: 'pod/default/client', to: 'svc/default/empty' }).verdict).toBe('refused');
  });
  it('iptables serves localhost NodePorts', () => {
    const c = cluster();
    const t = run(c, { from: 'node/node-a', to: '127.0.0.1:30080' });
    expect(t.verdict).toBe('delivered');
    expect(nat(t.hops, 'MASQUERADE')).toHaveLength(1);
  });
  it('IPVS: kube-ipvs0 holds the VIP, INPUT path, rr per node from the first real server, no probabilities', () => {
    const c = cluster('flannel-vxlan', 'ipvs');
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(t.hops.some((h) => h.at === 'dev/node-a/kube-ipvs0')).toBe(true);
    expect(nat(t.hops, 'DNAT')[0]!.kind).toBe('ipvs');
    expect(t.candidates.every((x) => x.probability === null)).toBe(true);
    expect(t.endpoint!.ip).toBe('10.244.1.3');
    expect(run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { rrOffset: 1 }).endpoint!.ip).toBe(
      '10.244.2.2',
    );
    expect(t.hops.filter((h) => h.kind === 'ipvs')[1]!.rule).toMatch(
      /^TCP {2}10\.\d+\.\d+\.\d+:80 rr {2}-> 10\.244\.1\.3:8080 Masq 1/,
    );
    expect(
      run(c, { from: 'pod/default/client', to: 'svc/default/sticky' }).hops.filter((h) => h.kind === 'ipvs')[0]!.rule,
    ).toContain('persistent 10800');
    const undef = run(c, { from: 'pod/default/client', to: `${svcIP(c, 'web')}:81` });
    expect(undef.verdict).toBe('refused');
    expect(rules(undef.hops).some((r) => r.includes('KUBE-IPVS-FILTER'))).toBe(true);
    expect(run(c, { from: 'node/node-a', to: '127.0.0.1:30080' }).verdict).toBe('refused');
  });
  it('Cilium kube-proxy replacement: translation at connect(), no DNAT on the wire, no SNAT, reverse in the socket', () => {
    const c = cluster('../services/cilium-kpr');
    expect(c.settings.proxyMode).toBe('cilium');
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-b'] });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.filter((h) => h.nat)).toEqual([]);
    expect(t.hops[1]!.kind).toBe('socket');
    expect(t.hops.slice(1).every((h) => !h.packet.dst.startsWith(svcIP(c, 'web')))).toBe(true);
    expect(t.hops.at(-1)!.packet.src.startsWith(`${ip(c, 'client')}:`)).toBe(true);
    const back = t.reply!.hops;
    expect(back.at(-2)!.nat!.type).toBe('un-DNAT');
    expect(back.at(-1)!.packet.src).toBe(`${svcIP(c, 'web')}:80`);
  });
});

describe('cluster DNS (section 5)', () => {
  const c = cluster();
  it('resolves a short name with the search list; the query is a traced UDP packet through kube-dns', () => {
    const t = run(c, { from: 'pod/default/client', to: 'web' });
    expect(t.dns!.queries).toEqual([
      { name: 'web.default.svc.cluster.local', type: 'A', answer: [svcIP(c, 'web')] },
      { name: 'web.default.svc.cluster.local', type: 'AAAA', answer: [] },
    ]);
    expect(t.dns!.hops[0]!.packet.dst).toBe('10.96.0.10:53');
    expect(t.dns!.hops.some((h) => h.nat?.type === 'DNAT' && h.rule!.includes('kube-system/kube-dns:dns'))).toBe(true);
    expect(t.dns!.hops.some((h) => h.kind === 'dns' && h.at.startsWith('container/kube-system/coredns-'))).toBe(true);
    expect(t.dns!.hops.at(-1)!.packet.src).toBe('10.96.0.10:53');
    expect(t.hops[0]!.packet.dst).toBe(`${svcIP(c, 'web')}:80`);
  });
  it('NXDOMAIN for every search candidate: unresolved, nothing sent', () => {
    const t = run(c, { from: 'pod/default/client', to: 'nosuch' });
    expect(t.verdict).toBe('unresolved');
    expect(t.hops).toEqual([]);
    expect(t.dns!.queries.filter((q) => q.type === 'A').map((q) => [q.name, q.answer])).toEqual([
      ['nosuch.default.svc.cluster.local', 'NXDOMAIN'],
      ['nosuch.svc.cluster.local', 'NXDOMAIN'],
      ['nosuch.cluster.local', 'NXDOMAIN'],
      ['nosuch', 'NXDOMAIN'],
    ]);
  });
  it('kube-dns.kube-system: the second search candidate hits; a trailing dot skips the list', () => {
    const t = run(c, { from: 'pod/default/client', to: 'kube-dns.kube-system', port: 53, protocol: 'udp' });
    expect(t.dns!.queries.filter((q) => q.type === 'A').map((q) => q.answer)).toEqual(['NXDOMAIN', ['10.96.0.10']]);
    const abs = run(c, { from: 'pod/default/client', to: 'web.default.svc.cluster.local.' });
    expect(abs.dns!.queries.map((q) => q.name)).toEqual([
      'web.default.svc.cluster.local',
      'web.default.svc.cluster.local',
    ]);
  });
  it('example.com: three NXDOMAIN search candidates, then upstream', async () => {
    const { resolveName } = await import('./dns');
    const pod = c.pods.find((p) => p.name === 'client')!;
    const r = resolveName(c, pod, 'example.com');
    expect(r.queries.filter((q) => q.type === 'A').map((q) => q.answer === 'NXDOMAIN')).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(r.addresses![0]).toMatch(/^203\.0\.113\./);
  });
  it('headless: A per ready endpoint, the client connects to a pod directly', () => {
    const t = run(c, { from: 'pod/default/client', to: 'db' }, { pick: ['default/server-b'] });
    expect(t.dns!.queries[0]!.answer).toEqual(['10.244.1.3', '10.244.2.2', '10.244.2.4']);
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(t.endpoint).toMatchObject({ pod: 'default/server-b', ip: '10.244.2.2', port: 8080 });
    expect(t.candidates).toHaveLength(3);
  });
  it('pod records, ExternalName CNAME, SRV for named ports', async () => {
    const { resolveName, srvRecords } = await import('./dns');
    const pod = c.pods.find((p) => p.name === 'client')!;
    expect(resolveName(c, pod, '10-244-2-2.default.pod.cluster.local').addresses).toEqual(['10.244.2.2']);
    expect(resolveName(c, pod, 'ext').queries[0]!.answer).toEqual([
      'CNAME example.com.',
      expect.stringMatching(/^203\.0\.113\./),
    ]);
    const web = c.services.find((s) => s.name === 'web')!;
    expect(srvRecords(c, web)).toEqual([
      { name: '_http._tcp.web.default.svc.cluster.local', records: ['0 100 80 web.default.svc.cluster.local.'] },
    ]);
    const db = c.services.find((s) => s.name === 'db')!;
    expect(srvRecords(c, db)[0]!.records).toEqual([
      '0 33 8080 10-244-1-3.db.default.svc.cluster.local.',
      '0 33 8080 10-244-2-2.db.default.svc.cluster.local.',
      '0 33 9090 10-244-2-4.db.default.svc.cluster.local.',
    ]);
  });
  it('hostNetwork pods with ClusterFirst fall back to the node resolver: cluster names do not resolve', () => {
    const t = run(c, { from: 'pod/monitoring/agent', to: 'web' });
    expect(t.verdict).toBe('unresolved');
    expect(t.dns!.hops[0]!.rule).toBe('nameserver 192.168.10.1');
    // `default` is no top-level domain out there: the site's resolver answers NXDOMAIN too
    expect(run(c, { from: 'pod/monitoring/agent', to: 'web.default', port: 80 }).verdict).toBe('unresolved');
    expect(run(c, { from: 'pod/monitoring/agent', to: 'example.com', port: 443 }).verdict).not.toBe('unresolved');
  });
});

describe('NodePort (section 6)', () => {
  const c = cluster();
  it('Cluster: KUBE-EXT marks, SNAT to flannel.1 for a remote endpoint, reply back through the ingress node', () => {
    const t = run(c, { from: 'external/203.0.113.7', to: '192.168.10.11:30080' }, { pick: ['default/server-b'] });
    expect(t.hops[0]!.at).toBe('ext/203.0.113.7');
    expect(t.hops[1]!.at).toBe('internet');
    expect(
      rules(t.hops).some((r) =>
        r.startsWith(
          '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/np:http" -m tcp --dport 30080 -j KUBE-EXT-',
        ),
      ),
    ).toBe(true);
    expect(rules(t.hops).some((r) => r.includes('masquerade traffic for default/np:http external destinations'))).toBe(
      true,
    );
    expect(nat(t.hops, 'MASQUERADE')[0]!.nat!.after.src.startsWith('10.244.1.0:')).toBe(true);
    expect(t.hops.some((h) => h.kind === 'wire' && h.at === 'wire/node-a/node-b')).toBe(true);
    expect(t.hops.at(-1)!.packet.src.startsWith('203.0.113.7')).toBe(false);
    const back = t.reply!.hops;
    expect(back.filter((h) => h.nat).map((h) => [h.nat!.type, h.node])).toEqual([
      ['un-SNAT', 'node-a'],
      ['un-DNAT', 'node-a'],
    ]);
    expect(back.at(-1)!.at).toBe('ext/203.0.113.7');
    expect(back.at(-1)!.packet.src).toBe('192.168.10.11:30080');
  });
  it('Cluster with a local endpoint: SNAT to cni0', () => {
    const t = run(c, { from: 'external/203.0.113.7', to: 'nodeport/node-a/30080' }, { pick: ['default/server-a'] });
    expect(nat(t.hops, 'MASQUERADE')[0]!.nat!.after.src.startsWith('10.244.1.1:')).toBe(true);
  });
  it('Local: no SNAT, only local endpoints, client IP kept; silent drop on a node without one', () => {
    const t = run(c, { from: 'external/203.0.113.7', to: '192.168.10.12:30081' });
    expect(t.verdict).toBe('delivered');
    expect(['default/server-b', 'default/server-c']).toContain(t.endpoint!.pod);
    expect(nat(t.hops, 'MASQUERADE')).toEqual([]);
    expect(t.hops.at(-1)!.packet.src.startsWith('203.0.113.7:')).toBe(true);
    expect(t.candidates).toHaveLength(2);
    const cp = run(c, { from: 'external/203.0.113.7', to: '192.168.10.10:30081' });
    expect(cp.verdict).toBe('dropped');
    expect(rules(cp.hops).some((r) => r.startsWith('-A KUBE-EXTERNAL-SERVICES') && r.endsWith('-j DROP'))).toBe(true);
  });
  it("Cilium kube-proxy replacement, tunnel mode: SNAT to the ingress node's cilium_host address for a remote backend, none for a local one", () => {
    // bpf/lib/nodeport.h: the NAT target is IPV4_GATEWAY (the router IP on cilium_host) when the
    // backend's ipcache entry has a tunnel endpoint, and a local backend is only DNATed
    const c = cluster('../services/cilium-kpr');
    const ciliumHost = c.nodes
      .find((n) => n.name === 'node-a')!
      .devices.find((d) => d.name === 'cilium_host')!
      .address!.split('/')[0]!;
    const remote = run(c, { from: 'external/203.0.113.7', to: '192.168.10.11:30080' }, { pick: ['default/server-b'] });
    expect(remote.verdict).toBe('delivered');
    expect(nat(remote.hops, 'MASQUERADE').map((h) => [h.node, h.nat!.after.src.split(':')[0]])).toEqual([
      ['node-a', ciliumHost],
    ]);
    const local = run(c, { from: 'external/203.0.113.7', to: '192.168.10.11:30080' }, { pick: ['default/server-a'] });
    expect(nat(local.hops, 'MASQUERADE')).toEqual([]);
    expect(local.hops.at(-1)!.packet.src.startsWith('203.0.113.7:')).toBe(true);
  });
  it('a ClusterIP is not reachable from outside', () => {
    expect(run(c, { from: 'external/203.0.113.7', to: `${svcIP(c, 'web')}:80` }).verdict).toBe('dropped');
  });
});

describe('LoadBalancer (section 7)', () => {
  const c = cluster();
  it('pass-through LB element; Local: only nodes with endpoints pass the health check, client IP kept', () => {
    const t = run(c, { from: 'external/203.0.113.7', to: '198.51.100.10:80' }, { seed: 3 });
    const lb = t.hops.find((h) => h.kind === 'load-balancer')!;
    expect(lb.at).toBe('lb/default/lb');
    expect(lb.packet.dst).toBe('198.51.100.10:80');
    expect(lb.text).toMatch(/healthz answers 200 only where localEndpoints > 0/);
    expect(['node-a', 'node-b']).toContain(t.hops[t.hops.indexOf(lb) + 1]!.node);
    expect(nat(t.hops, 'MASQUERADE')).toEqual([]);
    const pinned = run(c, { from: 'external/203.0.113.7', to: '198.51.100.10:80' }, { pick: ['node/cp'] });
    expect(pinned.warnings![0]).toMatch(/node\/cp/);
  });
  it('Local: a picked endpoint steers the load balancer to its node, whatever the seed', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const [pod, node] of [
        ['default/server-a', 'node-a'],
        ['default/server-b', 'node-b'],
        ['default/server-c', 'node-b'],
      ] as const) {
        const t = run(c, { from: 'external/203.0.113.7', to: '198.51.100.10:80' }, { seed, pick: [pod] });
        const lb = t.hops.findIndex((h) => h.kind === 'load-balancer');
        expect(t.hops[lb + 1]!.node).toBe(node);
        expect(t.endpoint!.pod).toBe(pod);
        expect(t.warnings).toBeUndefined();
      }
    }
    // A pod that is no endpoint cannot be honoured: a warning, and the load balancer chooses as before.
    const stray = run(
      c,
      { from: 'external/203.0.113.7', to: '198.51.100.10:80' },
      { seed: 3, pick: ['default/client'] },
    );
    expect(stray.warnings).toEqual(['--pick default/client matched no choice in this trace']);
    const unpinned = run(c, { from: 'external/203.0.113.7', to: '198.51.100.10:80' }, { seed: 3 });
    expect(stray.endpoint).toEqual(unpinned.endpoint);
  });
  it('Cluster: any worker, SNAT; --pick node/<name> pins the node; the control plane is never a target', () => {
    const t = run(c, { from: 'external/203.0.113.7', to: '198.51.100.11:80' }, { pick: ['node/node-b'] });
    expect(t.warnings).toBeUndefined();
    expect(t.hops.find((h) => h.kind === 'netfilter')!.node).toBe('node-b');
    // kubeadm labels control planes node.kubernetes.io/exclude-from-external-load-balancers
    const cp = run(c, { from: 'external/203.0.113.7', to: '198.51.100.11:80' }, { pick: ['node/cp'] });
    expect(cp.warnings![0]).toMatch(/node\/cp/);
    expect(t.hops.find((h) => h.kind === 'load-balancer')!.rule).not.toMatch(/\bcp\b/);
    expect(nat(t.hops, 'MASQUERADE')).toHaveLength(1);
    expect(t.reply!.hops.at(-1)!.packet.src).toBe('198.51.100.11:80');
  });
  it('ipMode VIP: in-cluster clients short-circuit on their own node', () => {
    const t = run(c, { from: 'pod/default/client', to: '198.51.100.10:80' });
    expect(t.hops.some((h) => h.kind === 'load-balancer')).toBe(false);
    expect(nat(t.hops, 'DNAT')[0]!.node).toBe('node-a');
    // a pod source is cluster traffic even under Local: any endpoint
    expect(t.candidates).toHaveLength(3);
  });
  it('NodePort-targeting proxy LB (annotation)', () => {
    const extra = `apiVersion: v1
kind: Service
metadata:
  name: elb
  namespace: default
  annotations:
    netviz.io/load-balancer-mode: nodeport-proxy
spec:
  type: LoadBalancer
  selector:
    app: server
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: 30090
status:
  loadBalancer:
    ingress:
      - ip: 198.51.100.20
`;
    const c2 = cluster('flannel-vxlan', 'iptables', extra);
    const t = run(c2, { from: 'external/203.0.113.7', to: '198.51.100.20:80' }, { pick: ['node/node-b'] });
    const lb = t.hops.find((h) => h.kind === 'load-balancer')!;
    expect(lb.nat!.after).toMatchObject({ dst: '192.168.10.12:30090' });
    expect(rules(t.hops).some((r) => r.includes('--dport 30090'))).toBe(true);
  });
});

describe('ClusterIP with other CNIs', () => {
  it('Calico: no bridge, the host routes the DNATed packet (TTL -1 on the client node)', () => {
    const c = cluster('calico-ipip');
    const t = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-a'] });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.some((h) => h.kind === 'bridge')).toBe(false);
    expect(t.hops.at(-1)!.packet.ttl).toBe(63);
    const remote = run(c, { from: 'pod/default/client', to: 'svc/default/web' }, { pick: ['default/server-b'] });
    expect(remote.hops.some((h) => h.kind === 'encap' && h.at === 'dev/node-a/tunl0')).toBe(true);
    expect(remote.reply!.hops.filter((h) => h.nat).map((h) => [h.nat!.type, h.node])).toEqual([['un-DNAT', 'node-a']]);
  });
  it('flannel host-gw: a node source is masqueraded to its eth0 address', () => {
    const c = cluster('flannel-host-gw');
    const t = run(c, { from: 'node/node-a', to: 'svc/default/web' }, { pick: ['default/server-b'] });
    expect(nat(t.hops, 'MASQUERADE')[0]!.nat!.after.src.startsWith('192.168.10.11:')).toBe(true);
    expect(t.reply!.hops.at(-1)!.packet.dst).toBe(t.hops[0]!.packet.src);
  });
  it('every hop of every Service trace names a drawable element', () => {
    const c = cluster();
    const ids = /^(node|dev|pod|veth|container|svc|nodeport|wire|lb|ext)\/|^internet$/;
    for (const to of ['svc/web', 'web', 'db', '198.51.100.10:80', 'nodeport/node-b/30080']) {
      const t = run(c, {
        from: to.startsWith('198') || to.startsWith('nodeport') ? 'external/203.0.113.7' : 'pod/default/client',
        to,
      });
      for (const h of [...(t.dns?.hops ?? []), ...t.hops, ...(t.reply?.hops ?? [])]) expect(h.at).toMatch(ids);
    }
  });
});

describe('NetworkPolicy on Service traffic (section 10: evaluated after DNAT)', () => {
  const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: servers-closed
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: server
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-no-egress
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: client
  policyTypes: [Egress]
`;
  it('an isolated endpoint drops the connection silently, after the DNAT chose it', () => {
    const c = cluster('calico-ipip', 'iptables', deny);
    const t = run(c, { from: 'node/node-a', to: 'svc/default/web' }, { pick: ['default/server-b'] });
    expect(t.verdict).toBe('dropped');
    expect(t.reply).toBeNull();
    expect(nat(t.hops, 'DNAT')).toHaveLength(1);
    expect(t.hops.at(-1)!.kind).toBe('drop');
  });
  it('blocking egress also blocks DNS: the name does not resolve', () => {
    const c = cluster('calico-ipip', 'iptables', deny);
    const t = run(c, { from: 'pod/default/client', to: 'web' });
    expect(t.verdict).toBe('unresolved');
    expect(t.dns!.hops.some((h) => h.kind === 'drop')).toBe(true);
  });
});

describe('proxying load balancers and reply continuity', () => {
  const c = (): Cluster => {
    const files = [
      'kubeadm.yaml',
      'nodes.yaml',
      'workloads.yaml',
      'cni/flannel-vxlan.yaml',
      'services/services.yaml',
      'services/lb-proxy.yaml',
    ];
    return load(...files);
  };
  it('ipMode Proxy: an in-cluster client leaves the cluster (egress masquerade), the LB proxies to a NodePort, the reply retraces both', () => {
    const t = run(c(), { from: 'pod/default/client', to: '198.51.100.20:80' }, { pick: ['node/node-b'] });
    expect(t.verdict).toBe('delivered');
    expect(t.warnings).toBeUndefined();
    const kinds = t.hops.map((h) => h.nat?.type ?? '').filter(Boolean);
    expect(kinds).toEqual(['MASQUERADE', 'SNAT', 'DNAT', 'MASQUERADE']);
    expect(t.hops.find((h) => h.kind === 'load-balancer')!.at).toBe('lb/default/elb');
    expect(t.reply!.hops.map((h) => h.nat?.type ?? '').filter(Boolean)).toEqual([
      'un-SNAT',
      'un-DNAT',
      'un-SNAT',
      'un-SNAT',
    ]);
    expect(t.reply!.hops.at(-1)!.packet).toMatchObject({ src: '198.51.100.20:80', dst: t.hops[0]!.packet.src });
  });
  it('ipMode comes from status.loadBalancer.ingress[].ipMode, the real field, and wins over the annotation', () => {
    const base = ['kubeadm.yaml', 'nodes.yaml', 'workloads.yaml', 'cni/flannel-vxlan.yaml', 'services/services.yaml'];
    const withStatus = (ipMode: string, annotation: string): Cluster => {
      const sources = base.map((f) => ({
        name: f,
        text: readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
      }));
      sources.push({
        name: 'lb.yaml',
        text: `apiVersion: v1
kind: Service
metadata: { name: real, namespace: default${annotation === '' ? '' : `, annotations: { netviz.io/ip-mode: ${annotation} }`} }
spec:
  type: LoadBalancer
  selector: { app: server }
  ports: [{ name: http, port: 80, targetPort: http, nodePort: 30091 }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.30, ipMode: ${ipMode} }] } }
`,
      });
      const result = loadManifests(sources);
      if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
      return result.cluster;
    };
    const viaLb = (k: Cluster): boolean =>
      run(k, { from: 'pod/default/client', to: '198.51.100.30:80' }).hops.some((h) => h.kind === 'load-balancer');
    const proxy = withStatus('Proxy', '');
    expect(proxy.services.find((x) => x.name === 'real')!.loadBalancerIPMode).toBe('Proxy');
    expect(viaLb(proxy)).toBe(true);
    expect(viaLb(withStatus('VIP', ''))).toBe(false);
    expect(viaLb(withStatus('VIP', 'Proxy'))).toBe(false);
  });
  it('an external client of a proxying LB gets its answer from the LB address', () => {
    const t = run(c(), { from: 'external/203.0.113.7', to: '198.51.100.20:80' });
    expect(t.reply!.hops.at(-1)!.packet).toMatchObject({ src: '198.51.100.20:80', dst: t.hops[0]!.packet.src });
  });
  it('every delivered Service reply ends where the request began, in every mode and CNI', () => {
    const requests: TraceInput[] = [
      { from: 'pod/default/client', to: 'svc/web' },
      { from: 'node/node-a', to: 'svc/web' },
      { from: 'pod/default/server-a', to: 'svc/web' },
      { from: 'pod/monitoring/agent', to: 'svc/web' },
      { from: 'external/203.0.113.7', to: 'nodeport/node-a/30080' },
      { from: 'external/203.0.113.7', to: '198.51.100.11:80' },
      { from: 'pod/default/client', to: 'nodeport/node-b/30080' },
      { from: 'node/node-a', to: '127.0.0.1:30080' },
    ];
    for (const [cni, mode] of [
      ['flannel-vxlan', 'iptables'],
      ['flannel-host-gw', 'nftables'],
      ['calico-vxlan', 'ipvs'],
      ['cilium-native', 'iptables'],
      ['../services/cilium-kpr', 'iptables'],
    ] as const) {
      const k = cluster(cni, mode);
      for (const r of requests) {
        for (const pick of [['default/server-a'], ['default/server-b']]) {
          const t = run(k, r, { pick });
          if (t.reply?.verdict !== 'delivered') continue;
          const first = t.hops[0]!.packet;
          expect(t.reply.hops.at(-1)!.packet, `${cni} ${mode} ${r.from} -> ${r.to}`).toMatchObject({
            src: first.dst,
            dst: first.src,
          });
        }
      }
    }
  });
});

describe('SRV names', () => {
  it('_http._tcp.web: an SRV query gives the port and the target, then A for the target', () => {
    const c = cluster();
    const t = run(c, { from: 'pod/default/client', to: '_http._tcp.web' }, { pick: ['default/server-a'] });
    expect(t.dns!.queries[0]).toEqual({
      name: '_http._tcp.web.default.svc.cluster.local',
      type: 'SRV',
      answer: ['0 100 80 web.default.svc.cluster.local.'],
    });
    expect(t.dns!.queries[1]).toEqual({ name: 'web.default.svc.cluster.local', type: 'A', answer: [svcIP(c, 'web')] });
    expect(t.hops[0]!.packet.dst).toBe(`${svcIP(c, 'web')}:80`);
    expect(t.verdict).toBe('delivered');
    const headless = run(c, { from: 'pod/default/client', to: '_http._tcp.db' });
    expect(headless.dns!.queries[1]!.name).toBe('10-244-1-3.db.default.svc.cluster.local');
    expect(headless.endpoint).toMatchObject({ ip: '10.244.1.3', port: 8080 });
    expect(run(c, { from: 'pod/default/client', to: '_nope._tcp.web' }).verdict).toBe('unresolved');
  });
});
