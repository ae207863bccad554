/**
 * NetworkPolicy as the Kubernetes documentation defines it (docs/networking-model.md), on
 * clusters loaded from YAML: isolation, the union of rules, AND vs OR peers, empty selectors,
 * named ports and endPort, ipBlock with except, default-deny egress blocking DNS, the exemptions,
 * and the enforcement points on the data path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadManifests } from '../import/index';
import { namespaceLabels, networkPolicies, readNetworkPolicy, readSelector, selectorMatches } from '../model/policy';
import type { Cluster, Pod } from '../model/types';
import { evaluatePolicy } from './networkPolicy';
import { PathWriter } from './pathWriter';
import { enterPod, leavePod, policyBegin, policyGate, walk } from './podPath';
import type { PolicyState, WalkContext } from './podPath';

const read = (f: string): string => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function load(cni: string, ...more: (string | { text: string })[]): Cluster {
  const sources = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', ...more].map((f, i) =>
    typeof f === 'string' ? { name: f, text: read(f) } : { name: `inline-${i}`, text: f.text },
  );
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.source}:${e.line ?? ''}: ${e.message}`).join('\n'));
  return result.cluster;
}

/** The importer keeps namespaces by name only; these tests add the Namespace objects (and their labels) to extras. */
function withNamespaces(c: Cluster): Cluster {
  const objects = parseAllDocuments(read('edge/apps.yaml'))
    .map((d) => d.toJS() as { kind?: string })
    .filter((o) => o.kind === 'Namespace');
  return { ...c, extras: [...c.extras, ...objects] };
}

const pod = (c: Cluster, key: string): Pod => {
  const p = c.pods.find((x) => `${x.namespace}/${x.name}` === key);
  if (!p) throw new Error(`no pod ${key}`);
  return p;
};
const dns = (c: Cluster): Pod => c.pods.find((p) => p.labels['k8s-app'] === 'kube-dns')!;

const calico = load('calico-ipip', 'edge/policies.yaml');
const flannel = load('flannel-vxlan', 'edge/policies.yaml');

