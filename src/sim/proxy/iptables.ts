/**
 * kube-proxy in iptables mode (docs/networking-model.md): KUBE-SERVICES matches the Service's
 * address, KUBE-SVC-/KUBE-SVL- chains pick an endpoint with chained `statistic` rules, KUBE-SEP-
 * chains DNAT. Every rule line is written by one formatter below, used both by the decision (the
 * hop's rule) and by the listing (`iptables -t nat -S`, `-t filter -S`) the inspector shows.
 */
import type { Cluster, ClusterNode, Protocol, Service } from '../model/types';
import {
  chainName,
  choose,
  eligible,
  backendsOf,
  hairpinWhy,
  kubeProxyMasquerade,
  noEndpoints,
  noLocalEndpoints,
  ruleProbability,
  sepChainName,
  servicePortName,
  without,
  conntrackEntry,
} from './common';
import type { Backend, DecideContext, ProxyDecision, ProxyEvent, ProxyStep, ServiceProxy } from './common';

const SCHEDULER = 'chained' as const;
const NAME = 'kube-proxy (iptables mode)';
const REJECT = '-j REJECT --reject-with icmp-port-unreachable';

// ---------------------------------------------------------------------------------------------
// The rules, one formatter per kind of line.

/** KUBE-SERVICES: a Service address (`cluster IP` or `loadbalancer IP`) to its chain. */
export function serviceAddressRule(
  spn: string,
  ip: string,
  p: Protocol,
  port: number,
  label: 'cluster IP' | 'loadbalancer IP',
  target: string,
): string {
  return `-A KUBE-SERVICES -d ${ip}/32 -p ${p} -m comment --comment "${spn} ${label}" -m ${p} --dport ${port} -j ${target}`;
}

/** KUBE-NODEPORTS: a NodePort to the Service's external chain. */
export function nodePortRule(spn: string, p: Protocol, nodePort: number, extChain: string): string {
  return `-A KUBE-NODEPORTS -p ${p} -m comment --comment "${spn}" -m ${p} --dport ${nodePort} -j ${extChain}`;
}

/** KUBE-EXT with externalTrafficPolicy Cluster: mark for masquerade. */
export function extMasqueradeRule(extChain: string, spn: string): string {
  return `-A ${extChain} -m comment --comment "masquerade traffic for ${spn} external destinations" -j KUBE-MARK-MASQ`;
}

/** KUBE-EXT with Local policy: pod traffic is cluster traffic. */
export function extPodTrafficRule(extChain: string, cidr: string, spn: string, svcChain: string): string {
  return `-A ${extChain} -s ${cidr} -m comment --comment "pod traffic for ${spn} external destinations" -j ${svcChain}`;
}

/** KUBE-EXT with Local policy: the node's own traffic is masqueraded. */
export function extLocalMasqueradeRule(extChain: string, spn: string): string {
  return `-A ${extChain} -m comment --comment "masquerade LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`;
}

/** KUBE-SVC's first rule: a source outside the cluster CIDR is marked for masquerade. */
export function svcMasqueradeRule(
  svcChain: string,
  cidr: string,
  ip: string,
  p: Protocol,
  port: number,
  spn: string,
): string {
  return `-A ${svcChain} ! -s ${cidr} -d ${ip}/32 -p ${p} -m comment --comment "${spn} cluster IP" -m ${p} --dport ${port} -j KUBE-MARK-MASQ`;
}

/** Rule i of n in a KUBE-SVC-/KUBE-SVL- chain: to the endpoint's KUBE-SEP chain. */
export function endpointRule(chain: string, spn: string, b: Backend, sep: string, i: number, n: number): string {
  const stat = i < n - 1 ? ` -m statistic --mode random --probability ${ruleProbability(i, n)}` : '';
  return `-A ${chain} -m comment --comment "${spn} -> ${b.ip}:${b.port}"${stat} -j ${sep}`;
}

/** KUBE-SEP's first rule: hairpin traffic (the endpoint to itself) is marked for masquerade. */
export function sepHairpinRule(sep: string, ip: string, spn: string): string {
  return `-A ${sep} -s ${ip}/32 -m comment --comment "${spn}" -j KUBE-MARK-MASQ`;
}

