/**
 * kube-proxy (and Cilium's replacement for it) as a decision a node makes for the first packet of a
 * connection to a Service: which endpoints are eligible (k8s-networking.md 4.2), how the proxy mode
 * picks one (4.3-4.6), whether the packet is marked for masquerade, and the rules a user would see
 * in `iptables -t nat -S`, `nft list ruleset` or `ipvsadm -Ln` that made each step.
 */
import type { Cluster, Endpoint, Protocol, ProxyMode, Service, ServicePort } from '../model/types';
import { lookup } from '../model/lookup';
import { cidrContains } from '../model/ip';
import { parseIPv4 } from './memo';
import { base32, sha256 } from './sha256';
import type { Candidate } from '../trace/types';

/** kube-proxy's masquerade mark: bit 14 (k8s-networking.md 0.1). */
export const MASQ_MARK = '0x4000';

/** An endpoint a Service can send to, with the port resolved for the Service port. */
export interface Backend {
  readonly endpoint: Endpoint;
  readonly ip: string;
  readonly port: number;
  /** `ns/name` of the pod, or the address for endpoints that are not pods */
  readonly pod: string;
  readonly node: string | null;
}

/** How the packet reached the Service: its ClusterIP, a NodePort, or a LoadBalancer address. */
export type Entry = 'clusterIP' | 'nodePort' | 'loadBalancer';

/** One step of the proxy's walk, drawn as a hop on the deciding node. */
export interface ProxyStep {
  kind: 'netfilter' | 'ipvs' | 'socket';
  rule: string;
  text: string;
}

/** What the Service proxy of a node does with the first packet of a connection. */
export interface ProxyDecision {
  outcome: 'dnat' | 'reject' | 'drop' | 'nomatch';
  steps: ProxyStep[];
  /** every eligible endpoint with its exact probability (null where a scheduler decides) */
  candidates: Candidate[];
  chosen: Backend | null;
  /** kube-proxy marked the packet for masquerade (0x4000) */
  masquerade: boolean;
  /** why masquerade applies, for the POSTROUTING hop */
  masqueradeWhy: string;
  /** the DNAT rule (or IPVS/eBPF translation) as a user would see it */
  dnatRule: string;
  /** a pick that matched no candidate */
  warnings: string[];
  /** the endpoints' set: Cluster- or Local-policy, for the text */
  policy: 'Cluster' | 'Local';
}

/** The packet and the node `decide` works on. */
export interface DecideInput {
  svc: Service;
  port: ServicePort;
  entry: Entry;
  /** the node where the decision happens */
  node: string;
  /** the packet's source address as this node sees it (after any earlier SNAT) */
  srcIP: string;
  /** the source is a process in this node's root namespace (OUTPUT, src-type LOCAL) */
  srcLocal: boolean;
  /** the dialed address (VIP, node address or LB address) and port */
  dstIP: string;
  dstPort: number;
  protocol: Protocol;
  /** a float in [0, 1) */
  random: () => number;
  pick: readonly string[];
  /** IPVS rr: how many connections this node scheduled to this virtual server before */
  rrOffset: number;
}

const MODE_NAME: Record<ProxyMode, string> = {
  iptables: 'kube-proxy (iptables mode)',
  nftables: 'kube-proxy (nftables mode)',
  ipvs: 'kube-proxy (IPVS mode)',
  cilium: "Cilium's kube-proxy replacement (eBPF)",
};

/** Which component decides Service traffic in this cluster, as the hops name it. */
export function modeName(cluster: Cluster): string {
  return MODE_NAME[cluster.settings.proxyMode];
}

// ---------------------------------------------------------------------------------------------
// Names.

const hashes = new Map<string, string>();
/** base32(sha256(text)), memoised: chain names are asked for on every trace. */
function hash(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    if (hashes.size > 100_000) hashes.clear();
    h = base32(sha256(text));
    hashes.set(text, h);
  }
  return h;
}

/** ServicePortName.String(): `ns/svc:port`, or `ns/svc` for an unnamed port. */
export function servicePortName(svc: Service, port: ServicePort): string {
  return `${svc.namespace}/${svc.name}${port.name ? `:${port.name}` : ''}`;
}

