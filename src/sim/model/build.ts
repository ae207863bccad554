/**
 * From a cluster description (what Kubernetes objects say, minus what the cluster assigns itself) to
 * a complete `Cluster`: node podCIDRs, scheduling, pod IPs by host-local's rule, ClusterIPs,
 * nodePorts, LoadBalancer IPs, EndpointSlices, and the objects every kubeadm cluster has.
 *
 * Everything a real cluster would choose at random is derived from names with a stable hash, so
 * the same description always builds the same cluster.
 */
import { cidrContains, cidrSize, formatCidr, formatIPv4, nthAddress, parseCidr, parseIPv4 } from './ip';
import type { Cidr } from './ip';
import { fnv1a, k8sSuffix, macFor } from './rng';
import { formatCount } from './format';
import { cniPlugin, serviceProxy } from '../registry';
import { settleCiliumGatewayApi } from '../cni/cilium';
import { readGatewayApi } from '../gateway/model';
import { allocateAddress, BlockPool, Scheduler } from './placement';
import { nodeSubnet, SUBNET_PREFIX_MAX, SUBNET_PREFIX_MIN, vpcCidrsFor, vpcSubnetPrefixFor } from '../cni/awsVpc';
import type { NodeIpam } from './placement';
import type {
  Cluster,
  ClusterNode,
  ClusterSettings,
  Container,
  ContainerPort,
  Device,
  Endpoint,
  EndpointSet,
  Pod,
  Protocol,
  Service,
  ServicePort,
  ServiceType,
} from './types';

/** kubeadm defaults with flannel VXLAN and kube-proxy in iptables mode (docs/networking-model.md). */
export const DEFAULT_SETTINGS: ClusterSettings = {
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/12',
  dnsDomain: 'cluster.local',
  proxyMode: 'iptables',
  cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true },
  policyEnforced: false,
  underlayMtu: 1500,
};

/** The reference cluster's machines: a control plane and two workers (issue 2). */
export const DEFAULT_NODES: readonly NodeSpec[] = [
  { name: 'cp', role: 'control-plane', internalIP: '192.168.10.10' },
  { name: 'node-a', role: 'worker', internalIP: '192.168.10.11' },
  { name: 'node-b', role: 'worker', internalIP: '192.168.10.12' },
];

export interface NodeSpec {
  name: string;
  role?: 'control-plane' | 'worker';
  internalIP?: string;
  podCIDR?: string;
  ready?: boolean;
  labels?: Record<string, string>;
}

export interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
  hostPort?: number;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  ports?: ContainerPortSpec[];
}

export interface PodTemplateSpec {
  labels?: Record<string, string>;
  containers: ContainerSpec[];
  hostNetwork?: boolean;
  nodeName?: string;
  /** tolerates the control plane's NoSchedule taint */
  tolerateControlPlane?: boolean;
}

export interface PodSpec extends PodTemplateSpec {
  namespace?: string;
  name: string;
  /** status.podIP when the input gives it */
  ip?: string;
  /** the Ready condition when the input gives it */
  ready?: boolean;
  terminating?: boolean;
  owner?: string;
}

export interface WorkloadSpec {
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet';
  namespace?: string;
  name: string;
  replicas?: number;
  template: PodTemplateSpec;
  /**
   * false when the input listed this workload's pods itself (as `kubectl get -A` prints a Deployment
   * and its pods): they are in `workloads` as Pod entries owned by it, so the template is not
   * expanded again. Default true.
   */
  expand?: boolean;
}

export interface ServicePortSpec {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  namespace?: string;
  name: string;
  type?: ServiceType;
  /** an address, `None` for a headless Service, or absent to allocate one */
  clusterIP?: string;
  ports?: ServicePortSpec[];
  selector?: Record<string, string> | null;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityTimeout?: number;
  loadBalancerIP?: string;
  /** `status.loadBalancer.ingress[].ipMode` of the load balancer's address */
  loadBalancerIPMode?: 'VIP' | 'Proxy';
  externalName?: string;
  publishNotReadyAddresses?: boolean;
  annotations?: Record<string, string>;
}