/** KUBE-SEP's DNAT, remembering the client when sessionAffinity is ClientIP. */
export function sepDnatRule(sep: string, p: Protocol, spn: string, affinity: boolean, b: Backend): string {
  return `-A ${sep} -p ${p} -m comment --comment "${spn}" -m ${p}${affinity ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : ''} -j DNAT --to-destination ${b.ip}:${b.port}`;
}

/** The filter table's REJECT of a Service without endpoints: its ClusterIP or LB address. */
export function addressRejectRule(chain: string, ip: string, p: Protocol, port: number, spn: string, why: string) {
  return `-A ${chain} -d ${ip}/32 -p ${p} -m comment --comment "${spn} ${why}" -m ${p} --dport ${port} ${REJECT}`;
}

/** The filter table's REJECT of a NodePort without endpoints. */
export function nodePortRejectRule(p: Protocol, nodePort: number, spn: string, why: string): string {
  return `-A KUBE-EXTERNAL-SERVICES -p ${p} -m comment --comment "${spn} ${why}" -m addrtype --dst-type LOCAL -m ${p} --dport ${nodePort} ${REJECT}`;
}

/** The filter table's DROP of a ClusterIP whose internalTrafficPolicy Local finds no endpoint here. */
export function clusterIPDropRule(ip: string, p: Protocol, port: number, spn: string): string {
  return `-A KUBE-SERVICES -d ${ip}/32 -p ${p} -m comment --comment "${spn} has no local endpoints" -m ${p} --dport ${port} -j DROP`;
}

/** The filter table's DROP of an external destination with policy Local and no endpoint here. */
export function externalDropRule(p: Protocol, port: number, spn: string): string {
  return `-A KUBE-EXTERNAL-SERVICES -p ${p} -m comment --comment "${spn} has no local endpoints" -m addrtype --dst-type LOCAL -m ${p} --dport ${port} -j DROP`;
}

const MASQUERADE_RULE =
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully';

// ---------------------------------------------------------------------------------------------
// The decision.

function entryStep(c: DecideContext, svcChain: string, svlChain: string, extChain: string): ProxyStep {
  const { input, spn, dst } = c;
  const { svc, port, entry } = input;
  const proto = port.protocol;
  const says: ProxyEvent = {
    event: 'kube-services',
    hook: input.srcLocal ? 'OUTPUT' : 'PREROUTING',
    entry,
    service: `${svc.namespace}/${svc.name}`,
    dst,
    dstIP: input.dstIP,
    nodePort: port.nodePort ?? 0,
  };
  if (entry === 'clusterIP')
    return {
      kind: 'netfilter',
      rule: serviceAddressRule(
        spn,
        input.dstIP,
        proto,
        input.dstPort,
        'cluster IP',
        svc.internalTrafficPolicy === 'Local' ? svlChain : svcChain,
      ),
      says,
    };
  if (entry === 'nodePort')
    return {
      kind: 'netfilter',
      rule: nodePortRule(spn, proto, port.nodePort ?? 0, extChain),
      says,
    };
  return {
    kind: 'netfilter',
    rule: serviceAddressRule(spn, input.dstIP, proto, input.dstPort, 'loadbalancer IP', extChain),
    says,
  };
}

function rejectStep(c: DecideContext): ProxyStep {
  const { input, spn } = c;
  const { port } = input;
  const proto = port.protocol;
  const why = 'has no endpoints';
  const rule =
    input.entry === 'nodePort'
      ? nodePortRejectRule(proto, port.nodePort ?? 0, spn, why)
      : addressRejectRule(
          input.entry === 'clusterIP' ? 'KUBE-SERVICES' : 'KUBE-EXTERNAL-SERVICES',
          input.dstIP,
          proto,
          input.dstPort,
          spn,
          why,
        );
  return {
    kind: 'netfilter',
    rule,
    says: noEndpoints(c, 'filter-reject'),
  };
}

function dropStep(c: DecideContext): ProxyStep {
  const { input, spn } = c;
  const { port, entry } = input;
  const proto = port.protocol;
  const rule =
    entry === 'clusterIP'
      ? clusterIPDropRule(input.dstIP, proto, input.dstPort, spn)
      : externalDropRule(proto, entry === 'nodePort' ? (port.nodePort ?? 0) : input.dstPort, spn);
  return { kind: 'netfilter', rule, says: noLocalEndpoints(c) };
}

