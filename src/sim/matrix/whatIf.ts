/**
 * What-if for NetworkPolicy: the cluster with edited or added policies (a policy of the same
 * namespace and name is replaced, as `kubectl apply` would), the cells that change between two
 * matrices, the templates a reader starts from, and the smallest policy that opens one denied cell.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { readNetworkPolicy } from '../model/policy';
import type { Cluster, Pod } from '../model/types';
import type { CompactMatrix } from './compact';
import type { MatrixPort } from './matrix';

export class WhatIfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhatIfError';
  }
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** At most this much YAML: a what-if is a policy or a few, not a cluster. */
export const MAX_WHAT_IF_BYTES = 64 * 1024;

/**
 * Reads NetworkPolicies from YAML (one or more documents). Every document must be a
 * networking.k8s.io/v1 NetworkPolicy with a name; a missing namespace is `default`, as kubectl
 * applies it. Errors say which document and what is wrong.
 */
export function parseWhatIfPolicies(text: string): Raw[] {
  if (text.length > MAX_WHAT_IF_BYTES) throw new WhatIfError(`the YAML is longer than ${MAX_WHAT_IF_BYTES / 1024} KiB`);
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new WhatIfError('the YAML could not be read');
  const out: Raw[] = [];
  docs.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    if (doc.errors.length > 0) throw new WhatIfError(`${where}: ${doc.errors[0]?.message ?? 'not YAML'}`);
    const value: unknown = doc.toJS({ maxAliasCount: 50 });
    if (value === null || value === undefined) return;
    if (!isRecord(value)) throw new WhatIfError(`${where}: not a Kubernetes object`);
    if (value['kind'] !== 'NetworkPolicy' || value['apiVersion'] !== 'networking.k8s.io/v1')
      throw new WhatIfError(`${where}: not a networking.k8s.io/v1 NetworkPolicy`);
    const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
    if (typeof metadata['name'] !== 'string' || metadata['name'] === '')
      throw new WhatIfError(`${where}: metadata.name is missing`);
    if (!isRecord(value['spec'])) throw new WhatIfError(`${where} (${metadata['name']}): spec is missing`);
    const namespace =
      typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : 'default';
    const policy = { ...value, metadata: { ...metadata, namespace } };
    if (readNetworkPolicy(policy) === null)
      throw new WhatIfError(`${where} (${metadata['name']}): not a NetworkPolicy the simulation reads`);
    out.push(policy);
  });
  if (out.length === 0) throw new WhatIfError('no NetworkPolicy in the YAML');
  return out;
}

const policyKey = (raw: unknown): string | null => {
  if (!isRecord(raw) || raw['kind'] !== 'NetworkPolicy' || !isRecord(raw['metadata'])) return null;
  return `${String(raw['metadata']['namespace'] ?? 'default')}/${String(raw['metadata']['name'])}`;
};

/** The cluster with these policies applied: same namespace and name replaces, anything else adds. */
export function applyPolicies(cluster: Cluster, policies: readonly Raw[]): Cluster {
  const replaced = new Set(policies.map(policyKey));
  return { ...cluster, extras: [...cluster.extras.filter((x) => !replaced.has(policyKey(x))), ...policies] };
}

/** One changed cell between two matrices of the same selection. */
export interface ChangedCell {
  from: string;
  to: string;
  port: MatrixPort;
  before: number;
  after: number;
}

/** The cells whose verdict differs (the matrices must have the same sources, destinations and ports). */
export function changedCells(before: CompactMatrix, after: CompactMatrix): ChangedCell[] {
  if (
    before.sources.join() !== after.sources.join() ||
    before.destinations.join() !== after.destinations.join() ||
    before.ports.length !== after.ports.length
  )
    throw new WhatIfError('the two matrices are not of the same selection');
  const out: ChangedCell[] = [];
  const D = before.destinations.length;
  const P = before.ports.length;
  for (let i = 0; i < before.verdicts.length; i++) {
    if (before.verdicts[i] === after.verdicts[i]) continue;
    const p = i % P;
    const d = Math.floor(i / P) % D;
    const s = Math.floor(i / P / D);
    out.push({
      from: before.sources[s] as string,
      to: before.destinations[d] as string,
      port: before.ports[p] as MatrixPort,
      before: before.verdicts[i] as number,
      after: after.verdicts[i] as number,
    });
  }
  return out;
}

export type WhatIfTemplate = 'default-deny' | 'allow-same-namespace' | 'allow-from-label' | 'allow-dns';

export const WHAT_IF_TEMPLATES: Record<WhatIfTemplate, string> = {
  'default-deny': 'Default deny (ingress and egress)',
  'allow-same-namespace': 'Allow from the same namespace',
  'allow-from-label': 'Allow from a label',
  'allow-dns': 'Allow DNS (egress to kube-dns)',
};

const np = (name: string, namespace: string, spec: Raw): Raw => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});

/** A template as YAML, for one namespace. */
export function templateYaml(template: WhatIfTemplate, namespace: string): string {
  const policy =
    template === 'default-deny'
      ? np('default-deny', namespace, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })
      : template === 'allow-same-namespace'
        ? np('allow-same-namespace', namespace, { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })
        : template === 'allow-from-label'
          ? np('allow-from-frontend', namespace, {
              podSelector: {},
              ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier: 'frontend' } } }] }],
            })
          : np('allow-dns', namespace, {
              podSelector: {},
              policyTypes: ['Egress'],
              egress: [
                {
                  to: [
                    {
                      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                    },
                  ],
                  ports: [
                    { protocol: 'UDP', port: 53 },
                    { protocol: 'TCP', port: 53 },
                  ],
                },
              ],
            });
  return stringify(policy, { indentSeq: false, lineWidth: 0 });
}

/** A peer naming exactly this pod's labels in its namespace, from a policy of `policyNamespace`. */
function peerOf(pod: Pod, policyNamespace: string): Raw {
  const podSelector = { matchLabels: { ...pod.labels } };
  return pod.namespace === policyNamespace
    ? { podSelector }
    : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': pod.namespace } }, podSelector };
}

const dnsName = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');

/**
 * The smallest NetworkPolicy that opens one denied cell: one rule on the denying side, selecting
 * the pod by all its labels, its peer by all of the other pod's labels (and namespace), on that one
 * port and protocol. When both sides deny, each needs its own policy (a policy selects pods of its
 * own namespace only): both are written, one rule each.
 */
export function smallestPolicy(
  src: Pod,
  dst: Pod,
  port: MatrixPort,
  deny: { egress: boolean; ingress: boolean },
): string {
  const ports = [{ protocol: port.protocol.toUpperCase(), port: port.port }];
  const docs: Raw[] = [];
  if (deny.egress)
    docs.push(
      np(dnsName(`allow-${src.name}-to-${dst.name}-${port.port}-egress`), src.namespace, {
        podSelector: { matchLabels: { ...src.labels } },
        policyTypes: ['Egress'],
        egress: [{ to: [peerOf(dst, src.namespace)], ports }],
      }),
    );
  if (deny.ingress)
    docs.push(
      np(dnsName(`allow-${src.name}-to-${dst.name}-${port.port}`), dst.namespace, {
        podSelector: { matchLabels: { ...dst.labels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [peerOf(src, dst.namespace)], ports }],
      }),
    );
  return docs.map((d) => stringify(d, { indentSeq: false, lineWidth: 0 })).join('---\n');
}
