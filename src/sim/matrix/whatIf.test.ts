import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { networkPolicies } from '../model/policy';
import type { Cluster, Pod } from '../model/types';
import { computeCompactMatrix } from './compact';
import { MATRIX_VERDICTS, matrixCell } from './matrix';
import { netpolTruthTableSpec } from './netpolTruthTable';
import {
  WHAT_IF_TEMPLATES,
  applyPolicies,
  changedCells,
  parseWhatIfPolicies,
  smallestPolicy,
  templateYaml,
} from './whatIf';
import type { WhatIfTemplate } from './whatIf';

const policy = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const base = buildCluster(
  netpolTruthTableSpec([
    policy('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('y', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
  ]),
);
const pod = (c: Cluster, key: string): Pod => c.pods.find((p) => `${p.namespace}/${p.name}` === key) as Pod;
const tcp80 = { port: 80, protocol: 'tcp' as const };
const request = { from: { selector: 'pod' }, to: { selector: 'pod' }, ports: [tcp80] };

describe('parseWhatIfPolicies', () => {
  it('reads NetworkPolicies, giving a missing namespace the default one', () => {
    const [p] = parseWhatIfPolicies(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\nspec:\n  podSelector: {}\n',
    );
    expect(p?.['metadata']).toEqual({ name: 'a', namespace: 'default' });
  });

  it('says which document is wrong and why', () => {
    const np = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}}\n';
    expect(() => parseWhatIfPolicies('kind: Pod\n')).toThrow('document 1: not a networking.k8s.io/v1 NetworkPolicy');
    expect(() =>
      parseWhatIfPolicies(`${np}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {}\n`),
    ).toThrow('document 2: metadata.name is missing');
    expect(() => parseWhatIfPolicies('a: [')).toThrow(/^document 1: /);
    expect(() => parseWhatIfPolicies('')).toThrow('no NetworkPolicy in the YAML');
    expect(() => parseWhatIfPolicies('x'.repeat(70_000))).toThrow('longer than 64 KiB');
  });

  it('reads every template back, for the namespace asked', () => {
    for (const t of Object.keys(WHAT_IF_TEMPLATES) as WhatIfTemplate[]) {
      const [p] = parseWhatIfPolicies(templateYaml(t, 'z'));
      expect((p?.['metadata'] as { namespace: string }).namespace).toBe('z');
    }
  });
});

describe('what-if', () => {
  it('replaces a policy of the same namespace and name, and adds others', () => {
    const edited = applyPolicies(base, [policy('x', 'deny-ingress', { podSelector: { matchLabels: { pod: 'a' } } })]);
    expect(networkPolicies(edited).map((p) => `${p.namespace}/${p.name}`)).toEqual(['y/deny-egress', 'x/deny-ingress']);
    expect(networkPolicies(base)).toHaveLength(2);
    const before = computeCompactMatrix(base, request);
    const after = computeCompactMatrix(edited, request);
    // only x/a stays isolated: b and c of x open to z (y's pods still cannot send)
    const opened = changedCells(before, after).filter((c) => c.from.startsWith('z/'));
    expect(opened.map((c) => c.to).sort()).toEqual(['x/b', 'x/b', 'x/b', 'x/c', 'x/c', 'x/c']);
    expect(opened.every((c) => MATRIX_VERDICTS[c.after] === 'allowed')).toBe(true);
  });

  it('the default-deny template denies what was open', () => {
    const edited = applyPolicies(base, parseWhatIfPolicies(templateYaml('default-deny', 'z')));
    const changed = changedCells(computeCompactMatrix(base, request), computeCompactMatrix(edited, request));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((c) => c.from.startsWith('z/') || c.to.startsWith('z/'))).toBe(true);
  });

  it('suggests one rule that opens a denied-ingress cell, and shows what else it opens', () => {
    const src = pod(base, 'z/a');
    const dst = pod(base, 'x/b');
    expect(matrixCell(base, src, dst, tcp80).verdict).toBe('denied-ingress');
    const yaml = smallestPolicy(src, dst, tcp80, { egress: false, ingress: true });
    const policies = parseWhatIfPolicies(yaml);
    expect(policies).toHaveLength(1);
    expect(policies[0]?.['spec']).toEqual({
      podSelector: { matchLabels: { pod: 'b' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } },
              podSelector: { matchLabels: { pod: 'a' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 80 }],
        },
      ],
    });
    const edited = applyPolicies(base, policies);
    expect(matrixCell(edited, pod(edited, 'z/a'), pod(edited, 'x/b'), tcp80).verdict).toBe('allowed');
    // on the pods' ports: it opens that cell alone (the pods' labels are unique)
    const ports = [tcp80, { port: 81, protocol: 'tcp' as const }];
    const changed = changedCells(
      computeCompactMatrix(base, { ...request, ports }),
      computeCompactMatrix(edited, { ...request, ports }),
    );
    expect(changed.map((c) => `${c.from} ${c.to} ${c.port.port}`)).toEqual(['z/a x/b 80']);
  });

  it('writes a policy per denying side when both deny, each one rule', () => {
    const src = pod(base, 'y/a');
    const dst = pod(base, 'x/c');
    const cell = matrixCell(base, src, dst, tcp80);
    expect(cell.verdict).toBe('denied-egress');
    const yaml = smallestPolicy(src, dst, tcp80, { egress: !cell.egress.allowed, ingress: !cell.ingress.allowed });
    const policies = parseWhatIfPolicies(yaml);
    expect(policies.map((p) => (p['metadata'] as { namespace: string }).namespace)).toEqual(['y', 'x']);
    const edited = applyPolicies(base, policies);
    expect(matrixCell(edited, pod(edited, 'y/a'), pod(edited, 'x/c'), tcp80).verdict).toBe('allowed');
  });
});
