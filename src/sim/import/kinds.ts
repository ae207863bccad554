/**
 * Kubernetes objects to the builder's description (ClusterSpec parts), one kind at a time. Each
 * reader takes the fields the simulation uses, checks their types as the API server would, and
 * reports problems against the object and field.
 */
import type {
  ContainerPortSpec,
  ContainerSpec,
  NodeSpec,
  PodSpec,
  PodTemplateSpec,
  ServicePortSpec,
  ServiceSpec,
  WorkloadSpec,
} from '../model/build';
import type { Endpoint, Protocol } from '../model/types';
import type { Path } from './problems';
import { cidrContains, parseCidr } from '../model/ip';
import { isRecord } from './read';
import type { Fields } from './read';
import { translateLegacyLbAnnotations } from './legacyAnnotations';

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];
const PORT_MAX = 65535;

/** Sets an optional field only when there is a value (exactOptionalPropertyTypes). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

export interface OwnerRef {
  kind: string;
  name: string;
}

/** The controlling owner of an object (metadata.ownerReferences with controller: true, else the first). */
export function readOwner(f: Fields): OwnerRef | undefined {
  const refs = f.list(['metadata', 'ownerReferences']);
  if (!refs) return undefined;
  let chosen: OwnerRef | undefined;
  refs.forEach((ref, i) => {
    const kind = f.str(['metadata', 'ownerReferences', i, 'kind']);
    const name = f.str(['metadata', 'ownerReferences', i, 'name']);
    if (kind === undefined || name === undefined) return;
    if (!chosen || (isRecord(ref) && ref['controller'] === true)) chosen = { kind, name };
  });
  return chosen;
}

/** The Ready condition of status.conditions, or undefined when the object carries no conditions. */
function readyCondition(f: Fields): boolean | undefined {
  const conditions = f.list(['status', 'conditions']);
  if (!conditions) return undefined;
  for (let i = 0; i < conditions.length; i++) {
    if (f.str(['status', 'conditions', i, 'type']) === 'Ready')
      return f.str(['status', 'conditions', i, 'status']) === 'True';
  }
  return false;
}

function protocolOf(f: Fields, path: Path): Protocol | 'sctp' | undefined {
  const value = f.oneOf(path, ['TCP', 'UDP', 'SCTP']);
  return value === undefined ? undefined : (value.toLowerCase() as Protocol | 'sctp');
}

export function readNode(f: Fields, name: string): NodeSpec {
  const spec: NodeSpec = { name };
  const labels = f.stringMap(['metadata', 'labels']);
  if (labels) {
    spec.labels = labels;
    // kubeadm labels its control-plane nodes; older clusters used the `master` role label.
    spec.role = CONTROL_PLANE_LABELS.some((l) => Object.hasOwn(labels, l)) ? 'control-plane' : 'worker';
  }
  let podCIDR = f.get(['spec', 'podCIDR']) === undefined ? undefined : f.cidr(['spec', 'podCIDR']);
  if (podCIDR === undefined) {
    // Dual-stack nodes list both families in podCIDRs; the simulation is IPv4.
    const cidrs = f.list(['spec', 'podCIDRs']) ?? [];
    const index = cidrs.findIndex((c) => typeof c === 'string' && c.includes('.'));
    if (index >= 0) podCIDR = f.cidr(['spec', 'podCIDRs', index]);
  }
  put(spec, 'podCIDR', podCIDR);
  const addresses = f.list(['status', 'addresses']) ?? [];
  for (let i = 0; i < addresses.length; i++) {
    if (f.str(['status', 'addresses', i, 'type']) !== 'InternalIP') continue;
    const address = f.str(['status', 'addresses', i, 'address']);
    if (address !== undefined && address.includes('.')) {
      put(spec, 'internalIP', f.ipv4(['status', 'addresses', i, 'address']));
      break;
    }
  }
  put(spec, 'ready', readyCondition(f));
  return spec;
}