export interface ClusterSpec {
  settings?: Partial<ClusterSettings>;
  /** the built-in cluster's nodes when absent or empty */
  nodes?: NodeSpec[];
  /** workloads and bare pods, in creation order (it decides scheduling and IPs) */
  workloads?: (WorkloadSpec | ({ kind: 'Pod' } & PodSpec))[];
  services?: ServiceSpec[];
  /** endpoints given in the input (Endpoints / EndpointSlice objects), by `ns/name` of the Service */
  endpoints?: Record<string, Endpoint[]>;
  namespaces?: string[];
  extras?: unknown[];
  /** add the `kubernetes` Service and cluster DNS when the input lacks them (default true) */
  addSystemObjects?: boolean;
}

/** Thrown for a description that cannot form a cluster (an address outside its range, a clash). */
export class ClusterBuildError extends Error {
  readonly object: string;
  readonly field: string;
  /** the message without the object and field in front */
  readonly detail: string;
  constructor(message: string, object: string, field: string) {
    super(`${object}: ${field}: ${message}`);
    this.name = 'ClusterBuildError';
    this.object = object;
    this.field = field;
    this.detail = message;
  }
}

const DEFAULT_NS = 'default';
const SYSTEM_NS = 'kube-system';

/** The CoreDNS Deployment kubeadm installs (label k8s-app=kube-dns, two replicas). */
const COREDNS: WorkloadSpec = {
  kind: 'Deployment',
  namespace: SYSTEM_NS,
  name: 'coredns',
  replicas: 2,
  template: {
    labels: { 'k8s-app': 'kube-dns' },
    tolerateControlPlane: true,
    containers: [
      {
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.12.0',
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'udp' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'tcp' },
          { name: 'metrics', containerPort: 9153, protocol: 'tcp' },
        ],
      },
    ],
  },
};

const KUBE_DNS: ServiceSpec = {
  namespace: SYSTEM_NS,
  name: 'kube-dns',
  selector: { 'k8s-app': 'kube-dns' },
  ports: [
    { name: 'dns', protocol: 'udp', port: 53, targetPort: 53 },
    { name: 'dns-tcp', protocol: 'tcp', port: 53, targetPort: 53 },
    { name: 'metrics', protocol: 'tcp', port: 9153, targetPort: 9153 },
  ],
};

const KUBERNETES_SVC: ServiceSpec = {
  namespace: DEFAULT_NS,
  name: 'kubernetes',
  selector: null,
  ports: [{ name: 'https', protocol: 'tcp', port: 443, targetPort: 6443 }],
};

/** The host-side veth name the CNI gives a pod (exported for the pod operations in sim/ops). */
export function hostVethName(settings: ClusterSettings, key: string): string {
  return cniPlugin({ settings }).vethName(key);
}

/**
 * The pod address range a node allocates from and the first index its IPAM hands out: flannel and
 * Cilium use the node's podCIDR with the gateway at .1 and pods from .2 (host-local); Calico takes
 * a block from the pool, with the tunnel address at index 0 and pods from index 1.
 */
function nodePodRange(node: ClusterNode, blocks: BlockPool | null): Cidr {
  if (blocks) return claimBlock(blocks, node.name);
  return mustCidr(node.podCIDR ?? '', `Node ${node.name}`, 'spec.podCIDR');
}

function claimBlock(blocks: BlockPool, node: string): Cidr {
  const block = blocks.claim();
  if (block === null)
    throw new ClusterBuildError(
      `the IP pool ${formatCidr(blocks.pool)} has no free /${blocks.prefix} block left for node ${node}`,
      'IPPool',
      'spec.cidr',
    );
  return block;
}

function mustCidr(text: string, object: string, field: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new ClusterBuildError(`${field} "${text}" is not an IPv4 CIDR`, object, field);
  return cidr;
}

function nodeDevices(settings: ClusterSettings, node: ClusterNode, range: Cidr, eth0Prefix = 24): Device[] {
  const cni = cniPlugin({ settings });
  // The AWS VPC CNI gives nodes no podCIDR; its devices do not depend on one.
  const podCidr = node.podCIDR === null ? range : mustCidr(node.podCIDR, `Node ${node.name}`, 'spec.podCIDR');
  const eth0: Device = {
    name: 'eth0',
    address: `${node.internalIP}/${eth0Prefix}`,
    mac: macFor(`${node.name}/eth0`),
    mtu: settings.underlayMtu,
    kind: 'ethernet',
  };
  // the CNI sees eth0 already there (the AWS VPC CNI's eth1 sits in eth0's subnet)
  const devices: Device[] = [
    eth0,
    ...cni.nodeDevices({ ...node, devices: [eth0] }, podCidr, range, cni.podMtu(settings)),
  ];
  const dummy = serviceProxy({ settings }).nodeDevice;
  if (dummy !== null)
    devices.push({ name: dummy, address: null, mac: macFor(`${node.name}/${dummy}`), mtu: 1500, kind: 'dummy' });
  return devices;
}

