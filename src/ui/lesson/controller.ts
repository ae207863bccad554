/**
 * What plays a lesson and a challenge: loads a stop into the visualizer's store (its scenario, the
 * pod operations, the step), points the camera, walks the clicker through steps and stops, and
 * holds the player before each question's step until it is answered.
 */
import type { Player } from '../../animation/player';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { ClusterOpError, applyOps, buildCluster, findScenario, visibleText } from '../../sim';
import { challengeQuestions } from '../../sim/lesson/challenge';
import type { ChallengeScore } from '../../sim/lesson/challenge';
import { lastStepOf } from '../../sim/lesson/format';
import type { Lesson, LessonStop } from '../../sim/lesson/format';
import { applyLessonSettings } from '../../sim/lesson/settings';
import type { VizStore } from '../../store/createVizStore';
import { fitWhole } from '../ZoomControls';
import type { ChallengeState, LessonStore } from './lessonStore';
import type { LessonShareActions } from './lessonLink';

export interface LessonController {
  startLesson(lesson: Lesson, stop?: number, options?: { challenge?: boolean }): void;
  startChallenge(scenarioId: string): boolean;
  goToStop(index: number, atEnd?: boolean): void;
  /** the clicker's next: a step, the stop's answer, or the next stop; true when it handled the key */
  next(): boolean;
  /** the clicker's back: a step, or the previous stop (at its last step) */
  prev(): boolean;
  answer(choice: number): void;
  /** after an answer: show the step it was about */
  proceed(): void;
  replay(part: number, step: number): void;
  score(): ChallengeScore;
  exit(): void;
}

export interface ControllerDeps {
  viz: VizStore;
  lessons: LessonStore;
  player(): Player | null;
  canvas(): ClusterCanvas | null;
  /** writes the lesson's place into the page's address (the full app), or nothing */
  writeHash?(hash: string): void;
  /** opens a stop's shared state (the app's share links); stops with one cannot play without it */
  shared?: Pick<LessonShareActions, 'openState'>;
}

