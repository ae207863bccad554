/**
 * The matrix engine: its verdicts, the deciding policies, selections and ports, and that a cell and
 * the trace between the same two pods agree on a seeded random sample.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import { buildCluster } from '../model/build';
import { createRng } from '../model/rng';
import type { Cluster, Pod } from '../model/types';
import { trace } from '../resolve/trace';
import { matrixCsv as csvOfRows, matrixJson, rowsOfMatrix } from './serialize';
import type { Matrix } from './matrix';
import { computeMatrix, declaredPorts, defaultVia, matrixCell, parseLabelSelector, selectPods } from './matrix';
import type { MatrixCell, MatrixVerdict } from './matrix';
import { netpolTruthTableSpec } from './netpolTruthTable';

const policy = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

const pod = (c: Cluster, key: string): Pod => {
  const p = c.pods.find((x) => `${x.namespace}/${x.name}` === key);
  if (!p) throw new Error(`no pod ${key}`);
  return p;
};

const tcp80 = { port: 80, protocol: 'tcp' } as const;

const matrixCsv = (m: Matrix): string => csvOfRows(rowsOfMatrix(m));

describe('computeMatrix', () => {
  it('allows everything when no policy exists, and refuses ports nobody listens on', () => {
    const c = buildCluster(netpolTruthTableSpec());
    const m = computeMatrix(c, {
      from: { namespace: 'x' },
      to: { namespace: 'y' },
      ports: [tcp80, { port: 82, protocol: 'tcp' }],
    });
    expect(m.sources).toEqual(['x/a', 'x/b', 'x/c']);
    expect(m.destinations).toEqual(['y/a', 'y/b', 'y/c']);
    expect(m.cells).toHaveLength(18);
    expect(m.counts.allowed).toBe(9);
    expect(m.counts.refused).toBe(9);
    expect(m.cells.filter((x) => x.port === 82).every((x) => x.verdict === 'refused')).toBe(true);
  });

  it('names the isolating policies of a denied cell and the allowing one of an allowed cell', () => {
    const c = buildCluster(
      netpolTruthTableSpec([
        policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
        policy('x', 'allow-b', {
          podSelector: { matchLabels: { pod: 'a' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        }),
      ]),
    );
    const toA = matrixCell(c, pod(c, 'x/b'), pod(c, 'x/a'), tcp80);
    expect(toA.verdict).toBe('allowed');
    expect(toA.policies).toEqual(['x/allow-b']);
    const fromC = matrixCell(c, pod(c, 'x/c'), pod(c, 'x/a'), tcp80);
    expect(fromC.verdict).toBe('denied-ingress');
    expect(fromC.policies).toEqual(['x/deny-all', 'x/allow-b']);
  });

  it('reports egress when both sides deny, and lists the ingress side in the details', () => {
    const c = buildCluster(
      netpolTruthTableSpec([
        policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
        policy('y', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
      ]),
    );
    const cell = matrixCell(c, pod(c, 'x/a'), pod(c, 'y/a'), tcp80);
    expect(cell.verdict).toBe('denied-egress');
    expect(cell.policies).toEqual(['x/deny-egress']);
    expect(cell.ingress.allowed).toBe(false);
    expect(cell.ingress.isolating).toEqual(['y/deny-ingress']);
    expect(cell.reason).toContain('y/deny-ingress');
  });

  it('says not-enforced where the CNI ignores policy, and allowed where no policy selects the pods', () => {
    const spec = netpolTruthTableSpec([policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]);
    const c = buildCluster({ ...spec, settings: { policyEnforced: false } });
    expect(c.settings.policyEnforced).toBe(false);
    expect(matrixCell(c, pod(c, 'y/a'), pod(c, 'x/a'), tcp80).verdict).toBe('not-enforced');
    expect(matrixCell(c, pod(c, 'y/a'), pod(c, 'x/a'), tcp80).policies).toEqual(['x/deny-all']);
    expect(matrixCell(c, pod(c, 'x/a'), pod(c, 'y/a'), tcp80).verdict).toBe('allowed');
    // refused wins over not-enforced: the connection really is refused
    expect(matrixCell(c, pod(c, 'y/a'), pod(c, 'x/a'), { port: 99, protocol: 'tcp' }).verdict).toBe('refused');
  });

  it('denies before it refuses: a dropped packet never reaches the closed port', () => {
    const c = buildCluster(
      netpolTruthTableSpec([policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]),
    );
    expect(matrixCell(c, pod(c, 'y/a'), pod(c, 'x/a'), { port: 99, protocol: 'tcp' }).verdict).toBe('denied-ingress');
  });

  it('selects pods by namespace and label selector, and uses declared ports by default', () => {
    const c = buildCluster(netpolTruthTableSpec());
    expect(selectPods(c, { selector: 'pod=a' }).map((p) => `${p.namespace}/${p.name}`)).toEqual(['x/a', 'y/a', 'z/a']);
    expect(selectPods(c, { namespace: 'z', selector: 'pod!=a' }).map((p) => p.name)).toEqual(['b', 'c']);
    expect(selectPods(c, { namespace: 'x', selector: '!pod' })).toEqual([]);
    expect(declaredPorts(pod(c, 'x/a'))).toEqual([
      { port: 80, protocol: 'tcp' },
      { port: 80, protocol: 'udp' },
      { port: 81, protocol: 'tcp' },
      { port: 81, protocol: 'udp' },
    ]);
    const m = computeMatrix(c, {
      from: { namespace: 'x', selector: 'pod=a' },
      to: { namespace: 'y', selector: 'pod=b' },
    });
    expect(m.cells.map((x) => `${x.port}/${x.protocol}`)).toEqual(['80/tcp', '80/udp', '81/tcp', '81/udp']);
  });

  it('writes CSV with a header, CRLF and quoted fields where needed', () => {
    const c = buildCluster(
      netpolTruthTableSpec([policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]),
    );
    const one = computeMatrix(c, {
      from: { namespace: 'y', selector: 'pod=a' },
      to: { namespace: 'x', selector: 'pod=a' },
      ports: [tcp80],
    });
    expect(matrixCsv(one)).toBe(
      'from,to,port,protocol,verdict,policies\r\ny/a,x/a,80,tcp,denied-ingress,x/deny-all\r\n',
    );
    const odd = { ...one, cells: [{ ...one.cells[0]!, from: 'a,"b"' }] };
    expect(matrixCsv(odd).split('\r\n')[1]).toBe('"a,""b""",x/a,80,tcp,denied-ingress,x/deny-all');
  });

  it('through Services: skips a cell internalTrafficPolicy Local keeps on another node, and says why', () => {
    const spec = netpolTruthTableSpec();
    const c = buildCluster({
      ...spec,
      services: (spec.services ?? []).map((s) =>
        s.name === 's-y-b' ? { ...s, internalTrafficPolicy: 'Local' as const } : s,
      ),
    });
    const yb = pod(c, 'y/b');
    const m = computeMatrix(c, { to: { namespace: 'y', selector: 'pod=b' }, ports: [tcp80], via: 'service' });
    const sameNode = selectPods(c).filter((p) => p.node === yb.node && p.labels.pod !== undefined);
    // only sources on y/b's node reach it through its ClusterIP
    expect(m.cells.map((x) => x.from).filter((k) => !k.startsWith('kube-system/'))).toEqual(
      sameNode.map((p) => `${p.namespace}/${p.name}`),
    );
    const skip = m.skipped.find((x) => x.from === 'x/a');
    expect(pod(c, 'x/a').node).not.toBe(yb.node);
    expect(skip?.reason).toBe(
      `y/s-y-b has internalTrafficPolicy Local: from ${pod(c, 'x/a').node} its ClusterIP reaches ${pod(c, 'x/a').node}'s endpoints only, and y/b runs on ${yb.node}.`,
    );
    // and the default is then the pod IP: the Service path would skip cells
    expect(defaultVia(c, selectPods(c, { namespace: 'y' }))).toBe('pod');
    expect(defaultVia(buildCluster(spec), selectPods(buildCluster(spec)))).toBe('service');
  });

  it('writes JSON as JSON.stringify would, fields in the documented order', () => {
    const c = buildCluster(
      netpolTruthTableSpec([policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]),
    );
    const m = computeMatrix(c, { from: { namespace: 'y' }, to: { namespace: 'x' }, ports: [tcp80], via: 'service' });
    const text = matrixJson(rowsOfMatrix(m));
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    const parsed = JSON.parse(text) as { cells: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['sources', 'destinations', 'enforced', 'via', 'cells', 'skipped', 'counts']);
    expect(Object.keys(parsed.cells[0]!)).toEqual([
      'from',
      'to',
      'port',
      'protocol',
      'verdict',
      'policies',
      'service',
      'egress',
      'ingress',
      'reason',
    ]);
    expect(Object.keys(parsed.cells[0]!.egress as object)).toEqual([
      'direction',
      'pod',
      'allowed',
      'isolated',
      'exempt',
      'allowedBy',
      'isolating',
    ]);
    expect(JSON.parse(matrixJson(rowsOfMatrix({ ...m, cells: [], skipped: [] })))).toMatchObject({
      cells: [],
      skipped: [],
    });
  });

  it('rejects a selector it cannot read', () => {
    expect(() => parseLabelSelector('a=b,=c')).toThrow(/selector/);
    expect(() => parseLabelSelector('!a=b')).toThrow(/selector/);
    expect(parseLabelSelector(' app = web , tier ')).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'Exists', values: [] }],
    });
  });
});

/** What a cell's verdict says the trace between the same pods must end with. */
const TRACE_OF: Record<MatrixVerdict, string> = {
  allowed: 'delivered',
  'not-enforced': 'delivered',
  refused: 'refused',
  'denied-egress': 'dropped',
  'denied-ingress': 'dropped',
};

