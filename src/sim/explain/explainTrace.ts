/**
 * The explanation of a trace in plain sentences: what decided where the packet goes, where its
 * addresses were translated, which device wrapped it in a tunnel and how the answer finds its way
 * back. It is written from the trace's hops (their kind, rule, NAT, element and outer header), so
 * that it always describes the mechanism on screen: switch the proxy mode or the CNI and the trace
 * changes, and so does the explanation. The settings only name who owns a device ("flannel's
 * flannel.1") and stand in where a hop does not say which proxy mode made it.
 */
import type { ClusterSettings } from '../model/types';
import type { Hop, Nat, OuterHeader, Trace } from '../trace/types';
import { cniPlugin, serviceProxy } from '../registry';
import { nodeId } from '../model/ids';

/** What the explanation reads of the cluster's settings. */
export type ExplainSettings = Pick<ClusterSettings, 'cni' | 'proxyMode'>;

/** `10.244.1.2:50471` -> `10.244.1.2` */
const ipOf = (addr: string): string => addr.replace(/:\d+$/, '');

/** The device an element id names: `dev/node-a/flannel.1` -> `flannel.1`, `dev/pod/ns/p/eth0` -> `eth0`. */
const deviceOf = (at: string): string => at.split('/').at(-1) ?? at;

/** A pod's name as the explanation says it: `web-1` for `default/web-1` (names are long enough). */
const short = (pod: string): string => pod.slice(pod.indexOf('/') + 1);

