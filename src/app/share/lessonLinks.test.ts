/**
 * Lesson links with the app's codec (docs/lessons.md): `z1.` compressed, `j1.` plain (links written
 * before compression open forever), hostile links refused with a message, and a lesson whose stop
 * holds a teacher's own cluster round-tripped through a link and played.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import * as engine from '../../sim/engine';
import { buildCluster, findScenario } from '../../sim';
import { KUBERNETES_NETWORKING } from '../../sim/lesson/builtin';
import { MAX_LESSON_BYTES } from '../../sim/lesson/format';
import type { Lesson } from '../../sim/lesson/format';
import { createVizStore } from '../../store/createVizStore';
import type { Player } from '../../animation/player';
import { createLessonController } from '../../ui/lesson/controller';
import { createLessonStore } from '../../ui/lesson/lessonStore';
import { decodeLesson, encodeLesson } from '../../ui/lesson/lessonLink';
import { toBase64Url } from './base64url';
import { lessonCodec, lessonShareActions } from './shareService';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const { id: _builtIn, ...own } = KUBERNETES_NETWORKING;

describe('compressed lesson links', () => {
  it('round-trip a lesson as z1., shorter than the plain link', async () => {
    const z = await encodeLesson(KUBERNETES_NETWORKING, lessonCodec);
    const j = await encodeLesson(KUBERNETES_NETWORKING);
    expect(z).toMatch(/^z1\.[A-Za-z0-9_-]+$/);
    expect(z.length).toBeLessThan(j.length / 2);
    expect(await decodeLesson(z, lessonCodec)).toEqual({ ok: true, lesson: own });
  });

  it('still open a j1. link as the release before wrote it', async () => {
    const old = `j1.${toBase64Url(utf8(JSON.stringify(own)))}`;
    expect(await decodeLesson(old, lessonCodec)).toEqual({ ok: true, lesson: own });
  });

  it('refuse a zip bomb by the size of the decompressed text, early', async () => {
    // 64 MB of zeros packs into ~64 KB: a link of that length is allowed, what it unpacks to is not
    const bomb = `z1.${toBase64Url(deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }))}`;
    const started = performance.now();
    expect(await decodeLesson(bomb, lessonCodec)).toEqual({
      ok: false,
      message: 'This link’s lesson could not be opened: it unpacks to more than 256 KB.',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    // just past the cap: a valid-looking lesson padded over MAX_LESSON_BYTES is refused too
    const padded = utf8(JSON.stringify({ ...own, title: 'x'.repeat(MAX_LESSON_BYTES) }));
    const over = `z1.${toBase64Url(await lessonCodec.deflate(padded))}`;
    expect(over.length).toBeLessThan(10_000);
    expect(await decodeLesson(over, lessonCodec)).toMatchObject({ ok: false, message: /unpacks to more than 256 KB/ });
  });

  it('say what is wrong with a damaged or hostile compressed link', async () => {
    const packed = await lessonCodec.deflate(utf8(JSON.stringify(own)));
    const cases: [string, RegExp][] = [
      [`z1.${toBase64Url(packed.subarray(0, packed.length >> 1))}`, /damaged or cut short/],
      [`z1.${toBase64Url(utf8('not deflate at all, just text'))}`, /damaged|cut short/],
      [`z1.${toBase64Url(await lessonCodec.deflate(utf8('{"title": ')))}`, /not valid JSON/],
      [`z1.${toBase64Url(await lessonCodec.deflate(new Uint8Array([0xff, 0xfe, 0x00])))}`, /not UTF-8/],
      [
        `z1.${toBase64Url(await lessonCodec.deflate(utf8('{"title":"t","stops":[{"shared":"z1.<b>","caption":"c"}]}')))}`,
        /stops\[0\]\.shared: shared must be the value of a share link/,
      ],
      ['z2.AAAA', /newer k8s-netviz \(format z2\)/],
      ['z1.!!!!', /not valid base64url/],
    ];
    for (const [text, why] of cases) {
      const result = await decodeLesson(text, lessonCodec);
      expect(result.ok, text.slice(0, 40)).toBe(false);
      if (!result.ok) expect(result.message, text.slice(0, 40)).toMatch(why);
    }
  });
});

/** A player as the app's is to the store (controller.test.ts has the same). */
function fakePlayer(viz: ReturnType<typeof createVizStore>): Player {
  const to = (i: number): void => {
    const last = viz.getState().steps.length - 1;
    viz.getState().setPlayback(Math.max(0, Math.min(last, i)), false);
  };
  viz.subscribe((s, prev) => {
    if (s.steps !== prev.steps && s.steps.length > 0) to(s.startStep ?? 0);
  });
  return {
    stepTo: to,
    next: () => to(viz.getState().step + 1),
    prev: () => undefined,
    pause: () => undefined,
  } as unknown as Player;
}