/** The trace a click on the cell plays: to the pod, or to the Service's ClusterIP with that pod pinned. */
function traceOf(c: Cluster, cell: MatrixCell, seed: number) {
  return cell.service
    ? trace(
        c,
        { from: `pod/${cell.from}`, to: cell.service.clusterIP, port: cell.service.port, protocol: cell.protocol },
        { seed, pick: [cell.to] },
      )
    : trace(c, { from: `pod/${cell.from}`, to: `pod/${cell.to}`, port: cell.port, protocol: cell.protocol }, { seed });
}

function agree(c: Cluster, cell: MatrixCell, seed: number): void {
  const t = traceOf(c, cell, seed);
  const label = `${cell.from} -> ${cell.service ? `${cell.service.name} ${cell.service.clusterIP}:${cell.service.port} -> ` : ''}${cell.to} ${cell.protocol}/${cell.port}: cell ${cell.verdict}, trace ${t.verdict} (${t.reason})`;
  expect(t.verdict, label).toBe(TRACE_OF[cell.verdict]);
  // through a Service, the trace lands on the cell's pod (kube-proxy's DNAT), on the cell's port
  if (cell.service && t.endpoint) expect(`${t.endpoint.pod}:${t.endpoint.port}`, label).toBe(`${cell.to}:${cell.port}`);
  if (cell.verdict === 'denied-egress' || cell.verdict === 'denied-ingress') {
    // the trace stops at the enforcement point of the side the cell names
    const drop = [...t.hops].reverse().find((h) => h.kind === 'drop');
    expect(drop?.rule ?? '', label).toMatch(cell.verdict === 'denied-egress' ? /^egress of/ : /^ingress of/);
  }
}