function readContainers(f: Fields, base: Path, hostNetwork: boolean): ContainerSpec[] {
  const list = f.list([...base, 'containers'], true) ?? [];
  if (list.length === 0 && f.get([...base, 'containers']) !== undefined)
    f.error([...base, 'containers'], 'must hold at least one container');
  const containers: ContainerSpec[] = [];
  list.forEach((_, i) => {
    const at: Path = [...base, 'containers', i];
    const name = f.str([...at, 'name'], true);
    if (name === undefined) return;
    const container: ContainerSpec = { name };
    put(container, 'image', f.str([...at, 'image']));
    const ports = f.list([...at, 'ports']) ?? [];
    const out: ContainerPortSpec[] = [];
    ports.forEach((__, j) => {
      const pat: Path = [...at, 'ports', j];
      const containerPort = f.int([...pat, 'containerPort'], 1, PORT_MAX, true);
      if (containerPort === undefined) return;
      const protocol = protocolOf(f, [...pat, 'protocol']);
      if (protocol === 'sctp') {
        f.warn([...pat, 'protocol'], 'SCTP is not simulated; this port is left out');
        return;
      }
      const port: ContainerPortSpec = { containerPort };
      put(port, 'name', f.str([...pat, 'name']));
      put(port, 'protocol', protocol);
      let hostPort = f.int([...pat, 'hostPort'], 0, PORT_MAX);
      // API defaulting: on the host network a declared port is a host port (docs/networking-model.md).
      if (hostNetwork && (hostPort === undefined || hostPort === 0)) hostPort = containerPort;
      if (hostPort !== undefined && hostPort !== 0) port.hostPort = hostPort;
      out.push(port);
    });
    if (out.length > 0) container.ports = out;
    containers.push(container);
  });
  return containers;
}

/** Whether the tolerations let a pod onto a control-plane node (its NoSchedule taint). */
function toleratesControlPlane(f: Fields, base: Path): boolean {
  const tolerations = f.list([...base, 'tolerations']) ?? [];
  for (let i = 0; i < tolerations.length; i++) {
    const key = f.str([...base, 'tolerations', i, 'key']);
    const operator = f.str([...base, 'tolerations', i, 'operator']) ?? 'Equal';
    const effect = f.str([...base, 'tolerations', i, 'effect']);
    if (effect !== undefined && effect !== '' && effect !== 'NoSchedule') continue;
    // An empty key with operator Exists tolerates every taint.
    if ((key === undefined || key === '') && operator === 'Exists') return true;
    if (key !== undefined && CONTROL_PLANE_LABELS.includes(key)) return true;
  }
  return false;
}

/** A pod spec at `base` (`spec` of a Pod, `spec.template.spec` of a workload). */
function readPodSpec(f: Fields, base: Path, labelsPath: Path): PodTemplateSpec {
  const hostNetwork = f.bool([...base, 'hostNetwork']) ?? false;
  const template: PodTemplateSpec = { containers: readContainers(f, base, hostNetwork) };
  put(template, 'labels', f.stringMap(labelsPath));
  if (hostNetwork) template.hostNetwork = true;
  const nodeName = f.str([...base, 'nodeName']);
  if (nodeName) template.nodeName = nodeName;
  if (toleratesControlPlane(f, base)) template.tolerateControlPlane = true;
  return template;
}

export interface PodRead {
  spec: PodSpec;
  owner: OwnerRef | undefined;
  /** status.phase Succeeded or Failed: the pod no longer has a network */
  finished: boolean;
}

