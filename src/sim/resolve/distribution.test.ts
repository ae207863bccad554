/**
 * Exact endpoint shares, bursts of connections, the rules the node inspector shows, and pods that
 * come and go (docs/networking-model.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import { buildCluster } from '../model/build';
import type { Cluster } from '../model/types';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { applyOps, deletePod, nodeDown, scaleDeployment, setPodReady } from '../ops/index';
import { endpointDistribution, traceBurst } from './distribution';
import { proxyRules as kubeProxyRules } from '../proxy';
import { trace } from './trace';

function cluster(mode = 'iptables', cni = 'cni/flannel-vxlan'): Cluster {
  const files = ['kubeadm.yaml', 'nodes.yaml', 'workloads.yaml', `${cni}.yaml`, 'services/services.yaml'];
  const sources = files.map((f) => ({
    name: f,
    text: readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
  }));
  if (mode !== 'iptables') {
    sources.push({
      name: 'kp.yaml',
      text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: ${mode}\n`,
    });
  }
  const r = loadManifests(sources);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.cluster;
}

const share = (d: ReturnType<typeof endpointDistribution>): Record<string, number> =>
  Object.fromEntries(d.endpoints.map((e) => [e.pod, e.probability]));

describe('endpointDistribution', () => {
  const c = cluster();
  it('ClusterIP: 1/n each', () => {
    const d = endpointDistribution(c, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(d.service).toBe('default/web');
    expect(Object.values(share(d))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
  it('affinity: the sticky endpoint gets 1', () => {
    const d = endpointDistribution(c, { from: 'pod/default/client', to: 'svc/default/sticky' }, { seed: 4 });
    const t = trace(c, { from: 'pod/default/client', to: 'svc/default/sticky' }, { seed: 4 });
    expect(share(d)[t.endpoint!.pod]).toBe(1);
    expect(d.endpoints.reduce((a, e) => a + e.probability, 0)).toBe(1);
  });
  it('internalTrafficPolicy Local: the local endpoint gets 1; none local: empty', () => {
    expect(share(endpointDistribution(c, { from: 'pod/default/client', to: 'svc/default/web-local' }))).toEqual({
      'default/server-a': 1,
    });
    expect(endpointDistribution(c, { from: 'node/cp', to: 'svc/default/web-local' }).endpoints).toEqual([]);
  });
  it('LoadBalancer with Local: per node first, so pods on a crowded node get less', () => {
    const d = share(endpointDistribution(c, { from: 'external/203.0.113.7', to: '198.51.100.10:80' }));
    expect(d).toEqual({ 'default/server-a': 0.5, 'default/server-b': 0.25, 'default/server-c': 0.25 });
  });
  it('IPVS: the long-run round-robin shares', () => {
    const d = endpointDistribution(cluster('ipvs'), { from: 'pod/default/client', to: 'svc/default/web' });
    expect(Object.values(share(d))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(d.note).toMatch(/round robin/);
  });
});

describe('traceBurst', () => {
  it('spreads N connections with different source ports', () => {
    const c = cluster();
    const burst = traceBurst(c, { from: 'pod/default/client', to: 'svc/default/web' }, 30);
    expect(burst).toHaveLength(30);
    expect(new Set(burst.map((t) => t.hops[0]!.packet.src)).size).toBeGreaterThan(25);
    expect(new Set(burst.map((t) => t.endpoint!.pod)).size).toBe(3);
  });
  it('sticks with sessionAffinity ClientIP', () => {
    const burst = traceBurst(cluster(), { from: 'pod/default/client', to: 'svc/default/sticky' }, 12);
    expect(new Set(burst.map((t) => t.endpoint!.pod)).size).toBe(1);
    expect(burst.every((t) => t.warnings === undefined)).toBe(true);
  });
  it('IPVS round robin walks the real servers in order per node', () => {
    const burst = traceBurst(cluster('ipvs'), { from: 'pod/default/client', to: 'svc/default/web' }, 4);
    expect(burst.map((t) => t.endpoint!.ip)).toEqual(['10.244.1.3', '10.244.2.2', '10.244.2.4', '10.244.1.3']);
  });
});

describe('kubeProxyRules', () => {
  it('iptables: the chains as iptables -t nat -S prints them', () => {
    const c = cluster();
    const node = c.nodes.find((n) => n.name === 'node-a')!;
    const web = c.services.find((s) => s.name === 'np')!;
    const lines = kubeProxyRules(c, node, web);
    expect(lines[0]).toBe('# iptables -t nat -S');
    expect(lines).toContain(
      `-A KUBE-NODEPORTS -p tcp -m comment --comment "default/np:http" -m tcp --dport 30080 -j KUBE-EXT-${lines.join('\n').match(/KUBE-EXT-(\w{16})/)![1]}`,
    );
    expect(lines.filter((l) => l.includes('--probability'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('-j DNAT --to-destination'))).toHaveLength(3);
    const empty = kubeProxyRules(
      c,
      node,
      c.services.find((s) => s.name === 'empty')!,
    );
    expect(empty.at(-1)).toMatch(/has no endpoints" -m tcp --dport 80 -j REJECT/);
  });
  it('nftables, IPVS and Cilium print their own tools', () => {
    const n = cluster('nftables');
    expect(
      kubeProxyRules(
        n,
        n.nodes[1]!,
        n.services.find((s) => s.name === 'web')!,
      ).some((l) => l.includes('numgen random mod 3 vmap')),
    ).toBe(true);
    const i = cluster('ipvs');
    const ipvs = kubeProxyRules(
      i,
      i.nodes[1]!,
      i.services.find((s) => s.name === 'sticky')!,
    );
    expect(ipvs[0]).toBe('# ipvsadm -Ln');
    expect(ipvs.some((l) => / rr persistent 10800$/.test(l))).toBe(true);
    const k = cluster('iptables', 'services/cilium-kpr');
    expect(
      kubeProxyRules(
        k,
        k.nodes[1]!,
        k.services.find((s) => s.name === 'web')!,
      )[0],
    ).toBe('# cilium-dbg service list');
  });
});

describe('pods come and go (sim/ops)', () => {
  const base = buildCluster(defaultClusterSpec);
  const webPods = (c: Cluster) => c.pods.filter((p) => p.owner === 'Deployment/web');
  it('deletePod: a new name and a new IP (after the last allocated), the ClusterIP and DNS name stay', () => {
    const victim = webPods(base)[0]!;
    const after = deletePod(base, `default/${victim.name}`);
    const fresh = webPods(after).find((p) => !webPods(base).some((q) => q.name === p.name))!;
    expect(fresh.name).not.toBe(victim.name);
    expect(fresh.name.startsWith('web-')).toBe(true);
    expect(base.pods.some((p) => p.ip === fresh.ip)).toBe(false);
    expect(after.services.find((s) => s.name === 'web')!.clusterIP).toBe(
      base.services.find((s) => s.name === 'web')!.clusterIP,
    );
    const eps = after.endpoints.find((e) => e.service === 'default/web')!.endpoints.map((e) => e.ip);
    expect(eps).toContain(fresh.ip);
    expect(eps).not.toContain(victim.ip);
    // later traces change: the old pod is never chosen again
    for (let seed = 1; seed < 20; seed++)
      expect(trace(after, { from: 'pod/default/client', to: 'web' }, { seed }).endpoint!.ip).not.toBe(victim.ip);
  });
  it('is replayable: the same ops on the same cluster give the same cluster', () => {
    const ops = [
      { op: 'deletePod', pod: `default/${webPods(base)[1]!.name}` },
      { op: 'scaleDeployment', deployment: 'default/web', replicas: 5 },
      { op: 'setPodReady', pod: `default/${webPods(base)[0]!.name}`, ready: false },
    ] as const;
    expect(JSON.stringify(applyOps(buildCluster(defaultClusterSpec), ops))).toBe(
      JSON.stringify(applyOps(buildCluster(defaultClusterSpec), ops)),
    );
  });
  it('a second replacement does not reuse the address freed by the first', () => {
    const first = deletePod(base, `default/${webPods(base)[0]!.name}`);
    const again = deletePod(first, `default/${webPods(first).at(-1)!.name}`);
    const ips = webPods(again).map((p) => p.ip);
    expect(new Set(ips).size).toBe(3);
    expect(ips).not.toContain(webPods(first).at(-1)!.ip);
  });
  it('scaleDeployment and setPodReady update the EndpointSlice', () => {
    const up = scaleDeployment(base, 'default/web', 5);
    expect(up.endpoints.find((e) => e.service === 'default/web')!.endpoints).toHaveLength(5);
    const down = scaleDeployment(up, 'default/web', 1);
    expect(webPods(down)).toHaveLength(1);
    const p = webPods(base)[0]!;
    const unready = setPodReady(base, `default/${p.name}`, false);
    expect(
      unready.endpoints.find((e) => e.service === 'default/web')!.endpoints.find((e) => e.ip === p.ip)!.ready,
    ).toBe(false);
    expect(
      trace(unready, { from: 'pod/default/client', to: 'svc/default/web' }).candidates.map((x) => x.ip),
    ).not.toContain(p.ip);
  });
  it('graceful delete: terminating endpoints are the fallback when nothing is ready', () => {
    let c = buildCluster(defaultClusterSpec);
    const [first, ...rest] = webPods(c);
    for (const p of rest) c = setPodReady(c, `default/${p.name}`, false);
    c = deletePod(c, `default/${first!.name}`, true);
    const replacement = webPods(c).at(-1)!;
    c = setPodReady(c, `default/${replacement.name}`, false);
    const t = trace(c, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(t.candidates.map((x) => x.pod)).toEqual([`default/${first!.name}`]);
    expect(t.verdict).toBe('delivered');
    c = setPodReady(c, `default/${first!.name}`, false);
    expect(trace(c, { from: 'pod/default/client', to: 'svc/default/web' }).verdict).toBe('refused');
  });
  it('nodeDown: its pods are rescheduled on Ready nodes; bare pods stay unreachable', () => {
    const down = nodeDown(base, 'node-b');
    expect(down.nodes.find((n) => n.name === 'node-b')!.ready).toBe(false);
    expect(webPods(down).every((p) => p.node === 'node-a')).toBe(true);
    expect(webPods(down)).toHaveLength(3);
    const t = trace(down, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(t.candidates.every((x) => x.ip.startsWith('10.244.1.'))).toBe(true);
  });
});
