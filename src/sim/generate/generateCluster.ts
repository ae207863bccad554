/**
 * A generator of large clusters as users write them: Nodes, Namespaces, Deployments and Services
 * (not one Pod object per pod), as one YAML stream or as one JSON `List` (kubectl prints both). The
 * benchmarks (100 nodes x 50 pods with 1,000 Services) and the app's `?generate=NxM` load its output
 * through `loadManifests`, so a big cluster exercises the same path as a user's paste. The app asks
 * for JSON: the same objects, parsed by `JSON.parse` in milliseconds where YAML takes a second at
 * 5,000 pods.
 */
import { stringify } from 'yaml';
import { createRng } from '../model/rng';
import type { ManifestSource } from '../import/types';

const IMAGES = [
  'nginx:1.27',
  'registry.k8s.io/e2e-test-images/agnhost:2.53',
  'hashicorp/http-echo:1.0',
  'ghcr.io/stefanprodan/podinfo:6.7.1',
];
const PORTS = [8080, 80, 3000, 5000, 9000];
/** Deployments per namespace, so that large clusters have several namespaces as real ones do. */
const PER_NAMESPACE = 100;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Generates a cluster as Kubernetes manifests: a YAML stream (the default) or a JSON `List`.
 *
 * What loading it yields, exactly:
 * - `nodes` worker Nodes (`worker-001`, ...) plus one control-plane Node (`control-plane`), all
 *   Ready, with InternalIPs from 172.16.0.10 upward and podCIDRs left to the cluster (10.244.N.0/24
 *   in registration order, the control plane first);
 * - `nodes * podsPerNode` pods, from `D` Deployments whose replicas add up to exactly that number
 *   (replica counts differ by at most one), where `D = min(services, nodes * podsPerNode)`, or
 *   `ceil(nodes * podsPerNode / 5)` when `services` is 0. Scheduling spreads them over the workers,
 *   which with even replica counts gives each worker `podsPerNode` pods (±1 otherwise);
 * - `services` Services, the i-th selecting the pods of Deployment `i mod D` by its `app` label,
 *   mostly ClusterIP, about 1 in 15 NodePort and 1 in 30 LoadBalancer;
 * - plus what every kubeadm cluster has and the builder adds: the `kubernetes` Service, the kube-dns
 *   Service and 2 CoreDNS pods on the control plane (so the cluster holds `nodes * podsPerNode + 2`
 *   pods in all).
 *
 * Container ports, images, Service types and a sidecar in about 1 Deployment in 10 are drawn from
 * `seed`; the same arguments always give the same text, byte for byte, and both formats hold the
 * same objects.
 *
 * @param nodes - worker nodes (at least 1)
 * @param podsPerNode - pods per worker node (0 to 250: a node's /24 holds 253 pods)
 * @param services - Services to create
 * @param seed - seeds every random choice
 * @param format - `yaml` (documents separated by `---`) or `json` (`{"kind":"List","items":[...]}`)
 */
export function generateCluster(
  nodes: number,
  podsPerNode: number,
  services: number,
  seed: number,
  format: 'yaml' | 'json' = 'yaml',
  options: GenerateOptions = {},
): string {
  const objects = generateObjects(nodes, podsPerNode, services, seed, options);
  if (format === 'json') return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  // kubectl's style: a list not indented under its key, and no line folded
  return objects.map((o) => stringify(o, { indentSeq: false, lineWidth: 0 })).join('---\n');
}

/** The Services of a generated cluster: one per five pods, as `?generate` and the benchmarks use. */
export const generatedServiceCount = (nodes: number, podsPerNode: number): number =>
  Math.ceil((nodes * podsPerNode) / 5);

/** The manifest source of a generated cluster, named as the app shows it: JSON, quick to parse. */
export function generatedSource(
  nodes: number,
  podsPerNode: number,
  seed: number,
  options: GenerateOptions = {},
): ManifestSource {
  const policies = options.policies ?? 0;
  return {
    name: `generate=${nodes}x${podsPerNode}${policies > 0 ? `&policies=${policies}` : ''}`,
    text: generateCluster(nodes, podsPerNode, generatedServiceCount(nodes, podsPerNode), seed, 'json', options),
  };
}

export interface GenerateOptions {
  /**
   * NetworkPolicies to write (0, the default, writes none and leaves the output as it was). With
   * policies the cluster runs Calico (an IPPool), which enforces them, namespaces hold
   * `POLICY_TEAM_SIZE` Deployments each and Deployments carry a `tier` label the policies select.
   */
  policies?: number;
}

/** Deployments per namespace when the cluster has policies: teams small enough to give a namespace grid. */
export const POLICY_TEAM_SIZE = 20;
const TIERS = ['frontend', 'backend', 'db'] as const;

/** A manifest as plain data: maps, lists, strings and numbers. */
type Manifest = { [key: string]: Value };
type Value = string | number | boolean | Manifest | Value[];

/** The objects `generateCluster` writes, in its order. */
export function generateObjects(
  nodes: number,
  podsPerNode: number,
  services: number,
  seed: number,
  options: GenerateOptions = {},
): Manifest[] {
  const policyCount = Math.max(0, Math.floor(options.policies ?? 0));
  const n = Math.max(1, Math.floor(nodes));
  const perNode = Math.min(250, Math.max(0, Math.floor(podsPerNode)));
  const serviceCount = Math.max(0, Math.floor(services));
  const total = n * perNode;
  const deploymentCount = total === 0 ? 0 : Math.min(total, serviceCount > 0 ? serviceCount : Math.ceil(total / 5));
  const rng = createRng(seed);
  const out: Manifest[] = [];

  const nodeObject = (name: string, index: number, controlPlane: boolean): Manifest => {
    const ip = `172.16.${Math.floor((index + 10) / 250)}.${((index + 10) % 250) + (index + 10 >= 250 ? 1 : 0)}`;
    const labels: Manifest = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
    if (controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      ...(controlPlane
        ? { spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }
        : {}),
      status: {
        addresses: [
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: name },
        ],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
  };
  out.push(nodeObject('control-plane', 0, true));
  if (policyCount > 0) {
    // Calico over IP-in-IP, on the builder's pod network: a plugin that enforces NetworkPolicy
    out.push({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'default-ipv4-ippool' },
      spec: { cidr: '10.244.0.0/16', ipipMode: 'Always', natOutgoing: true, blockSize: 26 },
    });
  }
  const width = Math.max(3, String(n).length);
  for (let i = 1; i <= n; i++) out.push(nodeObject(`worker-${pad(i, width)}`, i, false));

  const perNamespace = policyCount > 0 ? POLICY_TEAM_SIZE : PER_NAMESPACE;
  const namespaceCount = Math.ceil(deploymentCount / perNamespace);
  const nsWidth = Math.max(2, String(namespaceCount).length);
  const namespaceOf = (d: number): string =>
    namespaceCount <= 1 ? 'default' : `team-${pad(Math.floor(d / perNamespace) + 1, nsWidth)}`;
  if (namespaceCount > 1) {
    for (let i = 1; i <= namespaceCount; i++)
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${pad(i, nsWidth)}` } });
  }

  const depWidth = Math.max(4, String(deploymentCount).length);
  const names: string[] = [];
  const ports: number[] = [];
  const base = deploymentCount > 0 ? Math.floor(total / deploymentCount) : 0;
  const extra = deploymentCount > 0 ? total % deploymentCount : 0;
  for (let d = 0; d < deploymentCount; d++) {
    const name = `app-${pad(d + 1, depWidth)}`;
    names.push(name);
    const port = PORTS[rng.int(0, PORTS.length - 1)] as number;
    ports.push(port);
    const labels: Manifest = policyCount > 0 ? { app: name, tier: tierOf(d) } : { app: name };
    const image = IMAGES[rng.int(0, IMAGES.length - 1)] as string;
    const containers: Manifest[] = [{ name: 'app', image, ports: [{ name: 'http', containerPort: port }] }];
    if (rng.next() < 0.1) containers.push({ name: 'log-shipper', image: 'fluent/fluent-bit:3.2' });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: namespaceOf(d), labels },
      spec: {
        replicas: base + (d < extra ? 1 : 0),
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels }, spec: { containers } },
      },
    });
  }

  for (let s = 0; s < serviceCount && deploymentCount > 0; s++) {
    const d = s % deploymentCount;
    const target = names[d] as string;
    const name = s < deploymentCount ? target : `${target}-${Math.floor(s / deploymentCount) + 1}`;
    const roll = rng.next();
    const type = roll < 1 / 30 ? 'LoadBalancer' : roll < 1 / 30 + 1 / 15 ? 'NodePort' : 'ClusterIP';
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: namespaceOf(d) },
      spec: { type, selector: { app: target }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
  }
  if (policyCount > 0 && deploymentCount > 0) {
    const namespaces = Array.from({ length: namespaceCount }, (_, i) => namespaceOf(i * perNamespace));
    out.push(...generatePolicies(policyCount, names, ports, namespaceOf, namespaces, rng));
  }
  return out;
}

const tierOf = (d: number): string => TIERS[d % TIERS.length] as string;

/**
 * NetworkPolicies as teams write them: each namespace first denies all ingress, then its
 * Deployments open what they serve, in turn: to their own namespace on the named port, to a tier
 * across namespaces, to one Deployment of another namespace, from the pod network but one
 * /24 (ipBlock with except), and egress limited to DNS and the backends of their namespace.
 */
function generatePolicies(
  count: number,
  names: readonly string[],
  ports: readonly number[],
  namespaceOf: (d: number) => string,
  namespaces: readonly string[],
  rng: ReturnType<typeof createRng>,
): Manifest[] {
  const out: Manifest[] = [];
  const policy = (name: string, namespace: string, spec: Manifest): Manifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec,
  });
  for (const ns of namespaces.slice(0, count))
    out.push(policy('default-deny-ingress', ns, { podSelector: {}, policyTypes: ['Ingress'] }));
  const kinds = ['same-namespace', 'from-tier', 'from-namespace', 'ip-block', 'egress'] as const;
  for (let i = 0; out.length < count; i++) {
    const d = i % names.length;
    const app = names[d] as string;
    const ns = namespaceOf(d);
    const kind = kinds[rng.int(0, kinds.length - 1)] as (typeof kinds)[number];
    // a Deployment met again gets a numbered policy: names stay unique in the namespace
    const name = `${app}-${kind}${i >= names.length ? `-${Math.floor(i / names.length) + 1}` : ''}`;
    const selector = { matchLabels: { app } };
    const port = ports[d] as number;
    if (kind === 'same-namespace') {
      out.push(
        policy(name, ns, {
          podSelector: selector,
          ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'http' }] }],
        }),
      );
    } else if (kind === 'from-tier') {
      const tier = TIERS[rng.int(0, TIERS.length - 1)] as string;
      out.push(
        policy(name, ns, {
          podSelector: selector,
          ingress: [
            {
              from: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier } } }],
              ports: [{ protocol: 'TCP', port }],
            },
          ],
        }),
      );
    } else if (kind === 'from-namespace') {
      const other = names[rng.int(0, names.length - 1)] as string;
      const otherNs = namespaceOf(names.indexOf(other));
      out.push(
        policy(name, ns, {
          podSelector: selector,
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': otherNs } },
                  podSelector: { matchLabels: { app: other } },
                },
              ],
            },
          ],
        }),
      );
    } else if (kind === 'ip-block') {
      const node = rng.int(1, 8);
      out.push(
        policy(name, ns, {
          podSelector: selector,
          ingress: [
            { from: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`10.244.${node}.0/24`] } }], ports: [{ port }] },
          ],
        }),
      );
    } else {
      out.push(
        policy(name, ns, {
          podSelector: selector,
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
            { to: [{ podSelector: { matchLabels: { tier: 'backend' } } }] },
          ],
        }),
      );
    }
  }
  return out;
}
