/**
 * NetworkPolicy evaluation as Kubernetes defines it (docs/networking-model.md): a pod is
 * isolated for a direction as soon as one policy of its namespace selects it for that direction;
 * then only what the union of those policies' rules allows passes. A connection needs the source's
 * egress and the destination's ingress. Evaluated on the packet as the pod sees it (after DNAT).
 */
import type { ElementId } from '../model/ids';
import { lookup } from '../model/lookup';
import { cidrContains } from '../model/ip';
import { describePolicyRule, namespaceLabels, networkPolicies, selectorMatches } from '../model/policy';
import type { NetworkPolicyModel, PolicyPeer, PolicyPort, PolicyRule } from '../model/policy';
export { describePolicyRule };
import type { Cluster, ClusterNode, Pod, Protocol } from '../model/types';
import type { PathWriter } from './pathWriter';
import { parseCidr, parseIPv4 } from '../model/memo';
import { cniPlugin } from '../registry';

/** One end of a connection: a pod (by object), or an address (a node, an external host, a pod's IP). */
export interface PolicyQuery {
  srcPod?: Pod;
  srcIP?: string;
  /**
   * the source is Cilium's Envoy connecting on for Ingress or Gateway API, with the reserved
   * identity `ingress`: no pod selector selects it, and neither does an ipBlock (Cilium's CIDR
   * selectors never select an identity of the cluster); only a rule that allows every source does
   */
  srcEntity?: 'ingress';
  dstPod?: Pod;
  dstIP?: string;
  /** the destination port as the destination pod sees it (after DNAT); null for ICMP */
  port: number | null;
  protocol: Protocol;
  /** which side to evaluate; both by default */
  direction?: 'egress' | 'ingress' | 'both';
  /** a reply of an allowed connection: conntrack lets it through without policy */
  reply?: boolean;
}

/** Why a side is not subject to policy at all. */
export type PolicyExemption =
  /** the CNI does not enforce NetworkPolicy */
  | 'not-enforced'
  /** traffic inside one pod (localhost or its own IP) never leaves its namespace */
  | 'localhost'
  /** the destination pod's own node (kubelet probes) is always allowed */
  | 'own-node'
  /** the reply of an allowed connection */
  | 'reply'
  /** this end is not a pod with its own network namespace (a node, a hostNetwork pod, an external host) */
  | 'not-a-pod';

export interface PolicyAllow {
  /** `ns/name` of the policy */
  policy: string;
  direction: 'ingress' | 'egress';
  /** index into spec.ingress / spec.egress */
  rule: number;
  /** the rule as a user would recognise it */
  text: string;
}

export interface SideVerdict {
  direction: 'egress' | 'ingress';
  /** `ns/name` of the pod this side is about (source for egress, destination for ingress), or null */
  pod: string | null;
  allowed: boolean;
  /** some policy selects the pod for this direction (whether or not it is enforced) */
  isolated: boolean;
  exempt: PolicyExemption | null;
  /** the first rule, in policy and rule order, that allows the traffic */
  allowedBy: PolicyAllow | null;
  /** `ns/name` of every policy that selects the pod for this direction */
  isolating: string[];
}

export interface PolicyVerdict {
  allowed: boolean;
  /** whether the CNI enforces NetworkPolicy (cluster.settings.policyEnforced) */
  enforced: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
  /** one sentence */
  reason: string;
}

/** An end resolved: a pod with its own namespace, or just an address. */
interface End {
  pod: Pod | null;
  ip: string;
  entity?: 'ingress';
}

function resolveEnd(cluster: Cluster, pod: Pod | undefined, ip: string | undefined): End {
  // A hostNetwork pod shares its node's namespace: plugins treat its traffic as the node's.
  if (pod) return pod.hostNetwork ? { pod: null, ip: pod.ip } : { pod, ip: pod.ip };
  const address = ip ?? '';
  const found = lookup(cluster).podByIP.get(address);
  return { pod: found ?? null, ip: address };
}

const key = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;

/** Whether an address is one of a node's own (its InternalIP or a CNI device's address). */
function isNodeAddress(node: ClusterNode, ip: string): boolean {
  if (node.internalIP === ip) return true;
  return node.devices.some((d) => d.address !== null && d.address.slice(0, d.address.indexOf('/')) === ip);
}

function ipInBlock(ip: string, block: { cidr: string; except: readonly string[] }): boolean {
  const value = parseIPv4(ip);
  const cidr = parseCidr(block.cidr);
  if (value === null || cidr === null || !cidrContains(cidr, value)) return false;
  return !block.except.some((e) => {
    const ex = parseCidr(e);
    return ex !== null && cidrContains(ex, value);
  });
}

function peerMatches(cluster: Cluster, policy: NetworkPolicyModel, peer: PolicyPeer, end: End): boolean {
  if (peer.ipBlock) return end.entity === undefined && ipInBlock(end.ip, peer.ipBlock);
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  // Selectors select pods; a node or an external host is only ever matched by an ipBlock.
  if (end.pod === null) return false;
  const pod = end.pod;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(cluster, pod.namespace))) return false;
  } else if (pod.namespace !== policy.namespace) {
    // A podSelector alone selects pods in the policy's own namespace.
    return false;
  }
  return peer.podSelector === null || selectorMatches(peer.podSelector, pod.labels);
}

