/**
 * Pods come and go (docs/networking-model.md): pure operations that take a Cluster and give a new one,
 * as the controllers would leave it. A deleted pod is replaced by its controller under a new name
 * and with a new IP (host-local hands out the address after the last one it allocated, so a freed
 * address is not reused at once); EndpointSlices follow; ClusterIPs and DNS names stay.
 *
 * Operations are plain data, so a list of them can be stored (in a link) and replayed: the same
 * list applied to the same cluster always gives the same result.
 */
import { buildEndpoints, hostVethName, MAX_PODS } from '../model/build';
import { formatCount } from '../model/format';
import { cniPlugin } from '../registry';
import { formatCidr, formatIPv4, parseCidr, parseIPv4 } from '../model/ip';
import { allocateAddress, BlockPool, Scheduler } from '../model/placement';
import { nodeSubnet } from '../cni/awsVpc';
import type { NodeIpam } from '../model/placement';
import type { Cidr } from '../model/ip';
import { k8sSuffix, macFor } from '../model/rng';
import type { Cluster, ClusterNode, Endpoint, EndpointSet, Pod } from '../model/types';

/** One change to a cluster. Pods and Deployments are `ns/name`. */
export type ClusterOp =
  /** the pod is deleted; with `graceful`, it stays a while as terminating (serving, not ready) */
  | { readonly op: 'deletePod'; readonly pod: string; readonly graceful?: boolean }
  | { readonly op: 'scaleDeployment'; readonly deployment: string; readonly replicas: number }
  | { readonly op: 'setPodReady'; readonly pod: string; readonly ready: boolean }
  /** the node stops (NotReady); its controller-owned pods are rescheduled onto Ready nodes */
  | { readonly op: 'nodeDown'; readonly node: string };

/** A change that cannot apply (an unknown pod, node or Deployment). */
export class ClusterOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterOpError';
  }
}

/** host-local's memory per node (the last address it handed out) and a counter for new pod names. */
interface OpsState {
  last: Map<string, number>;
  created: number;
  /** the nodes with the Calico blocks they claimed during this operation, once one did */
  nodes?: readonly ClusterNode[];
}

/** The operations' memory as it rides in the cluster (plain data: it survives structuredClone and JSON). */
function stateOf(cluster: Cluster): OpsState {
  const known = cluster.ipam;
  if (known) {
    const last = new Map<string, number>();
    for (const [node, ip] of Object.entries(known.last)) last.set(node, parseIPv4(ip) ?? 0);
    return { last, created: known.created };
  }
  // A freshly built cluster: host-local allocated in order, so the last address is the highest.
  const last = new Map<string, number>();
  for (const pod of cluster.pods) {
    if (pod.hostNetwork) continue;
    const ip = parseIPv4(pod.ip);
    if (ip !== null && ip > (last.get(pod.node) ?? 0)) last.set(pod.node, ip);
  }
  return { last, created: 0 };
}

