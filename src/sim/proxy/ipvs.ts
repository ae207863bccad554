/**
 * kube-proxy in IPVS mode (docs/networking-model.md): the Service addresses sit on the dummy device
 * kube-ipvs0, so the packet takes the INPUT path, where an IPVS virtual server schedules a real
 * server round robin and rewrites the destination (Masq forwarding). iptables, beside it, still
 * marks packets for masquerade. `virtualServer` writes the line both for the hop's rule and for
 * `ipvsadm -Ln`.
 */
import type { Cluster, ClusterNode, Protocol, Service } from '../model/types';
import {
  backendsOf,
  choose,
  eligible,
  hairpinWhy,
  kubeProxyMasquerade,
  noEndpoints,
  noLocalEndpoints,
  without,
  conntrackEntry,
} from './common';
import type { Backend, DecideContext, ProxyDecision, ProxyStep, ServiceProxy } from './common';

const SCHEDULER = 'rr' as const;
const NAME = 'kube-proxy (IPVS mode)';

/** An IPVS virtual server as `ipvsadm -Ln` prints it; `persistent` is the affinity timeout. */
export function virtualServer(p: Protocol, address: string, persistent: number | null): string {
  return `${p.toUpperCase()}  ${address} rr${persistent === null ? '' : ` persistent ${persistent}`}`;
}

const persistence = (svc: Service): number | null =>
  svc.sessionAffinity === 'ClientIP' ? svc.sessionAffinityTimeout : null;

const MASQUERADE_RULE =
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully';

function decide(c: DecideContext): ProxyDecision {
  const { cluster, input, policy, list, dst } = c;
  const { svc, port, entry } = input;
  const proto = port.protocol;
  const P = proto.toUpperCase();
  const nodePortAddr = `${input.dstIP}:${port.nodePort ?? 0}`;
  const steps: ProxyStep[] = [
    {
      kind: 'ipvs',
      // The NodePort's virtual server is shown without its persistence (as the trace always has).
      rule:
        entry === 'nodePort' ? virtualServer(proto, nodePortAddr, null) : virtualServer(proto, dst, persistence(svc)),
      says: {
        event: 'ipvs-virtual-server',
        entry,
        service: `${svc.namespace}/${svc.name}`,
        dst,
        dstIP: input.dstIP,
        nodePort: port.nodePort ?? 0,
        nodePortAddr,
      },
    },
  ];
  // The virtual server exists without real servers: IPVS itself answers ICMP port unreachable.
  if (!c.any)
    return without(c, 'reject', [
      ...steps,
      {
        kind: 'ipvs',
        rule: `${virtualServer(proto, `${input.dstIP}:${entry === 'nodePort' ? (port.nodePort ?? 0) : input.dstPort}`, null)}  (no real servers)`,
        says: noEndpoints(c, 'ipvs-no-real-server'),
      },
    ]);
  if (list.length === 0)
    return without(c, 'drop', [
      ...steps,
      {
        kind: 'ipvs',
        rule: `${virtualServer(proto, `${input.dstIP}:${input.dstPort}`, null)}  (no local real servers)`,
        says: noLocalEndpoints(c),
      },
    ]);
  let why = kubeProxyMasquerade(c);
  const cidr = cluster.settings.podSubnet;
  if (why !== null)
    steps.push(
      entry === 'nodePort'
        ? {
            kind: 'netfilter',
            rule: `-A KUBE-NODE-PORT -p ${proto} -m comment --comment "Kubernetes nodeport ${P} port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-${P} dst -j KUBE-MARK-MASQ`,
            says: { event: 'mark-masquerade', marker: { kind: 'ipvs-ipset', ipset: `KUBE-NODE-PORT-${P}` }, why },
          }
        : entry === 'loadBalancer'
          ? {
              kind: 'netfilter',
              rule: '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
              says: { event: 'mark-masquerade', marker: { kind: 'ipvs-ipset', ipset: 'KUBE-LOAD-BALANCER' }, why },
            }
          : {
              kind: 'netfilter',
              rule: `-A KUBE-SERVICES ! -s ${cidr} -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`,
              says: { event: 'mark-masquerade', marker: { kind: 'ipvs-ipset', ipset: null }, why },
            },
    );
  const { index, chosen, candidates, pinned, warnings } = choose(c, SCHEDULER);
  const n = list.length;
  const affinity = svc.sessionAffinity === 'ClientIP';
  steps.push({
    kind: 'ipvs',
    rule: `${virtualServer(proto, entry === 'nodePort' ? nodePortAddr : dst, persistence(svc))}  ${list.map((b) => `-> ${b.ip}:${b.port} Masq 1`).join('  ')}`,
    says: {
      event: 'pick-rr',
      chain: dst,
      n,
      index,
      chosen,
      pinned,
      rrOffset: input.rrOffset,
      node: input.node,
      persistence: affinity ? { timeout: svc.sessionAffinityTimeout, client: input.srcIP } : null,
    },
  });
  if (why === null && chosen.ip === input.srcIP) why = hairpinWhy(chosen, 'KUBE-LOOP-BACK');
  return {
    outcome: 'dnat',
    steps,
    candidates,
    chosen,
    masquerade: why !== null,
    masqueradeWhy: why,
    dnatRule: `IPVS Masq forwarding: ${dst} -> ${chosen.ip}:${chosen.port}`,
    conntrack: conntrackEntry(c, chosen),
    warnings,
    policy,
  };
}

