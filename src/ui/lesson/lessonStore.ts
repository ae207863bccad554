/**
 * The lesson and challenge of one visualizer: which lesson, which stop, whether the stop's answer
 * is shown, and the challenge's questions and answers. A vanilla store beside the visualizer's own
 * (one per instance, as two embeds on a page stay independent); the controller drives both.
 */
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { Lesson } from '../../sim/lesson/format';
import type { ChallengeAnswer, ChallengeQuestion } from '../../sim/lesson/challenge';

export interface ChallengeAnswerGiven extends ChallengeAnswer {
  /** the lesson stop it was asked at (0 for a scenario) */
  part: number;
  prompt: string;
}

export interface ChallengeState {
  /** what the challenge is taken on: a scenario's id, or the lesson being played */
  on: { kind: 'scenario'; id: string } | { kind: 'lesson' };
  /** the current part's questions (a scenario's, or those inside the current stop's steps) */
  questions: readonly ChallengeQuestion[];
  /** how many questions each part visited had */
  totals: Readonly<Record<number, number>>;
  answers: readonly ChallengeAnswerGiven[];
  /** the question on screen, waiting for an answer */
  asking: ChallengeQuestion | null;
  /** the question just answered, with its answer and why */
  result: { question: ChallengeQuestion; chosen: number } | null;
  finished: boolean;
}

export interface LessonState {
  lesson: Lesson | null;
  stop: number;
  /** the stop's question has its answer shown */
  revealed: boolean;
  challenge: ChallengeState | null;
  /** the teacher's lesson being written (kept while the dialog is closed) */
  draft: Lesson;
}

export type LessonStore = StoreApi<LessonState>;

export const EMPTY_DRAFT: Lesson = { v: 1, title: 'My lesson', stops: [] };

export function createLessonStore(): LessonStore {
  return createStore<LessonState>()(() => ({
    lesson: null,
    stop: 0,
    revealed: false,
    challenge: null,
    draft: EMPTY_DRAFT,
  }));
}