const settled = async (viz: ReturnType<typeof createVizStore>): Promise<void> => {
  for (let i = 0; i < 50 && viz.getState().steps.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await viz.getState().whenReady();
  await new Promise((r) => setTimeout(r, 0));
};

/** Waits (under load too) until a condition on the store holds; the shared stop opens asynchronously. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('a stop holding a teacher’s own cluster', () => {
  it('round-trips through a compressed link and plays; the next stop does not inherit it', async () => {
    // the teacher's screen: pod-to-service with a pod subnet of their own (no switch makes that)
    const teacher = createVizStore({ engine });
    const scenario = findScenario('pod-to-service');
    if (!scenario) throw new Error('missing scenario');
    teacher.getState().loadScenario(scenario);
    await settled(teacher);
    const spec = { ...scenario.spec, settings: { ...scenario.spec.settings, podSubnet: '10.50.0.0/16' } };
    teacher.getState().applyUserCluster(buildCluster(spec), spec);
    await settled(teacher);
    const shared = await lessonShareActions(() => teacher, { generated: null }).stateOfScreen();
    expect(shared).toMatch(/^z1\./);
    const lesson: Lesson = {
      v: 1,
      title: 'Own and built-in',
      stops: [
        { shared, step: 5, camera: 'follow', caption: 'Our cluster.' },
        { scenario: 'pod-to-service', step: 2, camera: 'follow', caption: 'The built-in one.' },
        {
          scenario: 'pod-to-service',
          settings: { cni: 'calico-ipip', proxyMode: 'ipvs' },
          step: 2,
          camera: 'follow',
          caption: 'Switched.',
        },
      ],
    };
    const link = await encodeLesson(lesson, lessonCodec);
    const opened = await decodeLesson(link, lessonCodec);
    expect(opened).toEqual({ ok: true, lesson });
    if (!opened.ok) return;

    // the learner's page
    const viz = createVizStore({ engine });
    const lessons = createLessonStore();
    const player = fakePlayer(viz);
    const controller = createLessonController({
      viz,
      lessons,
      player: () => player,
      canvas: () => null,
      shared: lessonShareActions(() => viz, { generated: null }),
    });
    controller.startLesson(opened.lesson);
    // while the shared state opens, the clicker waits (it would step the page before)
    expect(controller.next()).toBe(true);
    await until(() => viz.getState().cluster.settings.podSubnet === '10.50.0.0/16' && viz.getState().step === 5);
    expect(viz.getState().cluster.settings.podSubnet).toBe('10.50.0.0/16');
    expect(viz.getState().trace?.request.to).toBe(teacher.getState().trace?.request.to);
    expect(viz.getState().step).toBe(5);
    expect(viz.getState().notice).toBeNull();

    controller.goToStop(1);
    await settled(viz);
    expect(viz.getState().cluster.settings.podSubnet).toBe('10.244.0.0/16');
    controller.goToStop(2);
    await settled(viz);
    expect(viz.getState().cluster.settings).toMatchObject({ proxyMode: 'ipvs', cni: { kind: 'calico' } });
    controller.goToStop(1);
    await settled(viz);
    expect(viz.getState().cluster.settings).toMatchObject({ proxyMode: 'iptables', cni: { kind: 'flannel' } });
  });

  it('a broken shared state says which stop and why', async () => {
    const viz = createVizStore({ engine });
    const lessons = createLessonStore();
    const controller = createLessonController({
      viz,
      lessons,
      player: () => null,
      canvas: () => null,
      shared: lessonShareActions(() => viz, { generated: null }),
    });
    controller.startLesson({ v: 1, title: 't', stops: [{ shared: 'z1.AAAA', step: 0, camera: 'fit', caption: 'c' }] });
    for (let i = 0; i < 50 && viz.getState().notice === null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(viz.getState().notice).toMatch(/^Stop 1: Its cluster could not be opened: /);
  });
});
