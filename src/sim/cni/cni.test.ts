/**
 * The CNI modules agree with themselves: the tunnel a plugin wraps packets in is a device it
 * declares on every node, its headers are what the pods' MTU gives up, and the routes it programs
 * leave through devices that exist.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { CNI_VARIANTS } from '../regression/cases';
import { cniPlugin } from '../registry';

describe.each(CNI_VARIANTS)('$id', ({ cni }) => {
  const cluster = buildCluster({ ...defaultClusterSpec, settings: { cni } });
  const plugin = cniPlugin(cluster);
  const [a, b] = cluster.nodes.filter((n) => n.role === 'worker');

  it('is the module for its kind, bound once per configuration', () => {
    expect(plugin.kind).toBe(cni.kind);
    expect(cniPlugin(cluster)).toBe(plugin);
  });

  it('wraps packets in a device it declares, and the pod MTU pays for its headers', () => {
    const tunnel = plugin.tunnel(a!, b!, null);
    const names = a!.devices.map((d) => d.name);
    const mtu = plugin.podMtu(cluster.settings);
    if (tunnel === null) {
      // CrossSubnet between two nodes of one subnet: no tunnel here, but the MTU is set for the
      // nodes it does tunnel to, so it never exceeds the underlay's.
      expect(mtu).toBeLessThanOrEqual(cluster.settings.underlayMtu);
    } else {
      expect(names).toContain(tunnel.dev);
      expect(cluster.settings.underlayMtu - mtu).toBe(tunnel.overhead);
    }
    for (const pod of cluster.pods.filter((p) => !p.hostNetwork)) expect(pod.mtu).toBe(mtu);
  });

  it('routes to another node through eth0 or one of its own devices', () => {
    const pod = cluster.pods.find((p) => p.node === b!.name && !p.hostNetwork)!;
    const route = plugin.podRoute(cluster, a!, { dstNode: b!, pod, local: false });
    expect(['eth0', ...a!.devices.map((d) => d.name)]).toContain(route.dev);
    const tunnel = plugin.tunnel(a!, b!, null);
    if (tunnel !== null && cni.kind !== 'cilium') expect(route.dev).toBe(tunnel.dev);
  });

  it('names the veths it creates the way the pods carry them', () => {
    for (const pod of cluster.pods.filter((p) => !p.hostNetwork))
      expect(pod.veth).toBe(plugin.vethName(`${pod.namespace}/${pod.name}`));
  });
});
