/**
 * The manifest importer: Kubernetes objects as YAML or JSON text in, a Cluster out (issue 3).
 *
 * It reads what `kubectl get -o yaml|json` prints and what users write: Nodes, Pods, Services,
 * Endpoints and EndpointSlices, workloads, Namespaces, the cluster's configuration objects, and
 * keeps Ingresses, IngressClasses, NetworkPolicies and Gateway API objects for later layers. What
 * the input leaves out is assigned by `buildCluster` as a real cluster would. Nothing throws: every problem is reported with
 * its source, object, field and, for text, line and column.
 */
import { buildCluster, ClusterBuildError, DEFAULT_NODES } from '../model/build';
import type { ClusterSpec, NodeSpec, PodSpec, ServiceSpec, WorkloadSpec } from '../model/build';
import { cidrContains, formatCidr, parseCidr, parseIPv4 } from '../model/ip';
import type { Cidr } from '../model/ip';
import type { Cluster, Endpoint } from '../model/types';
import {
  readEndpointSlice,
  readEndpoints,
  readNode,
  readOwner,
  readPod,
  readService,
  readWorkload,
  validateIngress,
  validateIngressClass,
  validateNetworkPolicy,
} from './kinds';
import type { OwnerRef } from './kinds';
import { DEFAULT_LIMITS } from './limits';
import type { ImportLimits } from './limits';
import { formatBytes, parseSource, utf8Length } from './parse';
import type { ParseBudget } from './parse';
import { parsePath, Problems } from './problems';
import type { RawObject } from './problems';
import { Fields } from './read';
import { SettingsReader, SITE_NETWORK_CONFIGMAP } from './settings';
import { addIngressController } from '../model/ingressController';
import { addEnvoyGateway } from '../model/envoyGateway';
import { addCiliumGateway } from '../model/ciliumGateway';
import { cniPlugin } from '../registry';
import { vpcCidrs, vpcSubnetPrefix } from '../cni/awsVpc';
import { GATEWAY_API_VERSIONS } from '../gateway/model';
import { GATEWAY_GROUP } from '../gateway/types';
import { validateGateway, validateGatewayClass, validateHTTPRoute, validateReferenceGrant } from './gatewayKinds';
import type { ImportResult, ManifestSource } from './types';

export type { ImportProblem, ImportResult, ManifestSource } from './types';
export { DEFAULT_LIMITS, MAX_DEPTH, MAX_INPUT_BYTES, MAX_OBJECTS, MAX_YAML_ALIASES } from './limits';
export type { ImportLimits } from './limits';

export interface LoadOptions {
  /** tighter (or looser) limits than DEFAULT_LIMITS, e.g. for a URL-carried scenario */
  limits?: Partial<ImportLimits>;
  /** add the `kubernetes` Service and cluster DNS when the input lacks them (default true) */
  addSystemObjects?: boolean;
  /** add ingress-nginx when Ingresses come without a controller, and Envoy Gateway's proxy for
   * Gateways of its class that lack it (default false; the app's import worker and the CLI do it) */
  addIngressController?: boolean;
  /** called as the import moves through its phases, for a progress bar on large inputs */
  onProgress?: (progress: ImportProgress) => void;
}

/** Where a running import is: parsing source `done` of `total`, reading objects, building. */
export interface ImportProgress {
  phase: 'parse' | 'read' | 'build';
  done: number;
  total: number;
}

type WorkloadKind = WorkloadSpec['kind'];
const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];
const SYSTEM_NS = 'kube-system';

/** Supported objects: API group -> kind -> accepted versions. */
const SUPPORTED: Record<string, Record<string, readonly string[]>> = {
  '': { Node: ['v1'], Pod: ['v1'], Namespace: ['v1'], Service: ['v1'], Endpoints: ['v1'], ConfigMap: ['v1'] },
  apps: { Deployment: ['v1'], ReplicaSet: ['v1'], StatefulSet: ['v1'], DaemonSet: ['v1'] },
  'discovery.k8s.io': { EndpointSlice: ['v1'] },
  'networking.k8s.io': { Ingress: ['v1'], IngressClass: ['v1'], NetworkPolicy: ['v1'], ServiceCIDR: ['v1'] },
  'kubeadm.k8s.io': { ClusterConfiguration: ['v1beta3', 'v1beta4'] },
  'kubeproxy.config.k8s.io': { KubeProxyConfiguration: ['v1alpha1'] },
  'crd.projectcalico.org': { IPPool: ['v1'] },
  [GATEWAY_GROUP]: GATEWAY_API_VERSIONS,
  'projectcalico.org': { IPPool: ['v3'] },
};

