import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { loadManifests } from '../import/index';
import { generateCluster } from '../generate/generateCluster';
import { toManifests } from './toManifests';
import type { Cluster } from '../model/types';
import { namespaceLabels } from '../model/policy';

const yamlOf = (objects: object[]): string => objects.map((o) => stringify(o)).join('---\n');

/** What must survive a round trip: names, addresses, ports, readiness, endpoints, settings. */
function essence(c: Cluster) {
  return {
    settings: c.settings,
    nodes: c.nodes.map((n) => [n.name, n.role, n.internalIP, n.podCIDR]),
    pods: c.pods
      .map((p) => [p.namespace, p.name, p.node, p.ip, p.ready, p.containers.map((x) => [x.name, x.ports])])
      .sort(),
    services: c.services.map((s) => [s.namespace, s.name, s.type, s.clusterIP, s.ports, s.loadBalancerIP]).sort(),
    endpoints: c.endpoints.map((e) => [e.service, e.endpoints.map((x) => [x.ip, x.ready, x.ports]).sort()]).sort(),
  };
}

describe('toManifests', () => {
  it('keeps a labelled Namespace once, with its labels, for namespaceSelectors', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop, labels: { team: a } }\n';
    const first = loadManifests([{ name: 'ns.yaml', text }]);
    if (!first.ok) throw new Error('import failed');
    expect(namespaceLabels(first.cluster, 'shop')).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    for (const style of ['listed', 'authored'] as const) {
      const objects = toManifests(first.cluster, first.spec, { style });
      expect(objects.filter((o) => (o as { kind?: string }).kind === 'Namespace')).toEqual([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
      ]);
      const again = loadManifests([{ name: 'export.yaml', text: yamlOf(objects) }]);
      expect(again.ok && again.warnings).toEqual([]);
      expect(again.ok && namespaceLabels(again.cluster, 'shop')).toMatchObject({ team: 'a' });
    }
  });

  it('round-trips the built-in cluster through YAML to the same names, IPs and ports', () => {
    const cluster = buildCluster(defaultClusterSpec);
    const result = loadManifests([{ name: 'export.yaml', text: yamlOf(toManifests(cluster, defaultClusterSpec)) }]);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(essence(result.cluster)).toEqual(essence(cluster));
  });

  it("keeps a load balancer's ipMode in status.loadBalancer.ingress[].ipMode", () => {
    const spec = {
      ...defaultClusterSpec,
      services: [
        ...(defaultClusterSpec.services ?? []),
        {
          name: 'elb',
          type: 'LoadBalancer' as const,
          selector: { app: 'web' },
          ports: [{ port: 80, targetPort: 8080 }],
          loadBalancerIPMode: 'Proxy' as const,
        },
      ],
    };
    const objects = toManifests(buildCluster(spec), spec);
    const elb = objects.find((o) => (o as { metadata?: { name?: string } }).metadata?.name === 'elb');
    expect(elb).toMatchObject({ status: { loadBalancer: { ingress: [{ ipMode: 'Proxy' }] } } });
    const again = loadManifests([{ name: 'elb.yaml', text: yamlOf(objects) }]);
    expect(again.ok && again.cluster.services.find((x) => x.name === 'elb')!.loadBalancerIPMode).toBe('Proxy');
  });

  it('round-trips other CNIs and a generated cluster with NodePort and LoadBalancer Services', () => {
    const calico = buildCluster({
      ...defaultClusterSpec,
      settings: {
        cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
        policyEnforced: true,
      },
    });
    const again = loadManifests([{ name: 'calico.yaml', text: yamlOf(toManifests(calico, defaultClusterSpec)) }]);
    expect(again.ok && essence(again.cluster)).toEqual(essence(calico));
    const cilium = buildCluster({
      ...defaultClusterSpec,
      settings: {
        cni: {
          kind: 'cilium',
          routingMode: 'native',
          tunnelProtocol: 'vxlan',
          kubeProxyReplacement: true,
          bpfMasquerade: true,
        },
        proxyMode: 'cilium',
        policyEnforced: true,
      },
    });
    const reread = loadManifests([{ name: 'cilium.yaml', text: yamlOf(toManifests(cilium, defaultClusterSpec)) }]);
    expect(reread.ok && essence(reread.cluster)).toEqual(essence(cilium));
    const generated = loadManifests([{ name: 'gen.yaml', text: generateCluster(3, 4, 10, 5) }]);
    if (!generated.ok) throw new Error('generated cluster did not load');
    const reloaded = loadManifests([
      { name: 'gen-export.yaml', text: yamlOf(toManifests(generated.cluster, generated.spec)) },
    ]);
    expect(reloaded.ok ? [] : reloaded.errors).toEqual([]);
    if (reloaded.ok) expect(essence(reloaded.cluster)).toEqual(essence(generated.cluster));
  });
});

describe('toManifests, authored style', () => {
  it('gives what a person would write, and it loads to the same pods and Services', () => {
    const cluster = buildCluster(defaultClusterSpec);
    const objects = toManifests(cluster, defaultClusterSpec, { style: 'authored' });
    const kinds = objects.map(
      (o) => `${String(o['kind'])}/${String((o['metadata'] as { name?: string } | undefined)?.name ?? '')}`,
    );
    expect(kinds).toContain('Deployment/web');
    expect(kinds).toContain('Pod/client');
    expect(kinds.some((k) => k.startsWith('Pod/web-'))).toBe(false);
    expect(kinds).not.toContain('Service/kube-dns');
    expect(objects.some((o) => 'status' in o && o['kind'] !== 'Node')).toBe(false);
    const result = loadManifests([{ name: 'authored.yaml', text: yamlOf(objects) }]);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) expect(essence(result.cluster)).toEqual(essence(cluster));
  });
});
