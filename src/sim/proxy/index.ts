/**
 * The Service proxies, one module per mode, and the two questions the rest of the simulation asks
 * them: what does this node do with the first packet of a connection (`decide`), and which rules
 * does it hold for a Service (`proxyRules`, the inspector's listing). Which mode runs comes from
 * the registry; nothing here looks at the cluster's settings.
 */
import type { Cluster, ClusterNode, Service } from '../model/types';
import { serviceProxy } from '../registry';
import { backendsOf, eligible, inClusterCIDR, servicePortName } from './common';
import type { DecideContext, DecideInput, ProxyDecision } from './common';

export type { Backend, DecideInput, Entry, ProxyDecision, ProxyStep, ServiceProxy } from './common';
export {
  backendsOf,
  chainName,
  eligible,
  inClusterCIDR,
  MASQ_MARK,
  ruleProbability,
  sepChainName,
  servicePortName,
} from './common';

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
 * Decides what the node's Service proxy does with the first packet of a connection: the endpoints
 * it may use (docs/networking-model.md) are worked out here, the rest by the mode's module. Pure: the
 * caller turns the steps into hops and walks the packet on.
 */
export function decide(cluster: Cluster, input: DecideInput): ProxyDecision {
  const { svc, port, entry } = input;
  const all = backendsOf(cluster, svc, port);
  const policy = policyFor(cluster, input);
  const { list, any } = eligible(all, policy, input.node);
  const c: DecideContext = {
    cluster,
    input,
    all,
    policy,
    list,
    any,
    spn: servicePortName(svc, port),
    where: entry === 'clusterIP' ? 'cluster IP' : entry === 'nodePort' ? 'NodePort' : 'loadbalancer IP',
    dst: `${input.dstIP}:${input.dstPort}`,
  };
  return serviceProxy(cluster).decide(c);
}

/**
 * The rules the Service proxy holds for `service` on `node`, one line per rule, as its tool prints
 * them. Lines starting with `#` say which table or command the following lines come from.
 */
export function proxyRules(cluster: Cluster, node: ClusterNode, service: Service): string[] {
  if (service.type === 'ExternalName')
    return [
      `# ${service.namespace}/${service.name} is an ExternalName Service: DNS only (a CNAME to ${service.externalName ?? ''}), no proxy rules`,
    ];
  if (service.clusterIP === null)
    return [`# ${service.namespace}/${service.name} is headless: kube-proxy installs nothing; DNS returns the pod IPs`];
  return serviceProxy(cluster).rules(cluster, node, service);
}

/** Which component decides Service traffic in this cluster, as the hops name it. */
export function modeName(cluster: Cluster): string {
  return serviceProxy(cluster).name;
}

/** The command whose output `proxyRules` reproduces (`iptables -t nat -S`, `ipvsadm -Ln`, ...). */
export function proxyRulesCommand(cluster: Cluster): string {
  return serviceProxy(cluster).command;
}
