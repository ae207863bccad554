/**
 * Sentences for the Service proxy's decisions (proxy/): the module says what translated the packet
 * (netfilter, IPVS, eBPF), where it decided and what it keeps in conntrack; the narrator words it,
 * so that no walk branches on the proxy's mode to find a sentence.
 */
import type { Backend, ServiceProxy } from '../proxy/common';

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

/** The POSTROUTING hop that masquerades a packet the proxy marked (`why`: the decision's reason). */
export function serviceMasqueradeText(proxy: ServiceProxy, why: string): string {
  const who = proxy.translator === 'ebpf' ? "Cilium's eBPF SNATs" : `${proxy.name} masquerades`;
  return `POSTROUTING: ${who} the marked packet (${why}): its source becomes the address of the device it leaves through, with a random port.`;
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