const GATEWAY_VALIDATORS: Record<'GatewayClass' | 'Gateway' | 'HTTPRoute' | 'ReferenceGrant', (f: Fields) => void> = {
  GatewayClass: validateGatewayClass,
  Gateway: validateGateway,
  HTTPRoute: validateHTTPRoute,
  ReferenceGrant: validateReferenceGrant,
};

/** Kinds without metadata (configuration files) or without a namespace. */
const CONFIG_KINDS = new Set(['ClusterConfiguration', 'KubeProxyConfiguration']);
const CLUSTER_SCOPED = new Set(['Node', 'Namespace', 'IngressClass', 'IPPool', 'ServiceCIDR', 'GatewayClass']);

interface PodEntry {
  type: 'pod';
  spec: PodSpec;
  owner: OwnerRef | undefined;
  raw: RawObject;
}
interface WorkloadEntry {
  type: 'workload';
  spec: WorkloadSpec;
  owner: OwnerRef | undefined;
  raw: RawObject;
}

/**
 * Reads Kubernetes manifests and builds the cluster they describe.
 *
 * @param sources - texts (files or pasted input), each YAML (any number of documents) or JSON (an
 *   object, an array, or a `kind: List` as kubectl prints it)
 * @param options - limits and whether to add the objects every kubeadm cluster has
 * @returns the cluster, the description it was built from, warnings and the kinds that were skipped;
 *   or the errors. It never throws.
 */
export function loadManifests(sources: ManifestSource[], options: LoadOptions = {}): ImportResult {
  try {
    return load(sources, options);
  } catch (error) {
    // A bug, or an input that broke something below: still an answer, never an exception.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      ok: false,
      errors: [
        { severity: 'error', source: firstName(sources), message: `The import failed unexpectedly (${message}).` },
      ],
      warnings: [],
    };
  }
}

function firstName(sources: unknown): string {
  if (Array.isArray(sources) && sources.length > 0) {
    const first: unknown = sources[0];
    if (typeof first === 'object' && first !== null && typeof (first as { name?: unknown }).name === 'string')
      return (first as { name: string }).name;
  }
  return 'input';
}

function checkBytes(sources: readonly ManifestSource[], limits: ImportLimits, problems: Problems): boolean {
  let chars = 0;
  for (const s of sources) chars += s.text.length;
  // Every UTF-16 unit is at least one UTF-8 byte and at most three, so the exact count is rarely needed.
  let bytes = chars;
  if (chars * 3 > limits.maxInputBytes && chars <= limits.maxInputBytes)
    bytes = sources.reduce((n, s) => n + utf8Length(s.text), 0);
  if (bytes <= limits.maxInputBytes) return true;
  problems.add({
    severity: 'error',
    source: sources.length === 1 ? (sources[0] as ManifestSource).name : sources.map((s) => s.name).join(', '),
    message: `The input is ${chars > limits.maxInputBytes ? 'more than ' : ''}${formatBytes(bytes)}; the limit is ${formatBytes(limits.maxInputBytes)} (MAX_INPUT_BYTES).`,
  });
  return false;
}

