import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { findScenario } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { flattenHops } from '../trace/types';
import { challengeQuestions, scoreChallenge } from './challenge';

const questionsOf = (id: string) => {
  const s = findScenario(id);
  if (!s) throw new Error(id);
  const cluster = buildCluster(s.spec);
  const t = trace(cluster, s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
  return { cluster, t, questions: challengeQuestions(cluster, t) };
};

describe('challengeQuestions', () => {
  it('asks at the steps that matter, with choices from the cluster', () => {
    const { questions, t } = questionsOf('nodeport-cluster');
    expect(questions.map((q) => q.kind)).toEqual([
      'dnat',
      'route',
      'snat',
      'encap',
      'wire',
      'verdict',
      'arp',
      'conntrack',
    ]);
    const steps = flattenHops(t);
    const dnat = questions.find((q) => q.kind === 'dnat');
    // the destination after DNAT: the chosen endpoint among the Service's real endpoints
    if (!dnat) throw new Error('no DNAT question');
    expect(dnat.choices[dnat.answer]).toBe(steps[dnat.step]?.nat?.after.dst);
    expect(dnat?.choices).toEqual(expect.arrayContaining(t.candidates.map((c) => `${c.ip}:${c.port}`)));
    const route = questions.find((q) => q.kind === 'route');
    expect(route?.choices).toEqual(['cni0', 'eth0', 'flannel.1']);
    expect(route?.choices[route.answer]).toBe('flannel.1');
    const wire = questions.find((q) => q.kind === 'wire');
    expect(wire?.choices[wire.answer]).toBe('node-b');
    const snat = questions.find((q) => q.kind === 'snat');
    // flannel VXLAN: the masquerade takes flannel.1's address towards a remote pod
    expect(snat?.choices[snat.answer]).toBe('10.244.1.0');
  });

  it('has three or four distinct choices, the answer among them, and the why from the step', () => {
    for (const id of [
      'pod-to-pod-cross-node',
      'pod-to-service',
      'ingress',
      'ingress-404',
      'egress',
      'network-policy-deny',
    ]) {
      const { questions, t } = questionsOf(id);
      expect(questions.length).toBeGreaterThan(2);
      for (const q of questions) {
        expect(q.choices.length).toBeGreaterThanOrEqual(3);
        expect(q.choices.length).toBeLessThanOrEqual(4);
        expect(new Set(q.choices).size).toBe(q.choices.length);
        expect(q.answer).toBeGreaterThanOrEqual(0);
        expect(q.why).toBe(flattenHops(t)[q.step]?.text);
      }
    }
  });

  it('asks for the HTTP status and the verdict from the trace', () => {
    const http = questionsOf('ingress-404').questions.find((q) => q.kind === 'http');
    expect(http?.choices[http.answer]).toBe('404');
    const deny = questionsOf('network-policy-deny').questions.find((q) => q.kind === 'verdict');
    expect(deny?.choices[deny.answer]).toBe('Dropped silently');
  });
});

describe('scoreChallenge', () => {
  const { questions } = questionsOf('pod-to-service');
  it('counts first answers and lists the missed steps', () => {
    const [a, b, c] = questions;
    if (!a || !b || !c) throw new Error('too few');
    const answers = [
      { step: a.step, chosen: a.answer, correct: true },
      { step: b.step, chosen: (b.answer + 1) % b.choices.length, correct: false },
      { step: b.step, chosen: b.answer, correct: true },
      { step: c.step, chosen: c.answer, correct: true },
    ];
    expect(scoreChallenge(questions, answers)).toEqual({ right: 2, total: questions.length, missed: [b.step] });
    expect(scoreChallenge(questions, [])).toEqual({ right: 0, total: questions.length, missed: [] });
  });
});
