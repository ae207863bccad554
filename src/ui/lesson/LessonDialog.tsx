/**
 * The Lessons dialog: play the built-in lesson, take a scenario or a lesson as a challenge, and
 * write one's own lesson — record what is on screen as a stop, caption it, reorder, preview, export
 * it to a file, copy it as a link, load it from a file (with problems at their line and column).
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import { CNI_PRESETS, SCENARIOS } from '../../sim';
import { BUILTIN_LESSONS } from '../../sim/lesson/builtin';
import {
  MAX_LESSON_BYTES,
  MAX_SHARED_CHARS,
  formatLessonProblems,
  lastStepOf,
  lessonToJson,
} from '../../sim/lesson/format';
import { parseLesson } from '../../sim/lesson/parse';
import { lessonSettingsFor } from '../../sim/lesson/settings';
import type { LessonSettings } from '../../sim/lesson/settings';
import type { Lesson, LessonRequest, LessonStop } from '../../sim/lesson/format';
import type { VizState } from '../../store/createVizStore';
import { useVizStoreApi } from '../../store/VizStoreProvider';
import { ModalDialog } from '../ModalDialog';
import { copyText, downloadText } from '../ShareDialog';
import { readTextFile } from '../readTextFile';
import { encodeLesson, lessonFile } from './lessonLink';
import type { LessonSession } from './useLessonSession';

/** Words for a stop's settings, for the dialog (the CNI's label from the registry's list). */
function settingsWords(wanted: LessonSettings | undefined): string[] {
  if (!wanted) return [];
  const words: string[] = [];
  if (wanted.cni !== undefined) words.push(CNI_PRESETS.find((p) => p.id === wanted.cni)?.label ?? wanted.cni);
  if (wanted.proxyMode !== undefined) words.push(`proxy ${wanted.proxyMode}`);
  if (wanted.siteRoutesPodNetwork !== undefined)
    words.push(wanted.siteRoutesPodNetwork ? 'site routes pods' : 'no site routes');
  return words;
}

/**
 * The built-in scenario on screen as a stop (its pod operations, another packet, the switches
 * made), or null when the cluster was changed some other way (then it is recorded as a shared state).
 */
function scenarioStop(s: VizState): Omit<LessonStop, 'step' | 'camera'> | null {
  const sc = s.scenario;
  if (!sc || !s.spec) return null;
  // a switch rebuilds from `{ ...spec, settings }`: anything else changed means another cluster
  const keys = new Set([...Object.keys(s.spec), ...Object.keys(sc.spec)]);
  for (const key of keys)
    if (key !== 'settings' && (s.spec as Record<string, unknown>)[key] !== (sc.spec as Record<string, unknown>)[key])
      return null;
  const settings = lessonSettingsFor(sc.spec.settings ?? {}, s.spec.settings ?? {});
  if (settings === null) return null;
  const ops = s.opsLog && s.opsLog.result === s.cluster ? [...s.opsLog.ops] : [];
  const r = s.request;
  const own = sc.request;
  const sameRequest =
    r !== null && r.from === own.from && r.to === own.to && r.port === own.port && r.protocol === own.protocol;
  const stop: Omit<LessonStop, 'step' | 'camera'> = { scenario: sc.id, caption: sc.title };
  if (Object.keys(settings).length > 0) stop.settings = settings;
  if (ops.length > 0) stop.ops = ops;
  if (r && !sameRequest) {
    const request: LessonRequest = { from: r.from, to: r.to };
    if (r.port !== undefined) request.port = r.port;
    if (r.protocol !== undefined) request.protocol = r.protocol;
    stop.request = request;
  }
  return stop;
}

const button =
  'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-700';

/** The page's address with another hash (what "Copy link" gives). */
const linkWith = (hash: string): string => `${window.location.href.replace(/#.*$/, '')}${hash}`;

