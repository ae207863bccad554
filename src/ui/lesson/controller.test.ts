import { describe, expect, it } from 'vitest';
import * as engine from '../../sim/engine';
import { createVizStore } from '../../store/createVizStore';
import type { VizStore } from '../../store/createVizStore';
import type { Player } from '../../animation/player';
import { KUBERNETES_NETWORKING } from '../../sim/lesson/builtin';
import { createLessonController } from './controller';
import { createLessonStore } from './lessonStore';

/** A player as the app's is to the store: steps reported through setPlayback, a new trace opens at startStep. */
function fakePlayer(viz: VizStore): Player {
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
    prev: () => to(viz.getState().step - 1),
    pause: () => undefined,
  } as unknown as Player;
}

function setup() {
  const viz = createVizStore({ engine });
  const lessons = createLessonStore();
  const player = fakePlayer(viz);
  const hashes: string[] = [];
  const controller = createLessonController({
    viz,
    lessons,
    player: () => player,
    canvas: () => null,
    writeHash: (h) => hashes.push(h),
  });
  return { viz, lessons, controller, hashes };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the lesson controller', () => {
  it('walks steps, the answer, then the next stop; back goes to the previous stop’s last step', async () => {
    const { viz, lessons, controller, hashes } = setup();
    controller.startLesson(KUBERNETES_NETWORKING);
    await flush();
    expect(viz.getState().presenting).toBe(true);
    expect(viz.getState().scenario?.id).toBe('pod-to-pod-cross-node');
    expect(viz.getState().step).toBe(0);
    controller.next();
    expect(lessons.getState()).toMatchObject({ stop: 0, revealed: true });
    controller.next();
    expect(lessons.getState()).toMatchObject({ stop: 1, revealed: false });
    expect(viz.getState().scenario?.id).toBe('container-to-container');
    controller.next();
    controller.next();
    expect(viz.getState().step).toBe(2);
    controller.next(); // the answer of stop 2
    controller.next();
    expect(lessons.getState().stop).toBe(2);
    expect(viz.getState().step).toBe(1);
    controller.prev();
    expect(lessons.getState().stop).toBe(1);
    expect(viz.getState().step).toBe(2);
    expect(hashes.at(-1)).toBe('#lesson=kubernetes-networking&stop=1');
  });

  it('applies a stop’s pod operations and drops the scenario’s pin', async () => {
    const { viz, controller } = setup();
    controller.startLesson(KUBERNETES_NETWORKING, 7);
    await flush();
    expect(viz.getState().pins).toEqual([]);
    expect(viz.getState().trace?.endpoint?.pod).not.toBe('default/web-8rdbl7jt4z-w2bsc');
    expect(viz.getState().opsLog?.ops).toEqual([{ op: 'deletePod', pod: 'default/web-8rdbl7jt4z-w2bsc' }]);
    expect(viz.getState().step).toBe(7);
  });
});

describe('a challenge', () => {
  it('stops before each question’s step, whatever moves the player, and scores the first answers', async () => {
    const { viz, lessons, controller, hashes } = setup();
    expect(controller.startChallenge('pod-to-pod-cross-node')).toBe(true);
    await flush();
    expect(hashes).toEqual(['#challenge=pod-to-pod-cross-node']);
    const questions = lessons.getState().challenge!.questions;
    expect(questions.length).toBeGreaterThan(4);
    const first = questions[0]!;
    // a jump to the end is held before the first question
    viz.getState().setPlayback(viz.getState().steps.length - 1, false);
    await flush();
    expect(lessons.getState().challenge!.asking).toBe(first);
    expect(viz.getState().step).toBe(first.step - 1);
    // the clicker does nothing while a question waits
    controller.next();
    expect(viz.getState().step).toBe(first.step - 1);
    controller.answer(first.answer);
    expect(lessons.getState().challenge!.result?.chosen).toBe(first.answer);
    controller.next(); // Continue: the step is shown
    expect(viz.getState().step).toBe(first.step);
    let wrong = 0;
    for (let guard = 0; guard < 200 && !lessons.getState().challenge!.finished; guard++) {
      const c = lessons.getState().challenge!;
      if (c.asking) {
        const pick = (c.asking.answer + 1) % c.asking.choices.length;
        wrong++;
        controller.answer(pick);
      } else controller.next();
      await flush();
    }
    expect(lessons.getState().challenge!.finished).toBe(true);
    expect(controller.score()).toEqual({
      right: 1,
      total: questions.length,
      missed: questions.slice(1).map((q) => q.step),
    });
    expect(wrong).toBe(questions.length - 1);
  });

  it('refuses an unknown scenario with a notice', () => {
    const { viz, controller } = setup();
    expect(controller.startChallenge('nope')).toBe(false);
    expect(viz.getState().notice).toMatch(/no built-in scenario “nope”/);
  });
});
