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
import { AWS_CONNMARK, vpcCidrs } from '../cni/awsVpc';
import type { Netns, SnatRecord, WalkContext } from './podPath';
import type { VpcEgress } from '../cni/common';
import { podText } from '../narrate/pod';
import { assumedSubnetNote } from '../narrate/route';

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

/** Whether an address is inside the VPC's CIDRs (the setting, or the assumption). */
function inVpcCidrs(cluster: Cluster, ip: string): boolean {
  const value = parseIPv4(ip);
  return (
    value !== null &&
    vpcCidrs(cluster).cidrs.some((c) => {
      const p = parseCidr(c);
      return p !== null && cidrContains(p, value);
    })
  );
}

/** Why a VPC CNI pod's packet was not marked to leave by eth0: which rule let it through unmarked. */
function vpcEgressWhy(why: VpcEgress['why'], dstIP: string): string {
  switch (why) {
    case 'external-snat':
      return ' AWS_VPC_K8S_CNI_EXTERNALSNAT is true, so the plugin installs no AWS-CONNMARK-CHAIN-0 to mark connections leaving the VPC, and the fwmark rule (priority 1024) matches nothing.';
    case 'excluded':
      return ` ${dstIP} is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, so AWS-CONNMARK-CHAIN-0 returns without marking the connection 0x80 and the fwmark rule (priority 1024) does not match.`;
    case 'in-vpc':
      return ` ${dstIP} is inside the VPC, so AWS-CONNMARK-CHAIN-0 returns without marking the connection 0x80 and the fwmark rule (priority 1024) does not match.`;
    case 'marked':
      return '';
  }
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
  // The AWS VPC CNI: a pod on a secondary ENI leaves by its ENI's table unless its connection was
  // marked as leaving the VPC (then by the connmark's rule to main and eth0, to be SNATed).
  const vpcEgress = pod !== null && cni.vpc ? cni.vpc.egressRoute(cluster, node, pod, dstIP) : null;
  const outDev = vpcEgress?.dev ?? 'eth0';
  // A secondary ENI's table has no connected route: everything goes to the subnet's router.
  const subnet = outDev === 'eth0' ? onLinkSubnet(node, dstIP) : null;
  const src = from.kind === 'host' ? (from.ip ?? node.internalIP) : node.internalIP;
  const plainRule = subnet
    ? `${subnet} dev eth0 proto kernel scope link src ${src}`
    : `default via ${gw} dev eth0 proto static`;
  const routeRule =
    vpcEgress === null ? plainRule : vpcEgress.marked ? `${vpcEgress.rule}; ${plainRule}` : vpcEgress.rule;
  const marked = vpcEgress?.marked
    ? ` The connection was marked ${AWS_CONNMARK} as it left the pod for outside the VPC (AWS-CONNMARK-CHAIN-0), and the ip rule for that mark (priority 1024) picks the main table before the pod's own rule (1536) could pick the table of its ENI, ${pod === null ? '' : (cni.vpc?.eniOf(pod) ?? '')}.`
    : '';
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
      devices: [deviceId(node.name, outDev)],
      rule: routeRule,
      text:
        vpcEgress !== null && !vpcEgress.marked
          ? `${pod.ip} is a secondary address of ${outDev}, so the ip rule from ${pod.ip} (priority 1536) picks table ${vpcEgress.table}, ${outDev}'s own: its default route sends ${dstIP} out of ${outDev} to the subnet's router ${gw}, not out of eth0.${vpcEgressWhy(vpcEgress.why, dstIP)} TTL drops by one.${assumedSubnetNote(vpcEgress.assumedSubnet)}`
          : subnet
            ? `${via}${dstIP} is outside the cluster but on ${node.name}'s own subnet ${subnet}: the connected route sends it straight out of eth0, no gateway. TTL drops by one.`
            : `${via}${dstIP} is outside the cluster, so ${node.name} takes its default route through eth0 to the gateway ${gw}. TTL drops by one.${marked}`,
    });
    postroutingOut(w, ctx, node, pod, dstIP, outDev);
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
  w.update({ eth: { src: deviceOf(node, outDev)?.mac ?? '', dst: nextMac } });
  w.hop({
    kind: subnet ? 'arp' : 'route',
    at: deviceId(node.name, outDev),
    node: node.name,
    rule: `${nextHop} dev ${outDev} lladdr ${nextMac} REACHABLE`,
    text: subnet
      ? `${node.name} resolves ${dstIP} itself by ARP (it is on-link) and sends the frame to it through eth0.`
      : `The packet leaves ${node.name} through ${outDev} towards the gateway ${gw}.`,
  });
  const seen = ipOf(w.packet.src);
  if (subnet) return; // the frame reaches the host across the subnet's switch: no router, no Internet
  const inVpc = cni.vpc !== undefined && inVpcCidrs(cluster, dstIP);
  w.hop({
    kind: 'wire',
    at: INTERNET_ID,
    node: null,
    text: inVpc
      ? `The VPC's router delivers the packet to ${dstIP}, inside the VPC, which sees it come from ${seen}.`
      : cni.vpc && siteAddress(dstIP)
        ? `The VPC's router sends the packet on to ${dstIP}, a private address beyond the VPC (a peered VPC, a VPN or Direct Connect), which sees it come from ${seen}.`
        : `The packet crosses the site's router and the Internet to ${dstIP}, which sees it come from ${seen}. Any further NAT at the edge router or a cloud NAT gateway is outside the model.`,
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
export function postroutingOut(
  w: PathWriter,
  ctx: WalkContext,
  node: ClusterNode,
  pod: Pod,
  dstIP: string,
  outDev = 'eth0',
): void {
  const d = egressMasquerade(ctx.cluster, pod, dstIP, node, outDev);
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
      text:
        cniPlugin(cluster).vpc?.externalSnat === true
          ? `The answer is addressed to the pod address ${to}, a private address of the VPC: the Internet has no route back to it, so it is lost and the client times out. With AWS_VPC_K8S_CNI_EXTERNALSNAT, a NAT gateway on the subnet's route to the Internet would have translated the connection on the way out (outside the model).`
          : `The answer is addressed to the pod address ${to}, which is private to the cluster: the Internet has no route back to it, so it is lost and the client times out.`,
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
  // own address; otherwise through the site's router. The VPC hands a pod-addressed answer to the
  // ENI that holds the pod's address, eth1 for a pod on the secondary ENI.
  const vpc = cniPlugin(cluster).vpc;
  const inDev = podAddressed && vpc && client.kind === 'pod' ? vpc.eniOf(client.pod) : 'eth0';
  const direct = !podAddressed && subnet !== null;
  if (!direct) {
    const how = !podAddressed
      ? `it is addressed to ${node.name}'s own address`
      : vpc
        ? `the VPC delivers it to the ENI that holds ${to}, ${node.name}'s ${inDev}`
        : `the site network routes the pod network (${range} via ${node.internalIP}) back to ${node.name}`;
    w.hop({
      kind: 'wire',
      at: INTERNET_ID,
      node: null,
      ...(podAddressed && !vpc ? { rule: `${range} via ${node.internalIP} (site router)` } : {}),
      text: `The answer comes back from ${src} across the network: ${how}.`,
    });
  }
  w.update({
    eth: {
      src: macFor(direct ? `host/${src}` : `gateway/${gw}`),
      dst: deviceOf(node, inDev)?.mac ?? '',
    },
  });
  const arrival = podAddressed && vpc && client.kind === 'pod' ? vpc.arrivalRule(client.pod) : '';
  w.hop({
    kind: 'route',
    at: deviceId(node.name, inDev),
    node: node.name,
    // A pod-addressed answer is forwarded (the next hop routes it); the node's own address is local.
    ...(podAddressed
      ? arrival !== ''
        ? { rule: arrival }
        : {}
      : {
          rule:
            snat === null
              ? `local ${node.internalIP} dev eth0 table local proto kernel scope host src ${node.internalIP}`
              : '-m conntrack --ctstate ESTABLISHED',
        }),
    text: direct
      ? `${node.name} receives the answer on eth0 straight from ${src}, a host on its own subnet ${subnet ?? ''}.`
      : arrival !== ''
        ? `${node.name} receives the answer on ${inDev}; the ip rule to ${to} (priority 512) looks it up in the main table, whose /32 route leads to the pod's veth.`
        : `${node.name} receives the answer on eth0.`,
  });
  if (snat !== null) unSnat(w, snat, 'answer');
  if (client.kind === 'pod')
    nodeToLocalPod(w, ctx, lookup(cluster).nodeByName.get(client.pod.node) ?? node, client.pod, 'forward', false);
  return true;
}