export default function LessonDialog({ session, onClose }: { session: LessonSession; onClose(): void }) {
  const viz = useVizStoreApi();
  const draft = useStore(session.lessons, (s) => s.draft);
  const [message, setMessage] = useState<string | null>(null);
  const [problems, setProblems] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [challengeOn, setChallengeOn] = useState(() => viz.getState().scenario?.id ?? SCENARIOS[0]?.id ?? '');
  const setDraft = (next: Lesson): void => session.lessons.setState({ draft: next });
  const setStop = (i: number, patch: Partial<LessonStop>): void =>
    setDraft({ ...draft, stops: draft.stops.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  /** The draft as a checked lesson, or the problems (placed in its JSON export). */
  const checked = (): Lesson | null => {
    const parsed = parseLesson(lessonToJson(draft));
    if (parsed.ok) {
      setProblems(null);
      return parsed.lesson;
    }
    setProblems(formatLessonProblems(parsed.problems));
    return null;
  };

  const record = async (): Promise<void> => {
    const s = viz.getState();
    const step = Math.max(0, s.step);
    const camera = s.follow ? 'follow' : 'fit';
    const n = draft.stops.length + 1;
    const add = (stop: LessonStop, said: string): void => {
      setDraft({ ...draft, stops: [...draft.stops, stop] });
      setMessage(`Stop ${n} recorded: ${said}, step ${step + 1}.`);
    };
    const stop = scenarioStop(s);
    if (stop && s.scenario) {
      add({ ...stop, step, camera }, [s.scenario.title, ...settingsWords(stop.settings)].join(', '));
      return;
    }
    // a cluster of the teacher's own, or one changed beyond the switches: the share link's state
    if (!session.share) {
      setMessage('This page cannot record a cluster of your own; open a built-in scenario.');
      return;
    }
    let shared: string;
    try {
      shared = await session.share.stateOfScreen();
    } catch (error) {
      setMessage(`This cluster could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (shared.length > MAX_SHARED_CHARS) {
      setMessage(
        `This cluster takes ${shared.length} characters written down; a stop holds at most ${MAX_SHARED_CHARS}.`,
      );
      return;
    }
    add(
      { shared, step, camera, caption: s.scenario?.title ?? 'Our own cluster' },
      s.scenario ? `${s.scenario.title} as changed on screen` : 'your own cluster',
    );
  };

  const move = (i: number, by: -1 | 1): void => {
    const stops = [...draft.stops];
    const [taken] = stops.splice(i, 1);
    if (!taken) return;
    stops.splice(i + by, 0, taken);
    setDraft({ ...draft, stops });
  };

  const play = (lesson: Lesson, stop = 0, challenge = false): void => {
    onClose();
    session.controller.startLesson(lesson, stop, { challenge });
  };

  const load = async (file: File): Promise<void> => {
    const read = await readTextFile(file, MAX_LESSON_BYTES);
    if (!read.ok) {
      setProblems(read.message);
      return;
    }
    const parsed = parseLesson(read.text);
    if (!parsed.ok) {
      setProblems(`${file.name}:\n${formatLessonProblems(parsed.problems)}`);
      return;
    }
    const { id: _builtIn, ...own } = parsed.lesson;
    setDraft(own);
    setProblems(null);
    setMessage(`Loaded “${own.title}” (${own.stops.length} stops) from ${file.name}.`);
  };

  return (
    <ModalDialog label="Lessons" onClose={onClose} className="w-[min(46rem,calc(100vw-1rem))]">
      <div className="max-h-[80vh] space-y-4 overflow-auto text-sm" data-testid="lessons.dialog">
        <div className="flex items-center">
          <h2 className="flex-1 text-lg font-semibold">Lessons</h2>
          <button type="button" className={button} onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <section aria-label="Built-in lessons">
          <h3 className="font-semibold">Built-in</h3>
          {BUILTIN_LESSONS.map((l) => (
            <div key={l.id} className="mt-1 flex flex-wrap items-center gap-2">
              <span className="flex-1">
                {l.title} ({l.stops.length} stops)
              </span>
              <button type="button" className={button} onClick={() => play(l)}>
                Play
              </button>
              <button type="button" className={button} onClick={() => play(l, 0, true)}>
                Take as a challenge
              </button>
            </div>
          ))}
        </section>
        <section aria-label="Challenge">
          <h3 className="font-semibold">Challenge: predict before each step that matters</h3>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-1">
              Scenario
              <select
                className="rounded border border-slate-300 bg-white px-1 py-1 dark:border-slate-600 dark:bg-slate-900"
                value={challengeOn}
                onChange={(e) => setChallengeOn(e.target.value)}
              >
                {SCENARIOS.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className={button}
              onClick={() => {
                onClose();
                session.controller.startChallenge(challengeOn);
              }}
            >
              Start the challenge
            </button>
            <button
              type="button"
              className={button}
              onClick={() =>
                void copyText(linkWith(`#challenge=${encodeURIComponent(challengeOn)}`)).then((ok) =>
                  setMessage(ok ? 'The challenge’s link is copied.' : 'The link could not be copied.'),
                )
              }
            >
              Copy its link
            </button>
          </div>
        </section>
        <section aria-label="Your lesson">
          <h3 className="font-semibold">Your lesson</h3>
          <label className="mt-1 flex items-center gap-2">
            Title
            <input
              className="flex-1 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
              value={draft.title}
              maxLength={200}
              onChange={(e) => setDraft({ ...draft, title: e.target.value })}
            />
          </label>
          <ol className="mt-2 space-y-2" data-testid="lessons.stops">
            {draft.stops.map((stop, i) => (
              <li
                key={i}
                className="rounded border border-slate-200 p-2 dark:border-slate-700"
                data-testid="lessons.stop"
              >
                <div className="flex flex-wrap items-center gap-1">
                  <span className="flex-1 font-mono text-xs">
                    {i + 1}. {stop.scenario ?? 'own cluster'}, step {stop.step + 1}
                    {stop.to !== undefined ? `–${stop.to + 1}` : ''}
                    {settingsWords(stop.settings).map((w) => `, ${w}`)}
                    {stop.ops ? `, ${stop.ops.length} change(s)` : ''}, camera{' '}
                    {Array.isArray(stop.camera) ? (stop.camera as string[]).join(' ') : stop.camera}
                  </span>
                  <button
                    type="button"
                    className={button}
                    onClick={() => play(draft, i)}
                    aria-label={`Preview stop ${i + 1}`}
                  >
                    Preview
                  </button>
                  <button
                    type="button"
                    className={button}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={`Move stop ${i + 1} up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className={button}
                    disabled={i === draft.stops.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={`Move stop ${i + 1} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className={button}
                    onClick={() => setDraft({ ...draft, stops: draft.stops.filter((_, j) => j !== i) })}
                    aria-label={`Delete stop ${i + 1}`}
                  >
                    ✕
                  </button>
                </div>
                <label className="mt-1 block">
                  <span className="sr-only">Caption of stop {i + 1}</span>
                  <textarea
                    className="w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
                    rows={2}
                    maxLength={1000}
                    placeholder="What to notice, and why it matters"
                    value={stop.caption}
                    onChange={(e) => setStop(i, { caption: e.target.value })}
                    data-testid="lessons.caption"
                  />
                </label>
                <div className="flex flex-wrap gap-2">
                  <label className="flex flex-1 items-center gap-1">
                    Until step
                    <input
                      type="number"
                      min={stop.step + 1}
                      className="w-20 rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-900"
                      value={lastStepOf(stop) + 1}
                      onChange={(e) => {
                        const to = Math.max(stop.step, Math.floor(Number(e.target.value) - 1));
                        const { to: _old, ...rest } = stop;
                        setDraft({
                          ...draft,
                          stops: draft.stops.map((s, j) => (j === i ? (to > stop.step ? { ...rest, to } : rest) : s)),
                        });
                      }}
                    />
                  </label>
                  <label className="flex flex-[2] items-center gap-1">
                    Question
                    <input
                      className="flex-1 rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-900"
                      maxLength={1000}
                      value={stop.question?.text ?? ''}
                      onChange={(e) => {
                        const { question: _q, ...rest } = stop;
                        const text = e.target.value;
                        setDraft({
                          ...draft,
                          stops: draft.stops.map((s, j) =>
                            j === i ? (text ? { ...rest, question: { ...(stop.question ?? {}), text } } : rest) : s,
                          ),
                        });
                      }}
                    />
                  </label>
                </div>
              </li>
            ))}
          </ol>
          <div className="mt-2 flex flex-wrap gap-2">
            <button type="button" className={button} onClick={() => void record()} data-testid="lessons.record">
              Record this moment as a stop
            </button>
            <button
              type="button"
              className={button}
              disabled={draft.stops.length === 0}
              onClick={() => {
                const lesson = checked();
                if (lesson) play(lesson);
              }}
            >
              Play
            </button>
            <button
              type="button"
              className={button}
              disabled={draft.stops.length === 0}
              onClick={() => {
                const lesson = checked();
                if (!lesson) return;
                const file = lessonFile(lesson);
                downloadText(file.text, file.name);
              }}
            >
              Export file
            </button>
            <button
              type="button"
              className={button}
              disabled={draft.stops.length === 0}
              data-testid="lessons.link"
              onClick={() => {
                const lesson = checked();
                if (!lesson) return;
                void encodeLesson(lesson, session.share?.codec).then(async (text) => {
                  const url = linkWith(`#lesson=${text}`);
                  setLink(url);
                  const ok = await copyText(url);
                  setMessage(ok ? 'The lesson’s link is copied.' : 'The link could not be copied.');
                });
              }}
            >
              Copy link
            </button>
            <label className={`${button} cursor-pointer`}>
              Load file…
              <input
                type="file"
                accept=".json,.yaml,.yml,application/json,text/yaml"
                className="sr-only"
                data-testid="lessons.file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) void load(file);
                  e.target.value = '';
                }}
              />
            </label>
          </div>
          {link ? (
            <label className="mt-2 flex items-center gap-1">
              Link
              <input
                readOnly
                className="flex-1 rounded border border-slate-300 bg-white px-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-900"
                value={link}
                onFocus={(e) => e.target.select()}
                data-testid="lessons.linkText"
              />
            </label>
          ) : null}
          {message ? (
            <p role="status" className="mt-2" data-testid="lessons.message">
              {message}
            </p>
          ) : null}
          {problems ? (
            <pre
              role="alert"
              className="mt-2 text-xs whitespace-pre-wrap text-red-800 dark:text-red-300"
              data-testid="lessons.problems"
            >
              {problems}
            </pre>
          ) : null}
        </section>
      </div>
    </ModalDialog>
  );
}
