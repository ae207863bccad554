/**
 * Sentences for the Service proxy's decisions (proxy/): the module says what translated the packet
 * (netfilter, IPVS, eBPF), where it decided and what it keeps in conntrack; the narrator words it,
 * so that no walk branches on the proxy's mode to find a sentence.
 */
import { MASQ_MARK, probabilityList } from '../proxy/common';
import type { Backend, MasqueradeReason, ProxyEvent, ServiceProxy } from '../proxy/common';

/** The hop that rewrites the destination `dialed` to the endpoint `b`. */
export function dnatText(proxy: ServiceProxy, b: Backend, dialed: string): string {
  const where =
    proxy.translator === 'ipvs'
      ? 'IPVS (Masq forwarding) rewrites'
      : proxy.translator === 'ebpf'
        ? "Cilium's eBPF on the native device rewrites"
        : 'DNAT rewrites';
  return `${proxy.name}: ${where} the destination ${dialed} to the endpoint ${b.ip}:${b.port} (${b.pod}).`;
}

/** Why the proxy masquerades, as a clause. */
export function masqueradeWhyText(why: MasqueradeReason | null): string {
  if (why === null) return '';
  switch (why.reason) {
    case 'outside-cluster-cidr':
      return `the source ${why.src} is outside the cluster CIDR ${why.cidr} (not a pod), so replies must come back through this node`;
    case 'external-cluster':
      return why.by === 'cilium'
        ? `externalTrafficPolicy Cluster: Cilium SNATs traffic to a ${why.where} so that replies return through ${why.node}`
        : `externalTrafficPolicy Cluster: traffic to a ${why.where} is masqueraded so that replies return through ${why.node}; the client's address is lost`;
    case 'local-host-external':
      return 'a host process uses an external destination of a Local Service';
    case 'hairpin':
      return `hairpin: ${why.pod} reaches its own Service and lands on itself${why.ipset === null ? '' : ` (ipset ${why.ipset})`}`;
  }
}

/** The POSTROUTING hop that masquerades a packet the proxy marked (`why`: the decision's reason). */
export function serviceMasqueradeText(proxy: ServiceProxy, why: MasqueradeReason | null): string {
  const who = proxy.translator === 'ebpf' ? "Cilium's eBPF SNATs" : `${proxy.name} masquerades`;
  return `POSTROUTING: ${who} the marked packet (${masqueradeWhyText(why)}): its source becomes the address of the device it leaves through, with a random port.`;
}

