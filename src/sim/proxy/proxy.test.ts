/**
 * The Service proxy modules: the rule a hop names is a line the inspector lists for that Service on
 * that node (both come from the same formatters), and the registry gives each mode its module.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import type { Cluster, ProxyMode } from '../model/types';
import { SCENARIOS } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { serviceProxy } from '../registry';
import { decide, proxyRules, proxyRulesCommand } from './index';
import { conntrackLine } from './common';

const CILIUM = { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: true } as const;

function clusterFor(spec: ClusterSpec, mode: ProxyMode): Cluster {
  return buildCluster({
    ...spec,
    settings: { ...spec.settings, proxyMode: mode, ...(mode === 'cilium' ? { cni: CILIUM } : {}) },
  });
}

const serviceScenarios = ['pod-to-service', 'nodeport-cluster', 'nodeport-local', 'loadbalancer'].map((id) => {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario;
});

describe('a hop names a rule the inspector lists', () => {
  for (const scenario of serviceScenarios) {
    it(`iptables, ${scenario.id}: every kube-proxy rule of the hops is in iptables -S for its node`, () => {
      const c = clusterFor(scenario.spec, 'iptables');
      const t = trace(c, scenario.request, { pick: scenario.pick ?? [] });
      const svc =
        c.services.find((s) => t.hops.some((h) => h.at === `svc/${s.namespace}/${s.name}`)) ??
        c.services.find((s) => s.name.startsWith('web-'));
      expect(svc).toBeDefined();
      const proxyHops = t.hops.filter(
        (h) => h.kind === 'netfilter' && h.rule?.startsWith('-A KUBE-') && !h.rule.startsWith('-A KUBE-POSTROUTING'),
      );
      expect(proxyHops.length).toBeGreaterThanOrEqual(2);
      for (const hop of proxyHops) {
        const node = c.nodes.find((n) => n.name === hop.node);
        expect(node).toBeDefined();
        expect(proxyRules(c, node!, svc!)).toContain(hop.rule);
      }
    });
  }

  it('IPVS: the virtual server a ClusterIP hop names is a line of ipvsadm -Ln', () => {
    const scenario = serviceScenarios[0]!;
    const c = clusterFor(scenario.spec, 'ipvs');
    const t = trace(c, scenario.request, { pick: scenario.pick ?? [] });
    const svc = c.services.find((s) => s.name === 'web')!;
    const vs = t.hops.find((h) => h.kind === 'ipvs' && h.at === 'svc/default/web');
    expect(vs?.rule).toMatch(/^TCP {2}10\.\d+\.\d+\.\d+:80 rr$/);
    expect(
      proxyRules(
        c,
        c.nodes.find((n) => n.name === vs!.node)!,
        svc,
      ),
    ).toContain(vs!.rule);
  });

  it('nftables: the endpoint chains the service chain picks among are the listed ones', () => {
    const scenario = serviceScenarios[0]!;
    const c = clusterFor(scenario.spec, 'nftables');
    const t = trace(c, scenario.request, { pick: scenario.pick ?? [] });
    const pick = t.hops.find((h) => h.rule?.startsWith('numgen random'));
    const node = c.nodes.find((n) => n.name === pick?.node)!;
    const listing = proxyRules(
      c,
      node,
      c.services.find((s) => s.name === 'web')!,
    );
    expect(listing.map((l) => l.trim())).toContain(pick!.rule);
  });
});

describe('the registry', () => {
  it('gives each proxy mode its own module, which names its tool', () => {
    const spec = SCENARIOS[0]!.spec;
    const seen = new Map<ProxyMode, string>();
    for (const mode of ['iptables', 'nftables', 'ipvs', 'cilium'] as const) {
      const c = clusterFor(spec, mode);
      expect(serviceProxy(c).mode).toBe(mode);
      seen.set(mode, proxyRulesCommand(c));
    }
    expect(new Set(seen.values()).size).toBe(4);
    expect(seen.get('ipvs')).toBe('ipvsadm -Ln');
  });
});

describe('the decision holds where it is made and what conntrack keeps', () => {
  const scenario = serviceScenarios[0]!;
  function decideFor(mode: ProxyMode, hook: 'connect' | 'packet') {
    const c = clusterFor(scenario.spec, mode);
    const svc = c.services.find((s) => s.name === 'web')!;
    const port = svc.ports[0]!;
    const node = c.nodes.find((n) => n.role === 'worker')!;
    const dst = `${svc.clusterIP ?? ''}:${port.port}`;
    return decide(c, {
      svc,
      port,
      entry: 'clusterIP',
      node: node.name,
      hook,
      packet: { src: '10.244.1.7:40000', dst },
      srcIP: '10.244.1.7',
      srcLocal: false,
      dstIP: svc.clusterIP ?? '',
      dstPort: port.port,
      protocol: 'tcp',
      random: () => 0,
      pick: [],
      rrOffset: 0,
    });
  }

  it.each(['iptables', 'nftables', 'ipvs'] as const)('%s: DNAT on the packet, an entry conntrack undoes', (mode) => {
    const d = decideFor(mode, 'packet');
    expect(d.outcome).toBe('dnat');
    const ct = d.conntrack!;
    expect(ct.original).toEqual({ src: '10.244.1.7:40000', dst: expect.stringMatching(/:80$/) });
    expect(ct.translated).toEqual({ src: '10.244.1.7:40000', dst: `${d.chosen!.ip}:${d.chosen!.port}` });
    const ip = d.chosen!.ip;
    expect(conntrackLine(ct, false)).toMatch(
      new RegExp(
        `^tcp src=10\\.244\\.1\\.7 dst=\\S+ sport=40000 dport=80 \\[UNREPLIED\\] src=${ip} dst=10\\.244\\.1\\.7 sport=\\d+ dport=40000$`,
      ),
    );
    expect(conntrackLine(ct, true)).not.toContain('UNREPLIED');
  });

  it('Cilium at connect(): the socket is connected to the backend, conntrack keeps no Service entry', () => {
    const c = clusterFor(scenario.spec, 'cilium');
    expect(serviceProxy(c).inClusterHook).toBe('connect');
    const d = decideFor('cilium', 'connect');
    expect(d.conntrack).toBeNull();
    expect(d.dnatRule).toMatch(/^cgroup\/connect4 bpf_sock\.o:cil_sock4_connect: lb4 /);
    // From outside, the same module translates on the device and conntrack keeps the entry.
    const outside = decideFor('cilium', 'packet');
    expect(outside.conntrack).not.toBeNull();
    expect(outside.dnatRule).toMatch(/^lb4 /);
  });

  it('kube-proxy modes decide on the packet; only IPVS holds the addresses on a device', () => {
    for (const mode of ['iptables', 'nftables', 'ipvs'] as const) {
      const p = serviceProxy(clusterFor(scenario.spec, mode));
      expect(p.inClusterHook).toBe('packet');
      expect(p.nodeDevice).toBe(mode === 'ipvs' ? 'kube-ipvs0' : null);
    }
  });

  it('a ClusterIP on an undefined port: iptables routes it on, nftables and IPVS reject, Cilium drops', () => {
    const out = (['iptables', 'nftables', 'ipvs', 'cilium'] as const).map(
      (m) => serviceProxy(clusterFor(scenario.spec, m)).undefinedPort('10.96.0.10:81').outcome,
    );
    expect(out).toEqual(['route', 'reject', 'reject', 'drop']);
  });
});
