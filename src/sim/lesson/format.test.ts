import { describe, expect, it } from 'vitest';
import { MAX_LESSON_BYTES, MAX_SHARED_CHARS, formatLessonProblems, lessonToJson } from './format';
import { parseLesson } from './parse';
import { KUBERNETES_NETWORKING } from './builtin';

const GOOD = `title: My lesson
stops:
  - scenario: pod-to-service
    step: 3
    to: 8
    camera: follow
    caption: The ClusterIP is virtual.
    question:
      text: Who picks the pod?
      answer: The client's node.
  - scenario: egress
    camera: [node/node-a, dev/node-a/eth0]
    caption: Out to the Internet.
    ops:
      - { op: deletePod, pod: default/client }
`;

describe('parseLesson', () => {
  it('reads a YAML lesson with its defaults', () => {
    const r = parseLesson(GOOD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.lesson.stops).toHaveLength(2);
    expect(r.lesson.stops[0]).toMatchObject({ step: 3, to: 8, camera: 'follow' });
    expect(r.lesson.stops[1]).toMatchObject({ step: 0, camera: ['node/node-a', 'dev/node-a/eth0'] });
    expect(r.lesson.stops[1]?.ops).toEqual([{ op: 'deletePod', pod: 'default/client' }]);
  });

  it('reads its own JSON export back unchanged', () => {
    const r = parseLesson(lessonToJson(KUBERNETES_NETWORKING));
    expect(r).toEqual({ ok: true, lesson: KUBERNETES_NETWORKING });
  });

  it('places each problem at the line and column of its field', () => {
    const bad = GOOD.replace('step: 3', 'step: -1').replace('camera: follow', 'camera: 7');
    const r = parseLesson(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.path, p.line, p.column])).toEqual([
      ['stops[0].step', 4, 11],
      ['stops[0].camera', 6, 13],
    ]);
    expect(formatLessonProblems(r.problems)).toContain('line 4, column 11: stops[0].step: step must be a whole number');
  });

  it('points a missing field at its stop, an unknown one at itself', () => {
    const r = parseLesson('title: t\nstops:\n  - scenario: egress\n    captoin: x\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '4:14 stops[0].captoin: unknown field “captoin” (known: scenario, shared, settings, ops, request, step, to, camera, caption, question)',
      '3:5 stops[0].caption: caption must be text',
    ]);
  });

  it('reports broken YAML or JSON where the parser stopped', () => {
    const r = parseLesson('{"title": "t", "stops": [}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.line).toBe(1);
    expect(r.problems[0]?.message).toMatch(/^Not valid YAML or JSON/);
  });

  it('refuses a lesson over the size cap, a newer format, too many aliases and deep nesting', () => {
    const big = parseLesson(`title: t\nstops: []\n# ${'x'.repeat(MAX_LESSON_BYTES)}`);
    expect(big.ok || big.problems[0]?.message).toMatch(/limit is 262144 bytes/);
    const future = parseLesson('v: 2\ntitle: t\nstops: [{scenario: egress, caption: c}]');
    expect(future.ok || future.problems[0]?.message).toMatch(/newer k8s-netviz/);
    const laughs = parseLesson(
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`,
    );
    expect(laughs.ok).toBe(false);
    const deep = parseLesson(`title: t\nstops: ${'['.repeat(30)}${']'.repeat(30)}`);
    expect(deep.ok || deep.problems[0]?.message).toMatch(/nests more than/);
  });

  it('keeps markup as plain text (nothing is interpreted)', () => {
    const r = parseLesson('title: "<img src=x onerror=alert(1)>"\nstops: [{scenario: egress, caption: "<b>hi</b>"}]');
    expect(r.ok && r.lesson.title).toBe('<img src=x onerror=alert(1)>');
  });

  it('checks `to` against `step` and the operations', () => {
    const r = parseLesson('title: t\nstops: [{scenario: egress, caption: c, step: 5, to: 2, ops: [{op: explode}]}]');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(['stops[0].to', 'stops[0].ops[0].op']);
  });

  it('reads a stop’s settings and a stop’s shared state', () => {
    const r = parseLesson(
      [
        'title: t',
        'stops:',
        '  - scenario: pod-to-service',
        '    settings: { cni: calico-ipip, proxyMode: ipvs, siteRoutesPodNetwork: true }',
        '    caption: IPVS on Calico.',
        '  - shared: z1.q1ZKT8xJ',
        '    step: 4',
        '    caption: Our own cluster.',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.lesson.stops[0]?.settings).toEqual({ cni: 'calico-ipip', proxyMode: 'ipvs', siteRoutesPodNetwork: true });
    expect(r.lesson.stops[1]).toEqual({
      shared: 'z1.q1ZKT8xJ',
      step: 4,
      camera: 'follow',
      caption: 'Our own cluster.',
    });
  });

  it('places problems of settings and shared at their line and column', () => {
    const r = parseLesson(
      [
        'title: t',
        'stops:',
        '  - scenario: pod-to-service',
        '    settings:',
        '      cni: weave',
        '      proxyMode: userspace',
        '    caption: c',
        '  - scenario: egress',
        '    settings: { cni: flannel-vxlan, proxyMode: cilium }',
        '    caption: c',
        '  - shared: "<script>"',
        '    caption: c',
        '  - shared: z1.abc',
        '    scenario: egress',
        '    ops: []',
        '    caption: c',
        '  - caption: nowhere',
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      expect.stringMatching(/^5:12 stops\[0\]\.settings\.cni: cni must be one of flannel-vxlan, .*kindnet/),
      '6:18 stops[0].settings.proxyMode: proxyMode must be one of iptables, nftables, ipvs, cilium',
      expect.stringMatching(/^9:48 stops\[1\]\.settings\.proxyMode: proxyMode cilium .* only with a Cilium CNI/),
      expect.stringMatching(/^11:13 stops\[2\]\.shared: shared must be the value of a share link’s s=/),
      '13:13 stops[3].shared: a stop holds either scenario or shared, not both',
      '15:10 stops[3].ops: a shared state carries its own ops: a stop with shared cannot have ops too',
      '17:5 stops[4]: a stop needs a scenario (a built-in scenario’s id) or shared (a share link’s s= value)',
    ]);
  });

  it('caps a stop’s shared state', () => {
    const r = parseLesson(`title: t\nstops:\n  - shared: z1.${'A'.repeat(MAX_SHARED_CHARS)}\n    caption: c\n`);
    expect(r.ok || r.problems[0]?.message).toMatch(/stops\[0\]\.shared: shared is longer than 131072 characters/);
  });
});
