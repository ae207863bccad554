/**
 * NetworkPolicy (networking.k8s.io/v1) as typed, derived data: read from the raw objects the
 * importer keeps in `cluster.extras`, with the defaults the API server applies (docs/networking-model.md
 * section 10). Reading is defensive: a field of the wrong type counts as absent, never throws.
 */
import type { Cluster, Pod, Protocol } from './types';
import { isRecord, list, str, stringMap } from './json';
import { weakCache } from './weakCache';

/** One requirement of a label selector's matchExpressions. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A metav1.LabelSelector. An empty one (no labels, no expressions) selects everything. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface IPBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

/**
 * One element of `from` / `to`. Its selectors are ANDed: podSelector and namespaceSelector in one
 * element mean "these pods in those namespaces". Separate elements are ORed.
 */
export interface PolicyPeer {
  readonly podSelector: LabelSelector | null;
  readonly namespaceSelector: LabelSelector | null;
  readonly ipBlock: IPBlock | null;
}

export interface PolicyPort {
  /** TCP when the policy leaves it out (API default); SCTP rules are kept but match no simulated traffic */
  readonly protocol: Protocol | 'sctp';
  /** a number, a named container port, or null for every port of the protocol */
  readonly port: number | string | null;
  /** the last port of a range that starts at `port` */
  readonly endPort: number | null;
}

