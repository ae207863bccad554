/**
 * Cilium's kube-proxy replacement (docs/networking-model.md): the eBPF service map translates a
 * Service address at the socket's connect() for in-cluster clients, and at the node's interface for
 * NodePort and LoadBalancer traffic from outside, SNATing under externalTrafficPolicy Cluster.
 * The rows of `cilium-dbg service list` come from `serviceRow`.
 */
import type { Cluster, ClusterNode, Service } from '../model/types';
import { backendsOf, choose, eligible, without, conntrackEntry, noEndpoints, noLocalEndpoints } from './common';
import type { Backend, DecideContext, ProxyDecision, ProxyStep, ServiceProxy } from './common';

const SCHEDULER = 'uniform' as const;
const NAME = "Cilium's kube-proxy replacement (eBPF)";

/** One row of `cilium-dbg service list`. */
export function serviceRow(frontend: string, type: string, list: readonly Backend[]): string {
  const backends =
    list.length === 0 ? '(none)' : list.map((b, i) => `${i + 1} => ${b.ip}:${b.port} (active)`).join(', ');
  return `${frontend.padEnd(24)}${type.padEnd(15)}${backends}`;
}

const MASQUERADE_RULE = 'tc egress bpf_host.o:cil_to_netdev: SNAT for NodePort (BPF masquerade)';

function decide(c: DecideContext): ProxyDecision {
  const { input, policy, list, dst, where } = c;
  const { svc, entry } = input;
  const steps: ProxyStep[] = [
    {
      kind: 'socket',
      rule: `cilium-dbg service list: ${dst} ${entry === 'clusterIP' ? 'ClusterIP' : entry === 'nodePort' ? 'NodePort' : 'LoadBalancer'}`,
      says: { event: 'ebpf-service-map', dst },
    },
  ];
  const frontend = `${input.dstIP}:${input.dstPort}`;
  if (!c.any)
    return without(c, 'reject', [
      ...steps,
      {
        kind: 'socket',
        rule: `cilium-dbg service list: ${frontend} (no backends)`,
        says: noEndpoints(c, 'ebpf-no-backend'),
      },
    ]);
  if (list.length === 0)
    return without(c, 'drop', [
      ...steps,
      { kind: 'socket', rule: `cilium-dbg service list: ${frontend} (no local backends)`, says: noLocalEndpoints(c) },
    ]);
  // Cilium SNATs external NodePort/LB traffic under Cluster policy in eBPF (no DSR modelled).
  const masq = entry !== 'clusterIP' && svc.externalTrafficPolicy === 'Cluster';
  const { chosen, candidates, warnings } = choose(c, SCHEDULER);
  return {
    outcome: 'dnat',
    steps,
    candidates,
    chosen,
    masquerade: masq,
    masqueradeWhy: masq ? { reason: 'external-cluster', where, node: input.node, by: 'cilium' } : null,
    // In-cluster sockets are connected to the backend by the cgroup connect() hook.
    dnatRule: `${input.hook === 'connect' ? 'cgroup/connect4 bpf_sock.o:cil_sock4_connect: ' : ''}lb4 ${dst} -> backend ${chosen.ip}:${chosen.port} (random)`,
    conntrack: conntrackEntry(c, chosen),
    warnings,
    policy,
  };
}

function rules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = ['# cilium-dbg service list', 'Frontend                Service Type   Backend'];
  for (const port of svc.ports) {
    const all = backendsOf(cluster, svc, port);
    const cl = eligible(all, 'Cluster', node.name).list;
    const local = eligible(all, 'Local', node.name).list;
    const external = svc.externalTrafficPolicy === 'Local' ? local : cl;
    out.push(
      serviceRow(
        `${svc.clusterIP ?? ''}:${port.port}`,
        'ClusterIP',
        svc.internalTrafficPolicy === 'Local' ? local : cl,
      ),
    );
    if (port.nodePort !== null) out.push(serviceRow(`0.0.0.0:${port.nodePort}`, 'NodePort', external));
    if (svc.loadBalancerIP) out.push(serviceRow(`${svc.loadBalancerIP}:${port.port}`, 'LoadBalancer', external));
  }
  return out;
}

export const ciliumProxy: ServiceProxy = {
  mode: 'cilium',
  name: NAME,
  shortName: 'eBPF (Cilium)',
  command: 'cilium-dbg service list',
  decide,
  rules,
  masqueradeRule: MASQUERADE_RULE,
  nodeDevice: null,
  scheduler: SCHEDULER,
  kubeProxy: false,
  inClusterHook: 'connect',
  socketReverseRule: (from, to) => `cgroup/recvmsg4 bpf_sock.o:cil_sock4_recvmsg: rev-nat ${from} -> ${to}`,
  translator: 'ebpf',
  // Host processes are in-cluster sockets too: the connect() hook serves 127.0.0.1:NodePort.
  localhostNodePortRefusal: null,
  undefinedPort: (dst) => ({ outcome: 'drop', rule: `cilium-dbg service list: no frontend ${dst}` }),
  // Cilium plugs no bridge, so no hairpin through one; its SNAT is the one rule.
  hairpinRule: MASQUERADE_RULE,
};