/** The pod (`ns/name`) an element id belongs to, for containers, pods, veths and pod devices. */
function podOf(at: string): string | null {
  const parts = at.split('/');
  switch (parts[0]) {
    case 'container':
    case 'pod':
      return parts.length >= 3 ? `${parts[1] ?? ''}/${parts[2] ?? ''}` : null;
    case 'veth':
      return parts.length >= 4 ? `${parts[2] ?? ''}/${parts[3] ?? ''}` : null;
    case 'dev':
      return parts[1] === 'pod' && parts.length >= 5 ? `${parts[2] ?? ''}/${parts[3] ?? ''}` : null;
    default:
      return null;
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** How a Service's address became one endpoint, read from the hops that did it. */
type Mechanism = 'iptables' | 'nftables' | 'ipvs' | 'cilium' | 'cilium-socket' | 'rule';

function mechanismOf(hop: Hop, settings: ExplainSettings): Mechanism {
  const rule = hop.rule ?? '';
  if (hop.kind === 'socket') return 'cilium-socket';
  if (hop.kind === 'ipvs') return 'ipvs';
  if (/^lb[46] |bpf/.test(rule)) return 'cilium';
  if (/\bdnat to\b/.test(rule)) return 'nftables';
  if (/-j DNAT\b/.test(rule) && /KUBE-/.test(rule)) return 'iptables';
  if (/-j DNAT\b/.test(rule)) return 'rule';
  return serviceProxy({ settings }).mode;
}

/** The tunnel an outer header belongs to, in words: `VXLAN (UDP 8472, VNI 1)`, `IP-in-IP`. */
function tunnelOf(outer: OuterHeader): string {
  const port = /:(\d+)$/.exec(outer.dst)?.[1];
  const vni = outer.vni !== undefined ? `, VNI ${outer.vni}` : '';
  if (outer.protocol === 'ipip') return 'IP-in-IP (a second IPv4 header)';
  if (outer.protocol === 'udp' && port === '6081') return `Geneve (UDP ${port}${vni})`;
  if (outer.protocol === 'udp') return `VXLAN (UDP ${port ?? '?'}${vni})`;
  return outer.protocol;
}

const CNI_NAMES = {
  flannel: 'flannel',
  calico: 'Calico',
  cilium: 'Cilium',
  kindnet: 'kindnet',
  'aws-vpc': 'the AWS VPC CNI',
} as const;

/** A connection's hops split where an L7 proxy ends one connection and opens another. */
interface Leg {
  hops: Hop[];
  /** the proxy hop that ends this leg, if one does */
  proxy: Hop | null;
}

function legsOf(hops: readonly Hop[]): Leg[] {
  const legs: Leg[] = [];
  let current: Hop[] = [];
  for (const hop of hops) {
    if (hop.kind === 'proxy') {
      legs.push({ hops: current, proxy: hop });
      current = [];
    } else current.push(hop);
  }
  if (current.length > 0 || legs.length === 0) legs.push({ hops: current, proxy: null });
  return legs;
}

/** The pod a leg reaches: its last delivery into a container. */
const deliveredPod = (hops: readonly Hop[]): string | null => {
  const deliver = hops.findLast((h) => h.kind === 'deliver');
  return deliver ? podOf(deliver.at) : null;
};

/** The first pod that takes the packet in after hop `from` (a delivery, or CoreDNS answering). */
const reachedPod = (hops: readonly Hop[], from: number): string | null => {
  const hop = hops.slice(from + 1).find((h) => (h.kind === 'deliver' || h.kind === 'dns') && podOf(h.at) !== null);
  return hop ? podOf(hop.at) : null;
};

/** Whose rule a netfilter rule is, by its chain names. */
function ruleOwner(rule: string): string | null {
  if (/FLANNEL-/.test(rule)) return "flannel's rule";
  if (/cali-|felix/i.test(rule)) return "Calico's rule";
  if (/bpf/.test(rule)) return "Cilium's eBPF";
  if (/CILIUM_/.test(rule)) return "Cilium's iptables rule";
  if (/KUBE-/.test(rule)) return "kube-proxy's rule";
  if (/AWS-SNAT-CHAIN/.test(rule)) return "the AWS VPC CNI's rule";
  return null;
}

interface Context {
  trace: Trace;
  settings: ExplainSettings;
  /** whether the leg's choice is the one `trace.candidates` describes (the trace is one connection) */
  candidates: boolean;
}

const chosenNote = (ctx: Context, pod: string | null): string =>
  pod !== null && ctx.trace.request.pick.includes(pod) ? ', chosen for this example' : '';

/** "one of the 3 endpoints at random (1/3 each)", from the trace's candidates when they apply. */
function spreadOf(ctx: Context, how: 'random' | 'numgen' | 'rr'): string {
  const n = ctx.candidates ? ctx.trace.candidates.length : 0;
  if (n === 0) return 'one of its endpoints';
  if (n === 1) return 'its only endpoint';
  if (how === 'rr')
    return `one of the ${n} endpoints round robin, one connection after another (1/${n} each over many)`;
  if (how === 'numgen') return `one of the ${n} endpoints with numgen random (1/${n} each)`;
  return `one of the ${n} endpoints at random (1/${n} each)`;
}

/** Where the address the client dialed became one endpoint's address, and who chose it. */
function decision(leg: Hop[], ctx: Context): string[] {
  const socketLb = leg.find((h) => h.kind === 'socket' && /connect[46]|cil_sock/.test(h.rule ?? ''));
  const dnat = leg.find((h) => h.nat?.type === 'DNAT');
  const decider = socketLb ?? dnat;
  const pod = decider ? reachedPod(leg, leg.indexOf(decider)) : null;
  const podText = pod ? `, here ${short(pod)}${chosenNote(ctx, pod)}` : '';
  const out: string[] = [];
  const lb = leg.find((h) => h.kind === 'load-balancer');
  if (lb) {
    const next = leg[leg.indexOf(lb) + 1];
    out.push(
      `The load balancer owns ${ipOf(lb.packet.dst)} and passes the packet on unchanged, still addressed to it${next?.node ? `, to ${next.node}, one of its nodes` : ''}.`,
    );
  }
  if (socketLb) {
    const dialed = leg[0]?.packet.dst ?? '';
    out.push(
      `Cilium's eBPF hook on connect() for ${short(podOf(socketLb.at) ?? socketLb.node ?? 'the client')} picks ${spreadOf(ctx, 'random')}${podText}, and connects the socket straight to ${socketLb.packet.dst}: the packet never carries ${dialed}, so nothing on the way has to translate it.`,
    );
    return out;
  }
  if (!dnat?.nat) return out;
  const { before, after } = dnat.nat;
  const node = dnat.node ?? 'the node';
  const ipvsDevice = leg.some((h) => h.node === dnat.node && deviceOf(h.at) === 'kube-ipvs0');
  switch (mechanismOf(dnat, ctx.settings)) {
    case 'iptables':
      out.push(
        `On ${node}, kube-proxy's iptables rules catch ${before.dst} and pick ${spreadOf(ctx, 'random')}${podText}; DNAT rewrites the destination to ${after.dst}.`,
      );
      break;
    case 'nftables':
      out.push(
        `On ${node}, kube-proxy's nftables rules catch ${before.dst} and pick ${spreadOf(ctx, 'numgen')}${podText}; DNAT rewrites the destination to ${after.dst}.`,
      );
      break;
    case 'ipvs':
      out.push(
        `On ${node}, ${before.dst} is an IPVS virtual server${ipvsDevice ? ` (its address sits on the dummy device kube-ipvs0)` : ''}; IPVS picks ${spreadOf(ctx, 'rr')}${podText}, and rewrites the destination to ${after.dst} (Masq forwarding, a DNAT).`,
      );
      break;
    case 'cilium':
      out.push(
        `On ${node}, Cilium's eBPF load balancer (it replaces kube-proxy) catches ${before.dst} and picks ${spreadOf(ctx, 'random')}${podText}; it rewrites the destination to ${after.dst} (DNAT).`,
      );
      break;
    case 'cilium-socket':
    case 'rule':
      out.push(`On ${node}, a DNAT rule rewrites the destination ${before.dst} to ${after.dst}${podText}.`);
      break;
  }
  return out;
}

/** Source NAT on the way out, and the absence of any NAT where that is the lesson. */
function translations(leg: Hop[], ctx: Context): string[] {
  const out: string[] = [];
  const snats = leg.filter((h) => h.nat?.type === 'SNAT' || h.nat?.type === 'MASQUERADE');
  const first = leg[0];
  const last = leg.at(-1);
  const offCluster = last?.at.startsWith('ext/') ?? false;
  const pod = deliveredPod(leg);
  for (const hop of snats) {
    const nat = hop.nat as Nat;
    const node = hop.node ?? 'the node';
    const owner = ruleOwner(hop.rule ?? '');
    const by = owner ? `On ${node}, ${owner}` : node;
    // the AWS VPC CNI's AWS-SNAT-CHAIN-0 SNATs to the primary address: a pod address stays valid inside the VPC
    const aws = nat.type === 'SNAT' && (hop.rule ?? '').includes('AWS-SNAT-CHAIN-0');
    out.push(
      offCluster
        ? aws
          ? `${by} SNATs the packet to ${nat.after.src}, the primary address of ${node}: the destination is outside the VPC, which alone routes pod addresses.`
          : `${by} masquerades the packet to ${nat.after.src}, an address of ${node}: a pod address means nothing outside the cluster.`
        : `${by} masquerades the packet to ${nat.after.src}, an address of ${node}, so that the answer comes back through ${node}: the pod never sees the client's address ${ipOf(nat.before.src)}.`,
    );
  }
  const dnat = leg.some((h) => h.nat?.type === 'DNAT');
  const socketLb = leg.some((h) => h.kind === 'socket' && /connect[46]|cil_sock/.test(h.rule ?? ''));
  if (first && last && snats.length === 0 && first.at.startsWith('ext/') && (dnat || socketLb) && pod) {
    out.push(`The source is not translated: ${short(pod)} sees the client's own address ${ipOf(first.packet.src)}.`);
  }
  if (
    first &&
    last &&
    !dnat &&
    !socketLb &&
    snats.length === 0 &&
    !leg.some((h) => h.kind === 'loopback') &&
    first.packet.src === last.packet.src &&
    first.packet.dst === last.packet.dst &&
    ctx.candidates &&
    ctx.trace.verdict === 'delivered'
  ) {
    out.push(
      `No NAT anywhere: the packet arrives from ${first.packet.src} to ${first.packet.dst}, the addresses it left with.`,
    );
  }
  return out;
}

/** How the packet got from the sender's node to the receiver's: loopback, a bridge, a route, a tunnel. */
function path(leg: Hop[], ctx: Context): string[] {
  const out: string[] = [];
  if (leg.some((h) => h.kind === 'loopback')) {
    out.push(
      `The packet goes over lo inside the pod's own network namespace: no veth, no bridge, no node routing is involved.`,
    );
    return out;
  }
  const owner = CNI_NAMES[cniPlugin({ settings: ctx.settings }).kind];
  leg.forEach((hop, i) => {
    if (hop.kind === 'encap' && hop.packet.outer) {
      const outer = hop.packet.outer;
      const decap = leg.slice(i + 1).find((h) => h.kind === 'decap');
      const device = deviceOf(hop.at);
      const unwrap = decap ? `, and ${decap.node ?? 'the other node'}'s ${deviceOf(decap.at)} unwraps it` : '';
      out.push(
        `${hop.node ?? 'The node'} routes it to ${owner}'s tunnel device ${device}, which wraps it in ${tunnelOf(outer)} from node ${ipOf(outer.src)} to node ${ipOf(outer.dst)}${unwrap}; the pod addresses inside are untouched.`,
      );
    }
    if (
      hop.kind === 'wire' &&
      hop.at.startsWith('wire/') &&
      !hop.packet.outer &&
      cniPlugin({ settings: ctx.settings }).vpc
    ) {
      const from = leg[i - 1]?.node;
      const to = leg[i + 1]?.node;
      if (from && to)
        out.push(
          `${from} sends it into the VPC, whose fabric delivers it to the ENI of ${to} that holds the pod's address: no tunnel, no extra header, pod addresses are VPC addresses.`,
        );
    } else if (hop.kind === 'wire' && hop.at.startsWith('wire/') && !hop.packet.outer) {
      const before = leg.slice(0, i).findLast((h) => h.kind === 'route' && / via \d/.test(h.rule ?? ''));
      const via = before ? / via (\d+\.\d+\.\d+\.\d+)/.exec(before.rule ?? '')?.[1] : undefined;
      const from = leg[i - 1]?.node;
      const to = leg[i + 1]?.node;
      if (from && to) {
        out.push(
          `${from} routes it to ${to}${via ? ` by a plain route via ${to}'s address ${via}` : ''}: no tunnel, no extra header, the pod addresses travel as they are.`,
        );
      }
    }
  });
  const nodes = new Set(leg.map((h) => h.node).filter((n) => n !== null));
  const crosses = leg.some((h) => h.kind === 'wire' || h.kind === 'load-balancer');
  const firstAt = leg[0]?.at ?? '';
  if (!crosses && nodes.size === 1 && !firstAt.startsWith('ext/') && leg.some((h) => h.kind === 'veth')) {
    const node = [...nodes][0] as string;
    const routed = leg.some((h) => h.kind === 'route' && h.at === nodeId(node));
    const bridge = leg.find((h) => h.kind === 'bridge');
    const redirect = leg.some((h) => h.kind === 'veth' && /bpf_redirect/.test(h.rule ?? ''));
    if (routed) out.push(`Both ends are on ${node}, which routes the packet from one pod's veth to the other's.`);
    else if (bridge)
      out.push(
        `Both ends are on ${node}: the ${deviceOf(bridge.at)} bridge switches the frame from one pod's veth to the other's, with no routing and no NAT.`,
      );
    else if (redirect)
      out.push(
        `Both ends are on ${node}: Cilium's eBPF program redirects the packet from one pod's veth straight into the other's, with no bridge and no routing.`,
      );
  }
  out.push(...enis(leg));
  return out;
}

/**
 * The AWS VPC CNI's ip rules on the way out of the cluster: which ENI a pod's packet leaves by,
 * read from the rule of the node's route hop (`1536: from <pod> lookup <table>`, or the connmark's
 * `1024: from all fwmark …`).
 */
function enis(leg: Hop[]): string[] {
  if (!leg.at(-1)?.at.startsWith('ext/')) return [];
  const route = leg.find((h) => h.kind === 'route' && /^(1536|1024): /.test(h.rule ?? ''));
  if (!route) return [];
  const rule = route.rule ?? '';
  const node = route.node ?? 'the node';
  const own = /^1536: from (\S+) lookup (\S+); .* dev (\S+)/.exec(rule);
  if (own)
    return [
      `On ${node}, the ip rule for the pod's own address ${own[1]} picks route table ${own[2]}, the table of ${own[3]}, the ENI that holds that address: the packet leaves by ${own[3]}, not by eth0, and keeps the pod's address.`,
    ];
  const mark = /^1024: from all fwmark ([^/\s]+)\S* lookup main; .* dev (\S+)/.exec(rule);
  if (mark)
    return [
      `The pod's address is on another ENI, but the VPC CNI marked the connection ${mark[1]} for leaving the VPC, and the ip rule for that mark sends it by ${node}'s main table, out of ${mark[2]}.`,
    ];
  return [];
}

/** An answer the VPC hands to the ENI holding a pod's address (`512: from all to <pod> lookup main`). */
function eniArrival(trace: Trace): string[] {
  const hop = (trace.reply?.hops ?? []).find(
    (h) => h.kind === 'route' && h.at.startsWith('dev/') && /^512: from all to /.test(h.rule ?? ''),
  );
  if (!hop || !(trace.hops.at(-1)?.at.startsWith('ext/') ?? false)) return [];
  return [
    `The answer comes back to the ENI that holds the pod's address, ${hop.node ?? 'the node'}'s ${deviceOf(hop.at)}, and the ip rule for that address hands it to the main table and the pod's veth.`,
  ];
}

/** An L7 proxy's part: it ends the client's connection, reads the request and decides. */
function proxySentences(proxy: Hop, next: Leg | undefined, ctx: Context): string[] {
  const { trace } = ctx;
  const http = trace.http;
  const request = http ? ` and reads ${http.method} ${http.host}${http.path}` : '';
  const out = [`The Ingress controller ends the client's connection${request}.`];
  const backend = next ? deliveredPod(next.hops) : null;
  const service = / -> service ([^\s:]+)/.exec(proxy.rule ?? '')?.[1];
  if (next && backend && next.hops[0]) {
    const n = trace.candidates.length;
    const among = n > 1 ? ` one of ${service ? `${service}'s` : 'the'} ${plural(n, 'endpoint')},` : '';
    out.push(
      `It picks${among} ${short(backend)}${chosenNote(ctx, backend)}, and opens a second connection of its own from ${ipOf(next.hops[0].packet.src)} straight to ${next.hops[0].packet.dst}.`,
    );
  } else if (http?.status === 404) {
    out.push(`No rule of the Ingress matches, so the controller's default backend answers 404.`);
  } else if (http?.status === 503) {
    out.push(
      `The rule leads to ${service ? `the Service ${service}` : 'a Service'}, which has no ready endpoint, so the controller answers 503 itself.`,
    );
  } else if (http) {
    out.push(`No backend is contacted: the controller answers ${http.status} itself.`);
  }
  return out;
}

/** The way back: conntrack (or Cilium's socket hook) undoing the translations, node by node. */
function replySentences(trace: Trace): string[] {
  const hops = (trace.reply?.hops ?? []).filter((h) => h.nat?.type === 'un-DNAT' || h.nat?.type === 'un-SNAT');
  const out: string[] = [];
  const places = [...new Set(hops.map((h) => `${h.kind === 'socket' ? 'socket' : 'node'} ${h.node ?? ''}`))];
  for (const place of places) {
    const here = hops.filter((h) => `${h.kind === 'socket' ? 'socket' : 'node'} ${h.node ?? ''}` === place);
    const undnat = here.find((h) => h.nat?.type === 'un-DNAT')?.nat;
    const unsnat = here.find((h) => h.nat?.type === 'un-SNAT')?.nat;
    const first = here[0] as Hop;
    const who =
      first.kind === 'socket'
        ? `Cilium's socket hook for ${short(podOf(first.at) ?? first.node ?? 'the client')}`
        : `conntrack on ${first.node ?? 'the node'}`;
    const parts = [
      ...(unsnat ? [`restores the destination ${unsnat.after.dst} (un-SNAT)`] : []),
      ...(undnat ? [`rewrites the source back to ${undnat.after.src} (un-DNAT), the address the client dialed`] : []),
    ];
    out.push(`On the way back, ${who} ${parts.join(' and ')}.`);
  }
  return out;
}

/**
 * The mechanism behind one trace, as sentences in the order the packet meets it.
 *
 * @example
 * ```ts
 * const t = trace(cluster, { from: 'pod/default/client', to: 'svc/default/web' });
 * explainTrace(t, cluster.settings).join(' ');
 * // "On node-a, kube-proxy's iptables rules catch 10.96.0.20:80 and pick one of the 3 endpoints
 * //  at random (1/3 each), here default/web-…; DNAT rewrites the destination to …"
 * ```
 */
export function explainTrace(trace: Trace, settings: ExplainSettings): string[] {
  const out: string[] = [];
  if (trace.dns) {
    const answered = trace.dns.queries.find((q) => q.answer !== 'NXDOMAIN' && !q.timedOut);
    const server = trace.dns.hops[0]?.packet.dst;
    if (answered && Array.isArray(answered.answer)) {
      out.push(
        `First the client's resolver asks the cluster DNS${server ? ` at ${ipOf(server)}` : ''} for ${answered.name}, and gets ${answered.answer.join(', ')}.`,
      );
    }
    const dnsCtx: Context = { trace, settings, candidates: false };
    out.push(
      ...decision(trace.dns.hops, dnsCtx).map((s) =>
        s.startsWith('On ') ? s.replace(/^On /, 'For the query, on ') : `For the query: ${s}`,
      ),
    );
  }
  const legs = legsOf(trace.hops);
  legs.forEach((leg, i) => {
    const ctx: Context = { trace, settings, candidates: legs.length === 1 };
    out.push(...decision(leg.hops, ctx), ...path(leg.hops, ctx), ...translations(leg.hops, ctx));
    if (leg.proxy) out.push(...proxySentences(leg.proxy, legs[i + 1], ctx));
  });
  if (trace.verdict === 'delivered') out.push(...replySentences(trace), ...eniArrival(trace));
  else out.push(trace.reason);
  // a trace that holds several packets of one connection meets the same device and rule each time
  return [...new Set(out)];
}
