/**
 * The one scheduler and the one IPAM that the builder and the pod operations share: a pod an
 * operation creates lands where, and gets the address that, the builder's rules give.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from './build';
import { formatIPv4, parseCidr } from './ip';
import type { Cidr } from './ip';
import { allocateAddress, BlockPool, Scheduler } from './placement';
import type { NodeIpam } from './placement';
import type { ClusterNode } from './types';
import { applyOp } from '../ops';
import { defaultClusterSpec } from '../scenarios/defaultCluster';

const node = (name: string, role: 'worker' | 'control-plane' = 'worker', ready = true): ClusterNode => ({
  name,
  role,
  internalIP: '192.168.10.10',
  podCIDR: '10.244.0.0/24',
  ready,
  devices: [],
  labels: {},
});
const cidr = (text: string): Cidr => parseCidr(text) as Cidr;

describe('Scheduler', () => {
  const nodes = [node('cp', 'control-plane'), node('a'), node('b')];

  it('sends a pod that tolerates the control plane there, any other pod to a worker', () => {
    const s = new Scheduler(nodes);
    expect(s.pick({ namespace: 'kube-system', owner: 'Deployment/coredns', tolerateControlPlane: true })?.name).toBe(
      'cp',
    );
    expect(s.pick({ namespace: 'default', owner: 'Deployment/web' })?.name).toBe('a');
  });

  it('spreads an owner per namespace: the same name elsewhere is another owner', () => {
    const s = new Scheduler(nodes, [
      { namespace: 'default', owner: 'Deployment/web', node: 'a' },
      { namespace: 'other', owner: 'Deployment/web', node: 'b' },
      { namespace: 'other', owner: 'Deployment/web', node: 'b' },
    ]);
    // default/web has one pod on a and none on b; b has more pods in all, but owner spread wins
    expect(s.pick({ namespace: 'default', owner: 'Deployment/web' })?.name).toBe('b');
    // other/web: a has none of its pods
    expect(s.pick({ namespace: 'other', owner: 'Deployment/web' })?.name).toBe('a');
  });

  it('runs pods on the control plane only when no worker is Ready, and none when nothing is', () => {
    expect(
      new Scheduler([node('cp', 'control-plane'), node('a', 'worker', false)]).pick({ namespace: 'd', owner: null })
        ?.name,
    ).toBe('cp');
    expect(new Scheduler([node('a', 'worker', false)]).pick({ namespace: 'd', owner: null })).toBeNull();
  });
});

describe('allocateAddress', () => {
  it('host-local: from .2, after the last one, skipping used, wrapping before broadcast', () => {
    const ipam: NodeIpam = { kind: 'host-local', ranges: [cidr('10.244.1.0/29')], last: null, used: new Set() };
    const got = () => formatIPv4(allocateAddress(ipam) ?? 0);
    expect(got()).toBe('10.244.1.2');
    ipam.used.add(cidr('10.244.1.4/32').base);
    expect(got()).toBe('10.244.1.3');
    expect(got()).toBe('10.244.1.5');
    expect(got()).toBe('10.244.1.6');
    // .7 is broadcast: wrap; .2 is still used, so nothing is free
    expect(allocateAddress(ipam)).toBeNull();
    ipam.used.delete(cidr('10.244.1.3/32').base);
    expect(got()).toBe('10.244.1.3');
  });

  it('block: every address of a block, across blocks in claim order', () => {
    const first = cidr('10.244.0.0/30');
    const ipam: NodeIpam = { kind: 'block', ranges: [first], last: null, used: new Set([first.base]) };
    const out = [1, 2, 3].map(() => formatIPv4(allocateAddress(ipam) ?? 0));
    expect(out).toEqual(['10.244.0.1', '10.244.0.2', '10.244.0.3']);
    expect(allocateAddress(ipam)).toBeNull();
    const pool = new BlockPool(cidr('10.244.0.0/28'), 30, [first]);
    ipam.ranges.push(pool.claim() as Cidr);
    expect(formatIPv4(allocateAddress(ipam) ?? 0)).toBe('10.244.0.4');
  });

  it('BlockPool hands out the lowest unclaimed block, then none', () => {
    const pool = new BlockPool(cidr('10.244.0.0/28'), 30, [cidr('10.244.0.4/30')]);
    const blocks = [pool.claim(), pool.claim(), pool.claim(), pool.claim()].map((b) => (b ? formatIPv4(b.base) : null));
    expect(blocks).toEqual(['10.244.0.0', '10.244.0.8', '10.244.0.12', null]);
  });
});

describe('the builder and the operations place pods alike', () => {
  it('a replaced CoreDNS pod goes back to the control plane it tolerates', () => {
    const c = buildCluster(defaultClusterSpec);
    const dns = c.pods.find((p) => p.namespace === 'kube-system' && p.owner === 'Deployment/coredns')!;
    const cp = c.nodes.find((n) => n.role === 'control-plane')!;
    expect(dns.node).toBe(cp.name);
    const after = applyOp(c, { op: 'deletePod', pod: `${dns.namespace}/${dns.name}` });
    const replaced = after.pods.find((p) => p.owner === 'Deployment/coredns' && p.name !== dns.name)!;
    expect(replaced.node).toBe(cp.name);
    expect(replaced.tolerateControlPlane).toBe(true);
  });

  it('a scaled Deployment gets the addresses the builder would have given', () => {
    const small = buildCluster(defaultClusterSpec);
    const web = defaultClusterSpec.workloads!.find((w) => w.name === 'web' && w.kind === 'Deployment')!;
    const replicas = small.pods.filter((p) => p.owner === 'Deployment/web').length;
    const scaled = applyOp(small, { op: 'scaleDeployment', deployment: 'default/web', replicas: replicas + 2 });
    const built = buildCluster({
      ...defaultClusterSpec,
      workloads: [
        ...defaultClusterSpec.workloads!.filter((w) => w !== web),
        { ...web, replicas: replicas + 2 } as typeof web,
      ],
    });
    const where = (pods: typeof small.pods) =>
      pods
        .filter((p) => p.owner === 'Deployment/web')
        .map((p) => `${p.node} ${p.ip}`)
        .sort();
    expect(where(scaled.pods)).toEqual(where(built.pods));
  });
});