/** Whether a rule's port entry covers the packet; named ports are looked up on the destination pod. */
function portMatches(p: PolicyPort, port: number | null, protocol: Protocol, dstPod: Pod | null): boolean {
  if (p.protocol !== protocol || port === null) return false;
  if (p.port === null) return true;
  if (typeof p.port === 'number') return p.endPort === null ? port === p.port : port >= p.port && port <= p.endPort;
  if (dstPod === null) return false;
  const name = p.port;
  return dstPod.containers.some((c) =>
    c.ports.some((cp) => cp.name === name && cp.protocol === protocol && cp.containerPort === port),
  );
}

function ruleMatches(
  cluster: Cluster,
  policy: NetworkPolicyModel,
  rule: PolicyRule,
  peer: End,
  port: number | null,
  protocol: Protocol,
  dstPod: Pod | null,
): boolean {
  if (rule.peers.length > 0 && !rule.peers.some((p) => peerMatches(cluster, policy, p, peer))) return false;
  // No ports: every port and protocol, ICMP included.
  return rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, port, protocol, dstPod));
}

function evaluateSide(
  cluster: Cluster,
  direction: 'egress' | 'ingress',
  subject: End,
  peer: End,
  dst: End,
  port: number | null,
  protocol: Protocol,
): SideVerdict {
  const pod = subject.pod;
  const side: SideVerdict = {
    direction,
    pod: pod ? key(pod) : null,
    allowed: true,
    isolated: false,
    exempt: null,
    allowedBy: null,
    isolating: [],
  };
  if (pod === null) {
    side.exempt = 'not-a-pod';
    return side;
  }
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = networkPolicies(cluster).filter(
    (p) => p.namespace === pod.namespace && p.policyTypes.includes(type) && selectorMatches(p.podSelector, pod.labels),
  );
  side.isolating = selecting.map(key);
  side.isolated = selecting.length > 0;
  if (!cluster.settings.policyEnforced) {
    side.exempt = 'not-enforced';
    return side;
  }
  if (direction === 'ingress' && peer.pod === null) {
    const node = lookup(cluster).nodeByName.get(pod.node);
    if (node && isNodeAddress(node, peer.ip)) {
      side.exempt = 'own-node';
      return side;
    }
  }
  if (!side.isolated) return side;
  for (const policy of selecting) {
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    for (let i = 0; i < rules.length; i++) {
      if (ruleMatches(cluster, policy, rules[i] as PolicyRule, peer, port, protocol, dst.pod)) {
        side.allowedBy = { policy: key(policy), direction, rule: i, text: describePolicyRule(policy, direction, i) };
        return side;
      }
    }
  }
  side.allowed = false;
  return side;
}

/**
 * Whether NetworkPolicy lets a packet through: the source pod's egress and the destination pod's
 * ingress, each naming the policy and rule that allowed it, or the isolating policies none of whose
 * rules did. Where the CNI does not enforce policy everything passes, with `enforced: false` and
 * the policies that would have applied still listed.
 *
 * @example
 * evaluatePolicy(cluster, { srcPod: client, dstPod: web, port: 8080, protocol: 'tcp' }).allowed
 */
export function evaluatePolicy(cluster: Cluster, query: PolicyQuery): PolicyVerdict {
  const src: End = {
    ...resolveEnd(cluster, query.srcPod, query.srcIP),
    ...(query.srcEntity ? { entity: query.srcEntity } : {}),
  };
  const dst = resolveEnd(cluster, query.dstPod, query.dstIP);
  const direction = query.direction ?? 'both';
  const enforced = cluster.settings.policyEnforced;
  const skip = (d: 'egress' | 'ingress', exempt: PolicyExemption, pod: Pod | null): SideVerdict => ({
    direction: d,
    pod: pod ? key(pod) : null,
    allowed: true,
    isolated: false,
    exempt,
    allowedBy: null,
    isolating: [],
  });
  const localhost = (src.pod !== null && src.pod === dst.pod) || src.ip.startsWith('127.');
  if (localhost || query.reply) {
    const why: PolicyExemption = localhost ? 'localhost' : 'reply';
    const reason = localhost
      ? 'Traffic inside a pod never leaves its network namespace; NetworkPolicy does not apply.'
      : 'A reply of an allowed connection passes: policy enforcement is stateful.';
    return {
      allowed: true,
      enforced,
      egress: skip('egress', why, src.pod),
      ingress: skip('ingress', why, dst.pod),
      reason,
    };
  }
  const egress =
    direction === 'ingress'
      ? skip('egress', 'not-a-pod', null)
      : evaluateSide(cluster, 'egress', src, dst, dst, query.port, query.protocol);
  const ingress =
    direction === 'egress'
      ? skip('ingress', 'not-a-pod', null)
      : evaluateSide(cluster, 'ingress', dst, src, dst, query.port, query.protocol);
  const allowed = egress.allowed && ingress.allowed;
  return { allowed, enforced, egress, ingress, reason: verdictReason(egress, ingress, enforced, query) };
}

