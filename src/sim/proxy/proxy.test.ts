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
import { proxyRules, proxyRulesCommand } from './index';

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
