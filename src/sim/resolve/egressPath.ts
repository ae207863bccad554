/**
 * The way out of the cluster and back (docs/networking-model.md): a pod's (or a node's) packet to
 * an address outside the cluster leaves its node by the default route through eth0, after
 * POSTROUTING decided whether it is masqueraded, and crosses the Internet; the answer comes back to
 * the node, where conntrack undoes the masquerade. The callers add the sockets at both ends.
 */
import { deviceId, INTERNET_ID, nodeId, vethId } from '../model/ids';
import { cidrContains, formatCidr, formatIPv4, splitAddr } from '../model/ip';
import { lookup } from '../model/lookup';
import { macFor } from '../model/rng';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import type { Nat } from '../trace/types';
import { egressMasquerade } from './egress';
import { deviceIP, deviceOf, parseCidr, parseIPv4 } from '../model/memo';
import { evaluatePolicy, writePolicyHop } from './networkPolicy';
import type { PathWriter } from './pathWriter';
import { leavePod, netnsNode, nodeToLocalPod, unSnat } from './podPath';
import { cniPlugin } from '../registry';
import type { Netns, SnatRecord, WalkContext } from './podPath';
import { podText } from '../narrate/pod';

const ipOf = (addr: string): string => {
  const colon = addr.indexOf(':');
  return colon < 0 ? addr : addr.slice(0, colon);
};

/** The node's default gateway: the first address of its eth0 subnet, as the underlay routes assume. */
export function defaultGateway(node: ClusterNode): string {
  const net = parseCidr(deviceOf(node, 'eth0')?.address ?? `${node.internalIP}/24`);
  return net ? formatIPv4(net.base + 1) : '';
}

/**
 * The node's connected subnet when `ip` is on it (the kernel's `192.168.10.0/24 dev eth0 proto
 * kernel scope link` route): such a host is reached on-link, by ARP for itself, not via the gateway.
 */
export function onLinkSubnet(node: ClusterNode, ip: string): string | null {
  const net = parseCidr(deviceOf(node, 'eth0')?.address ?? `${node.internalIP}/24`);
  const value = parseIPv4(ip);
  return net !== null && value !== null && cidrContains(net, value) ? formatCidr(net) : null;
}

/** Private, shared and link-local ranges: a site's own network, which can be taught a route to the pod network. */
const SITE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

export function siteAddress(ip: string): boolean {
  const value = parseIPv4(ip);
  return (
    value !== null &&
    SITE_RANGES.some((r) => {
      const c = parseCidr(r);
      return c !== null && cidrContains(c, value);
    })
  );
}

/**
 * Walks a packet from a pod's or a node's namespace out of the cluster towards `dstIP` (the hops
 * between the client's socket and the external server's). Masquerade on the way is recorded in
 * `ctx.snat`; with `ctx.policy`, the source pod's egress policy is checked (and the walk stops with
 * `ctx.policy.dropped` set when it drops the packet).
 */