function verdictReason(egress: SideVerdict, ingress: SideVerdict, enforced: boolean, query: PolicyQuery): string {
  const what =
    query.port === null ? query.protocol.toUpperCase() : `${query.protocol.toUpperCase()} port ${query.port}`;
  if (!egress.allowed)
    return `No egress rule of ${egress.isolating.join(', ')} (isolating ${egress.pod ?? ''}) allows ${what} to this destination.`;
  if (!ingress.allowed)
    return `No ingress rule of ${ingress.isolating.join(', ')} (isolating ${ingress.pod ?? ''}) allows ${what} from this source.`;
  if (!enforced && (egress.isolated || ingress.isolated)) {
    return `NetworkPolicy ${[...new Set([...egress.isolating, ...ingress.isolating])].join(', ')} selects these pods but the network plugin does not enforce NetworkPolicy: it has no effect.`;
  }
  const by = [egress.allowedBy, ingress.allowedBy].filter((a): a is PolicyAllow => a !== null);
  if (by.length > 0) return `Allowed by ${by.map((a) => `${a.policy} spec.${a.direction}[${a.rule}]`).join(' and ')}.`;
  if (ingress.exempt === 'own-node' && ingress.isolated) {
    return `${ingress.pod ?? 'The pod'} is isolated for ingress (${ingress.isolating.join(', ')}), but traffic from its own node is always allowed.`;
  }
  return 'No NetworkPolicy isolates either pod: all traffic is allowed.';
}

// ---------------------------------------------------------------------------------------------
// Hops for the data path.

/** Who enforces policy, for the narration. */
function enforcer(cluster: Cluster): string {
  // flannel enforces nothing itself: kube-network-policies does it beside it.
  return cniPlugin(cluster).policyEnforcer ?? 'kube-network-policies';
}

/** What the trace shows when a packet hits an enforcement point. */
export interface PolicyHop {
  kind: 'policy' | 'drop';
  text: string;
  rule: string;
}

/**
 * The hop one side of a verdict gives on the data path, or null when there is nothing worth
 * showing (no policy selects the pod, or the side is exempt for a reason other than the CNI).
 */
export function policySideHop(cluster: Cluster, side: SideVerdict): PolicyHop | null {
  const who = side.pod ?? '';
  const dir = side.direction;
  if (side.exempt === 'not-enforced') {
    if (!side.isolated) return null;
    const cni = cniPlugin(cluster);
    const plugin =
      cni.policyEnforcer === null
        ? 'flannel does not enforce NetworkPolicy (kube-network-policies is not installed)'
        : (cni.policyOff ?? `${cni.kind} is not configured to enforce NetworkPolicy here`);
    return {
      kind: 'policy',
      text: `NetworkPolicy ${side.isolating.join(', ')} selects ${who} for ${dir}, but ${plugin}: the policy has no effect and the packet passes.`,
      rule: `${side.isolating.map((p) => `NetworkPolicy ${p}`).join(', ')}: not enforced`,
    };
  }
  if (side.exempt === 'own-node' && side.isolated) {
    return {
      kind: 'policy',
      text: `${who} is isolated for ingress, but traffic from its own node (kubelet probes) is always allowed.`,
      rule: `${side.isolating.map((p) => `NetworkPolicy ${p}`).join(', ')}: node traffic exempt`,
    };
  }
  if (side.exempt !== null || !side.isolated) return null;
  if (side.allowed && side.allowedBy) {
    return {
      kind: 'policy',
      text: `${enforcer(cluster)} checks ${who}'s ${dir} policy: ${side.isolating.join(', ')} isolate${side.isolating.length === 1 ? 's' : ''} it, and rule spec.${dir}[${side.allowedBy.rule}] of ${side.allowedBy.policy} allows this packet.`,
      rule: side.allowedBy.text,
    };
  }
  return {
    kind: 'drop',
    text: `${enforcer(cluster)} drops the packet silently: ${who} is isolated for ${dir} by ${side.isolating.join(', ')}, and no rule of ${side.isolating.length === 1 ? 'it' : 'them'} allows it. The client gets no answer and times out.`,
    rule: `${dir} of ${who}: no rule of ${side.isolating.map((p) => `NetworkPolicy ${p}`).join(', ')} matches -> DROP`,
  };
}

/**
 * Writes the hop of one side of a verdict at an enforcement point. Returns false when the packet
 * is dropped there (the walk must stop).
 */
export function writePolicyHop(
  w: PathWriter,
  cluster: Cluster,
  side: SideVerdict,
  at: ElementId,
  node: string,
): boolean {
  const hop = policySideHop(cluster, side);
  if (hop !== null) w.hop({ kind: hop.kind, at, node, rule: hop.rule, text: hop.text });
  return side.allowed;
}