function load(sources: ManifestSource[], options: LoadOptions): ImportResult {
  const limits: ImportLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const problems = new Problems();
  const fail = (): ImportResult => ({ ok: false, ...problems.finish() });
  if (
    !Array.isArray(sources) ||
    sources.some((s) => typeof s !== 'object' || s === null || typeof s.text !== 'string' || typeof s.name !== 'string')
  ) {
    problems.add({
      severity: 'error',
      source: firstName(sources),
      message: 'Expected a list of sources, each with a name and a text.',
    });
    return fail();
  }
  if (!checkBytes(sources, limits, problems)) return fail();

  const budget: ParseBudget = { limits, objects: 0 };
  const raws: RawObject[] = [];
  const progress = options.onProgress;
  for (const [i, source] of sources.entries()) {
    progress?.({ phase: 'parse', done: i, total: sources.length });
    if (parseSource(source.text, source.name, budget, problems, raws) === 'fatal') return fail();
  }
  if (problems.hasErrors) return fail();

  const importer = new Importer(problems, limits);
  progress?.({ phase: 'read', done: 0, total: raws.length });
  for (const raw of raws) importer.read(raw);
  if (problems.hasErrors) return fail();
  let spec = importer.spec(options);
  if (problems.hasErrors) return fail();
  // Ingresses do nothing without a controller: add ingress-nginx as its bare-metal manifest would,
  // and say so (docs/networking-model.md)
  if (options.addIngressController ?? false) {
    const added = addIngressController(spec);
    spec = added.spec;
    if (added.note) problems.add({ severity: 'warning', source: firstName(sources), message: added.note });
    // Gateways of Envoy Gateway's class route nothing without the proxy it creates: add it too
    const envoy = addEnvoyGateway(spec);
    spec = envoy.spec;
    if (envoy.note) problems.add({ severity: 'warning', source: firstName(sources), message: envoy.note });
    // Gateways of Cilium's class get the Service Cilium's operator creates (their Envoy is the nodes')
    const cilium = addCiliumGateway(spec);
    spec = cilium.spec;
    if (cilium.note) problems.add({ severity: 'warning', source: firstName(sources), message: cilium.note });
  }
  progress?.({ phase: 'build', done: 0, total: 1 });

  let cluster: Cluster;
  try {
    cluster = buildCluster(spec);
  } catch (error) {
    if (!(error instanceof ClusterBuildError)) throw error;
    importer.reportBuildError(error, sources);
    return fail();
  }
  importer.checkBuilt(cluster);
  const { warnings } = problems.finish();
  return { ok: true, cluster, spec, warnings, ignored: importer.ignored };
}

class Importer {
  readonly ignored: Record<string, number> = {};
  private readonly problems: Problems;
  private readonly settings: SettingsReader;
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly entries = new Map<string, PodEntry | WorkloadEntry>();
  private readonly services = new Map<string, ServiceSpec>();
  private readonly endpoints = new Map<string, Endpoint[]>();
  private readonly slices = new Map<string, Endpoint[]>();
  private readonly namespaces = new Set<string>();
  private readonly extras: unknown[] = [];
  /** object label -> the object, to place the builder's errors */
  private readonly registry = new Map<string, RawObject>();
  private readonly seen = new Set<string>();

  constructor(problems: Problems, limits: ImportLimits) {
    this.problems = problems;
    this.settings = new SettingsReader(problems, limits);
  }

  private ignore(kind: string): void {
    this.ignored[kind] = (this.ignored[kind] ?? 0) + 1;
  }

  /** Sorts one object to its reader by API group, version and kind. */
  read(raw: RawObject): void {
    const probe = new Fields(raw, 'object', this.problems);
    const apiVersion = probe.str(['apiVersion']);
    const kind = probe.str(['kind']);
    if (!apiVersion || !kind) {
      if (!probe.failed) {
        probe.error(
          apiVersion ? ['kind'] : ['apiVersion'],
          'is required: this is not a Kubernetes object (apiVersion and kind name its type)',
        );
      }
      return;
    }
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const versions = SUPPORTED[group]?.[kind];
    if (!versions || !versions.includes(version)) {
      // A kind we read, in an old or other API group (extensions/v1beta1 Ingress): say which to use.
      const wanted = Object.entries(SUPPORTED)
        .flatMap(([g, kinds]) => (kinds[kind] ?? []).map((v) => (g ? `${g}/${v}` : v)))
        .join(' or ');
      if (!wanted) {
        this.ignore(kind);
        return;
      }
      probe.warn(['apiVersion'], `${kind} ${apiVersion} is not supported (use ${wanted}); the object is skipped`);
      this.ignore(kind);
      return;
    }
    if (CONFIG_KINDS.has(kind)) {
      const f = new Fields(raw, kind, this.problems);
      if (kind === 'ClusterConfiguration') this.settings.clusterConfiguration(f);
      else this.settings.kubeProxyConfiguration(f);
      this.registry.set(kind, raw);
      return;
    }
    const name = probe.str(['metadata', 'name']);
    if (!name) {
      if (!probe.failed) new Fields(raw, kind, this.problems).error(['metadata', 'name'], 'is required');
      return;
    }
    const namespaced = !CLUSTER_SCOPED.has(kind);
    const namespace = namespaced ? probe.str(['metadata', 'namespace']) || 'default' : '';
    const label = namespaced ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
    const f = new Fields(raw, label, this.problems);
    const key = `${group}/${kind}/${namespace}/${name}`;
    if (this.seen.has(key)) f.warn(['metadata', 'name'], `${label} is given more than once; the last one is used`);
    this.seen.add(key);
    this.registry.set(label, raw);
    this.dispatch(f, kind, namespace, name);
  }