export function readPod(f: Fields, namespace: string, name: string): PodRead {
  const template = readPodSpec(f, ['spec'], ['metadata', 'labels']);
  const spec: PodSpec = { ...template, namespace, name };
  const podIP = f.str(['status', 'podIP']);
  if (podIP?.includes('.')) put(spec, 'ip', f.ipv4(['status', 'podIP']));
  else if (podIP) {
    // An IPv6-primary dual-stack pod: take its IPv4 address from podIPs.
    const ips = f.list(['status', 'podIPs']) ?? [];
    const index = ips.findIndex(
      (entry) => isRecord(entry) && typeof entry['ip'] === 'string' && entry['ip'].includes('.'),
    );
    if (index >= 0) put(spec, 'ip', f.ipv4(['status', 'podIPs', index, 'ip']));
  }
  put(spec, 'ready', readyCondition(f));
  const deletion = f.get(['metadata', 'deletionTimestamp']);
  if (deletion !== undefined && deletion !== null) spec.terminating = true;
  const phase = f.str(['status', 'phase']);
  return { spec, owner: readOwner(f), finished: phase === 'Succeeded' || phase === 'Failed' };
}

export function readWorkload(
  f: Fields,
  kind: WorkloadSpec['kind'],
  namespace: string,
  name: string,
): WorkloadSpec | null {
  if (f.map(['spec', 'template'], true) === undefined) return null;
  const template = readPodSpec(f, ['spec', 'template', 'spec'], ['spec', 'template', 'metadata', 'labels']);
  const workload: WorkloadSpec = { kind, namespace, name, template };
  if (kind !== 'DaemonSet') put(workload, 'replicas', f.int(['spec', 'replicas'], 0, 1_000_000));
  // apps/v1 requires a selector, and the API server rejects one that does not match the template.
  const selector = f.map(['spec', 'selector'], true);
  if (selector) {
    const matchLabels = f.stringMap(['spec', 'selector', 'matchLabels']);
    const labels = template.labels ?? {};
    for (const key of Object.keys(matchLabels ?? {})) {
      if (labels[key] !== matchLabels?.[key]) {
        f.error(
          ['spec', 'selector', 'matchLabels', key],
          `selector does not match template labels (spec.template.metadata.labels has no ${key}=${matchLabels?.[key]})`,
        );
        break;
      }
    }
  }
  return workload;
}

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