export interface PolicyRule {
  /** the peers; empty = every source (ingress) or destination (egress) */
  readonly peers: readonly PolicyPeer[];
  /** the ports; empty = every port and protocol */
  readonly ports: readonly PolicyPort[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicyModel {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** as given, or inferred as the API server does: Ingress always, Egress when egress rules exist */
  readonly policyTypes: readonly PolicyType[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

/** The label Kubernetes sets on every namespace (since 1.21), so policies can select one by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Reads a metav1.LabelSelector; requirements with an unknown operator are kept as never matching. */
export function readSelector(v: unknown): LabelSelector {
  if (!isRecord(v)) return EMPTY_SELECTOR;
  const matchExpressions: SelectorRequirement[] = [];
  for (const e of list(v['matchExpressions'])) {
    if (!isRecord(e)) continue;
    const key = str(e['key']);
    const operator = str(e['operator']);
    if (key === null || operator === null) continue;
    const values = list(e['values']).filter((x): x is string => typeof x === 'string');
    // The API server rejects an unknown operator; if one gets here, it selects nothing.
    matchExpressions.push({
      key,
      operator: (OPERATORS.includes(operator) ? operator : 'In') as SelectorRequirement['operator'],
      values: OPERATORS.includes(operator) ? values : [],
    });
  }
  return { matchLabels: stringMap(v['matchLabels']), matchExpressions };
}

/** Whether a label selector selects an object with these labels (apimachinery's semantics). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(value as string)) return false;
        break;
      case 'NotIn':
        // A missing label is "not in" any set.
        if (has && r.values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Whether a selector is empty (`{}`): it selects every pod, or every namespace. */
export function selectorIsEmpty(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** A selector as kubectl describe prints it: `app=web,tier in (a,b)`, or `<none>` for `{}`. */
export function formatSelector(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

function readPeer(v: unknown): PolicyPeer | null {
  if (!isRecord(v)) return null;
  const ipBlock = isRecord(v['ipBlock']) ? v['ipBlock'] : null;
  const cidr = ipBlock ? str(ipBlock['cidr']) : null;
  return {
    podSelector: isRecord(v['podSelector']) ? readSelector(v['podSelector']) : null,
    namespaceSelector: isRecord(v['namespaceSelector']) ? readSelector(v['namespaceSelector']) : null,
    ipBlock:
      ipBlock && cidr !== null
        ? { cidr, except: list(ipBlock['except']).filter((x): x is string => typeof x === 'string') }
        : null,
  };
}

function readPort(v: unknown): PolicyPort | null {
  if (!isRecord(v)) return null;
  const protocolText = str(v['protocol']) ?? 'TCP';
  const protocol = protocolText === 'UDP' ? 'udp' : protocolText === 'SCTP' ? 'sctp' : 'tcp';
  const raw = v['port'];
  const port =
    typeof raw === 'number' && Number.isInteger(raw)
      ? raw
      : typeof raw === 'string' && raw !== ''
        ? /^\d+$/.test(raw)
          ? Number(raw)
          : raw
        : null;
  const end = v['endPort'];
  // endPort is only valid with a numeric port (API validation); ignore it otherwise.
  const endPort = typeof end === 'number' && Number.isInteger(end) && typeof port === 'number' ? end : null;
  return { protocol, port, endPort };
}

function readRules(v: unknown, peersField: 'from' | 'to'): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const r of list(v)) {
    // A null or `{}` element is a rule with no peers and no ports: it allows everything.
    const rule = isRecord(r) ? r : {};
    rules.push({
      peers: list(rule[peersField])
        .map(readPeer)
        .filter((p): p is PolicyPeer => p !== null),
      ports: list(rule['ports'])
        .map(readPort)
        .filter((p): p is PolicyPort => p !== null),
    });
  }
  return rules;
}

/** Reads one NetworkPolicy object, or null when it is not one. */
export function readNetworkPolicy(raw: unknown): NetworkPolicyModel | null {
  if (!isRecord(raw) || raw['kind'] !== 'NetworkPolicy' || str(raw['apiVersion']) !== 'networking.k8s.io/v1')
    return null;
  const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
  const name = str(metadata['name']);
  if (name === null) return null;
  const namespace = str(metadata['namespace']) || 'default';
  const spec = isRecord(raw['spec']) ? raw['spec'] : {};
  const ingress = readRules(spec['ingress'], 'from');
  const egress = readRules(spec['egress'], 'to');
  let policyTypes: PolicyType[] = list(spec['policyTypes']).filter(
    (t): t is PolicyType => t === 'Ingress' || t === 'Egress',
  );
  if (policyTypes.length === 0) {
    // API defaulting (pkg/apis/networking/v1 defaults): Ingress always; Egress only when the
    // policy has at least one egress rule (`egress: []` does not count).
    policyTypes = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return { namespace, name, podSelector: readSelector(spec['podSelector']), policyTypes, ingress, egress };
}

/** Every NetworkPolicy of the cluster, in input order; derived once per cluster. */
export const networkPolicies = weakCache((cluster: Cluster): readonly NetworkPolicyModel[] =>
  cluster.extras.map(readNetworkPolicy).filter((p): p is NetworkPolicyModel => p !== null),
);

/** The labels of each Namespace object in `cluster.extras`, by name. */
const nsLabels = weakCache((cluster: Cluster) => {
  const byName = new Map<string, Readonly<Record<string, string>>>();
  for (const raw of cluster.extras) {
    if (!isRecord(raw) || raw['kind'] !== 'Namespace' || !isRecord(raw['metadata'])) continue;
    const name = str(raw['metadata']['name']);
    if (name !== null) byName.set(name, { ...stringMap(raw['metadata']['labels']), [NAMESPACE_NAME_LABEL]: name });
  }
  return byName;
});

/**
 * A namespace's labels: those of a Namespace object in `cluster.extras` when there is one, plus
 * `kubernetes.io/metadata.name`, which the API server always sets to the namespace's name.
 */
export function namespaceLabels(cluster: Cluster, namespace: string): Readonly<Record<string, string>> {
  return nsLabels(cluster).get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

/**
 * The pods a policy isolates: its namespace's pods that its podSelector matches, except hostNetwork
 * pods, which share the node's network namespace and so are not subject to NetworkPolicy.
 */
export function podsIsolatedBy(cluster: Cluster, policy: NetworkPolicyModel): Pod[] {
  return cluster.pods.filter(
    (p) => p.namespace === policy.namespace && !p.hostNetwork && selectorMatches(policy.podSelector, p.labels),
  );
}

function formatPeer(peer: PolicyPeer): string {
  if (peer.ipBlock)
    return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector ${formatSelector(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`podSelector ${formatSelector(peer.podSelector)}`);
  return parts.length === 0 ? '(empty peer)' : parts.join(' AND ');
}

function formatPort(p: PolicyPort): string {
  const proto = p.protocol.toUpperCase();
  if (p.port === null) return `${proto} (all ports)`;
  return p.endPort === null ? `${proto}/${p.port}` : `${proto}/${p.port}-${p.endPort}`;
}

/** A rule as the trace shows it: `NetworkPolicy default/web spec.ingress[0]: from podSelector app=client; ports TCP/8080`. */
export function describePolicyRule(policy: NetworkPolicyModel, direction: 'ingress' | 'egress', index: number): string {
  const rule = (direction === 'ingress' ? policy.ingress : policy.egress)[index];
  const head = `NetworkPolicy ${policy.namespace}/${policy.name} spec.${direction}[${index}]`;
  return rule ? `${head}: ${policyRuleText(rule, direction)}` : head;
}

/** What one rule allows: `from podSelector app=client; ports TCP/8080`. */
export function policyRuleText(rule: PolicyRule, direction: 'ingress' | 'egress'): string {
  const word = direction === 'ingress' ? 'from' : 'to';
  const peers = rule.peers.length === 0 ? `${word} anywhere` : `${word} ${rule.peers.map(formatPeer).join(' OR ')}`;
  const ports = rule.ports.length === 0 ? 'all ports' : `ports ${rule.ports.map(formatPort).join(', ')}`;
  return `${peers}; ${ports}`;
}
