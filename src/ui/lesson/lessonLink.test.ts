import { describe, expect, it } from 'vitest';
import { KUBERNETES_NETWORKING } from '../../sim/lesson/builtin';
import { MAX_LESSON_LINK_CHARS, decodeLesson, encodeLesson, lessonFile } from './lessonLink';
import { parseLessonHash } from './useLessonSession';

describe('lesson links', () => {
  it('round-trip a lesson (without a built-in id) as plain j1. without a codec', async () => {
    const text = await encodeLesson(KUBERNETES_NETWORKING);
    expect(text).toMatch(/^j1\.[A-Za-z0-9_-]+$/);
    const { id: _id, ...own } = KUBERNETES_NETWORKING;
    expect(await decodeLesson(text)).toEqual({ ok: true, lesson: own });
  });

  it('say what is wrong with a damaged, oversized or invalid link', async () => {
    expect(await decodeLesson('j1.***')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid base64url/),
    });
    expect(await decodeLesson('x1.abc')).toMatchObject({ ok: false, message: expect.stringMatching(/unknown format/) });
    expect(await decodeLesson('z9.abc')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/newer k8s-netviz/),
    });
    expect(await decodeLesson('nothing')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/neither a built-in/),
    });
    // a compressed link where no codec was handed in (never in the app): a message, not a throw
    expect(await decodeLesson('z1.AAAA')).toMatchObject({ ok: false, message: expect.stringMatching(/cannot unpack/) });
    expect(await decodeLesson(`j1.${'A'.repeat(MAX_LESSON_LINK_CHARS)}`)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/longer than/),
    });
    const bad = await encodeLesson({
      v: 1,
      title: 't',
      stops: [{ scenario: 'egress', step: 0, camera: 'fit', caption: '' }],
    });
    expect(await decodeLesson(bad)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/stops\[0\]\.caption: caption is empty/),
    });
  });

  it('name the exported file after the title', () => {
    expect(lessonFile({ ...KUBERNETES_NETWORKING, title: 'Services: <b>ClusterIP</b>!' }).name).toBe(
      'services-b-clusterip-b.lesson.json',
    );
  });

  it('read lesson=, stop= and challenge= from a hash', () => {
    expect(parseLessonHash('#lesson=kubernetes-networking&stop=3')).toEqual({
      lesson: 'kubernetes-networking',
      stop: 3,
    });
    expect(parseLessonHash('#lesson=x&stop=-1')).toEqual({ lesson: 'x' });
    expect(parseLessonHash('#challenge=egress')).toEqual({ challenge: 'egress' });
    expect(parseLessonHash('#example=egress')).toBeNull();
  });
});
