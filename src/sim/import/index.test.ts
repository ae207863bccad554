import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests, MAX_DEPTH, MAX_INPUT_BYTES, MAX_OBJECTS, MAX_YAML_ALIASES } from './index';
import type { ImportResult } from './index';
import type { Cluster } from '../model/types';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const loadFixture = (...names: string[]): ImportResult =>
  loadManifests(names.map((name) => ({ name, text: fixture(name) })));
const loadText = (text: string, name = 'editor'): ImportResult => loadManifests([{ name, text }]);

function ok(result: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected the import to succeed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}
function failed(result: ImportResult): Extract<ImportResult, { ok: false }> {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}
const pod = (c: Cluster, ns: string, name: string) => c.pods.find((p) => p.namespace === ns && p.name === name)!;
const svc = (c: Cluster, ns: string, name: string) => c.services.find((s) => s.namespace === ns && s.name === name)!;
const node = (c: Cluster, name: string) => c.nodes.find((n) => n.name === name)!;
const dev = (c: Cluster, nodeName: string, device: string) => node(c, nodeName).devices.find((d) => d.name === device);
/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string, from = 0): number =>
  text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe('a cluster written as YAML manifests', () => {
  const result = ok(loadFixture('reference-cluster.yaml'));
  const c = result.cluster;

  it('reads Nodes: InternalIP, podCIDR, the control-plane role label and the Ready condition', () => {
    expect(c.nodes.map((n) => [n.name, n.role, n.internalIP, n.podCIDR, n.ready])).toEqual([
      ['cp', 'control-plane', '192.168.10.10', '10.244.0.0/24', true],
      ['node-a', 'worker', '192.168.10.11', '10.244.1.0/24', true],
      ['node-b', 'worker', '192.168.10.12', '10.244.2.0/24', false],
    ]);
  });

  it('expands a Deployment into pods named as the controller does, only on Ready workers, IPs from .2', () => {
    const web = c.pods.filter((p) => p.owner === 'Deployment/web');
    expect(web).toHaveLength(3);
    for (const p of web) {
      expect(p.namespace).toBe('shop');
      expect(p.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.node).toBe('node-a');
    }
    expect(web.map((p) => p.ip)).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4']);
  });

  it('names StatefulSet pods by ordinal and ReplicaSet pods with a suffix', () => {
    expect(c.pods.filter((p) => p.owner === 'StatefulSet/db').map((p) => p.name)).toEqual(['db-0', 'db-1']);
    const cache = c.pods.filter((p) => p.owner === 'ReplicaSet/cache');
    expect(cache).toHaveLength(2);
    for (const p of cache) expect(p.name).toMatch(/^cache-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('runs a hostNetwork DaemonSet on every node, the control plane too when it tolerates the taint', () => {
    const exporters = c.pods.filter((p) => p.owner === 'DaemonSet/node-exporter');
    expect(exporters.map((p) => [p.node, p.ip, p.hostNetwork])).toEqual([
      ['cp', '192.168.10.10', true],
      ['node-a', '192.168.10.11', true],
      ['node-b', '192.168.10.12', true],
    ]);
    // On the host network a container port is a host port (API defaulting).
    expect(exporters[0]!.containers[0]!.ports[0]).toMatchObject({
      name: 'metrics',
      containerPort: 9100,
      hostPort: 9100,
    });
  });

  it('keeps a bare Pod on its spec.nodeName with its hostPort', () => {
    const debug = pod(c, 'shop', 'debug');
    expect(debug.node).toBe('node-a');
    expect(debug.owner).toBeNull();
    expect(debug.containers[0]!.ports[0]).toEqual({
      name: null,
      containerPort: 8000,
      protocol: 'tcp',
      hostPort: 18000,
    });
  });

  it('reads every Service field the builder knows', () => {
    const web = svc(c, 'shop', 'web');
    expect(web.type).toBe('NodePort');
    expect(web.ports).toEqual([{ name: 'http', protocol: 'tcp', port: 80, targetPort: 'http', nodePort: 30080 }]);
    expect(web.externalTrafficPolicy).toBe('Local');
    expect(web.sessionAffinity).toBe('ClientIP');
    expect(web.sessionAffinityTimeout).toBe(600);
    expect(web.annotations).toEqual({ 'example.com/team': 'storefront' });
    expect(web.selector).toEqual({ app: 'web' });
    const lb = svc(c, 'shop', 'web-public');
    expect(lb.loadBalancerIP).toBe('198.51.100.1');
    expect(lb.ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.ports[0]!.nodePort).toBeLessThanOrEqual(32767);
    const headless = svc(c, 'shop', 'web-headless');
    expect(headless.clusterIP).toBeNull();
    expect(headless.publishNotReadyAddresses).toBe(true);
    const external = svc(c, 'shop', 'legacy-db');
    expect([external.type, external.externalName, external.clusterIP]).toEqual([
      'ExternalName',
      'db.example.com',
      null,
    ]);
  });

  it('derives endpoints from selectors, resolving the named targetPort per pod', () => {
    const web = c.endpoints.find((e) => e.service === 'shop/web')!;
    expect(web.fromInput).toBe(false);
    expect(web.endpoints.map((e) => `${e.ip}:${e.ports[0]!.port}`)).toEqual([
      '10.244.1.2:8080',
      '10.244.1.3:8080',
      '10.244.1.4:8080',
    ]);
  });

  it('adds what kubeadm adds: the kubernetes Service, kube-dns at .10 and CoreDNS', () => {
    expect(svc(c, 'default', 'kubernetes').clusterIP).toBe('10.96.0.1');
    expect(svc(c, 'kube-system', 'kube-dns').clusterIP).toBe('10.96.0.10');
    expect(c.pods.filter((p) => p.owner === 'Deployment/coredns').map((p) => p.node)).toEqual(['cp', 'cp']);
  });

  it('keeps Ingress, IngressClass and NetworkPolicy as given, and lists what it skipped', () => {
    expect((c.extras as { kind: string }[]).map((e) => e.kind)).toEqual(['IngressClass', 'Ingress', 'NetworkPolicy']);
    expect(result.ignored).toEqual({ Secret: 1, ConfigMap: 1, ServiceAccount: 1 });
    expect(c.namespaces).toEqual(['default', 'kube-system', 'monitoring', 'shop']);
    expect(result.warnings).toEqual([]);
  });

  it('builds byte-identical clusters from the same input', () => {
    const again = ok(loadFixture('reference-cluster.yaml'));
    expect(JSON.stringify(again.cluster)).toBe(JSON.stringify(c));
    expect(JSON.stringify(again.spec)).toBe(JSON.stringify(result.spec));
  });
});

describe('kubectl get -o json output (kind: List)', () => {
  const result = ok(loadFixture('kubectl-list.json'));
  const c = result.cluster;

  it('keeps the real pods of a Deployment and does not expand the Deployment or its ReplicaSet again', () => {
    const web = c.pods.filter((p) => p.namespace === 'default' && p.name.startsWith('web-'));
    expect(web.map((p) => [p.name, p.ip, p.node, p.owner])).toEqual([
      ['web-5d8f7c6b9d-4xk2p', '10.244.1.7', 'kind-worker', 'Deployment/web'],
      ['web-5d8f7c6b9d-q9w8z', '10.244.1.9', 'kind-worker', 'Deployment/web'],
    ]);
    const deployment = result.spec.workloads!.find((w) => w.kind === 'Deployment' && w.name === 'web');
    expect(deployment).toMatchObject({ expand: false });
    expect(result.spec.workloads!.some((w) => w.kind === 'ReplicaSet')).toBe(false);
  });

  it('reads readiness from status.conditions and terminating from deletionTimestamp', () => {
    expect([
      pod(c, 'default', 'web-5d8f7c6b9d-4xk2p').ready,
      pod(c, 'default', 'web-5d8f7c6b9d-4xk2p').terminating,
    ]).toEqual([true, false]);
    expect([
      pod(c, 'default', 'web-5d8f7c6b9d-q9w8z').ready,
      pod(c, 'default', 'web-5d8f7c6b9d-q9w8z').terminating,
    ]).toEqual([false, true]);
  });

  it('leaves out finished pods with a warning placed at status.phase', () => {
    expect(c.pods.some((p) => p.name === 'migrate-8kq2d')).toBe(false);
    const text = fixture('kubectl-list.json');
    const line = lineOf(text, '"phase": "Succeeded"');
    expect(result.warnings).toEqual([
      {
        severity: 'warning',
        source: 'kubectl-list.json',
        object: 'Pod default/migrate-8kq2d',
        field: 'status.phase',
        line,
        column: text.split('\n')[line - 1]!.indexOf('"Succeeded"') + 1,
        message: expect.stringContaining('finished'),
      },
    ]);
  });

  it('uses the EndpointSlice when given (over Endpoints), and Endpoints for a Service without selector', () => {
    const web = c.endpoints.find((e) => e.service === 'default/web')!;
    expect(web.fromInput).toBe(true);
    expect(web.endpoints.map((e) => [e.ip, e.ready, e.serving, e.terminating, e.pod])).toEqual([
      ['10.244.1.7', true, true, false, 'default/web-5d8f7c6b9d-4xk2p'],
      ['10.244.1.9', false, true, true, 'default/web-5d8f7c6b9d-q9w8z'],
    ]);
    const db = c.endpoints.find((e) => e.service === 'default/external-db')!;
    expect(svc(c, 'default', 'external-db').selector).toBeNull();
    expect(db.endpoints.map((e) => [e.ip, e.ready, e.ports])).toEqual([
      ['192.0.2.50', true, [{ name: 'pg', port: 5432, protocol: 'tcp' }]],
      ['192.0.2.51', false, [{ name: 'pg', port: 5432, protocol: 'tcp' }]],
    ]);
  });

  it('takes the load balancer address from status and the ClusterIP as given', () => {
    const web = svc(c, 'default', 'web');
    expect([web.type, web.clusterIP, web.loadBalancerIP]).toEqual(['LoadBalancer', '10.96.120.15', '203.0.113.40']);
  });

  it('reads the raw API list form (PodList items carry no kind)', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'PodList',
      items: [
        {
          metadata: { name: 'solo', namespace: 'default' },
          spec: { nodeName: 'node-a', containers: [{ name: 'c' }] },
          status: { podIP: '10.244.1.50' },
        },
      ],
    });
    const solo = pod(ok(loadText(text, 'pods.json')).cluster, 'default', 'solo');
    expect([solo.node, solo.ip]).toEqual(['node-a', '10.244.1.50']);
  });
});

