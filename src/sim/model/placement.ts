/**
 * Where a pod goes and which address it gets, as the builder (model/build.ts) and the pod
 * operations (ops/) both need it: one scheduler and one IPAM, so that a pod an operation creates
 * lands where the builder would have put it (docs/networking-model.md).
 */
import type { Cidr } from './ip';
import { cidrContains, cidrSize } from './ip';
import type { ClusterNode, Pod } from './types';

// ---------------------------------------------------------------------------------------------
// The scheduler.

/** What the scheduler asks of a pod. */
export interface Schedulable {
  readonly namespace: string;
  /** the owning workload (`Deployment/web`), or null for a bare pod */
  readonly owner: string | null;
  /** tolerates the control plane's NoSchedule taint (CoreDNS, some DaemonSets) */
  readonly tolerateControlPlane?: boolean | undefined;
}

/**
 * kube-scheduler's outcome, simplified: a pod that tolerates the control plane's taint goes to a
 * Ready control-plane node (kubeadm schedules CoreDNS when that is the only node), any other pod to a
 * Ready worker; a cluster with no Ready worker runs pods on its control plane (single-node clusters
 * remove the taint). Among the candidates it spreads: fewest pods of the same owner, then fewest
 * pods, then node order.
 */
export class Scheduler {
  private readonly perNode = new Map<string, number>();
  /** `ns/owner` -> node -> pods, so that spreading stays linear in the number of pods */
  private readonly perOwner = new Map<string, Map<string, number>>();
  private readonly workers: readonly ClusterNode[];
  private readonly controlPlanes: readonly ClusterNode[];
  private readonly ready: readonly ClusterNode[];

  /** `pods`: those already bound to a node (each counts towards the spreading). */
  constructor(nodes: readonly ClusterNode[], pods: readonly Pick<Pod, 'namespace' | 'owner' | 'node'>[] = []) {
    this.ready = nodes.filter((n) => n.ready);
    this.workers = this.ready.filter((n) => n.role === 'worker');
    this.controlPlanes = this.ready.filter((n) => n.role === 'control-plane');
    for (const p of pods) this.bind(p, p.node);
  }

  /** The node the pod goes to, or null when no node is Ready. */
  pick(pod: Schedulable): ClusterNode | null {
    let candidates = pod.tolerateControlPlane && this.controlPlanes.length > 0 ? this.controlPlanes : this.workers;
    if (candidates.length === 0) candidates = this.ready;
    let best: ClusterNode | null = null;
    let bestOwned = Infinity;
    let bestAll = Infinity;
    const byNode = pod.owner === null ? undefined : this.perOwner.get(`${pod.namespace}/${pod.owner}`);
    for (const node of candidates) {
      const owned = byNode?.get(node.name) ?? 0;
      const all = this.perNode.get(node.name) ?? 0;
      if (owned < bestOwned || (owned === bestOwned && all < bestAll)) {
        best = node;
        bestOwned = owned;
        bestAll = all;
      }
    }
    return best;
  }

  /** Records that the pod now runs on `node`. */
  bind(pod: Pick<Schedulable, 'namespace' | 'owner'>, node: string): void {
    this.perNode.set(node, (this.perNode.get(node) ?? 0) + 1);
    if (pod.owner === null) return;
    const key = `${pod.namespace}/${pod.owner}`;
    let byNode = this.perOwner.get(key);
    if (!byNode) this.perOwner.set(key, (byNode = new Map()));
    byNode.set(node, (byNode.get(node) ?? 0) + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// IPAM.

/**
 * One node's pod address allocator. `host-local` (flannel, Cilium) allocates from the node's
 * podCIDR, from .2 to the last before broadcast (.1 is the gateway); `block` (Calico) from the
 * blocks it claimed, every address of a block but the tunnel device's; `vpc` (the AWS VPC CNI)
 * from the node's VPC subnet, one allocator shared by the nodes of a subnet, every address EC2
 * does not reserve and no node or ENI holds. All hand out the address
 * after the last one they handed out, skipping those in use and wrapping, so a freed address is not
 * reused at once.
 */
export interface NodeIpam {
  readonly kind: 'host-local' | 'block' | 'vpc';
  /** the ranges in the order they were claimed (host-local: the podCIDR alone) */
  readonly ranges: Cidr[];
  /** the last address handed out, or null for none yet */
  last: number | null;
  /** addresses in use (pods), and those never handed out (Calico's tunnel address) */
  readonly used: Set<number>;
}

function usable(kind: NodeIpam['kind'], range: Cidr): [number, number] {
  const size = cidrSize(range);
  // EC2 keeps a subnet's first four addresses and its last (the AWS VPC CNI's secondary addresses)
  if (kind === 'vpc') return [4, size - 1];
  return kind === 'block' ? [0, size] : [2, size - 1];
}

/** The next free address after `last`, marked used; null when every range is full. */
export function allocateAddress(ipam: NodeIpam): number | null {
  const { ranges, used, kind } = ipam;
  const n = ranges.length;
  // Start just after the last address, in the range that holds it; else at the first range's start.
  let r = 0;
  let after = -1;
  if (ipam.last !== null) {
    const last = ipam.last;
    const at = ranges.findIndex((c) => cidrContains(c, last));
    if (at >= 0) {
      r = at;
      after = last - (ranges[at] as Cidr).base + 1;
    }
  }
  // The starting range from `after`, the others whole, then the starting range up to `after` (wrap).
  for (let k = 0; k <= n; k++) {
    const range = ranges[(r + k) % n] as Cidr;
    const [lo, hi] = usable(kind, range);
    const from = k === 0 ? Math.max(lo, after) : lo;
    const to = k === n ? Math.min(hi, after) : hi;
    for (let j = from; j < to; j++) {
      const a = (range.base + j) >>> 0;
      if (used.has(a)) continue;
      used.add(a);
      ipam.last = a;
      return a;
    }
  }
  return null;
}

/**
 * Calico's pool of blocks: a node claims the lowest block no node holds yet when it needs
 * addresses (its first block when it joins, another when its blocks are full).
 */
export class BlockPool {
  readonly pool: Cidr;
  readonly prefix: number;
  private readonly claimed = new Set<number>();
  private next = 0;
  /** `claimed`: the blocks nodes hold already */
  constructor(pool: Cidr, prefix: number, claimed: readonly Cidr[] = []) {
    this.pool = pool;
    this.prefix = prefix;
    for (const c of claimed) this.claimed.add(c.base);
  }

  /** The lowest free block, now claimed; null when the pool has none left. */
  claim(): Cidr | null {
    const size = 2 ** (32 - this.prefix);
    const count = Math.floor(cidrSize(this.pool) / size);
    for (; this.next < count; this.next++) {
      const base = (this.pool.base + this.next * size) >>> 0;
      if (this.claimed.has(base)) continue;
      this.claimed.add(base);
      this.next++;
      return { base, prefix: this.prefix };
    }
    return null;
  }
}