export function walkToExternal(w: PathWriter, ctx: WalkContext, from: Netns, dstIP: string): void {
  const cluster = ctx.cluster;
  const cni = cniPlugin(cluster);
  const node = netnsNode(cluster, from);
  const pod: Pod | null = from.kind === 'pod' ? from.pod : null;
  const gw = defaultGateway(node);
  const subnet = onLinkSubnet(node, dstIP);
  const src = from.kind === 'host' ? (from.ip ?? node.internalIP) : node.internalIP;
  const plainRule = subnet
    ? `${subnet} dev eth0 proto kernel scope link src ${src}`
    : `default via ${gw} dev eth0 proto static`;
  // The AWS VPC CNI: a pod on a secondary ENI leaves by eth0 anyway, through the connmark's ip rule.
  const markRule = pod !== null ? (cni.vpc?.egressRule(pod) ?? null) : null;
  const routeRule = markRule === null ? plainRule : `${markRule}; ${plainRule}`;
  const marked =
    markRule === null
      ? ''
      : ` The connection is marked ${markRule.split(' ')[4] ?? ''} as it leaves the VPC, and that ip rule picks the main table over the table of the pod's own ENI.`;
  if (pod !== null) {
    leavePod(w, cluster, pod, null, dstIP);
    const state = ctx.policy;
    if (state && !state.reply) {
      const colon = w.packet.dst.indexOf(':');
      const protocol = w.packet.protocol === 'udp' ? 'udp' : w.packet.protocol === 'icmp' ? 'icmp' : 'tcp';
      const verdict = evaluatePolicy(cluster, {
        srcPod: pod,
        dstIP,
        port: colon < 0 ? null : Number(w.packet.dst.slice(colon + 1)),
        protocol,
      });
      state.verdict = verdict;
      if (!writePolicyHop(w, cluster, verdict.egress, vethId(pod.node, pod.namespace, pod.name), pod.node)) {
        state.dropped = verdict.egress;
        return;
      }
    }
    if (cni.bridge !== null) {
      w.hop({
        kind: 'bridge',
        at: deviceId(node.name, cni.bridge),
        node: node.name,
        rule: `${node.name} ${cni.bridge} ${deviceIP(node, cni.bridge) ?? ''}`,
        text: podText({ what: 'bridge-up', bridge: cni.bridge, node: node.name, then: 'routing' }),
      });
    }
    w.routed();
    const via = cni.podDatapath === 'ebpf' ? `${cni.name}'s eBPF hands the packet to the host's routing: ` : '';
    w.hop({
      kind: 'route',
      at: nodeId(node.name),
      node: node.name,
      devices: [deviceId(node.name, 'eth0')],
      rule: routeRule,
      text: subnet
        ? `${via}${dstIP} is outside the cluster but on ${node.name}'s own subnet ${subnet}: the connected route sends it straight out of eth0, no gateway. TTL drops by one.`
        : `${via}${dstIP} is outside the cluster, so ${node.name} takes its default route through eth0 to the gateway ${gw}. TTL drops by one.${marked}`,
    });
    postroutingOut(w, ctx, node, pod, dstIP);
  } else {
    w.hop({
      kind: 'route',
      at: nodeId(node.name),
      node: node.name,
      devices: [deviceId(node.name, 'eth0')],
      rule: routeRule,
      text: subnet
        ? `${dstIP} is outside the cluster but on ${node.name}'s own subnet ${subnet}: the connected route sends it straight out of eth0, with the node's address ${src} as the source.`
        : `${dstIP} is outside the cluster: ${node.name} takes its default route through eth0 to the gateway ${gw}, with its own address ${node.internalIP} as the source.`,
    });
  }
  // On-link: the next hop is the host itself, so ARP asks for its address, not the gateway's.
  const nextHop = subnet ? dstIP : gw;
  const nextMac = macFor(subnet ? `host/${dstIP}` : `gateway/${gw}`);
  w.update({ eth: { src: deviceOf(node, 'eth0')?.mac ?? '', dst: nextMac } });
  w.hop({
    kind: subnet ? 'arp' : 'route',
    at: deviceId(node.name, 'eth0'),
    node: node.name,
    rule: `${nextHop} dev eth0 lladdr ${nextMac} REACHABLE`,
    text: subnet
      ? `${node.name} resolves ${dstIP} itself by ARP (it is on-link) and sends the frame to it through eth0.`
      : `The packet leaves ${node.name} through eth0 towards the gateway ${gw}.`,
  });
  const seen = ipOf(w.packet.src);
  if (subnet) return; // the frame reaches the host across the subnet's switch: no router, no Internet
  w.hop({
    kind: 'wire',
    at: INTERNET_ID,
    node: null,
    text: `The packet crosses the site's router and the Internet to ${dstIP}, which sees it come from ${seen}. Any further NAT at the edge router or a cloud NAT gateway is outside the model.`,
  });
}

/** The range of `node` a pod's address was taken from (its podCIDR, or a Calico block). */
function podRangeOf(node: ClusterNode, podIP: string): string {
  const value = parseIPv4(podIP) ?? 0;
  return (
    node.podRanges?.find((r) => {
      const c = parseCidr(r);
      return c !== null && cidrContains(c, value);
    }) ??
    node.podCIDR ??
    `${podIP}/32`
  );
}

/**
 * Whether a trace's answer depends on the site network routing the pod CIDRs: a pod's connection
 * reached a host on a private or on-link address still carrying the pod's own address.
 */
export function replyNeedsSiteRoute(
  cluster: Cluster,
  hops: readonly { kind: string; at: string; packet: { src: string; dst: string } }[],
): boolean {
  const last = hops[hops.length - 1];
  if (!last || last.kind !== 'deliver' || !last.at.startsWith('ext/')) return false;
  const src = parseIPv4(ipOf(last.packet.src));
  return src !== null && cidrContains(lookup(cluster).podSubnet, src) && siteAddress(ipOf(last.packet.dst));
}