export function createLessonController({
  viz,
  lessons,
  player,
  canvas,
  writeHash,
  shared,
}: ControllerDeps): LessonController {
  /** counts stop loads: a shared stop opens later, and a click meanwhile must not be overtaken by it */
  let loads = 0;
  let loading = false;
  const stopOf = (): LessonStop | null => {
    const { lesson, stop } = lessons.getState();
    return lesson?.stops[stop] ?? null;
  };
  const setChallenge = (patch: Partial<ChallengeState>): void => {
    const c = lessons.getState().challenge;
    if (c) lessons.setState({ challenge: { ...c, ...patch } });
  };
  const lastStep = (): number => viz.getState().steps.length - 1;

  /** The questions of what is on screen now: a scenario's all, a stop's inside its steps. */
  const loadQuestions = (part: number): void => {
    const c = lessons.getState().challenge;
    const s = viz.getState();
    if (!c || !s.trace) return;
    let questions = challengeQuestions(s.cluster, s.trace);
    const stop = stopOf();
    if (c.on.kind === 'lesson' && stop)
      questions = questions.filter((q) => q.step > stop.step && q.step <= lastStepOf(stop));
    setChallenge({ questions, totals: { ...c.totals, [part]: questions.length }, asking: null, result: null });
  };

  const answeredHere = (step: number): boolean => {
    const c = lessons.getState().challenge;
    const part = lessons.getState().stop;
    return c?.answers.some((a) => a.step === step && (c.on.kind === 'scenario' || a.part === part)) ?? false;
  };

  const hashOf = (lesson: Lesson, stop: number, challenge: boolean): string | null => {
    if (!lesson.id) return null;
    return `#lesson=${encodeURIComponent(lesson.id)}&stop=${stop}${challenge ? '&challenge=1' : ''}`;
  };

  const aim = (stop: LessonStop): void => {
    const c = canvas();
    const camera = stop.camera;
    if (camera === 'follow') {
      viz.getState().setFollow(true);
      return;
    }
    // after the new cluster is drawn: framing the old drawing would miss
    void (c?.whenRendered() ?? Promise.resolve()).then(() => {
      const now = canvas();
      if (camera === 'fit') fitWhole(viz, now);
      else {
        viz.getState().setFollow(false);
        if (!now?.frameElements(camera)) fitWhole(viz, now);
      }
    });
  };

  const controller: LessonController = {
    startLesson(lesson, stop = 0, options = {}) {
      lessons.setState({
        lesson,
        stop: 0,
        revealed: false,
        challenge: options.challenge
          ? {
              on: { kind: 'lesson' },
              questions: [],
              totals: {},
              answers: [],
              asking: null,
              result: null,
              finished: false,
            }
          : null,
      });
      viz.getState().setPresenting(true);
      controller.goToStop(stop);
    },
    startChallenge(id) {
      const scenario = findScenario(id);
      if (!scenario) {
        viz.getState().setNotice(`There is no built-in scenario “${visibleText(id, 60)}” to take as a challenge.`);
        return false;
      }
      lessons.setState({
        lesson: null,
        stop: 0,
        revealed: false,
        challenge: {
          on: { kind: 'scenario', id },
          questions: [],
          totals: {},
          answers: [],
          asking: null,
          result: null,
          finished: false,
        },
      });
      viz.getState().setPresenting(true);
      viz.getState().loadScenario(scenario, 0);
      void viz
        .getState()
        .whenReady()
        .then(() => loadQuestions(0));
      writeHash?.(`#challenge=${encodeURIComponent(id)}`);
      return true;
    },
    goToStop(index, atEnd = false) {
      const { lesson } = lessons.getState();
      if (!lesson) return;
      const i = Math.max(0, Math.min(lesson.stops.length - 1, index));
      const stop = lesson.stops[i] as LessonStop;
      const challenge = lessons.getState().challenge;
      // a challenge opens each stop at its start: what comes after is asked first
      const step = atEnd && !challenge ? lastStepOf(stop) : stop.step;
      const load = ++loads;
      const settle = (): void => {
        void viz
          .getState()
          .whenReady()
          .then(() => {
            if (load !== loads) return;
            const s = viz.getState();
            if (s.steps.length > 0 && lastStepOf(stop) >= s.steps.length)
              s.setNotice(
                `Stop ${i + 1} goes to step ${lastStepOf(stop)}, past this packet’s last step (${s.steps.length - 1}).`,
              );
            if (challenge) loadQuestions(i);
            aim(stop);
          });
      };
      const hash = hashOf(lesson, i, challenge !== null);
      if (stop.shared !== undefined) {
        if (!shared) {
          viz.getState().setNotice(`Stop ${i + 1} holds a cluster of its own, which this page cannot open.`);
          return;
        }
        lessons.setState({ stop: i, revealed: false });
        loading = true;
        void shared.openState(stop.shared, step).then(
          (error) => {
            if (load !== loads) return;
            loading = false;
            if (error) viz.getState().setNotice(`Stop ${i + 1}: ${error}`);
            else settle();
          },
          (error: unknown) => {
            if (load !== loads) return;
            loading = false;
            viz.getState().setNotice(`Stop ${i + 1}: ${String(error)}`);
          },
        );
        if (hash) writeHash?.(hash);
        return;
      }
      const scenario = findScenario(stop.scenario ?? '');
      if (!scenario) {
        viz
          .getState()
          .setNotice(`Stop ${i + 1} names no built-in scenario (“${visibleText(stop.scenario ?? '', 60)}”).`);
        return;
      }
      // each stop builds from its scenario's own settings: a switch made for one never leaks into the next
      const spec = stop.settings
        ? { ...scenario.spec, settings: applyLessonSettings(scenario.spec.settings ?? {}, stop.settings) }
        : scenario.spec;
      let cluster;
      let base;
      try {
        base = buildCluster(spec);
        cluster = applyOps(base, stop.ops ?? []);
      } catch (error) {
        viz
          .getState()
          .setNotice(
            `Stop ${i + 1}: ${error instanceof ClusterOpError || error instanceof Error ? error.message : String(error)}`,
          );
        return;
      }
      loading = false;
      lessons.setState({ stop: i, revealed: false });
      viz.getState().loadShared({
        base,
        cluster,
        spec,
        ops: stop.ops ?? [],
        request: stop.request ?? scenario.request,
        seed: scenario.seed ?? 1,
        step,
        selection: null,
        // a pinned pod may be the one the stop deleted: the Service then chooses again
        pins: stop.ops && stop.ops.length > 0 ? [] : (scenario.pick ?? []),
        scenario,
      });
      settle();
      if (hash) writeHash?.(hash);
    },
    next() {
      const { lesson, stop, revealed } = lessons.getState();
      const c = lessons.getState().challenge;
      const p = player();
      // a stop's shared state is still opening: what is on screen is the stop before
      if (loading || c?.asking) return true;
      if (c?.result) {
        controller.proceed();
        return true;
      }
      const s = viz.getState();
      if (!lesson) {
        // a scenario's challenge: the player steps; the gate asks on the way
        p?.next();
        return true;
      }
      const current = lesson.stops[stop];
      if (!current) return false;
      if (s.steps.length > 0 && s.step < Math.min(lastStepOf(current), lastStep())) {
        p?.next();
        return true;
      }
      if (current.question?.answer && !revealed) {
        lessons.setState({ revealed: true });
        return true;
      }
      if (stop < lesson.stops.length - 1) {
        controller.goToStop(stop + 1);
        return true;
      }
      if (c && !c.finished) setChallenge({ finished: true });
      // the end of the lesson: the clicker stays (it does not wander past the last stop's steps)
      return true;
    },
    prev() {
      const { lesson, stop } = lessons.getState();
      const c = lessons.getState().challenge;
      if (loading || c?.asking || c?.result) return true;
      const s = viz.getState();
      const p = player();
      const current = lesson?.stops[stop];
      if (!lesson || !current || (s.steps.length > 0 && s.step > current.step)) {
        p?.prev();
        return true;
      }
      if (stop > 0) controller.goToStop(stop - 1, true);
      return true;
    },
    answer(choice) {
      const c = lessons.getState().challenge;
      const q = c?.asking;
      if (!c || !q || choice < 0 || choice >= q.choices.length) return;
      setChallenge({
        asking: null,
        result: { question: q, chosen: choice },
        answers: [
          ...c.answers,
          {
            part: lessons.getState().stop,
            step: q.step,
            chosen: choice,
            correct: choice === q.answer,
            prompt: q.prompt,
          },
        ],
      });
    },
    proceed() {
      const c = lessons.getState().challenge;
      if (!c?.result) return;
      const step = c.result.question.step;
      setChallenge({ result: null });
      player()?.stepTo(step);
    },
    replay(part, step) {
      const c = lessons.getState().challenge;
      if (!c) return;
      if (c.on.kind === 'lesson' && part !== lessons.getState().stop) {
        controller.goToStop(part);
        void viz
          .getState()
          .whenReady()
          .then(() => player()?.stepTo(step));
      } else player()?.stepTo(step);
    },
    score() {
      const c = lessons.getState().challenge;
      if (!c) return { right: 0, total: 0, missed: [] };
      const total = Object.values(c.totals).reduce((a, b) => a + b, 0);
      // the first answer of each question counts (answers are per part and step)
      const seen = new Set<string>();
      let right = 0;
      const missed: number[] = [];
      for (const a of c.answers) {
        const key = `${a.part}/${a.step}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (a.correct) right++;
        else missed.push(a.step);
      }
      return { right, total, missed };
    },
    exit() {
      lessons.setState({ lesson: null, stop: 0, revealed: false, challenge: null });
    },
  };

  // The gate: the player never shows a question's step before it is answered, whatever moved it
  // (a key, a button, play, the event list). It stops one step before and asks.
  viz.subscribe((s, prev) => {
    if (s.step === prev.step && s.steps === prev.steps) return;
    const c = lessons.getState().challenge;
    if (!c || c.asking || c.result) return;
    const open = c.questions.find((q) => q.step <= s.step && !answeredHere(q.step));
    if (open) {
      const p = player();
      p?.pause();
      setChallenge({ asking: open });
      queueMicrotask(() => player()?.stepTo(open.step - 1));
      return;
    }
    const whole =
      c.on.kind === 'scenario' || lessons.getState().stop === (lessons.getState().lesson?.stops.length ?? 0) - 1;
    const end = c.on.kind === 'scenario' ? lastStep() : Math.min(lastStepOf(stopOf() as LessonStop), lastStep());
    if (whole && !c.finished && s.steps.length > 0 && s.step >= end && c.questions.every((q) => answeredHere(q.step)))
      setChallenge({ finished: true });
  });
  return controller;
}
