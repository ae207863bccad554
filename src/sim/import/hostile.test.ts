/**
 * Hostile and malformed input the importer must refuse, or accept with a warning, saying what and
 * where: each case names the field, and the line where the text gives one.
 */
import { describe, expect, it } from 'vitest';
import { loadManifests } from './index';
import type { ImportResult } from './index';
import { MAX_PODS } from '../model/build';
import { buildCluster } from '../model/build';
import { applyOp, ClusterOpError } from '../ops/index';

const load = (text: string, name = 'editor'): ImportResult => loadManifests([{ name, text }]);
function failed(result: ImportResult): Extract<ImportResult, { ok: false }> {
  if (result.ok) throw new Error('expected the import to fail');
  return result;
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** The 5 KB share link of the issue: 400 Nodes and one Deployment of 100,000 replicas. */
function bigCluster(replicas: number, nodes = 400): string {
  const nodeDocs = Array.from(
    { length: nodes },
    (_, i) =>
      `apiVersion: v1\nkind: Node\nmetadata:\n  name: n${i}\nspec:\n  podCIDR: 10.${100 + (i >> 8)}.${i & 255}.0/24\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 192.168.${i >> 7}.${(i & 127) + 1}`,
  );
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: web
        image: nginx`;
  return [...nodeDocs, deployment].join('\n---\n');
}

describe('the size of the cluster an input builds', () => {
  it(`refuses more than MAX_PODS (${MAX_PODS}) pods before building any, naming the workload and spec.replicas`, () => {
    // the most replicas a spec may ask for: a loader that built pods before counting them would
    // spend minutes and gigabytes here before refusing
    const text = bigCluster(999_999);
    const { errors } = failed(load(text));
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      object: 'Deployment default/web',
      field: 'spec.replicas',
      line: lineOf(text, 'replicas: 999999'),
    });
    expect(errors[0]!.message).toMatch(/1,000,0\d\d pods, more than the 20,000 .*MAX_PODS.*asks for 999,999 pods/);
  });

  it('still builds a cluster at the limit', () => {
    const result = load(bigCluster(MAX_PODS - 2, 100));
    expect(result.ok && result.cluster.pods.length).toBe(MAX_PODS);
  });

  it('refuses to scale a Deployment past the limit (an operation in a link)', () => {
    const template = (app: string) => ({ labels: { app }, containers: [{ name: 'c', ports: [] }] });
    const cluster = buildCluster({
      nodes: Array.from({ length: 100 }, (_, i) => ({ name: `n${i}`, podCIDR: `10.244.${i}.0/24` })),
      workloads: [
        { kind: 'Deployment', name: 'big', replicas: MAX_PODS - 600, template: template('big') },
        { kind: 'Deployment', name: 'small', replicas: 1, template: template('small') },
      ],
    });
    const scale = (replicas: number) =>
      applyOp(cluster, { op: 'scaleDeployment', deployment: 'default/small', replicas });
    expect(() => scale(1000)).toThrow(ClusterOpError);
    expect(() => scale(1000)).toThrow(/MAX_PODS/);
    expect(scale(3).pods.length).toBe(cluster.pods.length + 2);
  });
});

describe('YAML aliases that loop', () => {
  const policy = (spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: loop
spec:
${spec}`;

  it('refuses an alias inside the node it names, at the alias, instead of building a cyclic object', () => {
    const text = policy(
      `  podSelector: &sel\n    matchLabels:\n      app: web\n    again: *sel\n  policyTypes: [Ingress]`,
    );
    const { errors } = failed(load(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: lineOf(text, 'again: *sel'), column: 12 });
    expect(errors[0]!.message).toMatch(/alias \*sel refers to a map or list that contains it/);
  });

  it('refuses the loop through a list and a whole spec, and still reads undefined aliases as errors', () => {
    const text = policy(`  &s\n  podSelector: {}\n  ingress:\n  - from: *s`);
    expect(failed(load(text)).errors[0]!.message).toMatch(/alias \*s /);
    const list = 'a: &l [1, *l]\n';
    expect(failed(load(list)).errors[0]!.message).toMatch(/alias \*l /);
    const undef = policy('  podSelector: *nope');
    const [missing] = failed(load(undef)).errors;
    expect(missing!.message).toMatch(/Unresolved alias.*nope/);
    expect(missing).toMatchObject({ line: 6, column: 16 });
  });

  it('still accepts aliases that repeat an earlier node', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: { name: a, labels: &l { app: a } }
  spec: { containers: [{ name: c, image: x }] }
- apiVersion: v1
  kind: Pod
  metadata: { name: b, labels: *l }
  spec: { containers: [{ name: c, image: x }] }`;
    const result = load(text);
    expect(result.ok).toBe(true);
  });
});

describe('NetworkPolicy fields the API server would reject', () => {
  const policy = (rule: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - ${rule}`;

  it('an unknown matchExpressions operator, and values where the operator wants none', () => {
    const text = policy(`from:
    - podSelector:
        matchExpressions:
        - { key: app, operator: Equals, values: [web] }
        - { key: tier, operator: Exists, values: [x] }`);
    const { errors } = failed(load(text));
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['spec.ingress[0].from[0].podSelector.matchExpressions[0].operator', lineOf(text, 'Equals')],
      ['spec.ingress[0].from[0].podSelector.matchExpressions[1].values', lineOf(text, 'Exists')],
    ]);
    expect(errors[0]!.message).toMatch(
      /must be one of "In", "NotIn", "Exists", "DoesNotExist", not the string "Equals"/,
    );
    expect(errors[1]!.message).toBe('must be empty when the operator is Exists');
  });

  it('an endPort below its port, or after a named port', () => {
    const text = policy(`ports:
    - { protocol: TCP, port: 8080, endPort: 80 }
    - { protocol: TCP, port: http, endPort: 90 }`);
    const { errors } = failed(load(text));
    expect(errors.map((e) => e.field)).toEqual([
      'spec.ingress[0].ports[0].endPort',
      'spec.ingress[0].ports[1].endPort',
    ]);
    expect(errors[0]!.message).toBe('must be at least port (8080), not 80');
    expect(errors[0]!.line).toBe(lineOf(text, 'endPort: 80 '));
    expect(errors[1]!.message).toMatch(/needs a numeric port/);
  });

  it('an except outside its cidr', () => {
    const text = policy(`from:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.1.0.0/16, 192.168.0.0/16, 10.0.0.0/8]`);
    const { errors } = failed(load(text));
    expect(errors.map((e) => e.field)).toEqual([
      'spec.ingress[0].from[0].ipBlock.except[1]',
      'spec.ingress[0].from[0].ipBlock.except[2]',
    ]);
    expect(errors[0]!.message).toBe(
      "must lie inside the ipBlock's cidr 10.0.0.0/8 (and be smaller), not 192.168.0.0/16",
    );
  });

  it('accepts what the API accepts', () => {
    const text = policy(`from:
    - podSelector:
        matchExpressions: [{ key: app, operator: In, values: [web] }, { key: x, operator: DoesNotExist }]
    - ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] }
    ports:
    - { protocol: TCP, port: 8000, endPort: 8080 }`);
    expect(load(text).ok).toBe(true);
  });
});