export function readService(f: Fields, namespace: string, name: string): ServiceSpec {
  const spec: ServiceSpec = { namespace, name };
  put(spec, 'type', f.oneOf(['spec', 'type'], SERVICE_TYPES));
  const clusterIP = f.str(['spec', 'clusterIP']);
  if (clusterIP === 'None') spec.clusterIP = 'None';
  else if (clusterIP !== undefined && clusterIP !== '') put(spec, 'clusterIP', f.ipv4(['spec', 'clusterIP']));
  const ports = f.list(['spec', 'ports']) ?? [];
  const out: ServicePortSpec[] = [];
  ports.forEach((_, i) => {
    const at: Path = ['spec', 'ports', i];
    const port = f.int([...at, 'port'], 1, PORT_MAX, true);
    if (port === undefined) return;
    const protocol = protocolOf(f, [...at, 'protocol']);
    if (protocol === 'sctp') {
      f.warn([...at, 'protocol'], 'SCTP is not simulated; this port is left out');
      return;
    }
    const sp: ServicePortSpec = { port };
    put(sp, 'name', f.str([...at, 'name']));
    put(sp, 'protocol', protocol);
    const targetPort = f.intOrString([...at, 'targetPort'], 1, PORT_MAX);
    put(sp, 'targetPort', targetPort);
    const nodePort = f.int([...at, 'nodePort'], 0, PORT_MAX);
    if (nodePort !== undefined && nodePort !== 0) sp.nodePort = nodePort;
    out.push(sp);
  });
  if (out.length > 0) spec.ports = out;
  const selector = f.stringMap(['spec', 'selector']);
  // An absent or empty selector means the Service's endpoints are managed by hand (the API drops `{}`).
  spec.selector = selector && Object.keys(selector).length > 0 ? selector : null;
  const etp = f.oneOf(['spec', 'externalTrafficPolicy'], ['Cluster', 'Local', 'Global']);
  put(spec, 'externalTrafficPolicy', etp === 'Global' ? 'Cluster' : etp);
  put(spec, 'internalTrafficPolicy', f.oneOf(['spec', 'internalTrafficPolicy'], ['Cluster', 'Local']));
  put(spec, 'sessionAffinity', f.oneOf(['spec', 'sessionAffinity'], ['None', 'ClientIP']));
  put(spec, 'sessionAffinityTimeout', f.int(['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'], 1, 86400));
  // The address the load balancer really got is in the status; spec.loadBalancerIP only asks for one.
  const ingress = f.list(['status', 'loadBalancer', 'ingress']) ?? [];
  let lbIP: string | undefined;
  let ipMode: 'VIP' | 'Proxy' | undefined;
  ingress.forEach((_, i) => {
    const ip = f.str(['status', 'loadBalancer', 'ingress', i, 'ip']);
    if (lbIP === undefined && ip !== undefined && ip.includes('.')) {
      lbIP = f.ipv4(['status', 'loadBalancer', 'ingress', i, 'ip']);
      // The mode of the address the model uses (KEP-1860; GA in 1.32): Proxy means kube-proxy installs no rule for it.
      ipMode = f.oneOf(['status', 'loadBalancer', 'ingress', i, 'ipMode'], ['VIP', 'Proxy']);
    }
  });
  if (lbIP === undefined) {
    const requested = f.str(['spec', 'loadBalancerIP']);
    if (requested) lbIP = f.ipv4(['spec', 'loadBalancerIP']);
  }
  if (lbIP === undefined && ingress.length > 0 && spec.type === 'LoadBalancer') {
    f.warn(
      ['status', 'loadBalancer', 'ingress'],
      'the load balancer has no IPv4 address (a hostname only); the simulation gives it one from 198.51.100.0/24',
    );
  }
  put(spec, 'loadBalancerIP', lbIP);
  put(spec, 'externalName', f.str(['spec', 'externalName']));
  if (spec.type === 'ExternalName' && !spec.externalName)
    f.error(['spec', 'externalName'], 'is required for type ExternalName');
  put(spec, 'publishNotReadyAddresses', f.bool(['spec', 'publishNotReadyAddresses']));
  const annotations = f.stringMap(['metadata', 'annotations']);
  if (annotations) {
    // kubectl's copy of the whole object as last applied: noise, and often the largest field.
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    ipMode = translateLegacyLbAnnotations(f, annotations, ipMode);
    if (Object.keys(annotations).length > 0) spec.annotations = annotations;
  }
  put(spec, 'loadBalancerIPMode', ipMode);
  return spec;
}

type EndpointPort = Endpoint['ports'][number];

function readEndpointPorts(f: Fields, base: Path): EndpointPort[] {
  const ports = f.list(base) ?? [];
  const out: EndpointPort[] = [];
  ports.forEach((_, i) => {
    const port = f.int([...base, i, 'port'], 1, PORT_MAX);
    if (port === undefined) return;
    const protocol = protocolOf(f, [...base, i, 'protocol']);
    if (protocol === 'sctp') return;
    out.push({ name: f.str([...base, i, 'name']) ?? null, port, protocol: protocol ?? 'tcp' });
  });
  return out;
}

function targetPod(f: Fields, base: Path, namespace: string): string | null {
  if (f.str([...base, 'targetRef', 'kind']) !== 'Pod') return null;
  const name = f.str([...base, 'targetRef', 'name']);
  if (name === undefined) return null;
  return `${f.str([...base, 'targetRef', 'namespace']) ?? namespace}/${name}`;
}

