/**
 * kindnet against kind's kindnetd (images/kindnetd in kubernetes-sigs/kind) and the reference ptp
 * plugin it configures (docs/networking-model.md, "kindnet"): no bridge and no tunnel, the host
 * end of every veth holds the gateway as a /32, one host route per pod with scope host, other
 * nodes' podCIDRs via their InternalIP, KIND-MASQ-AGENT for what leaves the pod network, and
 * NetworkPolicy from kube-network-policies inside kindnetd (images from v20240719 on).
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { loadManifests } from '../import/index';
import { toManifests } from '../export/toManifests';
import { routingTable } from '../query/routingTable';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { trace } from '../resolve/trace';
import { cniPlugin } from '../registry';
import type { Cluster } from '../model/types';

const text = (url: URL): string => readFileSync(url, 'utf8');
const fixture = (path: string): { name: string; text: string } => ({
  name: path,
  text: text(new URL(`../${path}`, import.meta.url)),
});

function load(...sources: { name: string; text: string }[]): Cluster {
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.cluster;
}

const kind = load(fixture('import/fixtures/kind-cluster.yaml'));
const worker = kind.nodes.find((n) => n.name === 'kind-worker')!;
const rules = (c: Cluster, input: Parameters<typeof trace>[1]) => trace(c, input, { seed: 1 });

describe('kindnet', () => {
  it('is detected from the kindnet DaemonSet, its POD_SUBNET the cluster CIDR, policy enforced', () => {
    expect(kind.settings.cni).toEqual({ kind: 'kindnet' });
    expect(kind.settings.podSubnet).toBe('10.244.0.0/16');
    expect(kind.settings.serviceSubnet).toBe('10.96.0.0/16');
    expect(kind.settings.policyEnforced).toBe(true);
    expect(cniPlugin(kind).name).toBe('kindnet');
  });

  it('does not enforce NetworkPolicy with a kindnetd image older than v20240719', () => {
    const ds = fixture('resolve/fixtures/cni/kindnet.yaml');
    const old = { name: ds.name, text: ds.text.replace('v20250512-df8de77b', 'v20240513-cd2ac642') };
    const c = load(fixture('resolve/fixtures/kubeadm.yaml'), fixture('resolve/fixtures/nodes.yaml'), old);
    expect(c.settings.cni.kind).toBe('kindnet');
    expect(c.settings.policyEnforced).toBe(false);
  });

  it('takes the pod network from POD_SUBNET when no ClusterConfiguration gives one', () => {
    const ds = fixture('resolve/fixtures/cni/kindnet.yaml');
    const other = { name: ds.name, text: ds.text.replace('value: 10.244.0.0/16', 'value: 10.10.0.0/16') };
    const c = load(fixture('resolve/fixtures/nodes.yaml'), other);
    expect(c.settings.podSubnet).toBe('10.10.0.0/16');
  });

  it('adds no device to the node: no bridge, no tunnel; pods keep the underlay MTU', () => {
    expect(worker.devices.map((d) => d.name)).toEqual(['eth0']);
    for (const pod of kind.pods.filter((p) => !p.hostNetwork)) {
      expect(pod.mtu).toBe(kind.settings.underlayMtu);
      expect(pod.veth).toMatch(/^veth[0-9a-f]{8}$/);
    }
  });

  it("routes each local pod by a /32 with scope host and other nodes' podCIDRs via their InternalIP", () => {
    const table = routingTable(kind, worker);
    const local = kind.pods.filter((p) => p.node === worker.name && !p.hostNetwork);
    for (const pod of local) expect(table).toContain(`${pod.ip} dev ${pod.veth} scope host`);
    expect(table).toContain('10.244.2.0/24 via 172.18.0.4 dev eth0');
    expect(table).toContain('10.244.0.0/24 via 172.18.0.3 dev eth0');
    expect(table.some((r) => r.includes('cni0'))).toBe(false);
  });

  it('sends a pod on the same node through the gateway its veth holds, never switched', () => {
    const t = rules(kind, { from: 'pod/default/client', to: '10.244.1.2', port: 80 });
    expect(t.verdict).toBe('delivered');
    const route = t.hops.find((h) => h.kind === 'route')!;
    expect(route.rule).toBe('10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.3');
    const arp = t.hops.find((h) => h.kind === 'arp')!;
    expect(arp.rule).toMatch(/^10\.244\.1\.1 dev eth0 lladdr /);
    expect(arp.text).toContain('holds 10.244.1.1/32 itself');
    expect(t.hops.some((h) => h.kind === 'bridge')).toBe(false);
    // routed by the host: the TTL drops once
    expect(t.hops.at(-1)!.packet.ttl).toBe(63);
  });

  it('crosses nodes unencapsulated, kept unmasqueraded by KIND-MASQ-AGENT', () => {
    const t = rules(kind, { from: 'pod/default/client', to: '10.244.2.2', port: 80 });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.some((h) => h.kind === 'encap')).toBe(false);
    expect(t.hops.map((h) => h.rule)).toContain('10.244.2.0/24 via 172.18.0.4 dev eth0');
    const nat = t.hops.find((h) => h.kind === 'netfilter' && h.rule?.includes('KIND-MASQ-AGENT'))!;
    expect(nat.rule).toContain('-d 10.244.0.0/16');
    expect(nat.rule).toContain('-j RETURN');
    expect(nat.nat).toBeUndefined();
    expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.3:/);
  });

  it('masquerades egress to the node address in KIND-MASQ-AGENT, without --random-fully', () => {
    const t = rules(kind, { from: 'pod/default/client', to: '93.184.215.14:443' });
    const nat = t.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
    expect(nat.rule).toMatch(/^-A KIND-MASQ-AGENT .*-j MASQUERADE$/);
    expect(nat.node).toBe('kind-worker');
    expect(nat.packet.src.startsWith('172.18.0.2:')).toBe(true);
    // MASQUERADE without --random-fully keeps a free source port
    expect(nat.packet.src.split(':')[1]).toBe(nat.nat!.before.src.split(':')[1]);
  });

  it('drops what a NetworkPolicy denies, at the receiving veth', () => {
    const deny = fixture('resolve/fixtures/policy/default-deny.yaml');
    const c = load(fixture('import/fixtures/kind-cluster.yaml'), deny);
    // web-from-client-only lets the client in; another web pod is let in by nothing
    const t = rules(c, { from: 'pod/default/web-7c5ddbdf54-4xq2m', to: '10.244.2.2', port: 80 });
    expect(t.verdict).toBe('dropped');
    const drop = t.hops.at(-1)!;
    expect(drop.kind).toBe('drop');
    expect(drop.at).toBe('veth/kind-worker2/default/web-7c5ddbdf54-9rj7k');
  });

  it('survives export and re-import as kindnet', () => {
    const spec = { ...defaultClusterSpec, settings: { cni: { kind: 'kindnet' as const }, policyEnforced: true } };
    const cluster = buildCluster(spec);
    const yaml = toManifests(cluster, spec)
      .map((o) => stringify(o))
      .join('---\n');
    const back = load({ name: 'export.yaml', text: yaml });
    expect(back.settings.cni).toEqual({ kind: 'kindnet' });
    expect(back.settings.policyEnforced).toBe(true);
    expect(back.pods.map((p) => [p.name, p.ip, p.veth])).toEqual(cluster.pods.map((p) => [p.name, p.ip, p.veth]));
  });
});