describe('text that would hide or reorder itself on screen', () => {
  const pod = (name: string, labels = '{ app: web }') => `apiVersion: v1
kind: Pod
metadata:
  name: "${name}"
  labels: ${labels}
spec:
  containers: [{ name: c, image: x }]`;

  it('refuses a bidi override in a name, naming the character, the field and the line', () => {
    const text = pod('web\\u202Egnp.exe');
    const { errors } = failed(load(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: 'metadata.name', line: 4 });
    expect(errors[0]!.message).toBe(
      'the value holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4, which would hide or reorder text on screen; remove it',
    );
  });

  it('refuses zero-width and control characters in names and in label keys and values', () => {
    expect(failed(load(pod('we\\u200Bb'))).errors[0]!.message).toMatch(/U\+200B \(ZERO WIDTH SPACE\) at character 3/);
    expect(failed(load(pod('web\\u0007'))).errors[0]!.message).toMatch(/U\+0007 \(a control character\)/);
    const label = failed(load(pod('web', '{ "ap\\u2066p": web }'))).errors[0]!;
    expect(label.field).toBe('metadata.labels["ap\u2066p"]');
    expect(label.message).toMatch(/^the key holds U\+2066/);
    expect(failed(load(pod('web', '{ app: "w\\u202Deb" }'))).errors[0]!.message).toMatch(/^the value holds U\+202D/);
  });

  it('keeps markup-like names as plain text: they are inert, not refused', () => {
    const result = load(pod('<img src=x onerror=alert(1)>'));
    expect(result.ok && result.cluster.pods.some((p) => p.name === '<img src=x onerror=alert(1)>')).toBe(true);
  });

  it('quotes a wrong value visibly in its error', () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: "8\\u202E0" }] }`;
    expect(failed(load(text)).errors[0]!.message).toBe('must be an integer, not the string "8<U+202E>0"');
  });
});