  private dispatch(f: Fields, kind: string, namespace: string, name: string): void {
    switch (kind) {
      case 'Node': {
        const node = readNode(f, name);
        if (!f.failed) this.nodes.set(name, node);
        return;
      }
      case 'Namespace': {
        this.namespaces.add(name);
        // Labels are what namespaceSelectors (NetworkPolicy, a Gateway's allowedRoutes) select on:
        // a labelled Namespace is kept whole, where model/policy.ts namespaceLabels reads it.
        const labels = f.stringMap(['metadata', 'labels']);
        if (!f.failed && labels && Object.keys(labels).length > 0) this.extras.push(f.object.value);
        return;
      }
      case 'Pod': {
        const pod = readPod(f, namespace, name);
        if (f.failed) return;
        if (pod.finished) {
          f.warn(
            ['status', 'phase'],
            'the pod has finished (Succeeded or Failed) and has no network any more; it is left out',
          );
          return;
        }
        this.entries.set(`Pod/${namespace}/${name}`, { type: 'pod', spec: pod.spec, owner: pod.owner, raw: f.object });
        return;
      }
      case 'Service': {
        const svc = readService(f, namespace, name);
        if (!f.failed) this.services.set(`${namespace}/${name}`, svc);
        return;
      }
      case 'Endpoints': {
        const endpoints = readEndpoints(f, namespace);
        if (!f.failed) this.endpoints.set(`${namespace}/${name}`, endpoints);
        return;
      }
      case 'EndpointSlice': {
        const service = f.str(['metadata', 'labels', 'kubernetes.io/service-name']);
        if (!service) {
          f.warn(
            ['metadata', 'labels'],
            'has no kubernetes.io/service-name label, so it belongs to no Service; it is skipped',
          );
          return;
        }
        const endpoints = readEndpointSlice(f, namespace);
        if (f.failed || endpoints === null) return;
        const key = `${namespace}/${service}`;
        this.slices.set(key, [...(this.slices.get(key) ?? []), ...endpoints]);
        return;
      }
      case 'ConfigMap':
        this.configMap(f, namespace, name);
        return;
      case 'Ingress':
      case 'IngressClass':
      case 'NetworkPolicy':
        if (kind === 'Ingress') validateIngress(f);
        else if (kind === 'IngressClass') validateIngressClass(f);
        else validateNetworkPolicy(f);
        if (!f.failed) this.extras.push(f.object.value);
        return;
      case 'IPPool':
        this.settings.calicoPool(f);
        return;
      case 'ServiceCIDR':
        this.settings.serviceCidr(f, name);
        return;
      case 'GatewayClass':
      case 'Gateway':
      case 'HTTPRoute':
      case 'ReferenceGrant':
        GATEWAY_VALIDATORS[kind](f);
        if (!f.failed) this.extras.push(f.object.value);
        return;
      default:
        if (WORKLOAD_KINDS.includes(kind)) this.workload(f, kind as WorkloadKind, namespace, name);
    }
  }

  /** Only the ConfigMaps that configure the cluster are read; the data of any other is never looked at. */
  private configMap(f: Fields, namespace: string, name: string): void {
    if (namespace === SYSTEM_NS && name === 'kubeadm-config') this.settings.kubeadmConfigMap(f);
    else if (namespace === SYSTEM_NS && name === 'kube-proxy') this.settings.kubeProxyConfigMap(f);
    else if ((namespace === 'kube-flannel' || namespace === SYSTEM_NS) && name === 'kube-flannel-cfg')
      this.settings.flannelConfigMap(f);
    else if (namespace === SYSTEM_NS && name === 'cilium-config') this.settings.ciliumConfigMap(f);
    else if (namespace === SYSTEM_NS && name === SITE_NETWORK_CONFIGMAP) this.settings.siteNetworkConfigMap(f);
    else if (namespace === SYSTEM_NS && name === 'amazon-vpc-cni') this.settings.amazonVpcCniConfigMap(f);
    else this.ignore('ConfigMap');
  }