function buildNodes(specs: readonly NodeSpec[], settings: ClusterSettings): ClusterNode[] {
  // The AWS VPC CNI takes pod addresses from the nodes' VPC subnets: nothing hands out podCIDRs.
  const vpc = cniPlugin({ settings }).vpc !== undefined;
  const cluster = vpc
    ? { base: 0, prefix: 0 }
    : mustCidr(settings.podSubnet, 'ClusterConfiguration', 'networking.podSubnet');
  if (cluster.prefix > 24) {
    throw new ClusterBuildError(
      `networking.podSubnet ${settings.podSubnet} is too small to give every node a /24`,
      'ClusterConfiguration',
      'networking.podSubnet',
    );
  }
  const taken = new Set(specs.map((s) => s.podCIDR).filter((c): c is string => Boolean(c)));
  const takenIPs = new Set(specs.map((s) => s.internalIP).filter((c): c is string => Boolean(c)));
  const firstIP = parseIPv4('192.168.10.10') as number;
  let next = 0;
  const names = new Set<string>();
  return specs.map((spec, i) => {
    if (names.has(spec.name))
      throw new ClusterBuildError(`two nodes are named "${spec.name}"`, `Node ${spec.name}`, 'metadata.name');
    names.add(spec.name);
    let podCIDR: string | null = spec.podCIDR ?? null;
    if (!podCIDR && !vpc) {
      // kube-controller-manager hands out /24s in registration order, skipping those in use.
      do {
        podCIDR = formatCidr({ base: (cluster.base + next * 256) >>> 0, prefix: 24 });
        next++;
      } while (taken.has(podCIDR));
      taken.add(podCIDR);
    }
    let internalIP = spec.internalIP;
    if (internalIP === undefined) {
      // A node without an address gets the next free one after the reference cluster's 192.168.10.10.
      let candidate = firstIP + i;
      while (takenIPs.has(formatIPv4(candidate))) candidate++;
      internalIP = formatIPv4(candidate);
      takenIPs.add(internalIP);
    }
    if (parseIPv4(internalIP) === null) {
      throw new ClusterBuildError(
        `InternalIP "${internalIP}" is not an IPv4 address`,
        `Node ${spec.name}`,
        'status.addresses',
      );
    }
    return {
      name: spec.name,
      role: spec.role ?? 'worker',
      internalIP,
      podCIDR,
      ready: spec.ready ?? true,
      devices: [],
      labels: spec.labels ?? {},
    };
  });
}

function buildContainers(
  specs: readonly ContainerSpec[],
  hostNetwork: boolean,
): { containers: Container[]; allReady: boolean } {
  const bound = new Map<string, string>();
  let allReady = true;
  const containers = specs.map((spec): Container => {
    const ports: ContainerPort[] = (spec.ports ?? []).map((p) => ({
      name: p.name ?? null,
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'tcp',
      // API defaulting: on the host network a container port is a host port (docs/networking-model.md).
      hostPort: p.hostPort ?? (hostNetwork ? p.containerPort : null),
    }));
    const listening: ContainerPort[] = [];
    let problem: string | null = null;
    for (const port of ports) {
      const key = `${port.containerPort}/${port.protocol}`;
      const owner = bound.get(key);
      if (owner !== undefined && owner !== spec.name) {
        problem = `cannot bind ${port.protocol.toUpperCase()} port ${port.containerPort}: address already in use (container ${owner} bound it first), so it restarts in CrashLoopBackOff`;
        continue;
      }
      bound.set(key, spec.name);
      listening.push(port);
    }
    if (problem) allReady = false;
    return {
      name: spec.name,
      image: spec.image ?? `${spec.name}:latest`,
      ports,
      listening,
      ready: problem === null,
      problem,
    };
  });
  return { containers, allReady };
}

function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/** Builds a complete, immutable cluster from a description. */
/**
 * The most pods a cluster may have: the largest generated cluster (200 nodes of 100 pods). Every
 * input is untrusted: a few lines (`replicas: 100000`) would otherwise build a hundred thousand
 * pods and freeze the page that draws them.
 */