/** v1 Endpoints: subsets of addresses (ready) and notReadyAddresses, each with the subset's ports. */
export function readEndpoints(f: Fields, namespace: string): Endpoint[] {
  const byIp = new Map<string, Endpoint & { ports: EndpointPort[] }>();
  const subsets = f.list(['subsets']) ?? [];
  subsets.forEach((_, s) => {
    const ports = readEndpointPorts(f, ['subsets', s, 'ports']);
    for (const [field, ready] of [
      ['addresses', true],
      ['notReadyAddresses', false],
    ] as const) {
      const addresses = f.list(['subsets', s, field]) ?? [];
      addresses.forEach((__, a) => {
        const at: Path = ['subsets', s, field, a];
        const ip = f.ipv4([...at, 'ip']);
        if (ip === undefined) return;
        const key = `${ip}/${ready}`;
        const existing = byIp.get(key);
        if (existing) {
          existing.ports.push(...ports);
          return;
        }
        byIp.set(key, {
          ip,
          pod: targetPod(f, at, namespace),
          node: f.str([...at, 'nodeName']) ?? null,
          ready,
          serving: ready,
          terminating: false,
          ports: [...ports],
        });
      });
    }
  });
  return [...byIp.values()];
}

/** discovery.k8s.io/v1 EndpointSlice, IPv4 only. Unset conditions mean ready (API docs). */
export function readEndpointSlice(f: Fields, namespace: string): Endpoint[] | null {
  const addressType = f.oneOf(['addressType'], ['IPv4', 'IPv6', 'FQDN']);
  if (addressType !== 'IPv4') {
    if (addressType === 'FQDN') f.warn(['addressType'], 'FQDN EndpointSlices are not simulated');
    return null;
  }
  const ports = readEndpointPorts(f, ['ports']);
  const endpoints = f.list(['endpoints']) ?? [];
  const out: Endpoint[] = [];
  endpoints.forEach((_, i) => {
    const at: Path = ['endpoints', i];
    const ip = f.ipv4([...at, 'addresses', 0]);
    if (ip === undefined) {
      if (f.get([...at, 'addresses', 0]) === undefined) f.error([...at, 'addresses'], 'must hold an address');
      return;
    }
    const ready = f.bool([...at, 'conditions', 'ready']) ?? true;
    const serving = f.bool([...at, 'conditions', 'serving']) ?? ready;
    const terminating = f.bool([...at, 'conditions', 'terminating']) ?? false;
    out.push({
      ip,
      pod: targetPod(f, at, namespace),
      node: f.str([...at, 'nodeName']) ?? null,
      ready,
      serving,
      terminating,
      ports,
    });
  });
  return out;
}

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'] as const;

function validateBackend(f: Fields, at: Path): void {
  if (f.map(at) === undefined) return;
  const service = f.map([...at, 'service']);
  const resource = f.map([...at, 'resource']);
  if (!service && !resource) {
    f.error(at, 'must name a service (or a resource)');
    return;
  }
  if (service) {
    f.str([...at, 'service', 'name'], true);
    const number = f.int([...at, 'service', 'port', 'number'], 1, PORT_MAX);
    const portName = f.str([...at, 'service', 'port', 'name']);
    if (number === undefined && portName === undefined)
      f.error([...at, 'service', 'port'], 'must give a port number or name');
  }
}

/** networking.k8s.io/v1 Ingress: the fields the Ingress issue will use, checked for shape. */
export function validateIngress(f: Fields): void {
  f.str(['spec', 'ingressClassName']);
  validateBackend(f, ['spec', 'defaultBackend']);
  const rules = f.list(['spec', 'rules']) ?? [];
  rules.forEach((_, i) => {
    f.str(['spec', 'rules', i, 'host']);
    const paths = f.list(['spec', 'rules', i, 'http', 'paths']) ?? [];
    paths.forEach((__, j) => {
      const at: Path = ['spec', 'rules', i, 'http', 'paths', j];
      f.str([...at, 'path']);
      if (f.oneOf([...at, 'pathType'], PATH_TYPES) === undefined && f.get([...at, 'pathType']) === undefined)
        f.error([...at, 'pathType'], 'is required');
      if (f.map([...at, 'backend'], true)) validateBackend(f, [...at, 'backend']);
    });
  });
  const tls = f.list(['spec', 'tls']) ?? [];
  tls.forEach((_, i) => {
    const hosts = f.list(['spec', 'tls', i, 'hosts']) ?? [];
    hosts.forEach((__, j) => f.str(['spec', 'tls', i, 'hosts', j]));
    f.str(['spec', 'tls', i, 'secretName']);
  });
}