/** A hairpin over a bridge: the packet leaves through cni0 back to the pod it came from. */
export function hairpinMasqueradeText(why: MasqueradeReason | null, gw: string): string {
  return `POSTROUTING masquerades the packet (${masqueradeWhyText(why)}). It leaves through cni0, so the source becomes the bridge's address ${gw}; otherwise the pod would get a reply from itself and drop it.`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const pinnedNote = (pinned: boolean): string => (pinned ? ' (pinned by --pick)' : '');

/** The sentence of one step of the proxy's walk (`proxy.name` names the component). */
export function proxyStepText(proxy: ServiceProxy, e: ProxyEvent): string {
  const name = proxy.name;
  switch (e.event) {
    case 'kube-services':
      if (e.entry === 'clusterIP')
        return `${name}: nat ${e.hook} jumps to KUBE-SERVICES, where ${e.dst} matches ${e.service}'s ClusterIP rule.`;
      if (e.entry === 'nodePort')
        return `${name}: nat ${e.hook} → KUBE-SERVICES; ${e.dstIP} is a local address (--dst-type LOCAL), so the last rule sends it to KUBE-NODEPORTS, where port ${e.nodePort} is ${e.service}'s NodePort.`;
      return `${name}: nat ${e.hook} → KUBE-SERVICES, where ${e.dst} matches ${e.service}'s LoadBalancer IP rule.`;
    case 'nft-map':
      if (e.entry === 'clusterIP') return `${name}: the nat-${e.hook} chain looks ${e.dst} up in the service-ips map.`;
      return `${name}: ${e.entry === 'nodePort' ? `${e.dstIP} is a local address, so the service-nodeports map matches port ${e.nodePort}` : `the service-ips map matches the LoadBalancer address ${e.dst}`}.`;
    case 'ipvs-virtual-server':
      return e.entry === 'nodePort'
        ? `${name}: IPVS has a virtual server for ${e.nodePortAddr} (a NodePort on every node address), reached on the INPUT path.`
        : `${name}: ${e.dstIP} is held by the dummy device kube-ipvs0, so it is a local address; the packet takes the INPUT path, where IPVS has a virtual server for ${e.dst}.`;
    case 'ebpf-service-map':
      return `${name}: the eBPF service map holds ${e.dst}.`;
    case 'no-endpoints':
      switch (e.by) {
        case 'filter-reject':
          return `${e.service} has no ready endpoint, so kube-proxy installs no NAT for it, only this filter rule (reached for NEW connections): REJECT with ICMP port unreachable, so the client is refused at once. DNS still answers with the ${e.answered}.`;
        case 'nft-reject-chain':
          return `${e.service} has no ready endpoint: the no-endpoint-services map sends the packet to reject-chain, which rejects it (the client is refused at once).`;
        case 'ipvs-no-real-server':
          return `The IPVS virtual server has no real server, so the kernel's IPVS code answers with ICMP port unreachable: connection refused.`;
        case 'ebpf-no-backend':
          return `Cilium's service has no backend: the connect() fails at once (ECONNREFUSED).`;
      }
      break;
    case 'no-local-endpoints':
      return `${e.entry === 'clusterIP' ? 'internalTrafficPolicy' : 'externalTrafficPolicy'} Local and no endpoint of ${e.service} runs on ${e.node}: the packet is dropped silently, and the client waits until it times out.`;
    case 'external-cluster':
      return `${e.extChain} (externalTrafficPolicy Cluster) marks the packet for masquerade (${MASQ_MARK}) and jumps to ${e.svcChain}: any ready endpoint in the cluster may be chosen.`;
    case 'external-local-as-cluster':
      return `${e.extChain} (externalTrafficPolicy Local): ${e.srcLocal ? 'traffic from the node itself is masqueraded and' : 'traffic from a pod is'} treated as cluster traffic, so ${e.svcChain} may choose any endpoint.`;
    case 'external-local':
      return `${e.extChain} (externalTrafficPolicy Local) jumps to ${e.svlChain}: only endpoints on ${e.node}, and no masquerade, so the pod sees the client's own address.`;
    case 'mark-masquerade': {
      const m = e.marker;
      const why = e.why === null ? '' : `: ${masqueradeWhyText(e.why)}`;
      if (m.kind === 'iptables-chain')
        return m.first
          ? `${m.chain}'s first rule marks the packet for masquerade (${MASQ_MARK})${why}.`
          : `${m.chain} marks the packet for masquerade${why}.`;
      if (m.kind === 'nft-chain')
        return `The ${m.chain} chain marks the packet for masquerade${e.why === null ? ' (externalTrafficPolicy Cluster)' : why}.`;
      return `iptables, beside IPVS, marks the packet for masquerade${m.ipset === null ? '' : ` (ipset ${m.ipset})`}${why}.`;
    }
    case 'pick-statistic': {
      const { chosen: b, affinity: a } = e;
      const sticky =
        a === null
          ? ''
          : ` sessionAffinity ClientIP: no \`-m recent --rcheck --seconds ${a.timeout}\` rule knows ${a.client} yet (a first connection); the DNAT rule's \`recent --set\` now remembers it, so later connections from ${a.client} through ${a.node} stick to this endpoint.`;
      return (
        `${e.chain} lists ${plural(e.n, 'endpoint')} sorted by IP:port; rule i matches with probability 1/(n-i) (${probabilityList(e.n)}), so each has 1/${e.n}.` +
        ` The draw lands on ${b.ip}:${b.port} (${b.pod})${pinnedNote(e.pinned)}.${sticky}`
      );
    }
    case 'pick-numgen': {
      const { chosen: b, affinity: a } = e;
      const sticky =
        a === null
          ? ''
          : ` sessionAffinity ClientIP: the endpoint's affinity set records ${a.client} for ${a.timeout} s.`;
      return `${e.chain}: one rule picks among ${plural(e.n, 'endpoint')} sorted by IP:port with numgen random mod ${e.n} (1/${e.n} each); it lands on ${e.index} → ${b.ip}:${b.port} (${b.pod})${pinnedNote(e.pinned)}.${sticky}`;
    }
    case 'pick-rr': {
      const { chosen: b, persistence: p } = e;
      const how = e.pinned
        ? `pinned by --pick to ${b.ip}:${b.port}`
        : `after ${plural(e.rrOffset, 'earlier connection')} on ${e.node} it takes real server ${e.index + 1} of ${e.n} in ipvsadm order, ${b.ip}:${b.port} (${b.pod})`;
      return `IPVS schedules with rr (round robin, per node): ${how}.${p === null ? '' : ` Persistence (${p.timeout} s) keeps ${p.client} on it.`}`;
    }
  }
  return '';
}

/** The conntrack hop on the deciding node, once the translation is recorded. */
export function conntrackText(node: string): string {
  return `conntrack on ${node} records the connection with its translation; later packets follow it without the rules, and the reply is translated back here.`;
}

/** A proxy whose node device holds every Service address: the packet to `ip` goes up to INPUT. */
export function localVipText(dev: string, ip: string): string {
  return `${dev}, a dummy device, holds ${ip}/32, so the kernel treats it as a local address: the packet goes to INPUT, where IPVS waits.`;
}

/**
 * A node receiving a load balancer's packet: a proxying load balancer sent it to a NodePort,
 * a pass-through one left the LB address, which the Service proxy holds on a device or in a rule.
 */
export function lbArrivalText(node: string, proxy: ServiceProxy, lbProxied: boolean): string {
  if (lbProxied) return `${node} receives the packet on eth0.`;
  // Cilium's replacement runs no kube-proxy: its eBPF service map holds the address as a frontend.
  if (!proxy.kubeProxy) return `${node} receives the packet on eth0; ${proxy.name} has a frontend for the LB address.`;
  const holds =
    proxy.nodeDevice !== null ? `holds the LB address on ${proxy.nodeDevice}` : 'has a rule for the LB address';
  return `${node} receives the packet on eth0; kube-proxy ${holds}.`;
}

/**
 * A proxy that decides at connect() (`inClusterHook: 'connect'`, Cilium's socket LB) connected the
 * socket to `backend` (`pod`): no packet carries the dialed address. `affinity`: the ClientIP
 * affinity timeout in seconds, or null.
 */
export function socketConnectText(
  proxy: ServiceProxy,
  backend: string,
  pod: string,
  dialed: string,
  affinity: number | null,
): string {
  const sticky =
    affinity === null
      ? ''
      : ` sessionAffinity ClientIP: Cilium's eBPF affinity map remembers the client for ${affinity} s.`;
  return `${proxy.name}: Cilium's cgroup connect() hook picks a backend at random and connects the socket straight to ${backend} (${pod}). The packet never carries ${dialed}: no DNAT on the wire, no conntrack entry for the Service, no SNAT for this client.${sticky}`;
}

/** The socket layer's reverse translation on the reply: the application sees `dialed` as its peer. */
export function socketReverseText(dialed: string): string {
  return `Cilium's recvmsg/getpeername hooks translate the backend address back in the socket layer: the application sees ${dialed} as its peer.`;
}
