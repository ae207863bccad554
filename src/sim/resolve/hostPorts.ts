/**
 * What listens in a node's root network namespace: hostNetwork pods (which share it,
 * docs/networking-model.md) and the daemons every kubeadm node runs; and what the CNI portmap
 * plugin publishes on the node's addresses for pods with a hostPort.
 */
import type { ElementId } from '../model/ids';
import { containerId, nodeId } from '../model/ids';
import { cidrContains } from '../model/ip';
import { lookup } from '../model/lookup';
import { fnv1a } from '../model/rng';
import type { Cluster, ClusterNode, Pod, Protocol } from '../model/types';
import { deviceIP, parseCidr, parseIPv4 } from '../model/memo';
import { cniPlugin, serviceProxy } from '../registry';
import { weakCache } from '../model/weakCache';

interface Daemon {
  readonly port: number;
  readonly name: string;
  readonly where: 'all' | 'control-plane';
}

/** Well-known host daemons of a kubeadm node (kubelet, kube-proxy, the control plane, sshd). */
const DAEMONS: readonly Daemon[] = [
  { port: 22, name: 'sshd', where: 'all' },
  { port: 10250, name: 'kubelet', where: 'all' },
  { port: 10256, name: 'kube-proxy (healthz)', where: 'all' },
  { port: 6443, name: 'kube-apiserver', where: 'control-plane' },
  { port: 2379, name: 'etcd (client)', where: 'control-plane' },
  { port: 2380, name: 'etcd (peer)', where: 'control-plane' },
  { port: 10257, name: 'kube-controller-manager', where: 'control-plane' },
  { port: 10259, name: 'kube-scheduler', where: 'control-plane' },
];

export interface HostListener {
  /** the element id the socket is drawn at */
  at: ElementId;
  /** a container name, or the daemon's name */
  name: string;
  /** the hostNetwork pod that listens, or null for a node daemon */
  pod: Pod | null;
}

const hostPodsByNode = weakCache((cluster: Cluster) => {
  const byNode = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    if (!pod.hostNetwork) continue;
    const list = byNode.get(pod.node) ?? [];
    list.push(pod);
    byNode.set(pod.node, list);
  }
  return byNode;
});

/** hostNetwork pods by node, built once per cluster. */
export function hostNetworkPods(cluster: Cluster, node: string): readonly Pod[] {
  return hostPodsByNode(cluster).get(node) ?? [];
}