export function validateIngressClass(f: Fields): void {
  f.str(['spec', 'controller'], true);
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** A metav1.LabelSelector, as the API server validates it: known operators, values as they require. */
function validateSelector(f: Fields, at: Path, required = false): void {
  if (f.map(at, required) === undefined) return;
  f.stringMap([...at, 'matchLabels']);
  const expressions = f.list([...at, 'matchExpressions']) ?? [];
  expressions.forEach((_, i) => {
    const e: Path = [...at, 'matchExpressions', i];
    if (f.map(e) === undefined) return;
    f.str([...e, 'key'], true);
    const operator = f.oneOf([...e, 'operator'], SELECTOR_OPERATORS);
    if (operator === undefined && f.get([...e, 'operator']) === undefined) f.error([...e, 'operator'], 'is required');
    const values = f.list([...e, 'values']) ?? [];
    values.forEach((__, j) => f.str([...e, 'values', j]));
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
      f.error([...e, 'values'], `must not be empty when the operator is ${operator}`);
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0)
      f.error([...e, 'values'], `must be empty when the operator is ${operator}`);
  });
}

function validatePeers(f: Fields, at: Path): void {
  const peers = f.list(at) ?? [];
  peers.forEach((_, i) => {
    validateSelector(f, [...at, i, 'podSelector']);
    validateSelector(f, [...at, i, 'namespaceSelector']);
    if (f.map([...at, i, 'ipBlock'])) {
      const cidrText = f.cidr([...at, i, 'ipBlock', 'cidr']);
      const cidr = cidrText === undefined ? null : parseCidr(cidrText);
      const except = f.list([...at, i, 'ipBlock', 'except']) ?? [];
      except.forEach((__, j) => {
        const path: Path = [...at, i, 'ipBlock', 'except', j];
        const text = f.cidr(path);
        const inner = text === undefined ? null : parseCidr(text);
        // the API server wants each exception a strict subset of the block
        if (cidr && inner && !(inner.prefix > cidr.prefix && cidrContains(cidr, inner.base)))
          f.error(path, `must lie inside the ipBlock's cidr ${cidrText ?? ''} (and be smaller), not ${text ?? ''}`);
      });
    }
  });
}

/** networking.k8s.io/v1 NetworkPolicy, checked for shape (policy evaluation comes in its own issue). */
export function validateNetworkPolicy(f: Fields): void {
  validateSelector(f, ['spec', 'podSelector'], true);
  const types = f.list(['spec', 'policyTypes']) ?? [];
  types.forEach((_, i) => f.oneOf(['spec', 'policyTypes', i], ['Ingress', 'Egress']));
  for (const [direction, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    const rules = f.list(['spec', direction]) ?? [];
    rules.forEach((_, i) => {
      validatePeers(f, ['spec', direction, i, peers]);
      const ports = f.list(['spec', direction, i, 'ports']) ?? [];
      ports.forEach((__, j) => {
        const at: Path = ['spec', direction, i, 'ports', j];
        f.oneOf([...at, 'protocol'], ['TCP', 'UDP', 'SCTP']);
        const port = f.intOrString([...at, 'port'], 1, PORT_MAX);
        const endPort = f.int([...at, 'endPort'], 1, PORT_MAX);
        if (endPort !== undefined) {
          if (typeof port !== 'number')
            f.error([...at, 'endPort'], 'needs a numeric port to start the range (port is a name or missing)');
          else if (endPort < port) f.error([...at, 'endPort'], `must be at least port (${port}), not ${endPort}`);
        }
      });
    });
  }
}
