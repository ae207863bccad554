import { describe as group, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { findScenario } from '../scenarios/catalog';
import { describe, findElement, findElements, servicesSelecting } from './describe';

const cluster = buildCluster(defaultClusterSpec);
const web = cluster.pods.find((p) => p.owner === 'Deployment/web')!;

group('describe', () => {
  it('names the Services that select a pod, and none for a pod no selector matches', () => {
    expect(servicesSelecting(cluster, web).map((s) => s.name)).toEqual(['web']);
    expect(
      servicesSelecting(
        cluster,
        cluster.pods.find((p) => p.name === 'client')!,
      ),
    ).toEqual([]);
    const dns = cluster.pods.find((p) => p.namespace === 'kube-system')!;
    expect(servicesSelecting(cluster, dns).map((s) => s.name)).toEqual(['kube-dns']);
  });

  it('resolves every kind of element id', () => {
    expect(describe(cluster, 'node/node-a')).toMatchObject({ kind: 'node', node: { name: 'node-a' } });
    expect(describe(cluster, `pod/default/${web.name}`)).toMatchObject({ kind: 'pod', pod: { name: web.name } });
    expect(describe(cluster, 'container/default/app-1/sidecar')).toMatchObject({
      kind: 'container',
      container: { name: 'sidecar' },
    });
    expect(describe(cluster, 'svc/kube-system/kube-dns')).toMatchObject({
      kind: 'service',
      endpoints: { service: 'kube-system/kube-dns' },
    });
    expect(describe(cluster, 'dev/node-b/flannel.1')).toMatchObject({
      kind: 'device',
      device: { name: 'flannel.1', address: '10.244.2.0/32' },
    });
    expect(describe(cluster, 'dev/pod/default/client/eth0')).toMatchObject({ kind: 'pod-device', device: 'eth0' });
    expect(describe(cluster, 'veth/node-a/default/client')).toMatchObject({ kind: 'veth', pod: { name: 'client' } });
    expect(describe(cluster, 'pod/default/nope')).toBeNull();
    expect(describe(cluster, 'garbage')).toBeNull();
  });
});

group('findElement', () => {
  it('finds by IP: pod, ClusterIP, node', () => {
    expect(findElement(cluster, '10.244.1.2')).toBe('pod/default/client');
    expect(findElement(cluster, '10.96.0.10')).toBe('svc/kube-system/kube-dns');
    expect(findElement(cluster, '192.168.10.12')).toBe('node/node-b');
  });

  it('finds by name: exact first, then prefix, then substring; nothing for no match', () => {
    expect(findElement(cluster, 'web')).toBe('svc/default/web');
    expect(findElement(cluster, 'node-a')).toBe('node/node-a');
    expect(findElement(cluster, 'app')).toBe('pod/default/app-1');
    expect(findElement(cluster, 'kube-system/kube-dns')).toBe('svc/kube-system/kube-dns');
    expect(findElement(cluster, 'zzz')).toBeNull();
    expect(findElement(cluster, '  ')).toBeNull();
  });

  it('lists every match, best first, each once (the search announces how many)', () => {
    const web = findElements(cluster, 'web');
    expect(web[0]).toBe('svc/default/web');
    const webPods = cluster.pods.filter((p) => p.name.startsWith('web')).map((p) => `pod/${p.namespace}/${p.name}`);
    expect(web.slice(1).sort()).toEqual(webPods.sort());
    expect(new Set(web).size).toBe(web.length);
    expect(findElements(cluster, 'zzz')).toEqual([]);
  });

  it('describes a NetworkPolicy: the pods it isolates, whether it is enforced', () => {
    const withPolicy = buildCluster({
      ...defaultClusterSpec,
      extras: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny', namespace: 'default' },
          spec: { podSelector: { matchLabels: { app: 'web' } } },
        },
      ],
    });
    const d = describe(withPolicy, 'netpol/default/deny');
    expect(d).toMatchObject({ kind: 'policy', policy: { name: 'deny', policyTypes: ['Ingress'] }, enforced: false });
    if (d?.kind === 'policy')
      expect(d.pods.map((p) => p.owner)).toEqual(['Deployment/web', 'Deployment/web', 'Deployment/web']);
    expect(describe(withPolicy, 'netpol/default/other')).toBeNull();
  });
});

group('Ingresses, Gateways and HTTPRoutes', () => {
  const shop = buildCluster(findScenario('ingress')!.spec);
  const gateways = buildCluster(findScenario('gateway')!.spec);

  it('describes an Ingress with its class and whether ingress-nginx serves it', () => {
    const d = describe(shop, 'ingress/default/shop');
    expect(d).toMatchObject({
      kind: 'ingress',
      ingress: { name: 'shop' },
      ingressClass: { name: 'nginx' },
      served: true,
    });
    expect(describe(shop, 'ingress/default/nope')).toBeNull();
  });

  it('search finds them by name and by namespace/name', () => {
    expect(findElements(shop, 'shop')).toContain('ingress/default/shop');
    expect(findElements(shop, 'default/shop')[0]).toBe('ingress/default/shop');
    const gw = gateways.extras.find((o) => (o as { kind?: string }).kind === 'Gateway') as {
      metadata: { name: string; namespace?: string };
    };
    const ns = gw.metadata.namespace ?? 'default';
    expect(findElements(gateways, gw.metadata.name)).toContain(`gw/${ns}/${gw.metadata.name}`);
    const route = gateways.extras.find((o) => (o as { kind?: string }).kind === 'HTTPRoute') as {
      metadata: { name: string; namespace?: string };
    };
    expect(findElements(gateways, route.metadata.name)).toContain(
      `httproute/${route.metadata.namespace ?? 'default'}/${route.metadata.name}`,
    );
  });
});
