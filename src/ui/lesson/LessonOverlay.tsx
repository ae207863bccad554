/**
 * What a lesson and a challenge show on the stage, above the step's caption (so the camera keeps
 * clear of it): the stop's caption with "stop 3 of 13", its question and, once asked for, the
 * answer; a challenge's question with its choices, then the answer and why; the score at the end.
 * Everything is text from the lesson or the trace, rendered as text. The answer to a question is
 * not in the page before it is given: the choices carry no mark of which is right.
 */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { forLearners } from '../learnerText';
import { lastStepOf } from '../../sim/lesson/format';
import type { LessonSession } from './useLessonSession';

const button =
  'min-h-9 rounded border border-slate-300 px-2 py-1 text-[max(12px,0.8em)] hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700 pointer-coarse:min-h-11';

export type OverlayMode = 'present' | 'embed' | 'phone';

const TEXT: Record<OverlayMode, string> = {
  present: 'text-[22px] leading-snug',
  embed: 'text-[15px] leading-snug',
  phone: 'text-[15px] leading-snug',
};

export function LessonOverlay({ session, mode }: { session: LessonSession; mode: OverlayMode }) {
  const lesson = useStore(session.lessons, (s) => s.lesson);
  const challenge = useStore(session.lessons, (s) => s.challenge);
  if (!lesson && !challenge) return null;
  return (
    <div
      className={`border-t border-slate-200 bg-sky-50 px-4 py-2 dark:border-slate-700 dark:bg-slate-800 ${TEXT[mode]}`}
      data-testid="lesson.overlay"
    >
      {lesson ? <LessonBar session={session} /> : null}
      {challenge ? <ChallengePanel session={session} /> : null}
    </div>
  );
}

function LessonBar({ session }: { session: LessonSession }) {
  const lesson = useStore(session.lessons, (s) => s.lesson);
  const index = useStore(session.lessons, (s) => s.stop);
  const revealed = useStore(session.lessons, (s) => s.revealed);
  const challenging = useStore(session.lessons, (s) => s.challenge !== null);
  const { controller } = session;
  const stop = lesson?.stops[index];
  if (!lesson || !stop) return null;
  return (
    <section aria-label="Lesson" data-testid="lesson.bar">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span
          className="text-[max(12px,0.75em)] font-semibold text-sky-800 tabular-nums dark:text-sky-300"
          data-testid="lesson.progress"
        >
          stop {index + 1} of {lesson.stops.length}
        </span>
        <span className="min-w-0 flex-1 truncate text-[max(12px,0.75em)] text-slate-600 dark:text-slate-300">
          {lesson.title}
        </span>
        <button
          type="button"
          className={button}
          onClick={() => controller.goToStop(index - 1, true)}
          disabled={index === 0}
        >
          ◀ Stop
        </button>
        <button
          type="button"
          className={button}
          onClick={() => controller.goToStop(index + 1)}
          disabled={index === lesson.stops.length - 1}
        >
          Stop ▶
        </button>
        <button type="button" className={button} onClick={() => controller.exit()} aria-label="End the lesson">
          ✕
        </button>
      </div>
      {/* read out when the stop changes: the caption is what the class is told */}
      <p aria-live="polite" data-testid="lesson.caption">
        {stop.caption}
      </p>
      {stop.question && !challenging ? (
        <p className="mt-1" data-testid="lesson.question">
          <span className="font-semibold">Question: </span>
          {stop.question.text}{' '}
          {stop.question.answer ? (
            revealed ? (
              <span className="text-emerald-800 dark:text-emerald-300" data-testid="lesson.answer">
                — {stop.question.answer}
              </span>
            ) : (
              <button
                type="button"
                className={button}
                onClick={() => session.lessons.setState({ revealed: true })}
                title={`Show the answer (the next click at step ${lastStepOf(stop) + 1} does too)`}
              >
                Show the answer
              </button>
            )
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

function ChallengePanel({ session }: { session: LessonSession }) {
  const challenge = useStore(session.lessons, (s) => s.challenge);
  const { controller } = session;
  const firstChoice = useRef<HTMLButtonElement>(null);
  const continueRef = useRef<HTMLButtonElement>(null);
  const asking = challenge?.asking ?? null;
  const result = challenge?.result ?? null;
  useEffect(
    function focusWhatComesNext() {
      // keyboard users land on the choices, then on Continue; the clicker keys work from there too
      if (asking) firstChoice.current?.focus({ preventScroll: true });
      else if (result) continueRef.current?.focus({ preventScroll: true });
    },
    [asking, result],
  );
  if (!challenge) return null;
  const answered = challenge.answers.length;
  let body;
  if (asking) {
    body = (
      <div data-testid="challenge.question">
        <p className="font-semibold" id="challenge-prompt">
          {asking.prompt}
        </p>
        <div role="group" aria-labelledby="challenge-prompt" className="mt-1 flex flex-wrap gap-2">
          {asking.choices.map((choice, i) => (
            <button
              key={choice}
              ref={i === 0 ? firstChoice : undefined}
              type="button"
              className={`${button} font-mono`}
              onClick={() => controller.answer(i)}
              data-testid="challenge.choice"
            >
              <span className="mr-1 font-sans font-semibold">{i + 1}</span>
              {choice}
            </button>
          ))}
        </div>
      </div>
    );
  } else if (result) {
    const { question, chosen } = result;
    const right = chosen === question.answer;
    body = (
      <div data-testid="challenge.result">
        <p>
          <span
            className={`font-semibold ${right ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}
          >
            {right ? 'Right: ' : `Not quite — you chose ${question.choices[chosen] ?? ''}. The answer: `}
          </span>
          <span className="font-mono">{question.choices[question.answer]}</span>
        </p>
        <p className="text-[max(12px,0.85em)]">{forLearners(question.why)}</p>
        <button ref={continueRef} type="button" className={`${button} mt-1`} onClick={() => controller.proceed()}>
          Continue ▶
        </button>
      </div>
    );
  } else if (challenge.finished) {
    const score = controller.score();
    const missed = challenge.answers.filter((a) => !a.correct);
    body = (
      <div data-testid="challenge.score">
        <p className="font-semibold">
          Score: {score.right} of {score.total}
        </p>
        {missed.length > 0 ? (
          <ul className="text-[max(12px,0.85em)]">
            {missed.map((a) => (
              <li key={`${a.part}/${a.step}`}>
                <button type="button" className="underline" onClick={() => controller.replay(a.part, a.step)}>
                  Replay step {a.step + 1}
                </button>
                : {a.prompt}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-[max(12px,0.85em)]">Every question right.</p>
        )}
      </div>
    );
  } else {
    body = (
      <p className="text-[max(12px,0.8em)] text-slate-600 dark:text-slate-300">
        Challenge: step on (→); before each step that matters you are asked first. Answer with 1–4.
      </p>
    );
  }
  return (
    <section aria-label="Challenge" data-testid="challenge.panel">
      <p className="sr-only" aria-live="assertive" data-testid="challenge.live">
        {asking
          ? `Question: ${asking.prompt} ${asking.choices.map((c, i) => `${i + 1}: ${c}.`).join(' ')}`
          : result
            ? `${result.chosen === result.question.answer ? 'Right' : 'Not quite'}: ${result.question.choices[result.question.answer] ?? ''}.`
            : challenge.finished
              ? `Score: ${controller.score().right} of ${controller.score().total}.`
              : ''}
      </p>
      <span className="sr-only">{answered} answered.</span>
      {body}
    </section>
  );
}