describe('the policy model', () => {
  it('infers policyTypes as the API server does: Ingress always, Egress only with egress rules', () => {
    const types = (spec: string): readonly string[] => {
      const c = load('flannel-vxlan', {
        text: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n${spec}`,
      });
      return networkPolicies(c)[0]!.policyTypes;
    };
    expect(types('  podSelector: {}')).toEqual(['Ingress']);
    expect(types('  podSelector: {}\n  ingress: [{}]')).toEqual(['Ingress']);
    expect(types('  podSelector: {}\n  egress: [{}]')).toEqual(['Ingress', 'Egress']);
    expect(types('  podSelector: {}\n  egress: []')).toEqual(['Ingress']);
    expect(types('  podSelector: {}\n  policyTypes: [Egress]')).toEqual(['Egress']);
  });

  it('reads the fixture policies with their defaults (protocol TCP, named ports, endPort)', () => {
    const api = networkPolicies(calico).find((p) => p.name === 'api')!;
    expect(api.policyTypes).toEqual(['Ingress']);
    expect(api.ingress[1]!.peers).toHaveLength(1);
    expect(api.ingress[1]!.ports).toEqual([{ protocol: 'tcp', port: 9000, endPort: 9100 }]);
    const web = networkPolicies(calico).find((p) => p.name === 'web')!;
    expect(web.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(web.ingress[0]!.ports).toEqual([{ protocol: 'tcp', port: 'http', endPort: null }]);
    expect(
      readNetworkPolicy({ kind: 'NetworkPolicy', apiVersion: 'extensions/v1beta1', metadata: { name: 'x' } }),
    ).toBeNull();
  });

  it('matches label selectors with matchLabels and every matchExpressions operator', () => {
    const s = readSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(selectorMatches(s, { app: 'web', tier: 'edge', team: 'a' })).toBe(true);
    // NotIn is satisfied by a missing label.
    expect(selectorMatches(s, { app: 'web', tier: 'edge', team: 'a', env: 'prod' })).toBe(true);
    expect(selectorMatches(s, { app: 'web', tier: 'edge', team: 'a', env: 'dev' })).toBe(false);
    expect(selectorMatches(s, { app: 'web', tier: 'backend', team: 'a' })).toBe(false);
    expect(selectorMatches(s, { app: 'web', tier: 'edge' })).toBe(false);
    expect(selectorMatches(s, { app: 'web', tier: 'edge', team: 'a', legacy: '' })).toBe(false);
    expect(selectorMatches(readSelector({}), { anything: 'x' })).toBe(true);
  });

  it('gives every namespace its kubernetes.io/metadata.name label, beside the labels it was imported with', () => {
    expect(namespaceLabels(calico, 'no-such-namespace')).toEqual({
      'kubernetes.io/metadata.name': 'no-such-namespace',
    });
    // the importer keeps a Namespace's labels (namespaceSelector and allowedRoutes read them)
    expect(namespaceLabels(calico, 'ops')).toEqual({ env: 'prod', 'kubernetes.io/metadata.name': 'ops' });
    expect(namespaceLabels(withNamespaces(calico), 'ops')).toEqual({
      env: 'prod',
      'kubernetes.io/metadata.name': 'ops',
    });
  });
});

describe('evaluatePolicy where the CNI enforces it (Calico)', () => {
  const c = calico;
  it('enforces policy on Calico', () => expect(c.settings.policyEnforced).toBe(true));

  it('needs both the egress of the source and the ingress of the destination, and names the rules', () => {
    const v = evaluatePolicy(c, {
      srcPod: pod(c, 'shop/client'),
      dstPod: pod(c, 'shop/web'),
      port: 8080,
      protocol: 'tcp',
    });
    expect(v.allowed).toBe(true);
    expect(v.egress.allowedBy).toMatchObject({ policy: 'shop/client', direction: 'egress', rule: 0 });
    expect(v.egress.isolating).toEqual(['shop/default-deny', 'shop/allow-dns', 'shop/client']);
    expect(v.ingress.allowedBy).toMatchObject({ policy: 'shop/web', direction: 'ingress', rule: 0 });
    expect(v.ingress.allowedBy!.text).toBe(
      'NetworkPolicy shop/web spec.ingress[0]: from podSelector app=client; ports TCP/http',
    );
    expect(v.reason).toBe('Allowed by shop/client spec.egress[0] and shop/web spec.ingress[0].');
  });

  it('resolves a named port against the destination pod: http is 8080 on web, nothing else', () => {
    const v = evaluatePolicy(c, {
      srcPod: pod(c, 'shop/client'),
      dstPod: pod(c, 'shop/web'),
      port: 8081,
      protocol: 'tcp',
    });
    expect(v.allowed).toBe(false);
    expect(v.egress.allowed).toBe(false);
    expect(v.reason).toMatch(
      /^No egress rule of shop\/default-deny, shop\/allow-dns, shop\/client \(isolating shop\/client\) allows TCP port 8081/,
    );
    // UDP 8080 is not the TCP port named http.
    expect(
      evaluatePolicy(c, { srcPod: pod(c, 'shop/client'), dstPod: pod(c, 'shop/web'), port: 8080, protocol: 'udp' })
        .allowed,
    ).toBe(false);
  });

  it('allows DNS to CoreDNS pods only through the AND peer (kube-system namespace and k8s-app=kube-dns), on 53 only', () => {
    const client = pod(c, 'shop/client');
    const udp = evaluatePolicy(c, { srcPod: client, dstPod: dns(c), port: 53, protocol: 'udp' });
    expect(udp.allowed).toBe(true);
    expect(udp.egress.allowedBy).toMatchObject({ policy: 'shop/allow-dns', rule: 0 });
    expect(udp.egress.allowedBy!.text).toBe(
      'NetworkPolicy shop/allow-dns spec.egress[0]: to namespaceSelector kubernetes.io/metadata.name=kube-system AND podSelector k8s-app=kube-dns; ports UDP/53, TCP/53',
    );
    expect(evaluatePolicy(c, { srcPod: client, dstPod: dns(c), port: 9153, protocol: 'tcp' }).allowed).toBe(false);
    // The ClusterIP is not what policy sees: after DNAT the packet goes to a CoreDNS pod.
    expect(evaluatePolicy(c, { srcPod: client, dstIP: '10.96.0.10', port: 53, protocol: 'udp' }).allowed).toBe(false);
  });

  it('a default-deny egress policy also blocks DNS', () => {
    const deny = {
      text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: dev}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n',
    };
    const d = load('calico-ipip', deny);
    const v = evaluatePolicy(d, { srcPod: pod(d, 'dev/tester'), dstPod: dns(d), port: 53, protocol: 'udp' });
    expect(v.allowed).toBe(false);
    expect(v.egress).toMatchObject({ allowed: false, isolated: true, isolating: ['dev/deny-egress'], allowedBy: null });
    expect(v.ingress.allowed).toBe(true);
    expect(v.reason).toBe(
      'No egress rule of dev/deny-egress (isolating dev/tester) allows UDP port 53 to this destination.',
    );
  });

  it('matchExpressions in an egress peer, and the union of rules: web may reach the API but not the database', () => {
    const web = pod(c, 'shop/web');
    const api = evaluatePolicy(c, { srcPod: web, dstPod: pod(c, 'shop/api'), port: 9090, protocol: 'tcp' });
    expect(api.allowed).toBe(true);
    expect(api.egress.allowedBy).toMatchObject({ policy: 'shop/web', rule: 0 });
    expect(api.ingress.allowedBy).toMatchObject({ policy: 'shop/api', rule: 0 });
    const db = evaluatePolicy(c, { srcPod: web, dstPod: pod(c, 'shop/db'), port: 5432, protocol: 'tcp' });
    expect(db.egress.allowed).toBe(false);
    // The database is isolated by default-deny for ingress too.
    expect(db.ingress).toMatchObject({ allowed: false, isolating: ['shop/default-deny'] });
  });

  it('ipBlock with except: the Internet on 443 yes, private ranges and other ports no', () => {
    const web = pod(c, 'shop/web');
    const out = evaluatePolicy(c, { srcPod: web, dstIP: '93.184.215.14', port: 443, protocol: 'tcp' });
    expect(out.allowed).toBe(true);
    expect(out.egress.allowedBy!.text).toBe(
      'NetworkPolicy shop/web spec.egress[1]: to ipBlock 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16; ports TCP/443',
    );
    expect(out.ingress.exempt).toBe('not-a-pod');
    expect(evaluatePolicy(c, { srcPod: web, dstIP: '10.20.30.40', port: 443, protocol: 'tcp' }).allowed).toBe(false);
    expect(evaluatePolicy(c, { srcPod: web, dstIP: '192.168.10.12', port: 443, protocol: 'tcp' }).allowed).toBe(false);
    expect(evaluatePolicy(c, { srcPod: web, dstIP: '93.184.215.14', port: 80, protocol: 'tcp' }).allowed).toBe(false);
  });

  it('AND within one peer: only monitor pods in ops; endPort makes a range 9000-9100', () => {
    const api = pod(c, 'shop/api');
    const monitor = pod(c, 'ops/monitor');
    const ok = evaluatePolicy(c, { srcPod: monitor, dstPod: api, port: 9100, protocol: 'tcp' });
    expect(ok.allowed).toBe(true);
    expect(ok.egress).toMatchObject({ isolated: false, allowed: true });
    expect(ok.ingress.allowedBy).toMatchObject({ policy: 'shop/api', rule: 1 });
    expect(evaluatePolicy(c, { srcPod: monitor, dstPod: api, port: 9000, protocol: 'tcp' }).allowed).toBe(true);
    expect(evaluatePolicy(c, { srcPod: monitor, dstPod: api, port: 8999, protocol: 'tcp' }).allowed).toBe(false);
    expect(evaluatePolicy(c, { srcPod: monitor, dstPod: api, port: 9101, protocol: 'tcp' }).allowed).toBe(false);
    // app=client in dev is neither in ops nor a monitor.
    expect(
      evaluatePolicy(c, { srcPod: pod(c, 'dev/tester'), dstPod: api, port: 9100, protocol: 'tcp' }).ingress.allowed,
    ).toBe(false);
  });

  it('AND vs OR: one peer with both selectors, or two peers', () => {
    const policy = (peers: string): { text: string } => ({
      text: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from:\n${peers}`,
    });
    const and = load(
      'calico-ipip',
      policy(
        '        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}\n          podSelector: {matchLabels: {app: client}}\n',
      ),
    );
    const or = load(
      'calico-ipip',
      policy(
        '        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}\n        - podSelector: {matchLabels: {app: client}}\n',
      ),
    );
    const to = (cl: Cluster, from: string): boolean =>
      evaluatePolicy(cl, { srcPod: pod(cl, from), dstPod: pod(cl, 'shop/db'), port: 5432, protocol: 'tcp' }).ingress
        .allowed;
    // AND: app=client pods in ops: there are none.
    expect([to(and, 'shop/client'), to(and, 'ops/monitor'), to(and, 'dev/tester')]).toEqual([false, false, false]);
    // OR: every pod in ops, and app=client pods in the policy's own namespace (not dev's).
    expect([to(or, 'shop/client'), to(or, 'ops/monitor'), to(or, 'dev/tester')]).toEqual([true, true, false]);
  });

  it('empty selectors: namespaceSelector {} selects every namespace, podSelector {} every pod of the namespace', () => {
    const all = load('calico-ipip', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{namespaceSelector: {}}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress:\n    - from: [{podSelector: {}}]\n',
    });
    const to = (from: string, dst: string): boolean =>
      evaluatePolicy(all, { srcPod: pod(all, from), dstPod: pod(all, dst), port: 5432, protocol: 'tcp' }).ingress
        .allowed;
    expect([to('dev/tester', 'shop/db'), to('ops/monitor', 'shop/db')]).toEqual([true, true]);
    expect([to('shop/client', 'shop/api'), to('dev/tester', 'shop/api')]).toEqual([true, false]);
    // ...but not an address outside the cluster: selectors select pods.
    expect(
      evaluatePolicy(all, { srcIP: '203.0.113.9', dstPod: pod(all, 'shop/db'), port: 5432, protocol: 'tcp' }).ingress
        .allowed,
    ).toBe(false);
  });

  it('ingress: [] (or no ingress rules) with the Ingress type denies all ingress', () => {
    const d = load('calico-ipip', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: closed, namespace: dev}\nspec:\n  podSelector: {}\n  ingress: []\n',
    });
    const v = evaluatePolicy(d, {
      srcPod: pod(d, 'ops/monitor'),
      dstPod: pod(d, 'dev/tester'),
      port: 80,
      protocol: 'tcp',
    });
    expect(v.ingress).toMatchObject({ allowed: false, isolating: ['dev/closed'] });
    // Egress is not isolated by it.
    expect(
      evaluatePolicy(d, { srcPod: pod(d, 'dev/tester'), dstIP: '1.1.1.1', port: 443, protocol: 'tcp' }).allowed,
    ).toBe(true);
  });

  it('a rule without ports allows every protocol, ICMP too; a rule with ports never matches ICMP', () => {
    const d = load('calico-ipip', {
      text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: dev}\nspec:\n  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}}]\n    - ports: [{port: 80}]\n',
    });
    expect(
      evaluatePolicy(d, { srcPod: pod(d, 'ops/monitor'), dstPod: pod(d, 'dev/tester'), port: null, protocol: 'icmp' })
        .allowed,
    ).toBe(true);
    expect(
      evaluatePolicy(d, { srcPod: pod(d, 'shop/client'), dstPod: pod(d, 'dev/tester'), port: null, protocol: 'icmp' })
        .allowed,
    ).toBe(false);
    // A rule without peers: any source, on its ports.
    expect(
      evaluatePolicy(d, { srcPod: pod(d, 'shop/web'), dstPod: pod(d, 'dev/tester'), port: 80, protocol: 'tcp' }).ingress
        .allowedBy,
    ).toMatchObject({ policy: 'dev/p', rule: 1 });
  });

  it('namespaceSelector on namespace labels (env=prod) when the Namespace objects are known', () => {
    const d = withNamespaces(
      load('calico-ipip', {
        text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {env: prod}}}]\n',
      }),
    );
    const to = (from: string): boolean =>
      evaluatePolicy(d, { srcPod: pod(d, from), dstPod: pod(d, 'shop/db'), port: 5432, protocol: 'tcp' }).ingress
        .allowed;
    expect([to('ops/monitor'), to('shop/client'), to('dev/tester')]).toEqual([true, true, false]);
  });

  it("traffic from the pod's own node always passes; another node's does not", () => {
    const web = pod(c, 'shop/web');
    const nodeA = c.nodes.find((n) => n.name === 'node-a')!;
    const kubelet = evaluatePolicy(c, { srcIP: nodeA.internalIP, dstPod: web, port: 8080, protocol: 'tcp' });
    expect(kubelet.allowed).toBe(true);
    expect(kubelet.ingress.exempt).toBe('own-node');
    // A hostNetwork pod on that node is node traffic too.
    expect(
      evaluatePolicy(c, { srcPod: pod(c, 'ops/node-agent'), dstPod: web, port: 8080, protocol: 'tcp' }).ingress.exempt,
    ).toBe('own-node');
    const other = evaluatePolicy(c, { srcIP: '192.168.10.12', dstPod: web, port: 8080, protocol: 'tcp' });
    expect(other.allowed).toBe(false);
    expect(other.ingress.isolating).toEqual(['shop/default-deny', 'shop/web']);
  });

  it('replies of allowed connections and localhost inside a pod are never affected', () => {
    const web = pod(c, 'shop/web');
    const reply = evaluatePolicy(c, {
      srcPod: web,
      dstPod: pod(c, 'shop/client'),
      port: 40000,
      protocol: 'tcp',
      reply: true,
    });
    expect(reply).toMatchObject({ allowed: true, egress: { exempt: 'reply' }, ingress: { exempt: 'reply' } });
    expect(evaluatePolicy(c, { srcPod: web, dstPod: web, port: 9999, protocol: 'tcp' }).egress.exempt).toBe(
      'localhost',
    );
    expect(evaluatePolicy(c, { srcIP: '127.0.0.1', dstPod: web, port: 9999, protocol: 'tcp' }).allowed).toBe(true);
  });

  it('evaluates one direction when asked', () => {
    const q = { srcPod: pod(c, 'shop/client'), dstPod: pod(c, 'shop/db'), port: 5432, protocol: 'tcp' as const };
    expect(evaluatePolicy(c, { ...q, direction: 'ingress' })).toMatchObject({
      allowed: false,
      egress: { exempt: 'not-a-pod' },
    });
    expect(evaluatePolicy(c, { ...q, direction: 'egress' })).toMatchObject({
      allowed: false,
      ingress: { exempt: 'not-a-pod' },
    });
  });
});

