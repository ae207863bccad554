import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { lookup } from '../model/lookup';
import type { CniConfig, ProxyMode } from '../model/types';
import { trace } from '../resolve/trace';
import type { TraceInput } from '../resolve/trace';
import { SCENARIOS, findScenario } from '../scenarios/catalog';
import type { Scenario } from '../scenarios/catalog';
import { flattenHops } from '../trace/types';
import type { Trace } from '../trace/types';
import { explainTrace } from './explainTrace';

const CNIS: Record<string, CniConfig> = {
  'flannel-vxlan': { kind: 'flannel', backend: 'vxlan', ipMasq: true },
  'flannel-host-gw': { kind: 'flannel', backend: 'host-gw', ipMasq: true },
  'calico-ipip': { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
  'calico-vxlan': { kind: 'calico', ipipMode: 'Never', vxlanMode: 'Always', natOutgoing: true, blockSize: 26 },
  'cilium-vxlan': { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
  'cilium-geneve': { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'geneve', kubeProxyReplacement: false },
  'cilium-native': { kind: 'cilium', routingMode: 'native', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
};
const PROXIES: ProxyMode[] = ['iptables', 'nftables', 'ipvs', 'cilium'];

/**
 * A scenario traced under other settings, as the app does it: a request aimed at a pod's IP keeps
 * meaning that pod when the CNI re-addresses it.
 */
function traceUnder(s: Scenario, cniName: string, proxyMode: ProxyMode, pick = s.pick ?? []) {
  const base = buildCluster(s.spec);
  let request: TraceInput = { ...s.request };
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(request.to);
  const pod = m ? lookup(base).podByIP.get(m[1] as string) : undefined;
  if (m && pod)
    request = { ...request, to: `pod/${pod.namespace}/${pod.name}`, ...(m[2] ? { port: Number(m[2]) } : {}) };
  let cni = CNIS[cniName] as CniConfig;
  if (cni.kind === 'cilium') cni = { ...cni, kubeProxyReplacement: proxyMode === 'cilium' };
  const cluster = buildCluster({
    ...s.spec,
    settings: { ...s.spec.settings, cni, proxyMode, policyEnforced: cni.kind !== 'flannel' },
  });
  const t = trace(cluster, request, { seed: s.seed ?? 1, pick });
  return { t, settings: cluster.settings, text: explainTrace(t, cluster.settings).join(' ') };
}

const combos: [string, ProxyMode][] = Object.keys(CNIS).flatMap((cni) =>
  PROXIES.filter((p) => p !== 'cilium' || cni.startsWith('cilium')).map((p): [string, ProxyMode] => [cni, p]),
);

const DEVICE = /\b(flannel\.1|cni0|tunl0|cilium_vxlan|cilium_geneve|vxlan\.calico|kube-ipvs0|cilium_host)\b/g;
const IP = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;

function check(id: string, cniName: string, proxy: ProxyMode) {
  const s = findScenario(id)!;
  const { t, settings, text } = traceUnder(s, cniName, proxy);
  const where = `${id} under ${cniName} / ${proxy}`;
  const all = flattenHops(t);
  const json = JSON.stringify(t);
  expect(text.length, where).toBeGreaterThan(0);
  // learner-facing: no CLI jargon, nothing unfilled
  expect(text, where).not.toMatch(/--pick|pinned|undefined|null|NaN|\[object/);
  // the mechanism named is the one in the hops
  const dnats = [...(t.dns?.hops ?? []), ...t.hops].filter((h) => h.nat?.type === 'DNAT');
  if (settings.proxyMode !== 'iptables') expect(text, where).not.toMatch(/iptables rules/);
  if (settings.proxyMode !== 'nftables') expect(text, where).not.toMatch(/nftables/);
  // IPVS is named where it translated the connection, or where it refused it (a virtual server
  // without real servers: a Service whose only taker is off under these settings)
  expect(/IPVS/.test(text), where).toBe(
    all.some((h) => h.kind === 'ipvs' && (h.nat?.type === 'DNAT' || t.verdict === 'refused')),
  );
  if (settings.cni.kind !== 'flannel') expect(text, where).not.toMatch(/flannel/);
  if (settings.cni.kind !== 'calico') expect(text, where).not.toMatch(/Calico/);
  if (settings.cni.kind !== 'cilium') expect(text, where).not.toMatch(/Cilium/);
  const outers = t.hops.map((h) => h.packet.outer).filter((o) => o !== undefined);
  expect(/VXLAN/.test(text), where).toBe(outers.some((o) => o.protocol === 'udp' && !o.dst.endsWith(':6081')));
  expect(/Geneve/.test(text), where).toBe(outers.some((o) => o.dst.endsWith(':6081')));
  expect(/IP-in-IP/.test(text), where).toBe(outers.some((o) => o.protocol === 'ipip'));
  // every device it names is one a hop happens at; every address it names is in the trace
  for (const [device] of text.matchAll(DEVICE)) {
    expect(
      all.some((h) => h.at.split('/').at(-1) === device),
      `${where}: ${device}`,
    ).toBe(true);
  }
  for (const [ip] of text.matchAll(IP)) expect(json, `${where}: ${ip}`).toContain(ip);
  // where NAT happened, and which device encapsulated
  for (const hop of dnats) {
    expect(text, where).toContain(hop.nat!.after.dst);
    expect(text.toLowerCase(), where).toContain(`on ${hop.node}`);
  }
  if (t.hops.some((h) => h.kind === 'socket' && /cil_sock/.test(h.rule ?? '')))
    expect(text, where).toContain('connect()');
  for (const hop of t.hops.filter((h) => h.nat?.type === 'MASQUERADE' || h.nat?.type === 'SNAT')) {
    expect(text, where).toContain(`${hop.node}`);
    expect(text, where).toContain(hop.nat!.after.src);
  }
  for (const hop of t.hops.filter((h) => h.kind === 'encap')) {
    const device = hop.at.split('/').at(-1)!;
    expect(
      explainTrace(t, settings).some((sentence) => sentence.includes(device) && sentence.includes(hop.node!)),
      `${where}: ${hop.at}`,
    ).toBe(true);
  }
  for (const hop of (t.reply?.hops ?? []).filter((h) => h.nat?.type === 'un-DNAT'))
    expect(text, where).toContain(hop.nat!.after.src);
  if (t.verdict !== 'delivered') expect(text, where).toContain(t.reason);
  return text;
}

describe('the explanation of a trace', () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: names the mechanism on screen under every CNI and proxy mode`, () => {
      for (const [cni, proxy] of combos) check(s.id, cni, proxy);
    });
  }

  it('a Service: who chose the endpoint follows the proxy mode', () => {
    const s = findScenario('pod-to-service')!;
    const iptables = traceUnder(s, 'flannel-vxlan', 'iptables').text;
    expect(iptables).toMatch(/On node-a, kube-proxy's iptables rules catch 10\.\d+\.\d+\.\d+:80 and pick one of the 3/);
    expect(iptables).toContain('at random (1/3 each)');
    const ipvs = traceUnder(s, 'flannel-vxlan', 'ipvs').text;
    expect(ipvs).toContain('IPVS virtual server');
    expect(ipvs).toContain('kube-ipvs0');
    expect(ipvs).toContain('round robin');
    expect(ipvs).not.toContain('iptables');
    const nft = traceUnder(s, 'flannel-vxlan', 'nftables').text;
    expect(nft).toContain('numgen random');
    const cilium = traceUnder(s, 'cilium-vxlan', 'cilium').text;
    expect(cilium).toContain("Cilium's eBPF hook on connect()");
    expect(cilium).toContain('the packet never carries');
    expect(cilium).not.toContain('kube-proxy');
  });

  it('pod to pod across nodes: the device that encapsulates follows the CNI, and host-gw has none', () => {
    const s = findScenario('pod-to-pod-cross-node')!;
    expect(traceUnder(s, 'flannel-vxlan', 'iptables').text).toContain(
      "node-a routes it to flannel's tunnel device flannel.1, which wraps it in VXLAN (UDP 8472, VNI 1)",
    );
    const hostGw = traceUnder(s, 'flannel-host-gw', 'iptables').text;
    expect(hostGw).toContain("by a plain route via node-b's address 192.168.10.12");
    expect(hostGw).toContain('no tunnel');
    expect(traceUnder(s, 'calico-ipip', 'iptables').text).toContain("Calico's tunnel device tunl0");
    expect(traceUnder(s, 'cilium-geneve', 'iptables').text).toContain('Geneve (UDP 6081');
    for (const cni of Object.keys(CNIS)) expect(traceUnder(s, cni, 'iptables').text).toContain('No NAT anywhere');
  });

  it('NAT: where it happened, and the way back', () => {
    const np = traceUnder(findScenario('nodeport-cluster')!, 'flannel-host-gw', 'iptables').text;
    expect(np).toContain("On node-a, kube-proxy's rule masquerades the packet to 192.168.10.11:");
    expect(np).toContain('so that the answer comes back through node-a');
    expect(np).toMatch(
      /On the way back, conntrack on node-a restores the destination 203\.0\.113\.10:\d+ \(un-SNAT\) and rewrites the source back to 192\.168\.10\.11:30080 \(un-DNAT\)/,
    );
    const local = traceUnder(findScenario('nodeport-local')!, 'flannel-vxlan', 'iptables').text;
    expect(local).toContain("sees the client's own address 203.0.113.10");
    expect(local).not.toContain('masquerades');
    const egress = traceUnder(findScenario('egress')!, 'flannel-vxlan', 'iptables').text;
    expect(egress).toContain("On node-a, flannel's rule masquerades the packet");
    expect(egress).toContain('a pod address means nothing outside the cluster');
  });

  it('says a choice was made for the example only when the request pinned it', () => {
    const s = findScenario('pod-to-service')!;
    expect(traceUnder(s, 'flannel-vxlan', 'iptables').text).toContain('chosen for this example');
    expect(traceUnder(s, 'flannel-vxlan', 'iptables', []).text).not.toContain('chosen for this example');
  });

  it('an Ingress: the proxy, its rule and the status it answers', () => {
    const ok = traceUnder(findScenario('ingress')!, 'flannel-vxlan', 'iptables').text;
    expect(ok).toContain('reads GET shop.example.com/cart');
    expect(ok).toMatch(/It picks one of web's 3 endpoints, web-\S+, chosen for this example/);
    expect(ok).toContain('opens a second connection of its own');
    expect(traceUnder(findScenario('ingress-404')!, 'flannel-vxlan', 'iptables').text).toContain(
      'default backend answers 404',
    );
    expect(traceUnder(findScenario('ingress-503')!, 'flannel-vxlan', 'iptables').text).toContain(
      'no ready endpoint, so the controller answers 503 itself',
    );
  });

  it('reads the hops, not the settings: a trace made in IPVS mode is explained as IPVS whatever the settings say', () => {
    const s = findScenario('pod-to-service')!;
    const { t } = traceUnder(s, 'flannel-vxlan', 'ipvs');
    const stale: Parameters<typeof explainTrace>[1] = { cni: CNIS['calico-ipip']!, proxyMode: 'iptables' };
    const text = explainTrace(t, stale).join(' ');
    expect(text).toContain('IPVS virtual server');
    expect(text).not.toContain('iptables rules');
    expect(text).toContain('flannel.1');
  });

  it('tells a mechanism once, however many packets of the connection meet it', () => {
    const { t, settings } = traceUnder(findScenario('pod-to-service')!, 'flannel-vxlan', 'iptables');
    const once = explainTrace(t, settings);
    // the same connection's next packet takes the same path again
    const twice = explainTrace({ ...t, hops: [...t.hops, ...t.hops.slice(1)] }, settings);
    expect(twice).toEqual(once);
  });

  it('a trace that went nowhere says why', () => {
    const t: Trace = {
      request: { from: 'pod/default/client', to: '10.244.9.9', protocol: 'tcp', seed: 1, pick: [] },
      verdict: 'refused',
      reason: 'Nothing listens on port 9.',
      endpoint: null,
      candidates: [],
      hops: [],
      dns: null,
      reply: null,
      http: null,
    };
    expect(explainTrace(t, { cni: CNIS['flannel-vxlan']!, proxyMode: 'iptables' })).toEqual([
      'Nothing listens on port 9.',
    ]);
  });
});
