/**
 * kube-proxy in nftables mode (docs/networking-model.md): the `service-ips` and `service-nodeports`
 * verdict maps jump to a service chain, where one `numgen random mod n` rule picks an endpoint
 * chain that DNATs. The map elements and chain rules are written by the formatters below, for the
 * hop's rule and for `nft list table ip kube-proxy` alike.
 */
import type { Cluster, ClusterNode, Protocol, Service } from '../model/types';
import {
  backendsOf,
  choose,
  eligible,
  hairpinWhy,
  kubeProxyMasquerade,
  noEndpoints,
  noLocalEndpoints,
  nftEndpointChain,
  nftServiceChain,
  servicePortName,
  without,
  conntrackEntry,
} from './common';
import type { Backend, DecideContext, ProxyDecision, ProxyEvent, ProxyStep, ServiceProxy } from './common';

const SCHEDULER = 'uniform' as const;
const NAME = 'kube-proxy (nftables mode)';

// ---------------------------------------------------------------------------------------------
// The rules.

/** An element of the `ip . proto . port` maps (service-ips, no-endpoint-services). */
export function addressElement(ip: string, p: Protocol, port: number): string {
  return `${ip} . ${p} . ${port}`;
}

/** The service chain's masquerade rule for sources outside the cluster CIDR. */
export function serviceMasqueradeRule(ip: string, p: Protocol, port: number, cidr: string): string {
  return `ip daddr ${ip} ${p} dport ${port} ip saddr != ${cidr} jump mark-for-masquerade`;
}

/** The service chain's choice among endpoint chains. */
export function numgenRule(chains: readonly string[]): string {
  return `numgen random mod ${chains.length} vmap { ${chains.map((chain, i) => `${i} : goto ${chain}`).join(' , ')} }`;
}

/** The endpoint chain's hairpin rule. */
export function endpointHairpinRule(ip: string): string {
  return `ip saddr ${ip} jump mark-for-masquerade`;
}

/** The endpoint chain's DNAT. */
export function endpointDnatRule(p: Protocol, b: Backend): string {
  return `meta l4proto ${p} dnat to ${b.ip}:${b.port}`;
}

const MASQUERADE_RULE = 'chain masquerading { meta mark & 0x00004000 == 0x00004000 masquerade fully-random }';

// ---------------------------------------------------------------------------------------------
// The decision.

function entryStep(c: DecideContext): ProxyStep {
  const { input, dst } = c;
  const { svc, port, entry } = input;
  const proto = port.protocol;
  const says: ProxyEvent = {
    event: 'nft-map',
    hook: input.srcLocal ? 'output' : 'prerouting',
    entry,
    service: `${svc.namespace}/${svc.name}`,
    dst,
    dstIP: input.dstIP,
    nodePort: port.nodePort ?? 0,
  };
  if (entry === 'clusterIP')
    return {
      kind: 'netfilter',
      rule: `ip daddr . meta l4proto . th dport vmap @service-ips  # ${addressElement(input.dstIP, proto, input.dstPort)} : goto ${nftServiceChain(svc, port)}`,
      says,
    };
  return {
    kind: 'netfilter',
    rule:
      entry === 'nodePort'
        ? `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports  # ${proto} . ${port.nodePort ?? 0} : goto ${nftServiceChain(svc, port, 'external')}`
        : `ip daddr . meta l4proto . th dport vmap @service-ips  # ${addressElement(input.dstIP, proto, input.dstPort)} : goto ${nftServiceChain(svc, port, 'external')}`,
    says,
  };
}