describe('where the CNI does not enforce NetworkPolicy', () => {
  it('plain flannel: everything passes, and the verdict says the policies have no effect', () => {
    const c = flannel;
    expect(c.settings.policyEnforced).toBe(false);
    const v = evaluatePolicy(c, {
      srcPod: pod(c, 'shop/client'),
      dstPod: pod(c, 'shop/db'),
      port: 5432,
      protocol: 'tcp',
    });
    expect(v).toMatchObject({
      allowed: true,
      enforced: false,
      egress: { exempt: 'not-enforced', isolated: true },
      ingress: { exempt: 'not-enforced', isolated: true },
    });
    expect(v.reason).toBe(
      'NetworkPolicy shop/default-deny, shop/allow-dns, shop/client selects these pods but the network plugin does not enforce NetworkPolicy: it has no effect.',
    );
  });

  it('flannel with kube-network-policies enforces them', () => {
    const c = load('flannel-vxlan', 'edge/policies.yaml', 'edge/kube-network-policies.yaml');
    expect(c.settings.policyEnforced).toBe(true);
    expect(
      evaluatePolicy(c, { srcPod: pod(c, 'shop/client'), dstPod: pod(c, 'shop/db'), port: 5432, protocol: 'tcp' })
        .allowed,
    ).toBe(false);
  });
});