export const MAX_PODS = 20_000;

/** Refuses, before any pod is made, a cluster of more than MAX_PODS pods; blames the largest workload. */
function checkPodCount(
  workloads: readonly (WorkloadSpec | ({ kind: 'Pod' } & PodSpec))[],
  nodes: readonly ClusterNode[],
): void {
  let total = 0;
  let largest: { count: number; object: string; field: string } | null = null;
  for (const w of workloads) {
    let count: number;
    let field: string;
    if (w.kind === 'Pod') {
      count = 1;
      field = 'metadata.name';
    } else if (w.expand === false) continue;
    else if (w.kind === 'DaemonSet') {
      count = nodes.filter((n) => n.role !== 'control-plane' || w.template.tolerateControlPlane).length;
      field = 'spec.template';
    } else {
      count = w.replicas ?? 1;
      field = 'spec.replicas';
    }
    total += count;
    if (!largest || count > largest.count)
      largest = { count, object: `${w.kind} ${w.namespace ?? DEFAULT_NS}/${w.name}`, field };
  }
  if (total <= MAX_PODS || !largest) return;
  const what =
    largest.field === 'spec.template'
      ? `runs a pod on each of ${formatCount(largest.count)} nodes`
      : largest.field === 'spec.replicas'
        ? `asks for ${formatCount(largest.count)} pods`
        : 'is one of them';
  throw new ClusterBuildError(
    `the cluster would have ${formatCount(total)} pods, more than the ${formatCount(MAX_PODS)} the visualizer can draw (MAX_PODS); this workload ${what}`,
    largest.object,
    largest.field,
  );
}

/** The pod addresses the input gives, with their node: what the VPC subnets must hold. */
function givenPodAddresses(spec: ClusterSpec): { node: string; ip: string }[] {
  const out: { node: string; ip: string }[] = [];
  for (const w of spec.workloads ?? [])
    if (w.kind === 'Pod' && w.ip && w.nodeName && !w.hostNetwork) out.push({ node: w.nodeName, ip: w.ip });
  return out;
}

