import { describe, expect, it } from 'vitest';
import { generateCluster } from './generateCluster';
import { loadManifests } from '../import/index';
import type { Cluster } from '../model/types';
import { networkPolicies } from '../model/policy';

function load(text: string): Cluster {
  const result = loadManifests([{ name: 'generated.yaml', text }]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
  expect(result.warnings).toEqual([]);
  return result.cluster;
}

describe('generateCluster', () => {
  it('writes Deployments and Services, not Pod objects', () => {
    const text = generateCluster(3, 4, 5, 1);
    const kinds = [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds.filter((k) => k === 'Node')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'Service')).toHaveLength(5);
    expect(kinds).not.toContain('Pod');
  });

  it('yields nodes x podsPerNode pods spread evenly over the workers, plus CoreDNS on the control plane', () => {
    const c = load(generateCluster(3, 4, 5, 1));
    expect(c.nodes.map((n) => [n.name, n.role])).toEqual([
      ['control-plane', 'control-plane'],
      ['worker-001', 'worker'],
      ['worker-002', 'worker'],
      ['worker-003', 'worker'],
    ]);
    const workload = c.pods.filter((p) => p.owner !== 'Deployment/coredns');
    expect(workload).toHaveLength(12);
    for (const w of ['worker-001', 'worker-002', 'worker-003'])
      expect(workload.filter((p) => p.node === w)).toHaveLength(4);
    expect(c.pods.filter((p) => p.owner === 'Deployment/coredns').map((p) => p.node)).toEqual([
      'control-plane',
      'control-plane',
    ]);
  });

  it('makes every generated Service select ready pods on its named port', () => {
    const c = load(generateCluster(3, 4, 5, 7));
    const generated = c.endpoints.filter((e) => e.service.startsWith('default/app-'));
    expect(generated).toHaveLength(5);
    for (const set of generated) {
      expect(set.endpoints.length).toBeGreaterThan(0);
      for (const e of set.endpoints) {
        expect(e.ready).toBe(true);
        expect(e.ports).toHaveLength(1);
      }
    }
  });

  it('creates more Services than Deployments by selecting Deployments again', () => {
    const c = load(generateCluster(1, 2, 5, 1));
    expect(c.pods.filter((p) => p.owner !== 'Deployment/coredns')).toHaveLength(2);
    expect(c.services.filter((s) => s.name.startsWith('app-')).map((s) => s.name)).toEqual([
      'app-0001',
      'app-0002',
      'app-0001-2',
      'app-0002-2',
      'app-0001-3',
    ]);
  });

  it('writes the same objects as YAML and as a JSON List, which load to the same cluster', () => {
    const yaml = load(generateCluster(4, 3, 6, 9));
    const json = loadManifests([{ name: 'generated.json', text: generateCluster(4, 3, 6, 9, 'json') }]);
    if (!json.ok) throw new Error(JSON.stringify(json.errors.slice(0, 3)));
    expect(json.warnings).toEqual([]);
    expect(json.cluster).toEqual(yaml);
    // and the YAML quotes what would otherwise not read back as a string: "" and "True"
    const text = generateCluster(1, 1, 1, 1);
    expect(text).toContain('node-role.kubernetes.io/control-plane: ""');
    expect(text).toContain('status: "True"');
    expect(text).toContain('address: 172.16.0.10\n');
  });

  it('is deterministic in its arguments and changes with the seed', () => {
    expect(generateCluster(5, 3, 4, 42)).toBe(generateCluster(5, 3, 4, 42));
    expect(generateCluster(5, 3, 4, 42)).not.toBe(generateCluster(5, 3, 4, 43));
  });

  it('generates the benchmark cluster: 100 nodes x 50 pods with 1,000 Services', () => {
    const text = generateCluster(100, 50, 1000, 1);
    const c = load(text);
    expect(c.nodes).toHaveLength(101);
    expect(c.pods).toHaveLength(5002);
    expect(c.services).toHaveLength(1002);
    const perNode = new Map<string, number>();
    for (const p of c.pods) perNode.set(p.node, (perNode.get(p.node) ?? 0) + 1);
    for (const n of c.nodes) if (n.role === 'worker') expect(perNode.get(n.name)).toBe(50);
    expect(new Set(c.pods.map((p) => p.ip)).size).toBe(c.pods.length);
    expect(JSON.stringify(load(text))).toBe(JSON.stringify(c));
  });

  it('writes exactly the policies asked for, on Calico, each namespace denying ingress first', () => {
    const text = generateCluster(10, 10, 20, 1, 'yaml', { policies: 30 });
    const c = load(text);
    expect(c.settings.cni.kind).toBe('calico');
    expect(c.settings.policyEnforced).toBe(true);
    expect(networkPolicies(c)).toHaveLength(30);
    const namespaces = [...new Set(c.pods.filter((p) => p.namespace !== 'kube-system').map((p) => p.namespace))];
    // teams of POLICY_TEAM_SIZE Deployments: 20 Deployments give one namespace
    expect(namespaces).toEqual(['default']);
    expect(networkPolicies(c).filter((p) => p.name === 'default-deny-ingress')).toHaveLength(1);
    const names = networkPolicies(c).map((p) => `${p.namespace}/${p.name}`);
    expect(new Set(names).size).toBe(30);
    for (const p of c.pods.filter((x) => x.namespace === 'default'))
      expect(p.labels['tier']).toMatch(/^(frontend|backend|db)$/);
    // every kind of rule occurs
    expect(text).toContain('ipBlock');
    expect(text).toContain('namespaceSelector');
    expect(text).toContain('- Egress');
    expect(text).toContain('port: http');
    expect(generateCluster(10, 10, 20, 1, 'yaml', { policies: 30 })).toBe(text);
  });

  it('spreads teams over namespaces when there are policies, and changes nothing without them', () => {
    const c = load(generateCluster(50, 20, 200, 1, 'yaml', { policies: 200 }));
    expect(networkPolicies(c)).toHaveLength(200);
    expect(new Set(c.pods.map((p) => p.namespace)).size).toBe(11);
    expect(generateCluster(3, 4, 5, 1, 'yaml', { policies: 0 })).toBe(generateCluster(3, 4, 5, 1));
  });
});