describe('cluster-wide settings', () => {
  it('reads kubeadm ClusterConfiguration and KubeProxyConfiguration from a kubeadm config file', () => {
    const result = ok(loadFixture('kubeadm-config.yaml'));
    const { settings } = result.cluster;
    expect([settings.podSubnet, settings.serviceSubnet, settings.dnsDomain, settings.proxyMode]).toEqual([
      '10.32.0.0/16',
      '10.100.0.0/16',
      'corp.internal',
      'ipvs',
    ]);
    expect(node(result.cluster, 'node-a').podCIDR).toBe('10.32.1.0/24');
    expect(svc(result.cluster, 'kube-system', 'kube-dns').clusterIP).toBe('10.100.0.10');
    expect(dev(result.cluster, 'node-a', 'kube-ipvs0')).toBeDefined();
    expect(result.ignored).toEqual({ InitConfiguration: 1, KubeletConfiguration: 1 });
  });

  it('reads the same from the kubeadm-config and kube-proxy ConfigMaps', () => {
    const { settings } = ok(loadFixture('kubeadm-configmaps.yaml')).cluster;
    expect([settings.podSubnet, settings.serviceSubnet, settings.proxyMode]).toEqual([
      '10.244.0.0/16',
      '10.96.0.0/16',
      'nftables',
    ]);
  });

  it('treats an empty kube-proxy mode as iptables', () => {
    const text = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""\n';
    expect(ok(loadText(text)).cluster.settings.proxyMode).toBe('iptables');
  });

  it('reads flannel host-gw without --ip-masq, and enforces policy with kube-network-policies', () => {
    const c = ok(loadFixture('flannel-host-gw.yaml')).cluster;
    expect(c.settings.cni).toEqual({ kind: 'flannel', backend: 'host-gw', ipMasq: false });
    expect(c.settings.policyEnforced).toBe(true);
    expect(dev(c, 'node-a', 'flannel.1')).toBeUndefined();
    expect(dev(c, 'node-a', 'cni0')?.address).toBe('10.244.1.1/24');
  });

  it('reads --ip-masq from the flannel DaemonSet, and plain flannel does not enforce policy', () => {
    const text = fixture('flannel-host-gw.yaml')
      .replace('- --kube-subnet-mgr', '- --ip-masq\n        - --kube-subnet-mgr')
      .replace(
        'name: kube-network-policies\n  namespace: kube-system',
        'name: kube-network-policies\n  namespace: other',
      );
    const c = ok(loadText(text)).cluster;
    expect(c.settings.cni).toEqual({ kind: 'flannel', backend: 'host-gw', ipMasq: true });
    expect(c.settings.policyEnforced).toBe(false);
  });

  it('gives Calico pods addresses from their node block, tunl0 at the block start, a second block when full', () => {
    const result = ok(loadFixture('calico-ippool.yaml'));
    const c = result.cluster;
    expect(c.settings.cni).toEqual({
      kind: 'calico',
      ipipMode: 'Always',
      vxlanMode: 'Never',
      natOutgoing: true,
      blockSize: 26,
    });
    expect(c.settings.podSubnet).toBe('10.244.0.0/16');
    expect(c.settings.policyEnforced).toBe(true);
    expect(c.nodes.map((n) => dev(c, n.name, 'tunl0')?.address)).toEqual([
      '10.244.0.0/32',
      '10.244.0.64/32',
      '10.244.0.128/32',
    ]);
    expect(dev(c, 'node-a', 'cni0')).toBeUndefined();
    // 140 replicas over two workers: 70 each, more than a /26 holds next to the tunnel address.
    const onA = c.pods.filter((p) => p.node === 'node-a').map((p) => p.ip);
    expect(onA).toHaveLength(70);
    expect(onA.slice(0, 2)).toEqual(['10.244.0.65', '10.244.0.66']);
    expect(onA[62]).toBe('10.244.0.127');
    expect(onA[63]).toBe('10.244.0.192');
    expect(node(c, 'node-a').podRanges).toEqual(['10.244.0.64/26', '10.244.0.192/26']);
    expect(new Set(c.pods.map((p) => p.ip)).size).toBe(c.pods.length);
  });

  it('reads a projectcalico.org/v3 pool with VXLAN CrossSubnet and its block size', () => {
    const c = ok(loadFixture('calico-v3-vxlan.yaml')).cluster;
    expect(c.settings.cni).toEqual({
      kind: 'calico',
      ipipMode: 'Never',
      vxlanMode: 'CrossSubnet',
      natOutgoing: true,
      blockSize: 27,
    });
    expect(c.settings.podSubnet).toBe('10.48.0.0/16');
    expect(dev(c, 'node-a', 'vxlan.calico')?.address).toBe('10.48.0.32/32');
    expect(dev(c, 'node-a', 'vxlan.calico')?.mtu).toBe(1450);
  });

  it('reads cilium-config: native routing and kube-proxy replacement, pods from the node podCIDRs', () => {
    const c = ok(loadFixture('cilium-config.yaml')).cluster;
    expect(c.settings.cni).toEqual({
      kind: 'cilium',
      routingMode: 'native',
      tunnelProtocol: 'vxlan',
      kubeProxyReplacement: true,
      bpfMasquerade: false,
    });
    expect(c.settings.proxyMode).toBe('cilium');
    expect(c.settings.policyEnforced).toBe(true);
    expect(c.pods.filter((p) => p.node === 'cp').map((p) => p.ip)).toEqual(['10.244.0.2', '10.244.0.3']);
  });

  it('reads the older cilium `tunnel: geneve` key and keeps kube-proxy when replacement is off', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\ndata:\n  tunnel: geneve\n  kube-proxy-replacement: "false"\n';
    const c = ok(loadText(text)).cluster;
    expect(c.settings.cni).toEqual({
      kind: 'cilium',
      routingMode: 'tunnel',
      tunnelProtocol: 'geneve',
      kubeProxyReplacement: false,
      bpfMasquerade: false,
    });
    expect(c.settings.proxyMode).toBe('iptables');
    expect(dev(c, 'node-a', 'cilium_geneve')).toBeDefined();
  });

  it('reads cilium-config enable-bpf-masquerade, and says where a bad value is', () => {
    const config = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\ndata:\n  enable-bpf-masquerade: "${value}"\n`;
    expect(ok(loadText(config('true'))).cluster.settings.cni).toMatchObject({ kind: 'cilium', bpfMasquerade: true });
    const bad = failed(loadText(config('yes')));
    expect(bad.errors.map((e) => [e.message, e.line])).toEqual([
      [expect.stringContaining('"true" or "false", not "yes"'), 7],
    ]);
  });

  it('reads cilium-config enable-gateway-api: on only with kube-proxy replacement, each Envoy drawn on its node', () => {
    const config = (gateway: string, kpr: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\ndata:\n  kube-proxy-replacement: "${kpr}"\n  enable-gateway-api: "${gateway}"\n`;
    const on = ok(loadText(config('true', 'true'))).cluster;
    expect(on.settings.cni).toMatchObject({ kind: 'cilium', kubeProxyReplacement: true, gatewayApi: true });
    expect(dev(on, 'node-a', 'cilium-envoy')).toBeDefined();
    const noKpr = ok(loadText(config('true', 'false')));
    expect(noKpr.cluster.settings.cni).toMatchObject({ kind: 'cilium', gatewayApi: false });
    expect(dev(noKpr.cluster, 'node-a', 'cilium-envoy')).toBeUndefined();
    expect(noKpr.warnings.map((w) => [w.message, w.line])).toEqual([
      [expect.stringContaining('Cilium serves Gateways only with kube-proxy-replacement: true'), 8],
    ]);
    const bad = failed(loadText(config('on', 'true')));
    expect(bad.errors.map((e) => [e.message, e.line])).toEqual([
      [expect.stringContaining('"true" or "false", not "on"'), 8],
    ]);
  });

  it('uses kubeadm defaults with flannel VXLAN when nothing configures the cluster', () => {
    const c = ok(loadText('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n')).cluster;
    expect(c.settings).toEqual({
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      dnsDomain: 'cluster.local',
      proxyMode: 'iptables',
      cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true },
      policyEnforced: false,
      underlayMtu: 1500,
    });
    expect(c.nodes.map((n) => n.name)).toEqual(['cp', 'node-a', 'node-b']);
  });

  it('warns when two objects disagree on the pod network, and says which one wins', () => {
    const text = `${fixture('calico-v3-vxlan.yaml')}---\n${fixture('kubeadm-config.yaml')}`;
    const result = ok(loadText(text, 'mixed.yaml'));
    expect(result.cluster.settings.podSubnet).toBe('10.48.0.0/16');
    const warning = result.warnings.find((w) => w.object === 'ClusterConfiguration')!;
    expect(warning.field).toBe('networking.podSubnet');
    expect(warning.line).toBe(lineOf(text, 'podSubnet: 10.32.0.0/16'));
    expect(warning.message).toContain('10.48.0.0/16');
  });
});