export function buildCluster(spec: ClusterSpec = {}): Cluster {
  let settings: ClusterSettings = { ...DEFAULT_SETTINGS, ...spec.settings };
  // Cilium's Gateway API where the settings leave it to the description (cni/cilium.ts)
  settings = settleCiliumGatewayApi(settings, readGatewayApi(spec.extras ?? []).classes);
  const nodeSpecs = spec.nodes && spec.nodes.length > 0 ? spec.nodes : DEFAULT_NODES;
  const baseNodes = buildNodes(nodeSpecs, settings);
  const vpcFabric = cniPlugin({ settings }).vpc !== undefined;
  // the nodes' VPC subnet prefix (eth0's), for the AWS VPC CNI; other CNIs draw a /24 node network
  let vpcPrefix = 24;
  if (vpcFabric) {
    const given = settings.vpcSubnetPrefix;
    if (given !== undefined && (!Number.isInteger(given) || given < SUBNET_PREFIX_MIN || given > SUBNET_PREFIX_MAX))
      throw new ClusterBuildError(
        `must be a whole number from ${SUBNET_PREFIX_MIN} to ${SUBNET_PREFIX_MAX} (EC2's bounds for a subnet), not ${String(given)}`,
        'ConfigMap kube-system/k8s-netviz-site-network',
        'data.vpcSubnetPrefix',
      );
    vpcPrefix = vpcSubnetPrefixFor(settings, baseNodes, givenPodAddresses(spec));
    // Pods live in the VPC: its (first) CIDR is the pod network every other rule compares with.
    const [first] = vpcCidrsFor(
      settings,
      baseNodes.map((n) => n.internalIP),
      vpcPrefix,
    );
    for (const [i, c] of (settings.vpcCidrs ?? []).entries())
      mustCidr(c, 'ConfigMap kube-system/k8s-netviz-site-network', `data.vpcCIDRs[${i}]`);
    settings = { ...settings, podSubnet: first ?? settings.podSubnet };
  }
  const ipam = new Map<string, NodeIpam>();
  const blockSize = cniPlugin({ settings }).blockSize;
  const blocks =
    blockSize !== null
      ? new BlockPool(mustCidr(settings.podSubnet, 'ClusterConfiguration', 'networking.podSubnet'), blockSize)
      : null;
  // The AWS VPC CNI: one allocator per VPC subnet, shared by its nodes, which holds the nodes'
  // own addresses; each node's spare ENI (eth1) takes its primary address before any pod.
  const subnets = new Map<number, NodeIpam>();
  if (vpcFabric) {
    for (const node of baseNodes) {
      const subnet = nodeSubnet(node, vpcPrefix);
      let state = subnets.get(subnet.base);
      if (!state) subnets.set(subnet.base, (state = { kind: 'vpc', ranges: [subnet], last: null, used: new Set() }));
      state.used.add(parseIPv4(node.internalIP) ?? 0);
    }
  }
  const nodesWithDevices = baseNodes.map((node) => {
    const shared = subnets.get(nodeSubnet(node, vpcPrefix).base);
    if (shared) {
      ipam.set(node.name, shared);
      const eth1 = allocateAddress(shared);
      if (eth1 === null)
        throw new ClusterBuildError(
          `the VPC subnet ${formatCidr(nodeSubnet(node, vpcPrefix))} has no free address left for the node's ENI`,
          `Node ${node.name}`,
          'status.addresses',
        );
      return { ...node, devices: nodeDevices(settings, node, { base: eth1, prefix: 32 }, vpcPrefix) };
    }
    const range = nodePodRange(node, blocks);
    const state: NodeIpam = { kind: blocks ? 'block' : 'host-local', ranges: [range], last: null, used: new Set() };
    // A Calico block's first address is the tunnel device's.
    if (blocks) state.used.add(range.base);
    ipam.set(node.name, state);
    return { ...node, devices: nodeDevices(settings, node, range) };
  });
  const nodes: ClusterNode[] = nodesWithDevices;
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const addSystem = spec.addSystemObjects ?? true;

  const workloads = [...(spec.workloads ?? [])];
  const services = [...(spec.services ?? [])];
  const has = (list: readonly { namespace?: string; name: string }[], ns: string, name: string): boolean =>
    list.some((o) => (o.namespace ?? DEFAULT_NS) === ns && o.name === name);
  if (addSystem) {
    // Cluster DNS is there when the input has CoreDNS under any name (kubectl output lists its pods,
    // labelled k8s-app=kube-dns, without the Deployment) or names the kube-dns Service.
    const hasDnsPods = workloads.some((w) => {
      if ((w.namespace ?? DEFAULT_NS) !== SYSTEM_NS) return false;
      const labels = w.kind === 'Pod' ? w.labels : w.template.labels;
      return labels?.['k8s-app'] === 'kube-dns';
    });
    // kubeadm installs CoreDNS right after `kubeadm init`, so it comes first.
    if (!hasDnsPods && !has(workloads, SYSTEM_NS, 'coredns') && !has(services, SYSTEM_NS, 'kube-dns'))
      workloads.unshift(COREDNS);
    if (!has(services, SYSTEM_NS, 'kube-dns')) services.unshift(KUBE_DNS);
    if (!has(services, DEFAULT_NS, 'kubernetes')) services.unshift(KUBERNETES_SVC);
  }

  checkPodCount(workloads, nodes);

  // Pods with a given IP reserve it before anything is allocated.
  for (const w of workloads) {
    if (w.kind === 'Pod' && w.ip && w.nodeName) {
      const ip = parseIPv4(w.ip);
      const state = ipam.get(w.nodeName);
      if (ip !== null && state && !w.hostNetwork) state.used.add(ip);
    }
  }

  const pods: Pod[] = [];
  const mtu = cniPlugin({ settings }).podMtu(settings);
  const scheduler = new Scheduler(nodes);

  const schedule = (template: PodTemplateSpec, namespace: string, owner: string | null, podName: string): string => {
    if (template.nodeName) {
      if (!nodeByName.has(template.nodeName)) {
        throw new ClusterBuildError(`node "${template.nodeName}" does not exist`, `Pod ${podName}`, 'spec.nodeName');
      }
      return template.nodeName;
    }
    const node = scheduler.pick({ namespace, owner, tolerateControlPlane: template.tolerateControlPlane });
    if (node === null) throw new ClusterBuildError('no node is Ready to run pods', `Pod ${podName}`, 'spec.nodeName');
    return node.name;
  };

  const allocate = (nodeName: string, podName: string): string => {
    const state = ipam.get(nodeName) as NodeIpam;
    for (;;) {
      const ip = allocateAddress(state);
      if (ip !== null) return formatIPv4(ip);
      if (!blocks) {
        throw new ClusterBuildError(
          `node ${nodeName} has no free pod IP left in ${formatCidr(state.ranges[0] as Cidr)}`,
          `Pod ${podName}`,
          'status.podIP',
        );
      }
      // Calico: the blocks are full, so the node claims another one.
      state.ranges.push(claimBlock(blocks, nodeName));
    }
  };

  const addPod = (p: PodSpec, owner: string | null): void => {
    const namespace = p.namespace ?? DEFAULT_NS;
    const node = schedule(p, namespace, owner, `${namespace}/${p.name}`);
    const nodeObj = nodeByName.get(node) as ClusterNode;
    const hostNetwork = p.hostNetwork ?? false;
    let ip: string;
    if (hostNetwork) ip = nodeObj.internalIP;
    else if (p.ip && p.nodeName) ip = p.ip;
    else ip = allocate(node, `${namespace}/${p.name}`);
    const { containers, allReady } = buildContainers(p.containers, hostNetwork);
    const key = `${namespace}/${p.name}`;
    const pod: Pod = {
      namespace,
      name: p.name,
      node,
      ip,
      hostNetwork,
      labels: p.labels ?? {},
      containers,
      ready: (p.ready ?? true) && allReady && nodeObj.ready,
      terminating: p.terminating ?? false,
      owner,
      mac: macFor(`pod/${key}`),
      veth: hostNetwork ? null : hostVethName(settings, key),
      mtu: hostNetwork ? settings.underlayMtu : mtu,
    };
    // The toleration rides on the pod so that a replacement (ops/) is scheduled alike.
    pods.push(p.tolerateControlPlane ? { ...pod, tolerateControlPlane: true } : pod);
    scheduler.bind({ namespace, owner }, node);
  };

  for (const w of workloads) {
    if (w.kind === 'Pod') {
      addPod(w, w.owner ?? null);
      continue;
    }
    if (w.expand === false) continue;
    const namespace = w.namespace ?? DEFAULT_NS;
    const owner = `${w.kind}/${w.name}`;
    try {
      if (w.kind === 'DaemonSet') {
        for (const node of nodes) {
          if (node.role === 'control-plane' && !w.template.tolerateControlPlane) continue;
          addPod(
            {
              ...w.template,
              namespace,
              name: `${w.name}-${k8sSuffix(`${namespace}/${w.name}/${node.name}`, 5)}`,
              nodeName: node.name,
            },
            owner,
          );
        }
        continue;
      }
      const replicas = w.replicas ?? 1;
      const templateHash = k8sSuffix(`${namespace}/${w.name}/template`, 10);
      for (let i = 0; i < replicas; i++) {
        let name: string;
        if (w.kind === 'StatefulSet') name = `${w.name}-${i}`;
        else if (w.kind === 'Deployment')
          name = `${w.name}-${templateHash}-${k8sSuffix(`${namespace}/${w.name}/${i}`, 5)}`;
        else name = `${w.name}-${k8sSuffix(`${namespace}/${w.name}/${i}`, 5)}`;
        addPod({ ...w.template, namespace, name }, owner);
      }
    } catch (error) {
      // A pod the builder made from a template: the workload is what the user can fix.
      if (!(error instanceof ClusterBuildError) || !error.object.startsWith('Pod ')) throw error;
      const field = error.field.startsWith('spec.') ? `spec.template.${error.field}` : 'spec.template';
      throw new ClusterBuildError(error.detail, `${w.kind} ${namespace}/${w.name}`, field);
    }
  }

  const builtServices = buildServices(services, settings);
  const podsByNamespace = new Map<string, Pod[]>();
  for (const pod of pods) {
    const list = podsByNamespace.get(pod.namespace);
    if (list) list.push(pod);
    else podsByNamespace.set(pod.namespace, [pod]);
  }
  const endpoints = builtServices.map((svc) =>
    buildEndpoints(svc, podsByNamespace.get(svc.namespace) ?? [], spec.endpoints, nodes),
  );
  const namespaces = [
    ...new Set([
      ...(spec.namespaces ?? []),
      DEFAULT_NS,
      SYSTEM_NS,
      ...pods.map((p) => p.namespace),
      ...builtServices.map((s) => s.namespace),
    ]),
  ].sort();
  const finalNodes = nodes.map((node) => ({
    ...node,
    // A VPC subnet is shared by its nodes: no range says which node a pod address is on.
    podRanges: subnets.size > 0 ? [] : (ipam.get(node.name) as NodeIpam).ranges.map(formatCidr),
  }));
  return {
    settings,
    nodes: finalNodes,
    pods,
    services: builtServices,
    endpoints,
    namespaces,
    extras: spec.extras ?? [],
  };
}