/** Applies one operation; the input cluster is not changed. */
export function applyOp(cluster: Cluster, op: ClusterOp): Cluster {
  const state = stateOf(cluster);
  let pods = [...cluster.pods];
  let nodes = cluster.nodes;
  const find = (key: string): number => {
    const i = pods.findIndex((p) => `${p.namespace}/${p.name}` === key);
    if (i < 0) throw new ClusterOpError(`no pod ${key} in this cluster`);
    return i;
  };
  if (op.op === 'deletePod') {
    const i = find(op.pod);
    const old = pods[i] as Pod;
    if (op.graceful) pods[i] = { ...old, terminating: true };
    else pods.splice(i, 1);
    // A StatefulSet recreates a pod under the same name, so only once the old one is gone.
    if (old.owner !== null && !(op.graceful && old.owner.startsWith('StatefulSet/')))
      pods.push(replacement(cluster, nodes, pods, old, state));
    nodes = state.nodes ?? nodes;
  } else if (op.op === 'setPodReady') {
    const i = find(op.pod);
    const pod = pods[i] as Pod;
    pods[i] = {
      ...pod,
      ready: op.ready,
      containers: pod.containers.map((c) => ({ ...c, ready: op.ready && c.problem === null })),
    };
  } else if (op.op === 'scaleDeployment') {
    const [ns, name] = splitKey(op.deployment);
    const owner = `Deployment/${name}`;
    const mine = pods.filter((p) => p.namespace === ns && p.owner === owner && !p.terminating);
    if (mine.length === 0) throw new ClusterOpError(`no Deployment ${op.deployment} with pods in this cluster`);
    const replicas = Math.max(0, Math.min(1000, Math.floor(op.replicas)));
    const total = pods.length - mine.length + replicas;
    if (replicas > mine.length && total > MAX_PODS)
      throw new ClusterOpError(
        `scaling ${op.deployment} to ${formatCount(replicas)} would make ${formatCount(total)} pods, more than the ${formatCount(MAX_PODS)} the visualizer can draw (MAX_PODS)`,
      );
    if (replicas < mine.length) {
      // The ReplicaSet deletes the newest pods first.
      const gone = new Set(mine.slice(replicas));
      pods = pods.filter((p) => !gone.has(p));
    }
    for (let k = mine.length; k < replicas; k++) pods.push(replacement(cluster, nodes, pods, mine[0] as Pod, state));
    nodes = state.nodes ?? nodes;
  } else {
    const node = cluster.nodes.find((n) => n.name === op.node);
    if (!node) throw new ClusterOpError(`no node ${op.node} in this cluster`);
    nodes = cluster.nodes.map((n) => (n.name === op.node ? { ...n, ready: false } : n));
    const next: Pod[] = [];
    const moved: Pod[] = [];
    for (const pod of pods) {
      if (pod.node !== op.node) next.push(pod);
      else if (pod.owner !== null && !pod.owner.startsWith('DaemonSet/')) moved.push(pod);
      // DaemonSet and bare pods stay bound to the node, unreachable: their Ready condition is lost.
      else next.push({ ...pod, ready: false });
    }
    pods = next;
    for (const pod of moved) pods.push(replacement(cluster, state.nodes ?? nodes, pods, pod, state));
    nodes = state.nodes ?? nodes;
  }
  const last: Record<string, string> = {};
  for (const [node, ip] of [...state.last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    last[node] = formatIPv4(ip);
  return { ...rebuild(cluster, nodes, pods), ipam: { last, created: state.created } };
}

/** Applies a list of operations in order. */
export function applyOps(cluster: Cluster, ops: readonly ClusterOp[]): Cluster {
  let c = cluster;
  for (const op of ops) c = applyOp(c, op);
  return c;
}

/** Deletes a pod (shorthand of `applyOp`); its controller replaces it. */
export const deletePod = (cluster: Cluster, pod: string, graceful = false): Cluster =>
  applyOp(cluster, { op: 'deletePod', pod, graceful });
/** Scales a Deployment to `replicas` pods (shorthand of `applyOp`). */
export const scaleDeployment = (cluster: Cluster, deployment: string, replicas: number): Cluster =>
  applyOp(cluster, { op: 'scaleDeployment', deployment, replicas });
/** Sets a pod's Ready condition (shorthand of `applyOp`). */
export const setPodReady = (cluster: Cluster, pod: string, ready: boolean): Cluster =>
  applyOp(cluster, { op: 'setPodReady', pod, ready });
/** Takes a node down (shorthand of `applyOp`). */
export const nodeDown = (cluster: Cluster, node: string): Cluster => applyOp(cluster, { op: 'nodeDown', node });

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['default', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** A new pod for the controller that owned `old`: scheduled, named and addressed as Kubernetes would. */
function replacement(
  cluster: Cluster,
  nodes: readonly ClusterNode[],
  pods: readonly Pod[],
  old: Pod,
  state: OpsState,
): Pod {
  const owner = old.owner as string;
  const [kind, workload] = [owner.slice(0, owner.indexOf('/')), owner.slice(owner.indexOf('/') + 1)];
  const node =
    kind === 'DaemonSet' ? (nodes.find((n) => n.name === old.node) as ClusterNode) : schedule(nodes, pods, old);
  const ip = old.hostNetwork ? node.internalIP : allocate(cluster, state.nodes ?? nodes, node, pods, state);
  state.created += 1;
  const suffix = k8sSuffix(`${old.namespace}/${workload}/ops/${state.created}`, 5);
  let name: string;
  if (kind === 'StatefulSet') name = old.name;
  else if (kind === 'Deployment') name = `${old.name.slice(0, old.name.lastIndexOf('-'))}-${suffix}`;
  else name = `${workload}-${suffix}`;
  const key = `${old.namespace}/${name}`;
  return {
    ...old,
    name,
    node: node.name,
    ip,
    ready: node.ready,
    terminating: false,
    containers: old.containers.map((c) => ({ ...c, ready: c.problem === null })),
    mac: macFor(`pod/${key}`),
    veth: old.hostNetwork ? null : hostVethName(cluster.settings, key),
  };
}

/** The builder's scheduler (model/placement.ts), given the pods that run now. */
function schedule(nodes: readonly ClusterNode[], pods: readonly Pod[], old: Pod): ClusterNode {
  const node = new Scheduler(nodes, pods).pick(old);
  if (node === null) throw new ClusterOpError(`no node is Ready to run a replacement for ${old.namespace}/${old.name}`);
  return node;
}

/**
 * The AWS VPC CNI's addresses, as the builder hands them out: the node's VPC subnet, shared with
 * the other nodes in it, so every pod's and every ENI's address there is taken.
 */
function allocateVpc(nodes: readonly ClusterNode[], node: ClusterNode, pods: readonly Pod[], state: OpsState): string {
  const subnet = nodeSubnet(node);
  const used = new Set<number>();
  for (const p of pods) if (!p.hostNetwork) used.add(parseIPv4(p.ip) ?? 0);
  for (const n of nodes)
    for (const d of n.devices) if (d.address !== null) used.add(parseIPv4(d.address.split('/')[0] ?? '') ?? 0);
  const ipam: NodeIpam = { kind: 'vpc', ranges: [subnet], last: state.last.get(node.name) ?? null, used };
  const ip = allocateAddress(ipam);
  if (ip === null)
    throw new ClusterOpError(`the VPC subnet ${formatCidr(subnet)} of node ${node.name} has no free address left`);
  state.last.set(node.name, ip);
  return formatIPv4(ip);
}

/**
 * The builder's IPAM (model/placement.ts), resumed from what the cluster remembers: the address
 * after the last one handed out on the node; a Calico node whose blocks are full claims the
 * pool's lowest free block, as the builder does.
 */
function allocate(
  cluster: Cluster,
  nodes: readonly ClusterNode[],
  node: ClusterNode,
  pods: readonly Pod[],
  state: OpsState,
): string {
  const blockSize = cniPlugin(cluster).blockSize;
  const current = nodes.find((n) => n.name === node.name) ?? node;
  if (cniPlugin(cluster).vpc) return allocateVpc(nodes, current, pods, state);
  const ranges: Cidr[] = (current.podRanges ?? (current.podCIDR === null ? [] : [current.podCIDR]))
    .map((r) => parseCidr(r))
    .filter((r): r is Cidr => r !== null);
  const used = new Set<number>();
  for (const p of pods) if (!p.hostNetwork && p.node === node.name) used.add(parseIPv4(p.ip) ?? 0);
  // A Calico block's first address is the tunnel device's.
  if (blockSize !== null && ranges[0]) used.add(ranges[0].base);
  const ipam: NodeIpam = {
    kind: blockSize === null ? 'host-local' : 'block',
    ranges,
    last: state.last.get(node.name) ?? null,
    used,
  };
  let ip = allocateAddress(ipam);
  if (ip === null && blockSize !== null) {
    const pool = parseCidr(cluster.settings.podSubnet);
    const claimed = nodes.flatMap((n) =>
      (n.podRanges ?? []).map((r) => parseCidr(r)).filter((r): r is Cidr => r !== null),
    );
    const block = pool ? new BlockPool(pool, blockSize, claimed).claim() : null;
    if (block !== null) {
      ranges.push(block);
      state.nodes = nodes.map((n) => (n.name === node.name ? { ...n, podRanges: ranges.map(formatCidr) } : n));
      ip = allocateAddress(ipam);
    }
  }
  if (ip === null)
    throw new ClusterOpError(
      `node ${node.name} has no free pod IP left in ${ranges.map((r) => formatIPv4(r.base)).join(', ')}`,
    );
  state.last.set(node.name, ip);
  return formatIPv4(ip);
}

/** The cluster with new nodes and pods, and EndpointSlices derived again (those from the input stay). */
function rebuild(cluster: Cluster, nodes: readonly ClusterNode[], pods: readonly Pod[]): Cluster {
  const byNs = new Map<string, Pod[]>();
  for (const p of pods) {
    const list = byNs.get(p.namespace);
    if (list) list.push(p);
    else byNs.set(p.namespace, [p]);
  }
  const given: Record<string, Endpoint[]> = {};
  for (const set of cluster.endpoints) if (set.fromInput) given[set.service] = [...set.endpoints];
  const endpoints: EndpointSet[] = cluster.services.map((svc) =>
    buildEndpoints(svc, byNs.get(svc.namespace) ?? [], given, nodes),
  );
  return { ...cluster, nodes, pods, endpoints };
}