const portHashes = new WeakMap<ServicePort, Map<Service, string>>();
const sepNames = new WeakMap<Backend, Map<ServicePort, string>>();

/** `KUBE-SVC-`, `KUBE-SVL-`, `KUBE-EXT-`, `KUBE-FW-` + base32(sha256(spn + protocol))[:16] (proxier.go). */
export function chainName(
  prefix: 'KUBE-SVC-' | 'KUBE-SVL-' | 'KUBE-EXT-' | 'KUBE-FW-',
  svc: Service,
  port: ServicePort,
): string {
  // Memoised per object: the string key of the text cache costs more than the lookup here.
  let bySvc = portHashes.get(port);
  if (!bySvc) portHashes.set(port, (bySvc = new Map()));
  let h = bySvc.get(svc);
  if (h === undefined) {
    h = hash(servicePortName(svc, port) + port.protocol).slice(0, 16);
    bySvc.set(svc, h);
  }
  return prefix + h;
}

/** `KUBE-SEP-` + base32(sha256(spn + protocol + "ip:port"))[:16]. */
export function sepChainName(svc: Service, port: ServicePort, b: Backend): string {
  let byPort = sepNames.get(b);
  if (!byPort) sepNames.set(b, (byPort = new Map()));
  let name = byPort.get(port);
  if (name === undefined) {
    name = 'KUBE-SEP-' + hash(servicePortName(svc, port) + port.protocol + `${b.ip}:${b.port}`).slice(0, 16);
    byPort.set(port, name);
  }
  return name;
}

/** nftables: `service-<8 of base32>-ns/svc/proto/port` (hashAndTruncate in the nftables proxier). */
export function nftServiceChain(svc: Service, port: ServicePort, prefix = 'service'): string {
  const base = `${svc.namespace}/${svc.name}/${port.protocol}/${port.name ?? ''}`;
  return `${prefix}-${hash(base).slice(0, 8)}-${base}`;
}