/** Every local address a NodePort answers on: the node's devices with an address. */
function nodeAddresses(node: ClusterNode): string[] {
  return node.devices
    .filter((d) => d.address !== null && d.kind !== 'dummy')
    .map((d) => (d.address as string).split('/')[0] as string);
}

function rules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = [
    '# ipvsadm -Ln',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const port of svc.ports) {
    const all = backendsOf(cluster, svc, port);
    const cl = eligible(all, 'Cluster', node.name);
    const local = eligible(all, 'Local', node.name);
    const server = (address: string, list: Backend[]): void => {
      out.push(virtualServer(port.protocol, address, persistence(svc)));
      for (const b of list) out.push(`  -> ${`${b.ip}:${b.port}`.padEnd(28)} Masq    1      0          0`);
    };
    server(`${svc.clusterIP ?? ''}:${port.port}`, svc.internalTrafficPolicy === 'Local' ? local.list : cl.list);
    if (svc.loadBalancerIP)
      server(`${svc.loadBalancerIP}:${port.port}`, svc.externalTrafficPolicy === 'Local' ? local.list : cl.list);
    if (port.nodePort !== null)
      for (const a of nodeAddresses(node))
        server(`${a}:${port.nodePort}`, svc.externalTrafficPolicy === 'Local' ? local.list : cl.list);
  }
  out.push(
    `# ip addr show kube-ipvs0: inet ${svc.clusterIP ?? ''}/32 scope global kube-ipvs0${svc.loadBalancerIP ? `; inet ${svc.loadBalancerIP}/32` : ''}`,
  );
  return out;
}

export const ipvsProxy: ServiceProxy = {
  mode: 'ipvs',
  name: NAME,
  shortName: 'IPVS',
  command: 'ipvsadm -Ln',
  decide,
  rules,
  masqueradeRule: MASQUERADE_RULE,
  nodeDevice: 'kube-ipvs0',
  scheduler: SCHEDULER,
  kubeProxy: true,
  inClusterHook: 'packet',
  translator: 'ipvs',
  localhostNodePortRefusal: 'KUBE-NODE-PORT: 127.0.0.1 is not in KUBE-IPVS-IPS',
  undefinedPort: () => ({
    outcome: 'reject',
    rule: '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable',
  }),
  hairpinRule:
    '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
};