  private workload(f: Fields, kind: WorkloadKind, namespace: string, name: string): void {
    const spec = readWorkload(f, kind, namespace, name);
    if (f.failed || !spec) return;
    if (kind === 'DaemonSet') {
      if (namespace === SYSTEM_NS && name === 'kube-network-policies') this.settings.networkPolicyController();
      if (namespace === SYSTEM_NS && name === 'kindnet') {
        // The CNI's own agent: read as configuration, like flannel's ConfigMap, and not expanded
        // into pods (a dump that lists its pods still gets them), so an export re-imports as it was.
        this.settings.kindnetDaemonSet(f);
        return;
      }
      if (namespace === SYSTEM_NS && name === 'aws-node') {
        // The AWS VPC CNI's agent, read as configuration like kindnet's
        this.settings.awsNodeDaemonSet(f);
        return;
      }
      this.settings.flannelDaemonSet(f);
    }
    this.entries.set(`${kind}/${namespace}/${name}`, { type: 'workload', spec, owner: readOwner(f), raw: f.object });
  }

  /**
   * The description for the builder. kubectl lists a Deployment, its ReplicaSets and their pods
   * together: the real pods win (they carry their IPs), the Deployment stays as their owner without
   * being expanded again, and ReplicaSets of a listed Deployment are its implementation, not workloads.
   */
  spec(options: LoadOptions): ClusterSpec {
    const settings = this.settings.finish();
    if (settings.serviceSubnet === undefined) this.inferServiceSubnet(settings);
    const deployments = new Set<string>();
    const rsToDeployment = new Map<string, string>();
    for (const entry of this.entries.values()) {
      if (entry.type !== 'workload') continue;
      const ns = entry.spec.namespace ?? 'default';
      if (entry.spec.kind === 'Deployment') deployments.add(`${ns}/${entry.spec.name}`);
      if (entry.spec.kind === 'ReplicaSet') {
        const deployment =
          entry.owner?.kind === 'Deployment'
            ? entry.owner.name
            : deploymentFromHash(entry.spec.name, entry.spec.template.labels);
        if (deployment) rsToDeployment.set(`${ns}/${entry.spec.name}`, deployment);
      }
    }
    const hasPods = new Set<string>();
    const workloads: NonNullable<ClusterSpec['workloads']> = [];
    for (const entry of this.entries.values()) {
      if (entry.type !== 'pod' || !entry.owner) continue;
      const ns = entry.spec.namespace ?? 'default';
      let owner = entry.owner;
      if (owner.kind === 'ReplicaSet') {
        const deployment =
          rsToDeployment.get(`${ns}/${owner.name}`) ?? deploymentFromHash(owner.name, entry.spec.labels);
        if (deployment && deployments.has(`${ns}/${deployment}`)) owner = { kind: 'Deployment', name: deployment };
      }
      entry.spec.owner = `${owner.kind}/${owner.name}`;
      hasPods.add(`${owner.kind}/${ns}/${owner.name}`);
    }
    for (const entry of this.entries.values()) {
      if (entry.type === 'pod') {
        workloads.push({ kind: 'Pod', ...entry.spec });
        continue;
      }
      const ns = entry.spec.namespace ?? 'default';
      if (entry.spec.kind === 'ReplicaSet') {
        const deployment = rsToDeployment.get(`${ns}/${entry.spec.name}`);
        if (deployment && deployments.has(`${ns}/${deployment}`)) continue;
      }
      const spec: WorkloadSpec = { ...entry.spec };
      if (hasPods.has(`${spec.kind}/${ns}/${spec.name}`)) spec.expand = false;
      workloads.push(spec);
    }

    const spec: ClusterSpec = {};
    if (Object.keys(settings).length > 0) spec.settings = settings;
    const nodes = this.nodeSpecs(workloads, settings.podSubnet);
    if (nodes) spec.nodes = nodes;
    if (workloads.length > 0) spec.workloads = workloads;
    if (this.services.size > 0) spec.services = [...this.services.values()];
    const endpoints: Record<string, Endpoint[]> = {};
    // EndpointSlices are what kube-proxy reads; Endpoints count only for Services without slices.
    for (const [key, list] of this.endpoints) endpoints[key] = list;
    for (const [key, list] of this.slices) endpoints[key] = list;
    if (Object.keys(endpoints).length > 0) spec.endpoints = endpoints;
    if (this.namespaces.size > 0) spec.namespaces = [...this.namespaces];
    if (this.extras.length > 0) spec.extras = this.extras;
    if (options.addSystemObjects !== undefined) spec.addSystemObjects = options.addSystemObjects;
    return spec;
  }