function decide(c: DecideContext): ProxyDecision {
  const { cluster, input, spn, policy, list } = c;
  const { svc, port, entry } = input;
  const proto = port.protocol;
  const element = `${addressElement(input.dstIP, proto, input.dstPort)} comment "${spn}"`;
  // No endpoint anywhere: the no-endpoint-services map rejects; no service chain exists.
  if (!c.any)
    return without(c, 'reject', [
      {
        kind: 'netfilter',
        rule: `ip daddr . meta l4proto . th dport vmap @no-endpoint-services  # ${element} : goto reject-chain`,
        says: noEndpoints(c, 'nft-reject-chain'),
      },
    ]);
  const drop: ProxyStep = {
    kind: 'netfilter',
    rule: `ip daddr . meta l4proto . th dport vmap @no-endpoint-services  # ${element} : drop`,
    says: noLocalEndpoints(c),
  };
  if (list.length === 0 && entry === 'clusterIP') return without(c, 'drop', [drop]);
  const steps: ProxyStep[] = [entryStep(c)];
  if (list.length === 0) return without(c, 'drop', [...steps, drop]);
  let why = kubeProxyMasquerade(c);
  if (why !== null)
    steps.push(
      entry !== 'clusterIP'
        ? {
            kind: 'netfilter',
            rule: 'jump mark-for-masquerade',
            says: { event: 'mark-masquerade', marker: { kind: 'nft-chain', chain: 'external' }, why: null },
          }
        : {
            kind: 'netfilter',
            rule: serviceMasqueradeRule(input.dstIP, proto, input.dstPort, cluster.settings.podSubnet),
            says: { event: 'mark-masquerade', marker: { kind: 'nft-chain', chain: 'service' }, why },
          },
    );
  const { index, chosen, candidates, pinned, warnings } = choose(c, SCHEDULER);
  const n = list.length;
  const chain = nftServiceChain(svc, port);
  steps.push({
    kind: 'netfilter',
    rule:
      n === 1
        ? `goto ${nftEndpointChain(svc, port, chosen)}`
        : numgenRule(list.map((b) => nftEndpointChain(svc, port, b))),
    says: {
      event: 'pick-numgen',
      chain,
      n,
      index,
      chosen,
      pinned,
      affinity:
        svc.sessionAffinity === 'ClientIP' ? { timeout: svc.sessionAffinityTimeout, client: input.srcIP } : null,
    },
  });
  if (why === null && chosen.ip === input.srcIP) {
    why = hairpinWhy(chosen);
    steps.push({
      kind: 'netfilter',
      rule: endpointHairpinRule(chosen.ip),
      says: { event: 'mark-masquerade', marker: { kind: 'nft-chain', chain: 'endpoint' }, why },
    });
  }
  return {
    outcome: 'dnat',
    steps,
    candidates,
    chosen,
    masquerade: why !== null,
    masqueradeWhy: why,
    dnatRule: endpointDnatRule(proto, chosen),
    conntrack: conntrackEntry(c, chosen),
    warnings,
    policy,
  };
}

// ---------------------------------------------------------------------------------------------
// The listing.

function rules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = ['# nft list table ip kube-proxy', 'table ip kube-proxy {'];
  const cidr = cluster.settings.podSubnet;
  const vip = svc.clusterIP ?? '';
  for (const port of svc.ports) {
    const spn = servicePortName(svc, port);
    const p = port.protocol;
    const all = backendsOf(cluster, svc, port);
    const cl = eligible(all, 'Cluster', node.name);
    const local = eligible(all, 'Local', node.name);
    const chain = nftServiceChain(svc, port);
    const element = `${addressElement(vip, p, port.port)} comment "${spn}"`;
    if (!cl.any) {
      out.push(`  map no-endpoint-services { elements = { ${element} : goto reject-chain } }`);
      continue;
    }
    const list = svc.internalTrafficPolicy === 'Local' ? local.list : cl.list;
    if (list.length === 0) {
      out.push(`  map no-endpoint-services { elements = { ${element} : drop } }`);
      continue;
    }
    out.push(`  map service-ips { elements = { ${addressElement(vip, p, port.port)} : goto ${chain} } }`);
    if (port.nodePort !== null)
      out.push(
        `  map service-nodeports { elements = { ${p} . ${port.nodePort} : goto ${nftServiceChain(svc, port, 'external')} } }`,
      );
    out.push(`  chain ${chain} {`, `    ${serviceMasqueradeRule(vip, p, port.port, cidr)}`);
    out.push(`    ${numgenRule(list.map((b) => nftEndpointChain(svc, port, b)))}`, '  }');
    for (const b of list) {
      out.push(
        `  chain ${nftEndpointChain(svc, port, b)} {`,
        `    ${endpointHairpinRule(b.ip)}`,
        `    ${endpointDnatRule(p, b)}`,
        '  }',
      );
    }
  }
  out.push('}');
  return out;
}

export const nftablesProxy: ServiceProxy = {
  mode: 'nftables',
  name: NAME,
  shortName: 'nftables',
  command: 'nft list table ip kube-proxy',
  decide,
  rules,
  masqueradeRule: MASQUERADE_RULE,
  nodeDevice: null,
  scheduler: SCHEDULER,
  kubeProxy: true,
  inClusterHook: 'packet',
  translator: 'netfilter',
  localhostNodePortRefusal:
    'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
  undefinedPort: () => ({
    outcome: 'reject',
    rule: 'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
  }),
  hairpinRule: MASQUERADE_RULE,
};
