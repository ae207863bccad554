import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { trace } from '../resolve/trace';
import { routingTable } from './routingTable';

describe('routingTable', () => {
  const cluster = buildCluster(defaultClusterSpec);
  const nodeA = cluster.nodes.find((n) => n.name === 'node-a')!;

  it("prints node-a's table as `ip route` does on a flannel VXLAN node", () => {
    expect(routingTable(cluster, nodeA)).toEqual([
      'default via 192.168.10.1 dev eth0 proto static',
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
      '192.168.10.0/24 dev eth0 proto kernel scope link src 192.168.10.11',
    ]);
  });

  it('holds every route a trace takes on that node, for each CNI', () => {
    for (const cni of [
      { kind: 'flannel', backend: 'vxlan', ipMasq: true },
      { kind: 'flannel', backend: 'host-gw', ipMasq: true },
      { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
      { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
    ] as const) {
      const c = buildCluster({ ...defaultClusterSpec, settings: { cni } });
      const target = c.pods.find((p) => p.owner === 'Deployment/web' && p.node === 'node-b')!;
      const t = trace(c, { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 });
      for (const hop of t.hops.filter((h) => h.kind === 'route' && h.at.startsWith('node/'))) {
        const node = c.nodes.find((n) => `node/${n.name}` === hop.at)!;
        expect(routingTable(c, node), `${cni.kind} ${hop.at}`).toContain(hop.rule);
      }
    }
  });
});
