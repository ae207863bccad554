/**
 * A visualizer's lesson session: its store and controller, the address (`#lesson=<id>&stop=<n>`,
 * `#lesson=j1.…`, `#challenge=<scenario>`, docs/url-and-keys.md) and the clicker. The clicker's keys
 * are the app's own (Right / PageDown / Space next, Left / PageUp back); while a lesson or a
 * challenge runs they are read here first, in the capture phase, and whatever is handled here is
 * marked so the app's keyboard hook leaves it alone. 1–4 answer a challenge's question.
 */
import { useEffect, useState } from 'react';
import type { Player } from '../../animation/player';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { visibleText } from '../../sim';
import { findLesson } from '../../sim/lesson/builtin';
import type { VizStore } from '../../store/createVizStore';
import { actionFor } from '../hooks/keymap';
import { createLessonController } from './controller';
import type { LessonController } from './controller';
import { createLessonStore } from './lessonStore';
import type { LessonStore } from './lessonStore';
import { decodeLesson, isLessonLink } from './lessonLink';
import type { LessonCodec, LessonShareActions } from './lessonLink';
import type { Lesson } from '../../sim/lesson/format';

export interface LessonSession {
  lessons: LessonStore;
  controller: LessonController;
  /** the app's share links: compressed lesson links, stops holding a cluster of their own */
  share?: LessonShareActions;
}

export interface LessonHash {
  lesson?: string;
  stop?: number;
  challenge?: string;
}

/** `lesson=`, `stop=` (0-based; a bad one opens the first stop) and `challenge=` of a hash. */
export function parseLessonHash(hash: string): LessonHash | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const lesson = params.get('lesson');
  const challenge = params.get('challenge');
  if (lesson === null && challenge === null) return null;
  const stopText = params.get('stop');
  const out: LessonHash = {};
  if (lesson !== null) out.lesson = lesson;
  if (challenge !== null) out.challenge = challenge;
  if (stopText !== null && /^\d{1,4}$/.test(stopText)) out.stop = Number(stopText);
  return out;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Opens what a hash names; a message when it names nothing that exists. */
export function openLessonHash(session: LessonSession, viz: VizStore, hash: string, codec?: LessonCodec): void {
  const parsed = parseLessonHash(hash);
  if (!parsed) return;
  const { controller } = session;
  const challenge = parsed.challenge;
  const start = (lesson: Lesson): void => {
    if (parsed.stop !== undefined && parsed.stop >= lesson.stops.length)
      viz.getState().setNotice(`This lesson has ${lesson.stops.length} stops; opening the last.`);
    controller.startLesson(lesson, parsed.stop ?? 0, { challenge: challenge !== undefined && challenge !== '0' });
  };
  if (parsed.lesson !== undefined) {
    const builtIn = findLesson(parsed.lesson);
    if (builtIn) start(builtIn);
    else if (!isLessonLink(parsed.lesson))
      viz.getState().setNotice(`There is no built-in lesson “${visibleText(parsed.lesson, 60)}”.`);
    else
      void decodeLesson(parsed.lesson, codec).then((own) => {
        if (own.ok) start(own.lesson);
        else viz.getState().setNotice(own.message);
      });
    return;
  }
  if (challenge !== undefined) controller.startChallenge(challenge);
}

export function useLessonSession(
  viz: VizStore,
  player: () => Player | null,
  canvas: () => ClusterCanvas | null,
  root: React.RefObject<HTMLElement | null>,
  options: { keyboard: boolean; followUrl: boolean; embed: boolean; share?: LessonShareActions | undefined },
): LessonSession {
  const { keyboard, followUrl, embed, share } = options;
  const [session] = useState<LessonSession>(() => {
    const lessons = createLessonStore();
    const controller = createLessonController({
      viz,
      lessons,
      player,
      canvas,
      writeHash: (hash) => {
        // the address follows the lesson (a reload or a copied address opens the same stop)
        if (window.location.hash !== hash) history.replaceState(history.state, '', hash);
      },
      ...(share ? { shared: share } : {}),
    });
    return share ? { lessons, controller, share } : { lessons, controller };
  });

  useEffect(
    function followHash() {
      const apply = (): void => openLessonHash(session, viz, window.location.hash, share?.codec);
      // after the app has opened its own content (a `#s=` link, the default scenario)
      const timer = setTimeout(apply, 0);
      window.addEventListener('hashchange', apply);
      return () => {
        clearTimeout(timer);
        window.removeEventListener('hashchange', apply);
      };
    },
    [session, viz, followUrl, share],
  );

  useEffect(
    function endWithPresenterStage() {
      // in the full app a lesson lives on the presenter stage: leaving it ends the lesson
      if (embed) return;
      return viz.subscribe((s, prev) => {
        if (prev.presenting && !s.presenting) session.controller.exit();
      });
    },
    [session, viz, embed],
  );

  useEffect(
    function clicker() {
      if (!keyboard) return;
      const handle = (e: KeyboardEvent): void => {
        const { lesson, challenge } = session.lessons.getState();
        if (!lesson && !challenge) return;
        if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
        const el = root.current;
        if (el && e.target instanceof Node && e.target !== document.body && !el.contains(e.target)) return;
        if (e.target instanceof Element && e.target.closest('dialog[open]')) return;
        // Space and Enter on a focused button press it
        if (
          (e.key === ' ' || e.key === 'Enter') &&
          e.target instanceof HTMLElement &&
          e.target.closest('button, a[href], summary')
        )
          return;
        if (viz.getState().blank) return;
        const action = actionFor(e.key);
        const { controller } = session;
        let handled = false;
        if (action === 'choice' && challenge) {
          if (challenge.asking) controller.answer(Number(e.key) - 1);
          handled = true;
        } else if (action === 'next' || (e.key === 'Enter' && challenge?.result)) handled = controller.next();
        else if (action === 'prev') handled = controller.prev();
        // the event list would show what is asked (jumps and play stop at the gate)
        else if (challenge && !challenge.finished && action === 'events') handled = true;
        if (handled) e.preventDefault();
      };
      document.addEventListener('keydown', handle, true);
      return () => document.removeEventListener('keydown', handle, true);
    },
    [session, viz, root, keyboard],
  );
  return session;
}