/** nftables: `endpoint-<8 of base32>-ns/svc/proto/port__ip/port`. */
export function nftEndpointChain(svc: Service, port: ServicePort, b: Backend): string {
  const base = `${svc.namespace}/${svc.name}/${port.protocol}/${port.name ?? ''}__${b.ip}/${b.port}`;
  return `endpoint-${hash(base).slice(0, 8)}-${base}`;
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

const backendCache = new WeakMap<Cluster, Map<ServicePort, readonly Backend[]>>();

/** Every endpoint of a Service port with its resolved port, sorted by `IP:port` as kube-proxy sorts. */
export function backendsOf(cluster: Cluster, svc: Service, port: ServicePort): readonly Backend[] {
  let byPort = backendCache.get(cluster);
  if (!byPort) backendCache.set(cluster, (byPort = new Map()));
  // Keyed on the port object (a Service's ports are its own): no string to build per trace.
  const key = port;
  const cached = byPort.get(key);
  if (cached) return cached;
  const set = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`);
  const list: Backend[] = [];
  for (const ep of set?.endpoints ?? []) {
    // A named targetPort is resolved per pod; a pod without that port name is not an endpoint of it.
    const p =
      ep.ports.find((x) => x.name === port.name && x.protocol === port.protocol) ??
      (ep.ports.length === 1 && port.name === null ? ep.ports[0] : undefined);
    if (!p) continue;
    list.push({ endpoint: ep, ip: ep.ip, port: p.port, pod: ep.pod ?? ep.ip, node: ep.node });
  }
  list.sort((a, b) => {
    const x = `${a.ip}:${a.port}`;
    const y = `${b.ip}:${b.port}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  byPort.set(key, list);
  return list;
}

/**
 * The endpoints a node may use (CategorizeEndpoints, k8s-networking.md 4.2): Cluster policy, the
 * ready ones cluster-wide, else serving-and-terminating ones; Local policy, the same on this node.
 * `any` says whether the Service has usable endpoints anywhere (REJECT when it has none).
 */
export function eligible(
  all: readonly Backend[],
  policy: 'Cluster' | 'Local',
  node: string,
): { list: Backend[]; any: boolean } {
  let ready = all.filter((b) => b.endpoint.ready);
  if (ready.length === 0) ready = all.filter((b) => b.endpoint.serving && b.endpoint.terminating);
  const any = ready.length > 0;
  if (policy === 'Cluster') return { list: ready, any };
  let local = all.filter((b) => b.node === node && b.endpoint.ready);
  if (local.length === 0) local = all.filter((b) => b.node === node && b.endpoint.serving && b.endpoint.terminating);
  return { list: local, any };
}

const probabilityTexts = new Map<number, string>();

/** The probability kube-proxy writes on rule i of n (`%0.10f`), the last rule having none. */
export function ruleProbability(i: number, n: number): string {
  const k = n - i;
  let text = probabilityTexts.get(k);
  if (text === undefined) {
    text = (1 / k).toFixed(10);
    if (probabilityTexts.size < 10_000) probabilityTexts.set(k, text);
  }
  return text;
}

/** A pod is a backend source when its IP is in the cluster CIDR (detectLocalMode ClusterCIDR). */
export function inClusterCIDR(cluster: Cluster, ip: string): boolean {
  return cidrContains(lookup(cluster).podSubnet, parseIPv4(ip) ?? 0);
}

// ---------------------------------------------------------------------------------------------
// The decision.

function comment(svc: Service, port: ServicePort): string {
  return servicePortName(svc, port);
}

/** The policy that governs this entry: internal for a ClusterIP, external for NodePort and LB. */
function policyFor(cluster: Cluster, input: DecideInput): 'Cluster' | 'Local' {
  const { svc, entry } = input;
  if (entry === 'clusterIP') return svc.internalTrafficPolicy;
  if (svc.externalTrafficPolicy === 'Cluster') return 'Cluster';
  // KUBE-EXT with Local: pods and host processes are treated as cluster traffic (section 6).
  if (inClusterCIDR(cluster, input.srcIP) || input.srcLocal) return 'Cluster';
  return 'Local';
}

/**
 * Decides what the node's Service proxy does with the first packet of a connection. Pure: the
 * caller turns the steps into hops and walks the packet on.
 */
export function decide(cluster: Cluster, input: DecideInput): ProxyDecision {
  const mode = cluster.settings.proxyMode;
  const { svc, port, entry } = input;
  const all = backendsOf(cluster, svc, port);
  const policy = policyFor(cluster, input);
  const { list, any } = eligible(all, policy, input.node);
  const steps: ProxyStep[] = [];
  const warnings: string[] = [];
  const spn = comment(svc, port);
  const proto = port.protocol;
  const where = entry === 'clusterIP' ? 'cluster IP' : entry === 'nodePort' ? 'NodePort' : 'loadbalancer IP';
  const dst = `${input.dstIP}:${input.dstPort}`;
  const result: ProxyDecision = {
    outcome: 'dnat',
    steps,
    candidates: [],
    chosen: null,
    masquerade: false,
    masqueradeWhy: '',
    dnatRule: '',
    warnings,
    policy,
  };

  // Masquerade conditions (section 4.3 and 6), before the endpoint is known; hairpin is added below.
  let masq = false;
  let masqWhy = '';
  if (mode === 'cilium') {
    // Cilium SNATs external NodePort/LB traffic under Cluster policy in eBPF (no DSR modelled).
    if (entry !== 'clusterIP' && svc.externalTrafficPolicy === 'Cluster') {
      masq = true;
      masqWhy = `externalTrafficPolicy Cluster: Cilium SNATs traffic to a ${where} so that replies return through ${input.node}`;
    }
  } else {
    if (entry === 'clusterIP') {
      if (!inClusterCIDR(cluster, input.srcIP)) {
        masq = true;
        masqWhy = `the source ${input.srcIP} is outside the cluster CIDR ${cluster.settings.podSubnet} (not a pod), so replies must come back through this node`;
      }
    } else if (svc.externalTrafficPolicy === 'Cluster') {
      masq = true;
      masqWhy = `externalTrafficPolicy Cluster: traffic to a ${where} is masqueraded so that replies return through ${input.node}; the client's address is lost`;
    } else if (input.srcLocal) {
      masq = true;
      masqWhy = 'a host process uses an external destination of a Local Service';
    }
  }

  // Entry rules, as the mode shows them.
  const svcChain = chainName('KUBE-SVC-', svc, port);
  const extChain = chainName('KUBE-EXT-', svc, port);
  const svlChain = chainName('KUBE-SVL-', svc, port);
  const chainHere = policy === 'Local' ? svlChain : svcChain;
  if (mode === 'iptables') {
    const hook = input.srcLocal ? 'OUTPUT' : 'PREROUTING';
    if (entry === 'clusterIP') {
      steps.push({
        kind: 'netfilter',
        rule: `-A KUBE-SERVICES -d ${input.dstIP}/32 -p ${proto} -m comment --comment "${spn} cluster IP" -m ${proto} --dport ${input.dstPort} -j ${svc.internalTrafficPolicy === 'Local' ? svlChain : svcChain}`,
        text: `${MODE_NAME.iptables}: nat ${hook} jumps to KUBE-SERVICES, where ${dst} matches ${svc.namespace}/${svc.name}'s ClusterIP rule.`,
      });
    } else {
      steps.push(
        entry === 'nodePort'
          ? {
              kind: 'netfilter',
              rule: `-A KUBE-NODEPORTS -p ${proto} -m comment --comment "${spn}" -m ${proto} --dport ${port.nodePort ?? 0} -j ${extChain}`,
              text: `${MODE_NAME.iptables}: nat ${hook} → KUBE-SERVICES; ${input.dstIP} is a local address (--dst-type LOCAL), so the last rule sends it to KUBE-NODEPORTS, where port ${port.nodePort ?? 0} is ${svc.namespace}/${svc.name}'s NodePort.`,
            }
          : {
              kind: 'netfilter',
              rule: `-A KUBE-SERVICES -d ${input.dstIP}/32 -p ${proto} -m comment --comment "${spn} loadbalancer IP" -m ${proto} --dport ${input.dstPort} -j ${extChain}`,
              text: `${MODE_NAME.iptables}: nat ${hook} → KUBE-SERVICES, where ${dst} matches ${svc.namespace}/${svc.name}'s LoadBalancer IP rule.`,
            },
      );
    }
  } else if (mode === 'nftables') {
    if (entry === 'clusterIP') {
      steps.push({
        kind: 'netfilter',
        rule: `ip daddr . meta l4proto . th dport vmap @service-ips  # ${input.dstIP} . ${proto} . ${input.dstPort} : goto ${nftServiceChain(svc, port)}`,
        text: `${MODE_NAME.nftables}: the nat-${input.srcLocal ? 'output' : 'prerouting'} chain looks ${dst} up in the service-ips map.`,
      });
    } else {
      steps.push({
        kind: 'netfilter',
        rule:
          entry === 'nodePort'
            ? `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports  # ${proto} . ${port.nodePort ?? 0} : goto ${nftServiceChain(svc, port, 'external')}`
            : `ip daddr . meta l4proto . th dport vmap @service-ips  # ${input.dstIP} . ${proto} . ${input.dstPort} : goto ${nftServiceChain(svc, port, 'external')}`,
        text: `${MODE_NAME.nftables}: ${entry === 'nodePort' ? `${input.dstIP} is a local address, so the service-nodeports map matches port ${port.nodePort ?? 0}` : `the service-ips map matches the LoadBalancer address ${dst}`}.`,
      });
    }
  } else if (mode === 'ipvs') {
    steps.push({
      kind: 'ipvs',
      rule:
        entry === 'nodePort'
          ? `${proto.toUpperCase()}  ${input.dstIP}:${port.nodePort ?? 0} rr`
          : `${proto.toUpperCase()}  ${dst} rr${svc.sessionAffinity === 'ClientIP' ? ` persistent ${svc.sessionAffinityTimeout}` : ''}`,
      text:
        entry === 'clusterIP' || entry === 'loadBalancer'
          ? `${MODE_NAME.ipvs}: ${input.dstIP} is held by the dummy device kube-ipvs0, so it is a local address; the packet takes the INPUT path, where IPVS has a virtual server for ${dst}.`
          : `${MODE_NAME.ipvs}: IPVS has a virtual server for ${input.dstIP}:${port.nodePort ?? 0} (a NodePort on every node address), reached on the INPUT path.`,
    });
  } else {
    steps.push({
      kind: 'socket',
      rule: `cilium-dbg service list: ${dst} ${entry === 'clusterIP' ? 'ClusterIP' : entry === 'nodePort' ? 'NodePort' : 'LoadBalancer'}`,
      text: `${MODE_NAME.cilium}: the eBPF service map holds ${dst}.`,
    });
  }

  // Without endpoints (or local ones under internalTrafficPolicy Local) iptables and nftables write
  // no NAT rule for the ClusterIP: only the filter rule (or no-endpoint-services map) matches.
  // A Service without any usable endpoint gets no NAT rule for its NodePort or LB IP either: only
  // KUBE-EXTERNAL-SERVICES' REJECT (section 6).
  if ((mode === 'iptables' || mode === 'nftables') && (!any || (list.length === 0 && entry === 'clusterIP')))
    steps.length = 0;
  // No usable endpoint anywhere: REJECT (ICMP unreachable) in every mode (section 4.3, 4.4).
  if (!any) {
    result.outcome = 'reject';
    steps.push(rejectStep(mode, svc, port, input, where, 'has no endpoints'));
    return result;
  }
  // Local policy and none on this node: a silent DROP.
  if (list.length === 0) {
    result.outcome = 'drop';
    steps.push(dropStep(mode, svc, port, input, entry));
    return result;
  }

  // NodePort / LB: KUBE-EXT's masquerade and policy rules.
  if (entry !== 'clusterIP' && mode === 'iptables') {
    steps.push(
      svc.externalTrafficPolicy === 'Cluster'
        ? {
            kind: 'netfilter',
            rule: `-A ${extChain} -m comment --comment "masquerade traffic for ${spn} external destinations" -j KUBE-MARK-MASQ`,
            text: `${extChain} (externalTrafficPolicy Cluster) marks the packet for masquerade (${MASQ_MARK}) and jumps to ${svcChain}: any ready endpoint in the cluster may be chosen.`,
          }
        : policy === 'Cluster'
          ? {
              kind: 'netfilter',
              rule: input.srcLocal
                ? `-A ${extChain} -m comment --comment "masquerade LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`
                : `-A ${extChain} -s ${cluster.settings.podSubnet} -m comment --comment "pod traffic for ${spn} external destinations" -j ${svcChain}`,
              text: `${extChain} (externalTrafficPolicy Local): ${input.srcLocal ? 'traffic from the node itself is masqueraded and' : 'traffic from a pod is'} treated as cluster traffic, so ${svcChain} may choose any endpoint.`,
            }
          : {
              kind: 'netfilter',
              rule: `-A ${extChain} -j ${svlChain}`,
              text: `${extChain} (externalTrafficPolicy Local) jumps to ${svlChain}: only endpoints on ${input.node}, and no masquerade, so the pod sees the client's own address.`,
            },
    );
  } else if (entry !== 'clusterIP' && mode === 'ipvs' && masq) {
    steps.push(
      entry === 'nodePort'
        ? {
            kind: 'netfilter',
            rule: `-A KUBE-NODE-PORT -p ${proto} -m comment --comment "Kubernetes nodeport ${proto.toUpperCase()} port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-${proto.toUpperCase()} dst -j KUBE-MARK-MASQ`,
            text: `iptables, beside IPVS, marks the packet for masquerade (ipset KUBE-NODE-PORT-${proto.toUpperCase()}): ${masqWhy}.`,
          }
        : {
            kind: 'netfilter',
            rule: '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
            text: `iptables, beside IPVS, marks the packet for masquerade (ipset KUBE-LOAD-BALANCER): ${masqWhy}.`,
          },
    );
  } else if (entry !== 'clusterIP' && mode === 'nftables' && masq) {
    steps.push({
      kind: 'netfilter',
      rule: 'jump mark-for-masquerade',
      text: `The external chain marks the packet for masquerade (externalTrafficPolicy Cluster).`,
    });
  }
  if (entry === 'clusterIP' && masq && mode === 'iptables') {
    steps.push({
      kind: 'netfilter',
      rule: `-A ${svcChain} ! -s ${cluster.settings.podSubnet} -d ${input.dstIP}/32 -p ${proto} -m comment --comment "${spn} cluster IP" -m ${proto} --dport ${input.dstPort} -j KUBE-MARK-MASQ`,
      text: `${svcChain}'s first rule marks the packet for masquerade (${MASQ_MARK}): ${masqWhy}.`,
    });
  } else if (entry === 'clusterIP' && masq && mode === 'nftables') {
    steps.push({
      kind: 'netfilter',
      rule: `ip daddr ${input.dstIP} ${proto} dport ${input.dstPort} ip saddr != ${cluster.settings.podSubnet} jump mark-for-masquerade`,
      text: `The service chain marks the packet for masquerade: ${masqWhy}.`,
    });
  } else if (entry === 'clusterIP' && masq && mode === 'ipvs') {
    steps.push({
      kind: 'netfilter',
      rule: `-A KUBE-SERVICES ! -s ${cluster.settings.podSubnet} -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`,
      text: `iptables, beside IPVS, marks the packet for masquerade: ${masqWhy}.`,
    });
  }

  // The choice.
  const n = list.length;
  const pinned = pickedIndex(list, input.pick);
  for (const p of input.pick) {
    if (!p.startsWith('node/') && !list.some((b) => b.pod === p))
      warnings.push(`pick ${p} matched no choice: it is not an eligible endpoint of ${svc.namespace}/${svc.name}`);
  }
  let index: number;
  if (pinned >= 0) index = pinned;
  else if (mode === 'ipvs') index = input.rrOffset % n;
  else if (mode === 'iptables') {
    // The chained statistic rules: rule i matches with probability 1/(n-i), uniform overall.
    index = n - 1;
    for (let i = 0; i < n - 1; i++) {
      if (input.random() < 1 / (n - i)) {
        index = i;
        break;
      }
    }
  } else index = Math.min(n - 1, Math.floor(input.random() * n));
  const chosen = list[index] as Backend;
  result.chosen = chosen;
  result.candidates = list.map((b, i) => ({
    pod: b.pod,
    ip: b.ip,
    port: b.port,
    probability: mode === 'ipvs' ? null : 1 / n,
    chosen: i === index,
  }));
  const how = pinned >= 0 ? ' (pinned by --pick)' : '';
  const affinity = svc.sessionAffinity === 'ClientIP';

  if (mode === 'iptables') {
    const sep = sepChainName(svc, port, chosen);
    const rule =
      n === 1 || index === n - 1
        ? `-A ${chainHere} -m comment --comment "${spn} -> ${chosen.ip}:${chosen.port}" -j ${sep}`
        : `-A ${chainHere} -m comment --comment "${spn} -> ${chosen.ip}:${chosen.port}" -m statistic --mode random --probability ${ruleProbability(index, n)} -j ${sep}`;
    steps.push({
      kind: 'netfilter',
      rule,
      text:
        `${chainHere} lists ${n} endpoint${n === 1 ? '' : 's'} sorted by IP:port; rule i matches with probability 1/(n-i) (${probabilityList(n)}), so each has 1/${n}.` +
        ` The draw lands on ${chosen.ip}:${chosen.port} (${chosen.pod})${how}.${affinity ? ` sessionAffinity ClientIP: no \`-m recent --rcheck --seconds ${svc.sessionAffinityTimeout}\` rule knows ${input.srcIP} yet (a first connection); the DNAT rule's \`recent --set\` now remembers it, so later connections from ${input.srcIP} through ${input.node} stick to this endpoint.` : ''}`,
    });
    if (!masq && chosen.ip === input.srcIP) {
      masq = true;
      masqWhy = `hairpin: ${chosen.pod} reaches its own Service and lands on itself`;
      steps.push({
        kind: 'netfilter',
        rule: `-A ${sep} -s ${chosen.ip}/32 -m comment --comment "${spn}" -j KUBE-MARK-MASQ`,
        text: `${sep} marks the packet for masquerade: ${masqWhy}.`,
      });
    }
    result.dnatRule = `-A ${sep} -p ${proto} -m comment --comment "${spn}" -m ${proto}${affinity ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : ''} -j DNAT --to-destination ${chosen.ip}:${chosen.port}`;
  } else if (mode === 'nftables') {
    const chain = nftServiceChain(svc, port);
    const vmap = list.map((b, i) => `${i} : goto ${nftEndpointChain(svc, port, b)}`).join(' , ');
    steps.push({
      kind: 'netfilter',
      rule: n === 1 ? `goto ${nftEndpointChain(svc, port, chosen)}` : `numgen random mod ${n} vmap { ${vmap} }`,
      text: `${chain}: one rule picks among ${n} endpoint${n === 1 ? '' : 's'} sorted by IP:port with numgen random mod ${n} (1/${n} each); it lands on ${index} → ${chosen.ip}:${chosen.port} (${chosen.pod})${how}.${affinity ? ` sessionAffinity ClientIP: the endpoint's affinity set records ${input.srcIP} for ${svc.sessionAffinityTimeout} s.` : ''}`,
    });
    if (!masq && chosen.ip === input.srcIP) {
      masq = true;
      masqWhy = `hairpin: ${chosen.pod} reaches its own Service and lands on itself`;
      steps.push({
        kind: 'netfilter',
        rule: `ip saddr ${chosen.ip} jump mark-for-masquerade`,
        text: `The endpoint chain marks the packet for masquerade: ${masqWhy}.`,
      });
    }
    result.dnatRule = `meta l4proto ${proto} dnat to ${chosen.ip}:${chosen.port}`;
  } else if (mode === 'ipvs') {
    steps.push({
      kind: 'ipvs',
      rule: `${proto.toUpperCase()}  ${entry === 'nodePort' ? `${input.dstIP}:${port.nodePort ?? 0}` : dst} rr${affinity ? ` persistent ${svc.sessionAffinityTimeout}` : ''}  ${list.map((b) => `-> ${b.ip}:${b.port} Masq 1`).join('  ')}`,
      text: `IPVS schedules with rr (round robin, per node): ${pinned >= 0 ? `pinned by --pick to ${chosen.ip}:${chosen.port}` : `after ${input.rrOffset} earlier connection${input.rrOffset === 1 ? '' : 's'} on ${input.node} it takes real server ${index + 1} of ${n} in ipvsadm order, ${chosen.ip}:${chosen.port} (${chosen.pod})`}.${affinity ? ` Persistence (${svc.sessionAffinityTimeout} s) keeps ${input.srcIP} on it.` : ''}`,
    });
    if (!masq && chosen.ip === input.srcIP) {
      masq = true;
      masqWhy = `hairpin: ${chosen.pod} reaches its own Service and lands on itself (ipset KUBE-LOOP-BACK)`;
    }
    result.dnatRule = `IPVS Masq forwarding: ${dst} -> ${chosen.ip}:${chosen.port}`;
  } else {
    result.dnatRule = `lb4 ${dst} -> backend ${chosen.ip}:${chosen.port} (random)`;
  }
  result.masquerade = masq;
  result.masqueradeWhy = masqWhy;
  return result;
}

const probabilityLists = new Map<number, string>();

/** `0.3333333333, 0.5000000000, rest` for n = 3: the chained probabilities, for the text. */
function probabilityList(n: number): string {
  let text = probabilityLists.get(n);
  if (text === undefined) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(i === n - 1 ? 'rest' : ruleProbability(i, n));
    text = parts.join(', ');
    if (probabilityLists.size < 10_000) probabilityLists.set(n, text);
  }
  return text;
}

function pickedIndex(list: readonly Backend[], pick: readonly string[]): number {
  for (const p of pick) {
    const i = list.findIndex((b) => b.pod === p);
    if (i >= 0) return i;
  }
  return -1;
}

function rejectStep(
  mode: ProxyMode,
  svc: Service,
  port: ServicePort,
  input: DecideInput,
  where: string,
  why: string,
): ProxyStep {
  const spn = servicePortName(svc, port);
  const proto = port.protocol;
  if (mode === 'iptables') {
    const chain = input.entry === 'clusterIP' ? 'KUBE-SERVICES' : 'KUBE-EXTERNAL-SERVICES';
    const match =
      input.entry === 'nodePort'
        ? `-m addrtype --dst-type LOCAL -m ${proto} --dport ${port.nodePort ?? 0}`
        : `-d ${input.dstIP}/32 -p ${proto} -m comment --comment "${spn} ${why}" -m ${proto} --dport ${input.dstPort}`;
    const rule =
      input.entry === 'nodePort'
        ? `-A ${chain} -p ${proto} -m comment --comment "${spn} ${why}" ${match} -j REJECT --reject-with icmp-port-unreachable`
        : `-A ${chain} ${match} -j REJECT --reject-with icmp-port-unreachable`;
    return {
      kind: 'netfilter',
      rule,
      text: `${svc.namespace}/${svc.name} has no ready endpoint, so kube-proxy installs no NAT for it, only this filter rule (reached for NEW connections): REJECT with ICMP port unreachable, so the client is refused at once. DNS still answers with the ${where === 'cluster IP' ? 'ClusterIP' : 'address'}.`,
    };
  }
  if (mode === 'nftables') {
    return {
      kind: 'netfilter',
      rule: `ip daddr . meta l4proto . th dport vmap @no-endpoint-services  # ${input.dstIP} . ${proto} . ${input.dstPort} comment "${spn}" : goto reject-chain`,
      text: `${svc.namespace}/${svc.name} has no ready endpoint: the no-endpoint-services map sends the packet to reject-chain, which rejects it (the client is refused at once).`,
    };
  }
  if (mode === 'ipvs') {
    return {
      kind: 'ipvs',
      rule: `${proto.toUpperCase()}  ${input.dstIP}:${input.entry === 'nodePort' ? (port.nodePort ?? 0) : input.dstPort} rr  (no real servers)`,
      text: `The IPVS virtual server has no real server, so the kernel's IPVS code answers with ICMP port unreachable: connection refused.`,
    };
  }
  return {
    kind: 'socket',
    rule: `cilium-dbg service list: ${input.dstIP}:${input.dstPort} (no backends)`,
    text: `Cilium's service has no backend: the connect() fails at once (ECONNREFUSED).`,
  };
}

function dropStep(mode: ProxyMode, svc: Service, port: ServicePort, input: DecideInput, entry: Entry): ProxyStep {
  const spn = servicePortName(svc, port);
  const proto = port.protocol;
  const which = entry === 'clusterIP' ? 'internalTrafficPolicy' : 'externalTrafficPolicy';
  const text = `${which} Local and no endpoint of ${svc.namespace}/${svc.name} runs on ${input.node}: the packet is dropped silently, and the client waits until it times out.`;
  if (mode === 'iptables') {
    const rule =
      entry === 'clusterIP'
        ? `-A KUBE-SERVICES -d ${input.dstIP}/32 -p ${proto} -m comment --comment "${spn} has no local endpoints" -m ${proto} --dport ${input.dstPort} -j DROP`
        : `-A KUBE-EXTERNAL-SERVICES -p ${proto} -m comment --comment "${spn} has no local endpoints" -m addrtype --dst-type LOCAL -m ${proto} --dport ${entry === 'nodePort' ? (port.nodePort ?? 0) : input.dstPort} -j DROP`;
    return { kind: 'netfilter', rule, text };
  }
  if (mode === 'nftables')
    return {
      kind: 'netfilter',
      rule: `ip daddr . meta l4proto . th dport vmap @no-endpoint-services  # ${input.dstIP} . ${proto} . ${input.dstPort} comment "${spn}" : drop`,
      text,
    };
  if (mode === 'ipvs')
    return {
      kind: 'ipvs',
      rule: `${proto.toUpperCase()}  ${input.dstIP}:${input.dstPort} rr  (no local real servers)`,
      text,
    };
  return { kind: 'socket', rule: `cilium-dbg service list: ${input.dstIP}:${input.dstPort} (no local backends)`, text };
}