  /**
   * The nodes: those given; or, when none are, the built-in cluster's, plus a node for every
   * spec.nodeName the pods name that is not one of them (kubectl output of pods alone names the
   * real nodes). Such a node gets the /24 its pods' addresses sit in, when they agree on one.
   */
  private nodeSpecs(
    workloads: NonNullable<ClusterSpec['workloads']>,
    podSubnet: string | undefined,
  ): NodeSpec[] | null {
    if (this.nodes.size > 0) return [...this.nodes.values()];
    const known = new Set(DEFAULT_NODES.map((n) => n.name));
    const extra = new Map<string, Set<string>>();
    for (const w of workloads) {
      const nodeName = w.kind === 'Pod' ? w.nodeName : w.template.nodeName;
      if (!nodeName || known.has(nodeName)) continue;
      const subnets = extra.get(nodeName) ?? new Set<string>();
      extra.set(nodeName, subnets);
      if (w.kind === 'Pod' && w.ip && !w.hostNetwork) {
        const ip = parseIPv4(w.ip);
        if (ip !== null) subnets.add(formatCidr({ base: (ip & 0xffffff00) >>> 0, prefix: 24 }));
      }
    }
    if (extra.size === 0) return null;
    const pool = parseCidr(podSubnet ?? '10.244.0.0/16');
    const names = [...extra.keys()];
    const first = this.registry.values().next().value as RawObject;
    this.problems.add({
      severity: 'warning',
      source: first.source,
      message: `The input has no Node objects; the built-in nodes are used, with ${names.join(', ')} added because pods run on ${names.length === 1 ? 'it' : 'them'}.`,
    });
    const used = new Set<string>();
    return [
      ...DEFAULT_NODES.map((n) => ({ ...n })),
      ...names.map((name): NodeSpec => {
        const subnets = [...(extra.get(name) as Set<string>)];
        const only = subnets.length === 1 ? (subnets[0] as string) : undefined;
        const inPool =
          only !== undefined && pool !== null && cidrContains(pool, (parseCidr(only) as { base: number }).base);
        if (only && inPool && !used.has(only)) {
          used.add(only);
          return { name, podCIDR: only };
        }
        return { name };
      }),
    ];
  }

  /**
   * Without a ClusterConfiguration or ServiceCIDR (EKS, most managed clusters), the Service range
   * comes from the allocated ClusterIPs when they show it is not kubeadm's 10.96.0.0/12: one lies
   * outside it, or `kubernetes` (which the API server gives the range's first address) is not
   * 10.96.0.1. The range is the smallest CIDR holding them all, at least a /16 (EKS uses
   * 10.100.0.0/16 or 172.20.0.0/16). An assumption, so it is said.
   */
  private inferServiceSubnet(settings: { serviceSubnet?: string }): void {
    const kubeadm = parseCidr('10.96.0.0/12') as Cidr;
    let outside: string | null = null;
    let lo = 0xffffffff;
    let hi = 0;
    for (const [key, svc] of this.services) {
      const ip = svc.clusterIP === undefined ? null : parseIPv4(svc.clusterIP);
      if (ip === null) continue;
      if (!cidrContains(kubeadm, ip)) outside ??= key;
      lo = Math.min(lo, ip);
      hi = Math.max(hi, ip);
    }
    const apiServer = this.services.get('default/kubernetes')?.clusterIP;
    if (apiServer !== undefined && apiServer !== '10.96.0.1' && parseIPv4(apiServer) !== null)
      outside ??= 'default/kubernetes';
    if (outside === null) return;
    let prefix = 16;
    while (prefix > 8 && lo >>> (32 - prefix) !== hi >>> (32 - prefix)) prefix--;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const range = formatCidr({ base: (lo & mask) >>> 0, prefix });
    settings.serviceSubnet = range;
    const raw = this.registry.get(`Service ${outside}`);
    const message = `no ClusterConfiguration or ServiceCIDR gives the Service range; the ClusterIPs put it in ${range}, which the simulation assumes`;
    if (raw) this.problems.at('warning', raw, `Service ${outside}`, ['spec', 'clusterIP'], message);
  }