describe('matrix and trace agree', () => {
  const policies = [
    policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('x', 'a-from-y', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }],
    }),
    policy('x', 'b-to-z', {
      podSelector: { matchLabels: { pod: 'b' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { ns: 'z' } }, podSelector: { matchLabels: { pod: 'c' } } }] },
      ],
    }),
    policy('y', 'udp-only', {
      podSelector: { matchLabels: { pod: 'b' } },
      ingress: [{ ports: [{ protocol: 'UDP', port: 'serve-81-udp' }] }],
    }),
    policy('z', 'egress-81', {
      podSelector: {},
      egress: [
        {
          ports: [
            { port: 81, protocol: 'TCP' },
            { port: 80, protocol: 'UDP' },
          ],
        },
      ],
    }),
  ];
  const ports = [
    tcp80,
    { port: 81, protocol: 'tcp' },
    { port: 80, protocol: 'udp' },
    { port: 81, protocol: 'udp' },
    { port: 83, protocol: 'tcp' },
  ] as const;

  for (const [name, settings] of [
    ['Calico, enforcing', {}],
    ['flannel, not enforcing', { cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true }, policyEnforced: false }],
    [
      'Cilium, enforcing',
      {
        cni: { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
        policyEnforced: true,
      },
    ],
  ] as const) {
    for (const via of ['pod', 'service'] as const)
      it(`on a seeded random sample of cells (${name}, to the ${via === 'pod' ? 'pod IP' : "pod's Service"})`, () => {
        const spec = netpolTruthTableSpec(policies);
        const c = buildCluster({
          ...spec,
          settings: { ...spec.settings, ...settings } as NonNullable<typeof spec.settings>,
        });
        // through Services, port 83 has no Service port, nor CoreDNS 80: those cells would be skipped
        const m =
          via === 'pod'
            ? computeMatrix(c, { ports })
            : computeMatrix(c, { to: { selector: 'pod' }, ports: ports.slice(0, 4), via });
        expect(m.skipped).toEqual([]);
        const rng = createRng(22);
        const sample = Array.from({ length: 60 }, () => m.cells[rng.int(0, m.cells.length - 1)] as MatrixCell);
        // the sample must cover every verdict the matrix has, or it proves little
        const seen = new Set(sample.map((s) => s.verdict));
        for (const v of Object.keys(m.counts) as MatrixVerdict[]) if (m.counts[v] > 0) expect(seen, v).toContain(v);
        sample.forEach((cell, i) => agree(c, cell, i + 1));
      });
  }
});