/** POSTROUTING on the way out: the CNI's or ip-masq-agent's masquerade decision for a pod's packet. */
export function postroutingOut(w: PathWriter, ctx: WalkContext, node: ClusterNode, pod: Pod, dstIP: string): void {
  const d = egressMasquerade(ctx.cluster, pod, dstIP, node, 'eth0');
  if (!d.masquerade || d.newSrc === null) {
    if (d.rule !== '') w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, rule: d.rule, text: d.text });
    else w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, text: d.text });
    return;
  }
  const before = { src: w.packet.src, dst: w.packet.dst };
  const port = w.packet.protocol === 'icmp' ? null : d.keepsPort ? splitAddr(w.packet.src).port : ctx.ephemeralPort();
  w.update({ src: port === null ? d.newSrc : `${d.newSrc}:${port}` });
  const nat: Nat = { type: d.snat ? 'SNAT' : 'MASQUERADE', before, after: { src: w.packet.src, dst: w.packet.dst } };
  ctx.snat = { node, nat };
  w.hop({ kind: 'netfilter', at: nodeId(node.name), node: node.name, nat, rule: d.rule, text: d.text });
}

/**
 * The answer from an external server back to the client (between the server's socket and the
 * client's). A masqueraded connection returns to the node, where conntrack restores the pod's
 * address. An unmasqueraded pod address comes back only when the site network routes the pod
 * CIDRs to the nodes (`settings.siteRoutesPodNetwork`, off by default); the Internet never does.
 * Returns false when the answer is lost.
 */
export function walkFromExternal(w: PathWriter, ctx: WalkContext, client: Netns, snat: SnatRecord | null): boolean {
  const cluster = ctx.cluster;
  const node = snat?.node ?? netnsNode(cluster, client);
  const src = ipOf(w.packet.src);
  const to = ipOf(w.packet.dst);
  const podAddressed = snat === null && client.kind === 'pod';
  const gw = defaultGateway(node);
  const subnet = onLinkSubnet(node, src);
  if (podAddressed && !siteAddress(src)) {
    w.hop({
      kind: 'drop',
      at: INTERNET_ID,
      node: null,
      text: `The answer is addressed to the pod address ${to}, which is private to the cluster: the Internet has no route back to it, so it is lost and the client times out.`,
    });
    return false;
  }
  const range = client.kind === 'pod' ? podRangeOf(node, client.pod.ip) : '';
  // The VPC routes pod addresses to their ENIs itself (the AWS VPC CNI): a host inside it answers.
  const vpcRoutes =
    cniPlugin(cluster).underlayRoutesPods === true && cidrContains(lookup(cluster).podSubnet, parseIPv4(src) ?? 0);
  if (podAddressed && cluster.settings.siteRoutesPodNetwork !== true && !vpcRoutes) {
    w.hop({
      kind: 'drop',
      at: INTERNET_ID,
      node: null,
      text: `${src} has no route of its own to the pod address ${to} and hands the answer to its ${subnet ? 'default ' : ''}gateway${subnet ? ` ${gw}` : ''}; nothing on the site network routes the pod network ${cluster.settings.podSubnet} back to the nodes (the site network is not set to route pod CIDRs), so the answer is lost and the client times out.`,
    });
    return false;
  }
  // The answer reaches the node's eth0: on-link from the host itself when it answers the node's
  // own address; otherwise through the site's router.
  const direct = !podAddressed && subnet !== null;
  if (!direct) {
    const how = podAddressed
      ? `the site network routes the pod network (${range} via ${node.internalIP}) back to ${node.name}`
      : `it is addressed to ${node.name}'s own address`;
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      ...(podAddressed ? { rule: `${range} via ${node.internalIP} (site router)` } : {}),
      text: `The answer comes back from ${src} across the network: ${how}.`,
    });
  }
  w.update({
    eth: {
      src: macFor(direct ? `host/${src}` : `gateway/${gw}`),
      dst: deviceOf(node, 'eth0')?.mac ?? '',
    },
  });
  w.hop({
    kind: 'route',
    at: deviceId(node.name, 'eth0'),
    node: node.name,
    // A pod-addressed answer is forwarded (the next hop routes it); the node's own address is local.
    ...(podAddressed
      ? {}
      : {
          rule:
            snat === null
              ? `local ${node.internalIP} dev eth0 table local proto kernel scope host src ${node.internalIP}`
              : '-m conntrack --ctstate ESTABLISHED',
        }),
    text: direct
      ? `${node.name} receives the answer on eth0 straight from ${src}, a host on its own subnet ${subnet ?? ''}.`
      : `${node.name} receives the answer on eth0.`,
  });
  if (snat !== null) unSnat(w, snat, 'answer');
  if (client.kind === 'pod')
    nodeToLocalPod(w, ctx, lookup(cluster).nodeByName.get(client.pod.node) ?? node, client.pod, 'forward', false);
  return true;
}
