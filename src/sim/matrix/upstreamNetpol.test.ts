/**
 * Kubernetes' own NetworkPolicy end-to-end tests (test/e2e/network/netpol in kubernetes/kubernetes),
 * re-expressed as matrix tests: the same setup (namespaces x, y, z; pods a, b, c; ports 80 and 81 on
 * TCP and UDP), the same policies and the expected reachability of each test, named as upstream
 * names it. Cells of a pod to itself are ignored, as upstream ignores them. SCTP is not simulated.
 *
 * The expectations are written as upstream writes them: everything reachable, then peers switched
 * off (or on) by namespace and pod, independently of the engine.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { Cluster } from '../model/types';
import { trace } from '../resolve/trace';
import { computeMatrix } from './matrix';
import type { MatrixProtocol } from './matrix';
import { NETPOL_NAMESPACES, NETPOL_PODS, netpolTruthTableSpec } from './netpolTruthTable';

const PODS = NETPOL_NAMESPACES.flatMap((ns) => NETPOL_PODS.map((p) => `${ns}/${p}`));

interface Peer {
  ns?: string;
  pod?: string;
}
const matches = (peer: Peer, key: string): boolean => {
  const [ns, pod] = key.split('/');
  return (peer.ns === undefined || peer.ns === ns) && (peer.pod === undefined || peer.pod === pod);
};

/** Upstream's Reachability: a truth table over every pair, edited peer by peer. */
class Reachability {
  readonly table = new Map<string, boolean>();
  constructor(all: boolean) {
    for (const a of PODS) for (const b of PODS) this.table.set(`${a} ${b}`, all);
  }
  peer(from: Peer, to: Peer, value: boolean): this {
    for (const a of PODS)
      for (const b of PODS) if (matches(from, a) && matches(to, b)) this.table.set(`${a} ${b}`, value);
    return this;
  }
  /** the same table printed as upstream prints it: '.' reachable, 'X' not, '-' the pod itself */
  print(get: (from: string, to: string) => boolean): string {
    const short = (k: string): string => k.replace('/', '');
    const rows = PODS.map((a) => [short(a), ...PODS.map((b) => (a === b ? '-' : get(a, b) ? '.' : 'X'))].join(' '));
    return ['   ' + PODS.map(short).join(' '), ...rows].join('\n');
  }
}

const np = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const nsObject = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const podA = { matchLabels: { pod: 'a' } };

/**
 * Checks one probe (port, protocol) of a cluster against the expected table, printing both on
 * failure: through each pod's Service `s-<ns>-<pod>` as upstream probes, and to the pod IPs.
 */
function validate(cluster: Cluster, port: number, protocol: MatrixProtocol, expected: Reachability): void {
  for (const via of ['service', 'pod'] as const) {
    const m = computeMatrix(cluster, { ports: [{ port, protocol }], via });
    const ours = m.cells.filter((c) => PODS.includes(c.from) && PODS.includes(c.to));
    if (via === 'service') {
      // every probe went through the destination's own Service, none was skipped
      expect(m.skipped.filter((x) => PODS.includes(x.to))).toEqual([]);
      for (const c of ours) expect(c.service?.name).toBe(`${c.to.split('/')[0]}/s-${c.to.replace('/', '-')}`);
    }
    const got = new Map(ours.map((c) => [`${c.from} ${c.to}`, c.verdict === 'allowed']));
    const read = (a: string, b: string): boolean => got.get(`${a} ${b}`) ?? false;
    expect(`${via} ${protocol}/${port}\n${new Reachability(true).print(read)}`).toBe(
      `${via} ${protocol}/${port}\n${expected.print((a, b) => expected.table.get(`${a} ${b}`) ?? false)}`,
    );
  }
}

const cluster = (...extras: unknown[]): Cluster => buildCluster(netpolTruthTableSpec(extras));