describe('nodes left out of the input', () => {
  it('adds the nodes that pods name to the built-in ones, with the /24 their pods sit in', () => {
    const text = fixture('kubectl-list.json');
    const list = JSON.parse(text) as { items: { kind: string }[] };
    list.items = list.items.filter((i) => i.kind !== 'Node');
    const result = ok(loadText(JSON.stringify(list), 'pods.json'));
    expect(result.cluster.nodes.map((n) => [n.name, n.podCIDR])).toEqual([
      ['cp', '10.244.0.0/24'],
      ['node-a', '10.244.2.0/24'],
      ['node-b', '10.244.3.0/24'],
      ['kind-worker', '10.244.1.0/24'],
    ]);
    expect(result.warnings.some((w) => w.message.includes('kind-worker'))).toBe(true);
  });
});

describe('problems are placed at the object, the field, the line and the column', () => {
  it('reports a wrong field type in YAML with Kind namespace/name, field path and position', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - name: http\n    port: eighty\n';
    const { errors } = failed(loadText(text));
    expect(errors).toEqual([
      {
        severity: 'error',
        source: 'editor',
        object: 'Service shop/web',
        field: 'spec.ports[0].port',
        line: 9,
        column: 11,
        message: 'must be an integer, not the string "eighty"',
      },
    ]);
  });

  it('places an error in the second document of a stream on its own line', () => {
    const text =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: "yes"\n  containers:\n  - name: c\n';
    const { errors } = failed(loadText(text));
    expect(errors[0]).toMatchObject({ object: 'Pod default/p', field: 'spec.hostNetwork', line: 11, column: 16 });
  });

  it('reports YAML syntax errors with their position', () => {
    const { errors } = failed(loadText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n'));
    expect(errors[0]!.message).toMatch(/^Invalid YAML/);
    expect(errors[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('reports JSON syntax errors at the offset JSON.parse gives', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": { "name": "p" },,\n}';
    const { errors } = failed(loadText(text, 'pod.json'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^Invalid JSON/);
    // the second comma of `},,`
    expect([errors[0]!.line, errors[0]!.column]).toEqual([4, text.split('\n')[3]!.indexOf(',,') + 2]);
  });

  it('places a field error of a List item in JSON text', () => {
    const text = fixture('kubectl-list.json').replace('"podIP": "10.244.1.7"', '"podIP": "10.244.1.777"');
    const { errors } = failed(loadText(text, 'list.json'));
    const line = lineOf(text, '10.244.1.777');
    expect(errors).toEqual([
      {
        severity: 'error',
        source: 'list.json',
        object: 'Pod default/web-5d8f7c6b9d-4xk2p',
        field: 'status.podIP',
        line,
        column: text.split('\n')[line - 1]!.indexOf('"10.244.1.777"') + 1,
        message: 'must be an IPv4 address, not the string "10.244.1.777"',
      },
    ]);
  });

  it('says what is missing when a document is not a Kubernetes object', () => {
    const { errors } = failed(loadText('metadata:\n  name: x\n'));
    expect(errors[0]).toMatchObject({ field: 'apiVersion', line: 1, column: 1 });
    expect(errors[0]!.message).toContain('not a Kubernetes object');
  });

  it('skips a supported kind in an unsupported apiVersion with a warning', () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\nspec: {}\n';
    const result = ok(loadText(text));
    expect(result.ignored).toEqual({ Ingress: 1 });
    expect(result.warnings[0]).toMatchObject({ field: 'apiVersion', line: 1 });
    expect(result.warnings[0]!.message).toContain('networking.k8s.io/v1');
  });

  it('validates Ingress and NetworkPolicy lightly (a missing pathType, a bad ipBlock)', () => {
    const ingress =
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n';
    expect(failed(loadText(ingress)).errors[0]).toMatchObject({
      object: 'Ingress default/i',
      field: 'spec.rules[0].http.paths[0].pathType',
      message: 'is required',
    });
    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/33\n';
    expect(failed(loadText(policy)).errors[0]).toMatchObject({ field: 'spec.egress[0].to[0].ipBlock.cidr', line: 10 });
  });

  it('rejects a Deployment whose selector does not match its template', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: b\n    spec:\n      containers:\n      - name: c\n';
    expect(failed(loadText(text)).errors[0]).toMatchObject({
      object: 'Deployment default/d',
      field: 'spec.selector.matchLabels.app',
      line: 8,
    });
  });

  it('maps the builder errors to the object: a pod on a missing node', () => {
    const text = fixture('reference-cluster.yaml').replace('nodeName: node-a', 'nodeName: node-z');
    const { errors } = failed(loadText(text, 'reference-cluster.yaml'));
    expect(errors).toEqual([
      {
        severity: 'error',
        source: 'reference-cluster.yaml',
        object: 'Pod shop/debug',
        field: 'spec.nodeName',
        line: lineOf(text, 'nodeName: node-z'),
        column: 13,
        message: 'node "node-z" does not exist',
      },
    ]);
  });

  it('maps the builder errors to the object: a ClusterIP taken twice, a pod subnet too small for /24s', () => {
    const twice =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  clusterIP: 10.96.5.5\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  clusterIP: 10.96.5.5\n';
    expect(failed(loadText(twice)).errors[0]).toMatchObject({
      object: 'Service default/b',
      field: 'spec.clusterIP',
      line: 13,
      message: expect.stringContaining('already allocated to Service default/a'),
    });
    const small =
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/25\n';
    expect(failed(loadText(small)).errors[0]).toMatchObject({
      object: 'ClusterConfiguration',
      field: 'networking.podSubnet',
      line: 4,
      column: 14,
    });
  });

  it('names the workload when a pod made from its template cannot be placed', () => {
    const text =
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: a\n    spec:\n      nodeName: nowhere\n      containers:\n      - name: c\n';
    expect(failed(loadText(text)).errors[0]).toMatchObject({
      object: 'Deployment default/d',
      field: 'spec.template.spec.nodeName',
      line: lineOf(text, 'nodeName: nowhere'),
    });
  });
});

describe('input limits and hostile input', () => {
  it('rejects input larger than MAX_INPUT_BYTES before parsing it', () => {
    const { errors } = failed(loadText('#'.repeat(MAX_INPUT_BYTES + 1)));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('MAX_INPUT_BYTES');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = `# ${'é'.repeat(600)}\n`;
    expect(
      failed(loadManifests([{ name: 'e', text }], { limits: { maxInputBytes: 1000 } })).errors[0]!.message,
    ).toContain('MAX_INPUT_BYTES');
    expect(loadManifests([{ name: 'e', text }], { limits: { maxInputBytes: 1300 } }).ok).toBe(true);
  });

  it('rejects more than MAX_OBJECTS objects in a JSON List', () => {
    const items = Array.from({ length: MAX_OBJECTS + 1 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `n${i}` },
    }));
    const { errors } = failed(loadText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'big.json'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('MAX_OBJECTS');
  });

  it('rejects more than the object limit in a YAML stream, counting across sources', () => {
    const doc = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\n';
    const result = loadManifests(
      [
        { name: 'a', text: doc.repeat(3) },
        { name: 'b', text: doc.repeat(3) },
      ],
      { limits: { maxObjects: 5 } },
    );
    expect(failed(result).errors[0]).toMatchObject({ source: 'b', message: expect.stringContaining('MAX_OBJECTS') });
  });

  it('rejects nesting deeper than MAX_DEPTH in YAML flow, YAML block and JSON', () => {
    const flow = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const block = Array.from({ length: MAX_DEPTH + 5 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const json = `${'['.repeat(MAX_DEPTH + 5)}${']'.repeat(MAX_DEPTH + 5)}`;
    for (const [text, name] of [
      [flow, 'flow.yaml'],
      [block, 'block.yaml'],
      [json, 'deep.json'],
    ] as const) {
      const { errors } = failed(loadText(text, name));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toContain('MAX_DEPTH');
      expect(errors[0]!.line).toBe(name === 'block.yaml' ? MAX_DEPTH : 1);
    }
  });

  it('accepts nesting up to the limit', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: {},
      extra: JSON.parse(`${'['.repeat(MAX_DEPTH - 2)}${']'.repeat(MAX_DEPTH - 2)}`),
    });
    expect(ok(loadText(json, 'ok.json')).ignored).toEqual({ ConfigMap: 1 });
  });

  it('stops a YAML alias bomb with MAX_YAML_ALIASES', () => {
    let text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\nlol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let i = 1; i < 10; i++)
      text += `lol${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    const { errors } = failed(loadText(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('MAX_YAML_ALIASES');
    expect(errors[0]!.message).toContain(MAX_YAML_ALIASES.toLocaleString('en-US'));
  });

  it('allows a few ordinary anchors and merge keys', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l\n    app: web\nspec:\n  containers:\n  - &c\n    name: a\n  - <<: *c\n    name: b\n';
    const p = pod(ok(loadText(text)).cluster, 'default', 'p');
    expect(p.containers.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('never reads the data of other ConfigMaps and Secrets', () => {
    // A hostile value in data would be an error if it were read; ignored objects are not.
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  config: [1, 2]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData: {a: {b: c}}\n';
    expect(ok(loadText(text)).ignored).toEqual({ ConfigMap: 1, Secret: 1 });
  });

  it('keeps a __proto__ label a plain key and does not throw on garbage', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: JSON.parse('{"__proto__": "x", "app": "a"}') },
      spec: { containers: [{ name: 'c' }] },
    });
    const p = pod(ok(loadText(text, 'p.json')).cluster, 'default', 'p');
    expect(Object.getPrototypeOf(p.labels)).toBe(Object.prototype);
    expect(Object.keys(p.labels)).toEqual(['__proto__', 'app']);
    for (const garbage of [
      '{',
      '[[[',
      '- - -',
      ': :',
      '\u0000\uffff',
      'kind: [',
      '"',
      '---\n---\n',
      '{"kind": 5}',
      'null',
      '42',
    ]) {
      expect(() => loadText(garbage)).not.toThrow();
    }
    const notSources = loadManifests(null as unknown as []);
    expect(notSources.ok).toBe(false);
  });

  it('caps the number of reported problems', () => {
    const docs = Array.from(
      { length: 150 },
      (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  type: Nope\n`,
    ).join('---\n');
    const { errors } = failed(loadText(docs));
    expect(errors).toHaveLength(101);
    expect(errors[100]!.message).toBe('50 more errors not shown');
  });
});

describe('Ingresses without a controller', () => {
  it('get ingress-nginx added as the bare-metal manifest installs it, with a warning that says so', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`;
    const result = loadManifests([{ name: 'ing.yaml', text }], { addIngressController: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cluster.pods.some((p) => p.namespace === 'ingress-nginx')).toBe(true);
    expect(result.cluster.services.find((s) => s.namespace === 'ingress-nginx')?.type).toBe('NodePort');
    expect(result.warnings.map((w) => w.message).join()).toMatch(
      /no Ingress controller: the simulation adds ingress-nginx/,
    );
    const without = loadManifests([{ name: 'ing.yaml', text }]);
    expect(without.ok && without.cluster.pods.some((p) => p.namespace === 'ingress-nginx')).toBe(false);
  });
});