/** The socket listening on a port in a node's root namespace, or null (the kernel then refuses). */
export function hostListener(
  cluster: Cluster,
  node: ClusterNode,
  port: number,
  protocol: Protocol,
): HostListener | null {
  for (const pod of hostNetworkPods(cluster, node.name)) {
    for (const c of pod.containers) {
      if (c.listening.some((p) => p.containerPort === port && p.protocol === protocol)) {
        return { at: containerId(pod.namespace, pod.name, c.name), name: c.name, pod };
      }
    }
  }
  if (protocol !== 'tcp') return null;
  // kube-proxy does not run when Cilium replaces it.
  const kubeProxy = serviceProxy(cluster).kubeProxy;
  for (const d of DAEMONS) {
    if (d.port !== port || (d.where === 'control-plane' && node.role !== 'control-plane')) continue;
    if (d.name.startsWith('kube-proxy') && !kubeProxy) continue;
    return { at: nodeId(node.name), name: d.name, pod: null };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// hostPort: the CNI portmap plugin (docs/networking-model.md).

/** A pod port published on its node's addresses with `hostPort` (pods with their own network namespace). */
export interface HostPortMapping {
  pod: Pod;
  container: string;
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
}

/** portmap's mark for connections that need masquerading: bit 13 (markMasqBit default). */
export const PORTMAP_MASQ_MARK = '0x2000/0x2000';

/** hostPort mappings on a node, in pod creation order. hostNetwork pods bind the node's ports directly instead. */
export function hostPortMappings(cluster: Cluster, node: string): HostPortMapping[] {
  const out: HostPortMapping[] = [];
  for (const pod of cluster.pods) {
    if (pod.node !== node || pod.hostNetwork) continue;
    for (const c of pod.containers) {
      for (const p of c.ports)
        if (p.hostPort !== null)
          out.push({
            pod,
            container: c.name,
            hostPort: p.hostPort,
            containerPort: p.containerPort,
            protocol: p.protocol,
          });
    }
  }
  return out;
}

/** The CNI network name the portmap plugin runs under (its rules' comments carry it). */
function cniNetworkName(cluster: Cluster): string {
  return cniPlugin(cluster).networkName;
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * The sandbox (pause container) ID the runtime gave the pod: random in a real cluster, derived
 * from the pod's name here so it is stable.
 */
export function sandboxId(pod: Pod): string {
  let out = '';
  let h = fnv1a(`sandbox/${pod.namespace}/${pod.name}`);
  while (out.length < 64) {
    out += hex(h);
    h = fnv1a(out, h);
  }
  return out.slice(0, 64);
}

/**
 * The per-pod chain `CNI-DN-<hash>`. portmap hashes the network name and container ID with
 * SHA-512 and keeps 21 hex digits (28-character chain names); the simulation keeps the shape with
 * its own stable hash.
 */
export function portmapChain(cluster: Cluster, pod: Pod): string {
  const seed = `${cniNetworkName(cluster)}${sandboxId(pod)}`;
  const h1 = fnv1a(seed);
  const h2 = fnv1a(seed, h1);
  const h3 = fnv1a(seed, h2);
  return `CNI-DN-${(hex(h1) + hex(h2) + hex(h3)).slice(0, 21)}`;
}

/** The source range portmap marks as hairpin: the pod's own address with its prefix (a bridge CNI's /24, a routed CNI's /32). */
function hairpinRange(cluster: Cluster, pod: Pod): string {
  if (cniPlugin(cluster).bridge === null) return `${pod.ip}/32`;
  const node = lookup(cluster).nodeByName.get(pod.node);
  return node?.podCIDR ?? `${pod.ip}/32`;
}

function dnatRule(chain: string, m: HostPortMapping): string {
  return `-A ${chain} -p ${m.protocol} -m ${m.protocol} --dport ${m.hostPort} -j DNAT --to-destination ${m.pod.ip}:${m.containerPort}`;
}

function setMarkRule(chain: string, m: HostPortMapping, source: string): string {
  return `-A ${chain} -s ${source} -p ${m.protocol} -m ${m.protocol} --dport ${m.hostPort} -j CNI-HOSTPORT-SETMARK`;
}

const MASQ_RULE = `-A CNI-HOSTPORT-MASQ -m mark --mark ${PORTMAP_MASQ_MARK} -j MASQUERADE`;

/**
 * portmap's nat rules on a node as `iptables -t nat -S` prints them (chains and their rules; the
 * kube-proxy and CNI masquerade rules of the same table are left out). Empty without hostPorts.
 */
export function portmapRules(cluster: Cluster, node: string): string[] {
  const mappings = hostPortMappings(cluster, node);
  if (mappings.length === 0) return [];
  const byPod = new Map<Pod, HostPortMapping[]>();
  for (const m of mappings) byPod.set(m.pod, [...(byPod.get(m.pod) ?? []), m]);
  const net = cniNetworkName(cluster);
  const chains = new Map<string, string[]>();
  const entries: string[] = [];
  for (const [pod, list] of byPod) {
    const chain = portmapChain(cluster, pod);
    const rules: string[] = [];
    for (const m of list) {
      rules.push(
        setMarkRule(chain, m, hairpinRange(cluster, pod)),
        setMarkRule(chain, m, '127.0.0.1/32'),
        dnatRule(chain, m),
      );
    }
    chains.set(chain, rules);
    for (const proto of [...new Set(list.map((m) => m.protocol))].sort()) {
      const ports = list.filter((m) => m.protocol === proto).map((m) => m.hostPort);
      // Each pod's entry is prepended, so the most recent pod comes first.
      entries.unshift(
        `-A CNI-HOSTPORT-DNAT -p ${proto} -m comment --comment "dnat name: \\"${net}\\" id: \\"${sandboxId(pod)}\\"" -m multiport --dports ${ports.join(',')} -j ${chain}`,
      );
    }
  }
  const names = [...chains.keys(), 'CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'].sort();
  const body: string[] = [];
  for (const name of names) {
    if (name === 'CNI-HOSTPORT-DNAT') body.push(...entries);
    else if (name === 'CNI-HOSTPORT-MASQ') body.push(MASQ_RULE);
    else if (name === 'CNI-HOSTPORT-SETMARK')
      body.push(
        `-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark ${PORTMAP_MASQ_MARK}`,
      );
    else body.push(...(chains.get(name) ?? []));
  }
  return [
    ...names.map((n) => `-N ${n}`),
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    ...body,
  ];
}

/** What a connection to `nodeAddress:port` meets on a node. */
export type HostPortResolution =
  | {
      kind: 'dnat';
      mapping: HostPortMapping;
      /** the per-pod chain */
      chain: string;
      /** the DNAT rule that matched */
      rule: string;
      /** `podIP:containerPort` */
      dnatTo: string;
      /** why the connection is also masqueraded: a pod of the node reaching a hostPort (hairpin) or 127.0.0.1; null when the client keeps its address */
      masquerade: 'hairpin' | 'localhost' | null;
      /** the CNI-HOSTPORT-SETMARK rule that marked it, and the MASQUERADE rule */
      markRule: string | null;
      masqRule: string | null;
      /** the source the pod sees after masquerade, or null */
      newSrc: string | null;
      text: string;
    }
  /** no hostPort: the node's own socket answers, if any */
  | { kind: 'local'; listener: HostListener; text: string }
  /** nothing listens: TCP RST / ICMP port unreachable */
  | { kind: 'refused'; text: string };

/**
 * What `node` does with a connection to one of its addresses on `port`: portmap's DNAT when a pod
 * on this node publishes that hostPort (only there: other nodes have no rule), then a host socket,
 * else a refusal.
 *
 * @param srcIP - the client's address as it reaches the node: a pod IP, an external address, or
 *   127.0.0.1 for a process on the node dialling localhost
 */
export function resolveHostPort(
  cluster: Cluster,
  query: { node: ClusterNode; port: number; protocol: Protocol; srcIP: string },
): HostPortResolution {
  const { node, port, protocol, srcIP } = query;
  const mapping = hostPortMappings(cluster, node.name).find((m) => m.hostPort === port && m.protocol === protocol);
  if (mapping) {
    const chain = portmapChain(cluster, mapping.pod);
    const rule = dnatRule(chain, mapping);
    const dnatTo = `${mapping.pod.ip}:${mapping.containerPort}`;
    const hairpin = hairpinRange(cluster, mapping.pod);
    const src = parseIPv4(srcIP);
    const range = parseCidr(hairpin);
    const masquerade: 'localhost' | 'hairpin' | null =
      srcIP === '127.0.0.1'
        ? 'localhost'
        : src !== null && range !== null && cidrContains(range, src)
          ? 'hairpin'
          : null;
    const dnat = { kind: 'dnat' as const, mapping, chain, rule, dnatTo, masquerade };
    if (masquerade === null) {
      return {
        ...dnat,
        markRule: null,
        masqRule: null,
        newSrc: null,
        text: `portmap's ${chain} DNATs ${node.name}:${port} to ${mapping.pod.name} at ${dnatTo}; the client keeps its source address ${srcIP}.`,
      };
    }
    // The reply must come back through this node's conntrack: on flannel's bridge a same-subnet
    // source would be answered directly, so portmap masquerades to the address the packet leaves by.
    const bridge = cniPlugin(cluster).bridge;
    const newSrc = bridge !== null ? (deviceIP(node, bridge) ?? node.internalIP) : node.internalIP;
    return {
      ...dnat,
      markRule: setMarkRule(chain, mapping, masquerade === 'localhost' ? '127.0.0.1/32' : hairpin),
      masqRule: MASQ_RULE,
      newSrc,
      text:
        masquerade === 'localhost'
          ? `portmap DNATs 127.0.0.1:${port} to ${dnatTo}, marks the connection ${PORTMAP_MASQ_MARK} and masquerades it to ${newSrc}: a packet from 127.0.0.1 may not leave the host (route_localnet).`
          : `${srcIP} is a pod of ${node.name} reaching a hostPort of its own node (hairpin): portmap DNATs it to ${dnatTo}, marks it ${PORTMAP_MASQ_MARK} and masquerades it to ${newSrc} so the reply comes back through conntrack.`,
    };
  }
  const listener = hostListener(cluster, node, port, protocol);
  const elsewhere = cluster.nodes
    .filter(
      (n) =>
        n.name !== node.name &&
        hostPortMappings(cluster, n.name).some((m) => m.hostPort === port && m.protocol === protocol),
    )
    .map((n) => n.name);
  const note =
    elsewhere.length > 0
      ? ` hostPort ${port} is published on ${elsewhere.join(', ')} only: portmap installs its DNAT on the pod's own node.`
      : '';
  if (listener)
    return {
      kind: 'local',
      listener,
      text: `No pod on ${node.name} publishes hostPort ${port}; ${listener.name} listens on the node itself.${note}`,
    };
  const answer = protocol === 'tcp' ? 'a TCP RST' : 'ICMP port unreachable';
  return {
    kind: 'refused',
    text: `Nothing on ${node.name} listens on ${protocol.toUpperCase()} port ${port}: the kernel answers with ${answer}.${note}`,
  };
}