function decide(c: DecideContext): ProxyDecision {
  const { cluster, input, spn, policy, list } = c;
  const { svc, port, entry } = input;
  const proto = port.protocol;
  const cidr = cluster.settings.podSubnet;
  const svcChain = chainName('KUBE-SVC-', svc, port);
  const extChain = chainName('KUBE-EXT-', svc, port);
  const svlChain = chainName('KUBE-SVL-', svc, port);
  const chainHere = policy === 'Local' ? svlChain : svcChain;
  // Without endpoints anywhere kube-proxy writes no NAT rule at all: only the filter REJECT.
  if (!c.any) return without(c, 'reject', [rejectStep(c)]);
  // No local endpoint for a ClusterIP under internalTrafficPolicy Local: no NAT rule, a filter DROP.
  if (list.length === 0 && entry === 'clusterIP') return without(c, 'drop', [dropStep(c)]);
  const steps: ProxyStep[] = [entryStep(c, svcChain, svlChain, extChain)];
  if (list.length === 0) return without(c, 'drop', [...steps, dropStep(c)]);
  let why = kubeProxyMasquerade(c);

  // NodePort / LB: KUBE-EXT's masquerade and policy rules.
  if (entry !== 'clusterIP')
    steps.push(
      svc.externalTrafficPolicy === 'Cluster'
        ? {
            kind: 'netfilter',
            rule: extMasqueradeRule(extChain, spn),
            says: { event: 'external-cluster', extChain, svcChain },
          }
        : policy === 'Cluster'
          ? {
              kind: 'netfilter',
              rule: input.srcLocal
                ? extLocalMasqueradeRule(extChain, spn)
                : extPodTrafficRule(extChain, cidr, spn, svcChain),
              says: { event: 'external-local-as-cluster', extChain, svcChain, srcLocal: input.srcLocal },
            }
          : {
              kind: 'netfilter',
              rule: `-A ${extChain} -j ${svlChain}`,
              says: { event: 'external-local', extChain, svlChain, node: input.node },
            },
    );
  else if (why !== null)
    steps.push({
      kind: 'netfilter',
      rule: svcMasqueradeRule(svcChain, cidr, input.dstIP, proto, input.dstPort, spn),
      says: { event: 'mark-masquerade', marker: { kind: 'iptables-chain', chain: svcChain, first: true }, why },
    });

  const { index, chosen, candidates, pinned, warnings } = choose(c, SCHEDULER);
  const n = list.length;
  const affinity = svc.sessionAffinity === 'ClientIP';
  const sep = sepChainName(svc, port, chosen);
  steps.push({
    kind: 'netfilter',
    rule: endpointRule(chainHere, spn, chosen, sep, index, n),
    says: {
      event: 'pick-statistic',
      chain: chainHere,
      n,
      index,
      chosen,
      pinned,
      affinity: affinity ? { timeout: svc.sessionAffinityTimeout, client: input.srcIP, node: input.node } : null,
    },
  });
  if (why === null && chosen.ip === input.srcIP) {
    why = hairpinWhy(chosen);
    steps.push({
      kind: 'netfilter',
      rule: sepHairpinRule(sep, chosen.ip, spn),
      says: { event: 'mark-masquerade', marker: { kind: 'iptables-chain', chain: sep, first: false }, why },
    });
  }
  return {
    outcome: 'dnat',
    steps,
    candidates,
    chosen,
    masquerade: why !== null,
    masqueradeWhy: why,
    dnatRule: sepDnatRule(sep, proto, spn, affinity, chosen),
    conntrack: conntrackEntry(c, chosen),
    warnings,
    policy,
  };
}

// ---------------------------------------------------------------------------------------------
// The listing.

