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
  nftEndpointChain,
  nftServiceChain,
  servicePortName,
  without,
  conntrackEntry,
} from './common';
import type { Backend, DecideContext, ProxyDecision, ProxyStep, ServiceProxy } from './common';
import { dropText } from './iptables';

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
  if (entry === 'clusterIP')
    return {
      kind: 'netfilter',
      rule: `ip daddr . meta l4proto . th dport vmap @service-ips  # ${addressElement(input.dstIP, proto, input.dstPort)} : goto ${nftServiceChain(svc, port)}`,
      text: `${NAME}: the nat-${input.srcLocal ? 'output' : 'prerouting'} chain looks ${dst} up in the service-ips map.`,
    };
  return {
    kind: 'netfilter',
    rule:
      entry === 'nodePort'
        ? `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports  # ${proto} . ${port.nodePort ?? 0} : goto ${nftServiceChain(svc, port, 'external')}`
        : `ip daddr . meta l4proto . th dport vmap @service-ips  # ${addressElement(input.dstIP, proto, input.dstPort)} : goto ${nftServiceChain(svc, port, 'external')}`,
    text: `${NAME}: ${entry === 'nodePort' ? `${input.dstIP} is a local address, so the service-nodeports map matches port ${port.nodePort ?? 0}` : `the service-ips map matches the LoadBalancer address ${dst}`}.`,
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
        text: `${svc.namespace}/${svc.name} has no ready endpoint: the no-endpoint-services map sends the packet to reject-chain, which rejects it (the client is refused at once).`,
      },
    ]);
  const drop: ProxyStep = {
    kind: 'netfilter',
    rule: `ip daddr . meta l4proto . th dport vmap @no-endpoint-services  # ${element} : drop`,
    text: dropText(c),
  };
  if (list.length === 0 && entry === 'clusterIP') return without(c, 'drop', [drop]);
  const steps: ProxyStep[] = [entryStep(c)];
  if (list.length === 0) return without(c, 'drop', [...steps, drop]);
  let { masq, why } = kubeProxyMasquerade(c);
  if (masq)
    steps.push(
      entry !== 'clusterIP'
        ? {
            kind: 'netfilter',
            rule: 'jump mark-for-masquerade',
            text: `The external chain marks the packet for masquerade (externalTrafficPolicy Cluster).`,
          }
        : {
            kind: 'netfilter',
            rule: serviceMasqueradeRule(input.dstIP, proto, input.dstPort, cluster.settings.podSubnet),
            text: `The service chain marks the packet for masquerade: ${why}.`,
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
    text: `${chain}: one rule picks among ${n} endpoint${n === 1 ? '' : 's'} sorted by IP:port with numgen random mod ${n} (1/${n} each); it lands on ${index} → ${chosen.ip}:${chosen.port} (${chosen.pod})${pinned ? ' (pinned by --pick)' : ''}.${svc.sessionAffinity === 'ClientIP' ? ` sessionAffinity ClientIP: the endpoint's affinity set records ${input.srcIP} for ${svc.sessionAffinityTimeout} s.` : ''}`,
  });
  if (!masq && chosen.ip === input.srcIP) {
    masq = true;
    why = hairpinWhy(chosen);
    steps.push({
      kind: 'netfilter',
      rule: endpointHairpinRule(chosen.ip),
      text: `The endpoint chain marks the packet for masquerade: ${why}.`,
    });
  }
  return {
    outcome: 'dnat',
    steps,
    candidates,
    chosen,
    masquerade: masq,
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