describe('matrix and trace agree on every cell of the policy fixtures', () => {
  // the resolver's fixtures: named ports, endPort, ipBlock with except, a hostNetwork pod (node
  // traffic, let into pods on its own node), default deny with DNS allowed
  const read = (f: string): string => readFileSync(new URL(`../resolve/fixtures/${f}`, import.meta.url), 'utf8');
  for (const cni of ['calico-ipip', 'flannel-vxlan'] as const) {
    it(`${cni}: every pair on 8080, 9090, 9100, 5432 and 53`, () => {
      const files = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', 'edge/policies.yaml'];
      const loaded = loadManifests(files.map((f) => ({ name: f, text: read(f) })));
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
      const c = loaded.cluster;
      const ports = [8080, 9090, 9100, 5432].map((port) => ({ port, protocol: 'tcp' as const }));
      const m = computeMatrix(c, { ports: [...ports, { port: 53, protocol: 'udp' }] });
      expect(m.sources.some((k) => pod(c, k).hostNetwork)).toBe(true);
      const verdicts = new Set(m.cells.map((x) => x.verdict));
      expect(verdicts.has(cni === 'calico-ipip' ? 'denied-ingress' : 'not-enforced')).toBe(true);
      m.cells.forEach((cell, i) => agree(c, cell, i + 1));
    });
    it(`${cni}: every pair through the Services, every declared port`, () => {
      const files = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', 'edge/policies.yaml'];
      const loaded = loadManifests(files.map((f) => ({ name: f, text: read(f) })));
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
      const m = computeMatrix(loaded.cluster, { via: 'service' });
      expect(m.cells.length).toBeGreaterThan(0);
      m.cells.forEach((cell, i) => agree(loaded.cluster, cell, i + 1));
    });
  }
});