function rules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const nat: string[] = ['# iptables -t nat -S'];
  const filter: string[] = [];
  const cidr = cluster.settings.podSubnet;
  const vip = svc.clusterIP ?? '';
  for (const port of svc.ports) {
    const spn = servicePortName(svc, port);
    const p = port.protocol;
    const svcChain = chainName('KUBE-SVC-', svc, port);
    const svlChain = chainName('KUBE-SVL-', svc, port);
    const extChain = chainName('KUBE-EXT-', svc, port);
    const all = backendsOf(cluster, svc, port);
    const cl = eligible(all, 'Cluster', node.name);
    const local = eligible(all, 'Local', node.name);
    const ext = port.nodePort !== null || svc.loadBalancerIP !== null;
    if (!cl.any) {
      filter.push(addressRejectRule('KUBE-SERVICES', vip, p, port.port, spn, 'has no endpoints'));
      if (port.nodePort !== null) filter.push(nodePortRejectRule(p, port.nodePort, spn, 'has no endpoints'));
      continue;
    }
    const internal = svc.internalTrafficPolicy === 'Local' ? svlChain : svcChain;
    if (svc.internalTrafficPolicy === 'Local' && local.list.length === 0)
      filter.push(clusterIPDropRule(vip, p, port.port, spn));
    else nat.push(serviceAddressRule(spn, vip, p, port.port, 'cluster IP', internal));
    if (svc.loadBalancerIP !== null)
      nat.push(serviceAddressRule(spn, svc.loadBalancerIP, p, port.port, 'loadbalancer IP', extChain));
    if (port.nodePort !== null) nat.push(nodePortRule(spn, p, port.nodePort, extChain));
    if (ext) {
      nat.push(`-N ${extChain}`);
      if (svc.externalTrafficPolicy === 'Cluster') {
        nat.push(extMasqueradeRule(extChain, spn), `-A ${extChain} -j ${svcChain}`);
      } else {
        nat.push(
          extPodTrafficRule(extChain, cidr, spn, svcChain),
          extLocalMasqueradeRule(extChain, spn),
          `-A ${extChain} -m comment --comment "route LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j ${svcChain}`,
        );
        if (local.list.length > 0) nat.push(`-A ${extChain} -j ${svlChain}`);
        else if (port.nodePort !== null) filter.push(externalDropRule(p, port.nodePort, spn));
      }
    }
    const chains: [string, Backend[]][] = [[svcChain, cl.list]];
    if (
      (svc.internalTrafficPolicy === 'Local' || (ext && svc.externalTrafficPolicy === 'Local')) &&
      local.list.length > 0
    )
      chains.push([svlChain, local.list]);
    const seps = new Map<string, Backend>();
    const affinity = svc.sessionAffinity === 'ClientIP';
    for (const [chain, list] of chains) {
      nat.push(`-N ${chain}`);
      if (chain === svcChain) nat.push(svcMasqueradeRule(chain, cidr, vip, p, port.port, spn));
      if (affinity) {
        for (const b of list)
          nat.push(
            `-A ${chain} -m comment --comment "${spn} -> ${b.ip}:${b.port}" -m recent --name ${sepChainName(svc, port, b)} --mask 255.255.255.255 --rsource --rcheck --seconds ${svc.sessionAffinityTimeout} --reap -j ${sepChainName(svc, port, b)}`,
          );
      }
      list.forEach((b, i) => {
        const sep = sepChainName(svc, port, b);
        seps.set(sep, b);
        nat.push(endpointRule(chain, spn, b, sep, i, list.length));
      });
    }
    for (const [sep, b] of seps) {
      nat.push(`-N ${sep}`, sepHairpinRule(sep, b.ip, spn), sepDnatRule(sep, p, spn, affinity, b));
    }
  }
  return filter.length > 0 ? [...nat, '# iptables -t filter -S', ...filter] : nat;
}

export const iptablesProxy: ServiceProxy = {
  mode: 'iptables',
  name: NAME,
  shortName: 'iptables',
  command: 'iptables -t nat -S',
  decide,
  rules,
  masqueradeRule: MASQUERADE_RULE,
  nodeDevice: null,
  scheduler: SCHEDULER,
  kubeProxy: true,
  inClusterHook: 'packet',
  translator: 'netfilter',
  // route_localnet: iptables mode serves NodePorts on 127.0.0.1.
  localhostNodePortRefusal: null,
  // Its KUBE-SERVICES rules match a ClusterIP per port: anything else passes untouched.
  undefinedPort: () => ({ outcome: 'route' }),
  hairpinRule: MASQUERADE_RULE,
};