describe('kubernetes/kubernetes test/e2e/network/netpol, as matrices', () => {
  it('the setup: every pod reaches every pod on 80 and 81, TCP and UDP, before any policy', () => {
    const c = cluster();
    for (const port of [80, 81]) for (const p of ['tcp', 'udp'] as const) validate(c, port, p, new Reachability(true));
    // and each pod sits behind its own Service s-<ns>-<pod>, probed upstream through its ClusterIP
    expect(c.services.filter((s) => s.name.startsWith('s-')).map((s) => `${s.namespace}/${s.name}`)).toHaveLength(9);
  });

  it("should support a 'default-deny-ingress' policy", () => {
    const c = cluster(np('x', 'deny-ingress', { podSelector: {}, ingress: [] }));
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false));
  });

  it("should support a 'default-deny-all' policy", () => {
    const c = cluster(np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    const r = new Reachability(true).peer({ ns: 'x' }, {}, false).peer({}, { ns: 'x' }, false);
    validate(c, 80, 'tcp', r);
    validate(c, 81, 'tcp', r);
  });

  it('should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    const c = cluster(
      np('x', 'x-a-allows-x-b', {
        podSelector: podA,
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy to allow ingress traffic for a target', () => {
    // ingress rules of the same policy are ORed: x/a is reachable on 80 from anywhere
    const c = cluster(np('x', 'allow-ingress-on-80', { podSelector: podA, ingress: [{ ports: [{ port: 80 }] }] }));
    validate(c, 80, 'tcp', new Reachability(true));
    validate(c, 81, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
  });

  it('should enforce policy to allow ingress traffic from pods in all namespaces', () => {
    const c = cluster(
      np('x', 'allow-from-all-namespaces', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    );
    validate(c, 80, 'tcp', new Reachability(true));
  });

  it('should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector', () => {
    const c = cluster(
      np('x', 'allow-client-a-via-ns-selector', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false).peer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label', () => {
    const c = cluster(
      np('x', 'allow-client-a-via-ns-selector-for-immutable-ns-label', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'y' } } }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false).peer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy based on PodSelector with MatchExpressions', () => {
    const c = cluster(
      np('x', 'x-a-allows-x-b', {
        podSelector: podA,
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy based on NamespaceSelector with MatchExpressions', () => {
    const c = cluster(
      np('x', 'allow-ns-y-match-selector', {
        podSelector: podA,
        ingress: [
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['y'] }] } }] },
        ],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false).peer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy based on PodSelector or NamespaceSelector', () => {
    // two peers: ORed. y and z (not x), or x's pods other than a
    const c = cluster(
      np('x', 'allow-ns-y-match-selector', {
        podSelector: podA,
        ingress: [
          {
            from: [
              { namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] } },
              { podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['a'] }] } },
            ],
          },
        ],
      }),
    );
    validate(c, 80, 'tcp', new Reachability(true));
  });

  it('should enforce policy based on PodSelector and NamespaceSelector', () => {
    // one peer: ANDed. pods b and c of y and z only
    const c = cluster(
      np('x', 'allow-ns-y-podselector-and-nsselector', {
        podSelector: podA,
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
              },
            ],
          },
        ],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'y', pod: 'b' }, { ns: 'x', pod: 'a' }, true)
        .peer({ ns: 'y', pod: 'c' }, { ns: 'x', pod: 'a' }, true)
        .peer({ ns: 'z', pod: 'b' }, { ns: 'x', pod: 'a' }, true)
        .peer({ ns: 'z', pod: 'c' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy based on any PodSelectors', () => {
    const c = cluster(
      np('x', 'allow-x-b-and-x-c', {
        podSelector: podA,
        ingress: [
          { from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] },
        ],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true)
        .peer({ ns: 'x', pod: 'c' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should enforce policy based on Ports', () => {
    const c = cluster(
      np('x', 'allow-ingress-on-port-81-ns-x', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 81 }] }],
      }),
    );
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
    validate(
      c,
      81,
      'tcp',
      new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false).peer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should allow ingress access on one named port', () => {
    const c = cluster(np('x', 'allow-all', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] }));
    validate(c, 81, 'tcp', new Reachability(true));
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false));
  });

  it('should allow ingress access from namespace on one named port', () => {
    const c = cluster(
      np('x', 'allow-client-in-ns-y-on-named-port', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 'serve-80-tcp' }] }],
      }),
    );
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false).peer({ ns: 'y' }, { ns: 'x' }, true));
    validate(c, 81, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false));
  });

  it('should allow egress access on one named port', () => {
    const c = cluster(
      np('x', 'allow-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 'serve-80-tcp' }] }],
      }),
    );
    validate(c, 80, 'tcp', new Reachability(true));
    validate(c, 81, 'tcp', new Reachability(true).peer({ ns: 'x' }, {}, false));
  });

  it('should enforce updated policy', () => {
    // the first policy, then the same name with other rules: the table follows the update
    const before = cluster(np('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [{}] }));
    validate(before, 81, 'tcp', new Reachability(true));
    const after = cluster(np('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, ingress: [] }));
    validate(after, 81, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false));
  });

  it('should allow ingress access from updated namespace', () => {
    const policy = np('x', 'allow-client-a-via-ns-selector', {
      podSelector: podA,
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }],
    });
    validate(cluster(policy), 80, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
    // y gains the label ns2=updated
    const relabelled = cluster(nsObject('y', { ns: 'y', ns2: 'updated' }), policy);
    validate(
      relabelled,
      80,
      'tcp',
      new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false).peer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should allow ingress access from updated pod', () => {
    const policy = np('x', 'x-a-allows-b-updated', {
      podSelector: podA,
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }],
    });
    validate(cluster(policy), 80, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
    const relabelled = buildCluster(netpolTruthTableSpec([policy], { 'x/b': { pod: 'b', pod2: 'updated' } }));
    validate(
      relabelled,
      80,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true),
    );
  });

  it('should deny ingress access to updated pod', () => {
    const policy = np('x', 'deny-ingress-via-label-selector', {
      podSelector: { matchLabels: { target: 'isolated' } },
      policyTypes: ['Ingress'],
    });
    validate(cluster(policy), 80, 'tcp', new Reachability(true));
    const relabelled = buildCluster(netpolTruthTableSpec([policy], { 'x/a': { pod: 'a', target: 'isolated' } }));
    validate(relabelled, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
  });

  it('should deny egress from pods based on PodSelector', () => {
    const c = cluster(np('x', 'deny-egress-pod-a', { podSelector: podA, policyTypes: ['Egress'] }));
    validate(c, 80, 'tcp', new Reachability(true).peer({ ns: 'x', pod: 'a' }, {}, false));
  });

  it('should deny egress from all pods in a namespace', () => {
    const c = cluster(np('x', 'deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'] }));
    validate(c, 80, 'tcp', new Reachability(true).peer({ ns: 'x' }, {}, false));
  });

  it('should work with Ingress, Egress specified together', () => {
    const c = cluster(
      np('x', 'allow-client-a-via-pod-selector', {
        podSelector: podA,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        egress: [{ ports: [{ port: 80 }] }],
      }),
    );
    const r = new Reachability(true)
      .peer({}, { ns: 'x', pod: 'a' }, false)
      .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true);
    validate(c, 80, 'tcp', r);
    validate(
      c,
      81,
      'tcp',
      new Reachability(true)
        .peer({}, { ns: 'x', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'b' }, { ns: 'x', pod: 'a' }, true)
        .peer({ ns: 'x', pod: 'a' }, {}, false),
    );
  });

  it('should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)', () => {
    const c = cluster(
      np('x', 'allow-to-ns-y-pod-a', {
        podSelector: podA,
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: podA }] }],
      }),
      np('y', 'allow-from-xa-on-ya-match-selector', {
        podSelector: podA,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: podA }] }],
      }),
      np('y', 'allow-from-xa-on-yb-match-selector', {
        podSelector: { matchLabels: { pod: 'b' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: podA }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({ ns: 'x', pod: 'a' }, {}, false)
        .peer({}, { ns: 'y', pod: 'a' }, false)
        .peer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'a' }, true)
        .peer({}, { ns: 'y', pod: 'b' }, false),
    );
    // x/a -> y/b: both sides allow nothing else, and the client's egress is met first
    const cell = computeMatrix(c, {
      from: { namespace: 'x', selector: 'pod=a' },
      to: { namespace: 'y', selector: 'pod=b' },
      ports: [{ port: 80, protocol: 'tcp' }],
    }).cells[0];
    expect(cell?.verdict).toBe('denied-egress');
    expect(cell?.ingress.allowedBy?.policy).toBe('y/allow-from-xa-on-yb-match-selector');
  });

  it('should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    const c = cluster(
      np('x', 'allow-to-ns-y-pod-a', {
        podSelector: podA,
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: podA }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({ ns: 'x', pod: 'a' }, {}, false)
        .peer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'a' }, true),
    );
  });

  it('should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    const c = cluster(
      np('x', 'allow-ingress-by-proto', { podSelector: podA, ingress: [{ ports: [{ protocol: 'TCP' }] }] }),
    );
    validate(c, 80, 'tcp', new Reachability(true));
    validate(c, 80, 'udp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
  });

  it('should enforce multiple ingress policies with ingress allow-all policy taking precedence', () => {
    const only80 = np('x', 'allow-ingress-port-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
    validate(cluster(only80), 81, 'tcp', new Reachability(true).peer({}, { ns: 'x' }, false));
    validate(
      cluster(only80, np('x', 'allow-ingress', { podSelector: {}, ingress: [{}] })),
      81,
      'tcp',
      new Reachability(true),
    );
  });

  it('should enforce multiple egress policies with egress allow-all policy taking precedence', () => {
    const only80 = np('x', 'allow-egress-port-80', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 80 }] }],
    });
    validate(cluster(only80), 81, 'tcp', new Reachability(true).peer({ ns: 'x' }, {}, false));
    validate(
      cluster(only80, np('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })),
      81,
      'tcp',
      new Reachability(true),
    );
  });

  it('should stop enforcing policies after they are deleted', () => {
    const denyAll = np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    validate(
      cluster(denyAll),
      80,
      'tcp',
      new Reachability(true).peer({ ns: 'x' }, {}, false).peer({}, { ns: 'x' }, false),
    );
    validate(cluster(), 80, 'tcp', new Reachability(true));
  });

  it('should allow egress access to server in CIDR block', () => {
    const yb = cluster().pods.find((p) => p.namespace === 'y' && p.name === 'b')!;
    const c = cluster(
      np('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podA,
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: `${yb.ip}/32` } }] }],
      }),
    );
    validate(
      c,
      80,
      'tcp',
      new Reachability(true)
        .peer({ ns: 'x', pod: 'a' }, {}, false)
        .peer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'b' }, true),
    );
  });

  it('should enforce except clause while egress access to server in CIDR block', () => {
    const xb = cluster().pods.find((p) => p.namespace === 'x' && p.name === 'b')!;
    // a large block around x/b (upstream takes a /4), except x/b itself
    const c = cluster(
      np('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podA,
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: `${xb.ip}/4`, except: [`${xb.ip}/32`] } }] }],
      }),
    );
    validate(c, 80, 'tcp', new Reachability(true).peer({ ns: 'x', pod: 'a' }, { ns: 'x', pod: 'b' }, false));
  });

  it('should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed', () => {
    const xb = cluster().pods.find((p) => p.namespace === 'x' && p.name === 'b')!;
    const except = np('x', 'allow-client-a-via-cidr-egress-rule', {
      podSelector: podA,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: `${xb.ip}/4`, except: [`${xb.ip}/32`] } }] }],
    });
    validate(
      cluster(except),
      80,
      'tcp',
      new Reachability(true).peer({ ns: 'x', pod: 'a' }, { ns: 'x', pod: 'b' }, false),
    );
    const again = np('x', 'allow-client-a-via-cidr-egress-rule-2', {
      podSelector: podA,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: `${xb.ip}/32` } }] }],
    });
    validate(cluster(except, again), 80, 'tcp', new Reachability(true));
  });

  it('unions egress policies, and a podSelector peer stays in the policy namespace (not upstream)', () => {
    const allowAll = np('x', 'allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const denyAToB = np('x', 'deny-egress-to-b', {
      podSelector: podA,
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['b'] }] } }] }],
    });
    validate(cluster(allowAll), 80, 'tcp', new Reachability(true));
    // the allow-all egress of the namespace still selects x/a: the union lets x/a reach x/b
    validate(cluster(allowAll, denyAToB), 80, 'tcp', new Reachability(true));
    // alone, x/a may reach x's pods other than b, and nothing in y or z
    validate(
      cluster(denyAToB),
      80,
      'tcp',
      new Reachability(true)
        .peer({ ns: 'x', pod: 'a' }, {}, false)
        .peer({ ns: 'x', pod: 'a' }, { ns: 'x', pod: 'c' }, true),
    );
  });

  it('should not allow access by TCP when a policy specifies only UDP', () => {
    const c = cluster(
      np('x', 'allow-only-udp-ingress-on-port-81', {
        podSelector: podA,
        ingress: [{ ports: [{ protocol: 'UDP', port: 81 }] }],
      }),
    );
    validate(c, 81, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
    validate(c, 81, 'udp', new Reachability(true));
  });

  it("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", () => {
    const c = cluster(
      np('x', 'allow-only-sctp-ingress-on-port-81', {
        podSelector: podA,
        ingress: [{ ports: [{ protocol: 'SCTP', port: 81 }] }],
      }),
    );
    validate(c, 81, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
  });

  it('should support allow-all policy', () => {
    const c = cluster(np('x', 'allow-all', { podSelector: {}, ingress: [{}] }));
    validate(c, 80, 'tcp', new Reachability(true));
    validate(c, 81, 'tcp', new Reachability(true));
  });

  it('infers policyTypes: egress rules without policyTypes isolate for ingress too (not upstream)', () => {
    const c = cluster(np('x', 'egress-rules-only', { podSelector: podA, egress: [{}] }));
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'x', pod: 'a' }, false));
    const cell = computeMatrix(c, {
      from: { namespace: 'y', selector: 'pod=a' },
      to: { namespace: 'x', selector: 'pod=a' },
      ports: [{ port: 80, protocol: 'tcp' }],
    }).cells[0];
    expect(cell?.verdict).toBe('denied-ingress');
    expect(cell?.policies).toEqual(['x/egress-rules-only']);
  });

  it('should allow ingress on a range of ports with endPort (not upstream; the endPort feature)', () => {
    const c = cluster(
      np('x', 'allow-80-to-81', { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 81 }] }] }),
      np('y', 'allow-81-only', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 90 }] }] }),
    );
    validate(c, 80, 'tcp', new Reachability(true).peer({}, { ns: 'y' }, false));
    validate(c, 81, 'tcp', new Reachability(true));
  });
});