function buildServices(specs: readonly ServiceSpec[], settings: ClusterSettings): Service[] {
  const range = mustCidr(settings.serviceSubnet, 'ClusterConfiguration', 'networking.serviceSubnet');
  const size = cidrSize(range);
  const usedIPs = new Set<number>();
  const usedNodePorts = new Set<number>();
  const usedLbIPs = new Set<string>();
  // Addresses and ports the input gives are taken first, and a clash is the API server's error.
  const ipOwner = new Map<number, string>();
  const portOwner = new Map<number, string>();
  for (const s of specs) {
    const where = `Service ${s.namespace ?? DEFAULT_NS}/${s.name}`;
    const ip = s.clusterIP ? parseIPv4(s.clusterIP) : null;
    if (ip !== null && (s.type ?? 'ClusterIP') !== 'ExternalName') {
      const other = ipOwner.get(ip);
      if (other !== undefined)
        throw new ClusterBuildError(
          `spec.clusterIP ${s.clusterIP} is already allocated to ${other}`,
          where,
          'spec.clusterIP',
        );
      ipOwner.set(ip, where);
      usedIPs.add(ip);
    }
    (s.ports ?? []).forEach((p, i) => {
      if (!p.nodePort) return;
      if (p.nodePort < 30000 || p.nodePort > 32767) {
        throw new ClusterBuildError(
          `nodePort ${p.nodePort} is outside the NodePort range 30000-32767`,
          where,
          `spec.ports[${i}].nodePort`,
        );
      }
      const other = portOwner.get(p.nodePort);
      if (other !== undefined)
        throw new ClusterBuildError(
          `nodePort ${p.nodePort} is already allocated to ${other}`,
          where,
          `spec.ports[${i}].nodePort`,
        );
      portOwner.set(p.nodePort, where);
      usedNodePorts.add(p.nodePort);
    });
    if (s.loadBalancerIP) usedLbIPs.add(s.loadBalancerIP);
  }
  // The apiserver allocates dynamically from the upper band of the range (KEP-3070): the first
  // min(max(16, size/16), 256) addresses are kept for static assignment like kube-dns's .10.
  const staticBand = Math.min(Math.max(16, Math.floor(size / 16)), 256);
  let lbNext = 1;
  return specs.map((s) => {
    const namespace = s.namespace ?? DEFAULT_NS;
    const where = `Service ${namespace}/${s.name}`;
    const type = s.type ?? 'ClusterIP';
    let clusterIP: string | null = null;
    if (type !== 'ExternalName' && s.clusterIP !== 'None') {
      if (s.clusterIP) {
        const ip = parseIPv4(s.clusterIP);
        if (ip === null || !cidrContains(range, ip)) {
          throw new ClusterBuildError(
            `spec.clusterIP ${s.clusterIP} is not in the service CIDR ${settings.serviceSubnet}`,
            where,
            'spec.clusterIP',
          );
        }
        clusterIP = s.clusterIP;
      } else if (namespace === DEFAULT_NS && s.name === 'kubernetes') {
        clusterIP = formatIPv4(nthAddress(range, 1));
      } else if (namespace === SYSTEM_NS && s.name === 'kube-dns') {
        clusterIP = formatIPv4(nthAddress(range, 10));
      } else {
        const span = size - 1 - staticBand;
        let offset = staticBand + (fnv1a(`${namespace}/${s.name}`) % span);
        while (usedIPs.has(nthAddress(range, offset))) offset = offset + 1 >= size - 1 ? staticBand : offset + 1;
        clusterIP = formatIPv4(nthAddress(range, offset));
      }
      usedIPs.add(parseIPv4(clusterIP) as number);
    }
    const needsNodePort = type === 'NodePort' || type === 'LoadBalancer';
    const ports: ServicePort[] = (s.ports ?? []).map((p, i) => {
      let nodePort = p.nodePort ?? null;
      if (needsNodePort && nodePort === null) {
        // 30000-32767; dynamic allocation prefers the band above the static one (KEP-3668).
        let candidate = 30086 + (fnv1a(`${namespace}/${s.name}/${i}`) % (32767 - 30086 + 1));
        while (usedNodePorts.has(candidate)) candidate = candidate >= 32767 ? 30000 : candidate + 1;
        nodePort = candidate;
        usedNodePorts.add(candidate);
      }
      return {
        name: p.name ?? null,
        protocol: p.protocol ?? 'tcp',
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        nodePort,
      };
    });
    let loadBalancerIP = s.loadBalancerIP ?? null;
    if (type === 'LoadBalancer' && loadBalancerIP === null) {
      // The cloud's load balancers get addresses from a documentation range, in creation order.
      while (lbNext < 255 && usedLbIPs.has(`198.51.100.${lbNext}`)) lbNext++;
      if (lbNext >= 255)
        throw new ClusterBuildError('no LoadBalancer address is left in 198.51.100.0/24', where, 'status.loadBalancer');
      loadBalancerIP = `198.51.100.${lbNext++}`;
      usedLbIPs.add(loadBalancerIP);
    }
    return {
      namespace,
      name: s.name,
      type,
      clusterIP,
      ports,
      // No selector, or an empty one (the API drops `{}`), means endpoints managed by hand.
      selector: s.selector && Object.keys(s.selector).length > 0 ? s.selector : null,
      externalTrafficPolicy: s.externalTrafficPolicy ?? 'Cluster',
      internalTrafficPolicy: s.internalTrafficPolicy ?? 'Cluster',
      sessionAffinity: s.sessionAffinity ?? 'None',
      sessionAffinityTimeout: s.sessionAffinityTimeout ?? 10800,
      loadBalancerIP,
      loadBalancerIPMode: type === 'LoadBalancer' ? (s.loadBalancerIPMode ?? null) : null,
      externalName: s.externalName ?? null,
      publishNotReadyAddresses: s.publishNotReadyAddresses ?? false,
      annotations: s.annotations ?? {},
    };
  });
}

