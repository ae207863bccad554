import { describe, expect, it } from 'vitest';
import { buildCluster } from './build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { cidrContains, parseCidr, parseIPv4 } from './ip';

const inCidr = (cidr: string, ip: string): boolean => cidrContains(parseCidr(cidr)!, parseIPv4(ip)!);

describe('the built-in cluster', () => {
  const cluster = buildCluster(defaultClusterSpec);

  it('has the reference nodes with their InternalIPs and podCIDRs in registration order', () => {
    expect(cluster.nodes.map((n) => [n.name, n.role, n.internalIP, n.podCIDR])).toEqual([
      ['cp', 'control-plane', '192.168.10.10', '10.244.0.0/24'],
      ['node-a', 'worker', '192.168.10.11', '10.244.1.0/24'],
      ['node-b', 'worker', '192.168.10.12', '10.244.2.0/24'],
    ]);
  });

  it('gives each node eth0, the cni0 bridge at .1 and flannel.1 at .0 with MTU 1450', () => {
    const nodeA = cluster.nodes[1]!;
    const dev = Object.fromEntries(nodeA.devices.map((d) => [d.name, d]));
    expect(dev['eth0']?.address).toBe('192.168.10.11/24');
    expect(dev['eth0']?.mtu).toBe(1500);
    expect(dev['cni0']?.address).toBe('10.244.1.1/24');
    expect(dev['flannel.1']?.address).toBe('10.244.1.0/32');
    expect(dev['flannel.1']?.mtu).toBe(1450);
  });

  it('allocates pod IPs as host-local does: from .2 upward in each node podCIDR, in creation order', () => {
    const byNode = new Map<string, string[]>();
    for (const pod of cluster.pods) byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), pod.ip]);
    expect(byNode.get('cp')).toEqual(['10.244.0.2', '10.244.0.3']);
    expect(byNode.get('node-a')).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4']);
    expect(byNode.get('node-b')).toEqual(['10.244.2.2', '10.244.2.3']);
    for (const pod of cluster.pods) {
      const node = cluster.nodes.find((n) => n.name === pod.node)!;
      expect(inCidr(node.podCIDR!, pod.ip)).toBe(true);
      expect(inCidr('10.244.0.0/16', pod.ip)).toBe(true);
    }
  });

  it('places client and app-1 on node-a and spreads the web Deployment over both workers', () => {
    const pod = (name: string) => cluster.pods.find((p) => p.name === name)!;
    expect(pod('client').node).toBe('node-a');
    expect(pod('app-1').node).toBe('node-a');
    expect(pod('app-1').containers.map((c) => c.name)).toEqual(['web', 'sidecar']);
    const web = cluster.pods.filter((p) => p.owner === 'Deployment/web');
    expect(web).toHaveLength(3);
    expect(new Set(web.map((p) => p.node))).toEqual(new Set(['node-a', 'node-b']));
    for (const p of web)
      expect(p.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('has the kubernetes Service at 10.96.0.1 and kube-dns at 10.96.0.10 in front of two CoreDNS pods', () => {
    const svc = (name: string) => cluster.services.find((s) => s.name === name)!;
    expect(svc('kubernetes').clusterIP).toBe('10.96.0.1');
    expect(svc('kube-dns').clusterIP).toBe('10.96.0.10');
    expect(inCidr('10.96.0.0/12', svc('web').clusterIP!)).toBe(true);
    const dns = cluster.endpoints.find((e) => e.service === 'kube-system/kube-dns')!;
    expect(dns.endpoints).toHaveLength(2);
    const api = cluster.endpoints.find((e) => e.service === 'default/kubernetes')!;
    expect(api.endpoints.map((e) => `${e.ip}:${e.ports[0]!.port}`)).toEqual(['192.168.10.10:6443']);
  });

  it('derives the web Service endpoints from its selector, resolving port 80 to 8080', () => {
    const web = cluster.endpoints.find((e) => e.service === 'default/web')!;
    expect(web.endpoints).toHaveLength(3);
    for (const e of web.endpoints) {
      expect(e.ready).toBe(true);
      expect(e.ports).toEqual([{ name: 'http', port: 8080, protocol: 'tcp' }]);
    }
  });

  it('builds the same cluster from the same description', () => {
    expect(JSON.stringify(buildCluster(defaultClusterSpec))).toBe(JSON.stringify(cluster));
  });
});

describe('pods whose containers declare the same port', () => {
  it('lets the first container bind and leaves the second not ready, so the pod is not Ready', () => {
    const cluster = buildCluster({
      workloads: [
        {
          kind: 'Pod',
          name: 'clash',
          containers: [
            { name: 'a', ports: [{ containerPort: 80 }] },
            { name: 'b', ports: [{ containerPort: 80 }] },
          ],
        },
      ],
    });
    const pod = cluster.pods.find((p) => p.name === 'clash')!;
    expect(pod.containers[0]!.listening).toHaveLength(1);
    expect(pod.containers[1]!.listening).toHaveLength(0);
    expect(pod.containers[1]!.problem).toMatch(/address already in use/);
    expect(pod.ready).toBe(false);
  });
});

describe('nodeForPodIP with Calico blocks', () => {
  it('finds the node that owns an address by its /26 block, not by a podCIDR that overlaps it', async () => {
    const { lookup } = await import('./lookup');
    const cluster = buildCluster({
      ...defaultClusterSpec,
      settings: { cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 } },
    });
    const lk = lookup(cluster);
    for (const node of cluster.nodes) {
      for (const range of node.podRanges ?? []) {
        const [base] = range.split('/');
        // the block's first address is the node's tunl0, not a pod: only the block can tell
        expect(lk.nodeForPodIP(base!)?.name, range).toBe(node.name);
      }
    }
  });
});