describe('egress to a Service ClusterIP (evaluated after DNAT)', () => {
  it('an egress rule for the backend pods allows the Service; one for the ClusterIP alone does not', () => {
    const svc = cluster().services.find((s) => s.name === 's-y-b')!;
    const byPod = np('x', 'to-y-b', {
      podSelector: podA,
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] },
      ],
    });
    const byVip = np('x', 'to-vip', {
      podSelector: podA,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: `${svc.clusterIP}/32` } }] }],
    });
    const probe = (c: Cluster): string =>
      trace(c, { from: 'pod/x/a', to: 'svc/y/s-y-b', port: 80, protocol: 'tcp' }).verdict;
    const cell = (c: Cluster): string | undefined =>
      computeMatrix(c, {
        from: { namespace: 'x', selector: 'pod=a' },
        to: { namespace: 'y', selector: 'pod=b' },
        ports: [{ port: 80, protocol: 'tcp' }],
      }).cells[0]?.verdict;
    expect([probe(cluster(byPod)), cell(cluster(byPod))]).toEqual(['delivered', 'allowed']);
    expect([probe(cluster(byVip)), cell(cluster(byVip))]).toEqual(['dropped', 'denied-egress']);
  });

  it("an ipBlock covering the pod's IP but not the ClusterIP allows the connection through the Service", () => {
    const base = cluster();
    const svc = base.services.find((s) => s.name === 's-y-b')!;
    const yb = base.pods.find((p) => p.namespace === 'y' && p.name === 'b')!;
    const egress = (name: string, cidr: string) =>
      np('x', name, { podSelector: podA, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }] }] });
    const through = (c: Cluster) =>
      computeMatrix(c, {
        from: { namespace: 'x', selector: 'pod=a' },
        to: { namespace: 'y', selector: 'pod=b' },
        ports: [{ port: 80, protocol: 'tcp' }],
        via: 'service',
      }).cells[0]!;
    const probe = (c: Cluster): string =>
      trace(c, { from: 'pod/x/a', to: svc.clusterIP!, port: 80, protocol: 'tcp' }, { pick: ['y/b'] }).verdict;
    // the ClusterIP is outside the pod network: the block holds the pod and not the Service address
    const byPodIP = cluster(egress('to-pod-ip', `${yb.ip}/32`));
    const cell = through(byPodIP);
    expect(cell.service).toEqual({ name: 'y/s-y-b', clusterIP: svc.clusterIP, port: 80 });
    expect([cell.verdict, cell.policies, probe(byPodIP)]).toEqual(['allowed', ['x/to-pod-ip'], 'delivered']);
    const byVip = cluster(egress('to-vip', `${svc.clusterIP}/32`));
    expect([through(byVip).verdict, probe(byVip)]).toEqual(['denied-egress', 'dropped']);
  });
});