  /** Places an error of the builder at the object (and field) that caused it. */
  reportBuildError(error: ClusterBuildError, sources: readonly ManifestSource[]): void {
    const isSetting =
      error.object === 'ClusterConfiguration' || error.object === 'settings' || error.object === 'IPPool';
    if (isSetting) {
      const which = /service/i.test(error.field) ? 'serviceSubnet' : 'podSubnet';
      const blame = this.settings.blame.get(which);
      if (blame) {
        this.problems.at('error', blame.where.object, blame.where.label, blame.field, error.detail);
        return;
      }
    }
    const raw = this.registry.get(error.object);
    if (raw) {
      this.problems.at('error', raw, error.object, parsePath(error.field), error.detail);
      return;
    }
    this.problems.add({
      severity: 'error',
      source: firstName(sources),
      object: error.object,
      field: error.field,
      message: error.detail,
    });
  }

  /** Warnings about things a real cluster would get wrong in the input as given. */
  checkBuilt(cluster: Cluster): void {
    const pool = parseCidr(cluster.settings.podSubnet);
    if (!pool) return;
    if (cniPlugin(cluster).vpc) {
      // The AWS VPC CNI: nodes and pods share the VPC on purpose; what no manifest holds is its CIDR.
      const vpc = vpcCidrs(cluster);
      if (vpc.assumed)
        this.problems.add({
          severity: 'warning',
          source: this.registry.values().next().value?.source ?? 'input',
          object: `ConfigMap kube-system/${SITE_NETWORK_CONFIGMAP}`,
          field: 'data.vpcCIDRs',
          message: `no setting gives the VPC's CIDRs (the AWS VPC CNI reads them from instance metadata); the simulation assumes ${vpc.cidrs.join(', ')}, the smallest CIDR holding every node's subnet`,
        });
      const subnet = vpcSubnetPrefix(cluster);
      if (subnet.assumed)
        this.problems.add({
          severity: 'warning',
          source: this.registry.values().next().value?.source ?? 'input',
          object: `ConfigMap kube-system/${SITE_NETWORK_CONFIGMAP}`,
          field: 'data.vpcSubnetPrefix',
          message: `no manifest gives the mask of the nodes' VPC subnets; the simulation assumes /${subnet.prefix}, the longest prefix (at most /24) whose subnet around each node holds its pods' addresses (eksctl makes /19 subnets, the EKS CloudFormation template /18)`,
        });
      return;
    }
    for (const node of cluster.nodes) {
      const ip = parseIPv4(node.internalIP);
      if (ip === null || !cidrContains(pool, ip)) continue;
      const raw = this.registry.get(`Node ${node.name}`);
      const message = `the node address ${node.internalIP} is inside the pod network ${cluster.settings.podSubnet}; a real cluster needs them apart or routing breaks`;
      if (raw) this.problems.at('warning', raw, `Node ${node.name}`, ['status', 'addresses'], message);
      else
        this.problems.add({
          severity: 'warning',
          source: this.registry.values().next().value?.source ?? 'input',
          object: `Node ${node.name}`,
          message,
        });
    }
  }
}

/** The Deployment a ReplicaSet (or its pod) belongs to, from the pod-template-hash naming rule. */
function deploymentFromHash(
  replicaSet: string,
  labels: Readonly<Record<string, string>> | undefined,
): string | undefined {
  const hash = labels?.['pod-template-hash'];
  if (!hash || !replicaSet.endsWith(`-${hash}`)) return undefined;
  return replicaSet.slice(0, -(hash.length + 1));
}