describe('enforcement points on the data path', () => {
  function walkWith(
    c: Cluster,
    from: string,
    to: string,
    port: number,
    policy: PolicyState | null | undefined = { reply: false, verdict: null, dropped: null },
  ): { w: PathWriter; state: PolicyState | null | undefined } {
    const src = pod(c, from);
    const dst = pod(c, to);
    const w = new PathWriter({ src: `${src.ip}:40000`, dst: `${dst.ip}:${port}`, protocol: 'tcp', ttl: 64 });
    const ctx: WalkContext = { cluster: c, ephemeralPort: () => 50000, snat: null, policy };
    walk(w, ctx, { kind: 'pod', pod: src }, { kind: 'pod', pod: dst });
    return { w, state: policy };
  }

  it('Calico: an allowed packet shows the egress rule at the source veth and the ingress rule at the destination veth', () => {
    const { w, state } = walkWith(calico, 'shop/client', 'shop/web', 8080);
    const hops = w.hops.filter((h) => h.kind === 'policy');
    expect(hops.map((h) => h.at)).toEqual([`veth/node-a/shop/client`, `veth/node-a/shop/web`]);
    expect(hops[0]!.rule).toBe('NetworkPolicy shop/client spec.egress[0]: to podSelector app=web; ports TCP/http');
    expect(hops[1]!.rule).toBe('NetworkPolicy shop/web spec.ingress[0]: from podSelector app=client; ports TCP/http');
    expect(hops[1]!.text).toMatch(
      /^Calico checks shop\/web's ingress policy: shop\/default-deny, shop\/web isolate it, and rule spec\.ingress\[0\] of shop\/web allows this packet\.$/,
    );
    expect(w.hops.at(-1)!.kind).toBe('veth');
    expect(w.hops.at(-1)!.at).toBe('veth/node-a/shop/web');
    expect(state!.dropped).toBeNull();
    expect(state!.verdict!.allowed).toBe(true);
  });

  it('Calico: a packet no egress rule allows is dropped silently where it leaves the pod', () => {
    const { w, state } = walkWith(calico, 'shop/client', 'shop/db', 5432);
    const last = w.hops.at(-1)!;
    expect(last.kind).toBe('drop');
    expect(last.at).toBe('veth/node-a/shop/client');
    expect(last.rule).toBe(
      'egress of shop/client: no rule of NetworkPolicy shop/default-deny, NetworkPolicy shop/allow-dns, NetworkPolicy shop/client matches -> DROP',
    );
    expect(last.text).toMatch(/times out/);
    expect(w.hops.some((h) => h.kind === 'wire')).toBe(false);
    expect(state!.dropped).toMatchObject({ direction: 'egress', pod: 'shop/client' });
  });

  it('Calico: a packet the destination does not admit crosses the network and is dropped at its veth', () => {
    const { w, state } = walkWith(calico, 'ops/monitor', 'shop/db', 5432);
    expect(w.hops.some((h) => h.kind === 'wire')).toBe(true);
    expect(w.hops.at(-1)).toMatchObject({ kind: 'drop', at: 'veth/node-b/shop/db', node: 'node-b' });
    expect(state!.dropped).toMatchObject({ direction: 'ingress', pod: 'shop/db', isolating: ['shop/default-deny'] });
  });

  it('Cilium drops at the destination after the tunnel', () => {
    const c = load('cilium-vxlan', 'edge/policies.yaml');
    const { w } = walkWith(c, 'ops/monitor', 'shop/db', 5432);
    expect(w.hops.some((h) => h.kind === 'decap')).toBe(true);
    expect(w.hops.at(-1)).toMatchObject({ kind: 'drop', at: 'veth/node-b/shop/db' });
    expect(w.hops.at(-1)!.text).toMatch(/^Cilium's eBPF drops the packet silently/);
  });

  it('plain flannel: a policy hop says the policy has no effect, and the packet goes on', () => {
    const { w, state } = walkWith(flannel, 'shop/client', 'shop/db', 5432);
    const hops = w.hops.filter((h) => h.kind === 'policy');
    expect(hops).toHaveLength(2);
    expect(hops[0]!.text).toBe(
      'NetworkPolicy shop/default-deny, shop/allow-dns, shop/client selects shop/client for egress, but flannel does not enforce NetworkPolicy (kube-network-policies is not installed): the policy has no effect and the packet passes.',
    );
    expect(w.hops.at(-1)).toMatchObject({ kind: 'veth', at: 'veth/node-b/shop/db' });
    expect(state!.dropped).toBeNull();
  });

  it('no hop when no policy selects either pod, nor when the walk does not ask for policy, nor for a reply', () => {
    expect(
      walkWith(calico, 'ops/monitor', 'dev/tester', 80).w.hops.some((h) => h.kind === 'policy' || h.kind === 'drop'),
    ).toBe(false);
    const without = walkWith(calico, 'shop/client', 'shop/db', 5432, null).w;
    expect(without.hops.some((h) => h.kind === 'policy' || h.kind === 'drop')).toBe(false);
    expect(without.hops.at(-1)!.at).toBe('veth/node-b/shop/db');
    const reply = walkWith(calico, 'shop/db', 'shop/client', 40000, { reply: true, verdict: null, dropped: null }).w;
    expect(reply.hops.some((h) => h.kind === 'policy' || h.kind === 'drop')).toBe(false);
  });

  it('the walk evaluates the packet as it is: the port the destination pod sees', () => {
    const { state } = walkWith(calico, 'shop/client', 'shop/web', 80);
    expect(state!.dropped?.direction).toBe('egress');
  });

  it('a path that enters the pod without walk (bridged DNAT) uses policyBegin, policyGate and enterPod', () => {
    const d = load('flannel-vxlan', 'edge/policies.yaml', 'edge/kube-network-policies.yaml');
    const client = pod(d, 'shop/client');
    const web = pod(d, 'shop/web');
    const state: PolicyState = { reply: false, verdict: null, dropped: null };
    const ctx: WalkContext = { cluster: d, ephemeralPort: () => 50000, snat: null, policy: state };
    const w = new PathWriter({ src: `${client.ip}:40000`, dst: `${web.ip}:8080`, protocol: 'tcp', ttl: 64 });
    leavePod(w, d, client, null, '10.96.0.50');
    policyBegin(w, ctx, client, { kind: 'pod', pod: web });
    expect(policyGate(w, 'egress', client)).toBe(true);
    enterPod(w, d, web, 'switched');
    expect(w.hops.filter((h) => h.kind === 'policy').map((h) => h.text.split(' checks')[0])).toEqual([
      'kube-network-policies',
      'kube-network-policies',
    ]);
    expect(w.hops.at(-1)!.kind).toBe('veth');
    expect(state.verdict!.allowed).toBe(true);
  });
});