/** EndpointSlice contents as the controller derives them (docs/networking-model.md); sim/ops re-derives them after a change. */
export function buildEndpoints(
  svc: Service,
  pods: readonly Pod[],
  given: Record<string, Endpoint[]> | undefined,
  nodes: readonly ClusterNode[],
): EndpointSet {
  const key = `${svc.namespace}/${svc.name}`;
  const fromInput = given?.[key];
  if (fromInput) return { service: key, endpoints: fromInput, fromInput: true };
  if (svc.selector === null) {
    // The apiserver keeps the `kubernetes` endpoints itself: every control plane's address.
    if (svc.namespace === DEFAULT_NS && svc.name === 'kubernetes') {
      const endpoints = nodes
        .filter((n) => n.role === 'control-plane')
        .map((n): Endpoint => ({
          ip: n.internalIP,
          pod: null,
          node: n.name,
          ready: true,
          serving: true,
          terminating: false,
          ports: [{ name: 'https', port: 6443, protocol: 'tcp' }],
        }));
      return { service: key, endpoints, fromInput: false };
    }
    return { service: key, endpoints: [], fromInput: false };
  }
  if (svc.type === 'ExternalName') return { service: key, endpoints: [], fromInput: false };
  const selector = svc.selector;
  const endpoints: Endpoint[] = [];
  for (const pod of pods) {
    if (pod.namespace !== svc.namespace || !labelsMatch(selector, pod.labels)) continue;
    const ports: Endpoint['ports'][number][] = [];
    for (const sp of svc.ports) {
      let port: number | null = null;
      if (typeof sp.targetPort === 'number') port = sp.targetPort;
      else {
        for (const c of pod.containers) {
          const found = c.ports.find((cp) => cp.name === sp.targetPort && cp.protocol === sp.protocol);
          if (found) {
            port = found.containerPort;
            break;
          }
        }
      }
      if (port !== null) ports.push({ name: sp.name, port, protocol: sp.protocol });
    }
    endpoints.push({
      ip: pod.ip,
      pod: `${pod.namespace}/${pod.name}`,
      node: pod.node,
      ready: (pod.ready && !pod.terminating) || svc.publishNotReadyAddresses,
      serving: pod.ready,
      terminating: pod.terminating,
      ports,
    });
  }
  return { service: key, endpoints, fromInput: false };
}
