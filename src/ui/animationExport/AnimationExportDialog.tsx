/**
 * Export an animation: the steps of the packet on screen as a GIF or a WebM video, drawn from the
 * playback clock. Choices, then a progress bar with Cancel, then the file's size and Download.
 * Loaded on demand with its encoders (the Export group's "Animation…" button).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { frameCount, planError } from '../../animation/frameSchedule';
import type { FramePlan } from '../../animation/frameSchedule';
import { formatBytes } from '../../sim/model/format';
import { useVizStore, useVizStoreApi } from '../../store/VizStoreProvider';
import { ModalDialog } from '../ModalDialog';
import { download } from '../download';
import { animationFrames, pixelSize } from './frames';
import type { Framing } from './frames';
import { makeAnimation, webmSupport } from './encode';
import type { AnimationFormat } from './encode';

const FPS = [5, 10, 15, 24, 30] as const;
const STEP_MS = [250, 500, 1000, 1500, 2000, 3000] as const;
const WIDTHS = [480, 640, 720, 960, 1280] as const;

type Job =
  | { kind: 'idle' }
  | { kind: 'working'; done: number; total: number }
  | { kind: 'done'; blob: Blob; name: string }
  | { kind: 'error'; message: string };

const control =
  'rounded border border-slate-300 bg-white px-1 py-0.5 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';
const button =
  'rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-700';
const primary =
  'rounded bg-blue-700 px-3 py-1 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50 dark:bg-blue-600 dark:hover:bg-blue-500';

export default function AnimationExportDialog({
  canvas,
  onClose,
}: {
  canvas(): ClusterCanvas | null;
  onClose(): void;
}) {
  const store = useVizStoreApi();
  const steps = useVizStore((s) => s.steps.length);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(Math.max(0, steps - 1));
  const [fps, setFps] = useState(10);
  const [msPerStep, setMsPerStep] = useState(1000);
  const [width, setWidth] = useState<number>(960);
  const [format, setFormat] = useState<AnimationFormat>('gif');
  // following the packet keeps its labels readable in a small file; the whole diagram does not
  const [framing, setFraming] = useState<Framing>('follow');
  const [webm, setWebm] = useState<{ ok: boolean; reason?: string } | null>(null);
  const [job, setJob] = useState<Job>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const plan: FramePlan = { from, to, fps, msPerStep };
  const problem = planError(plan, steps);
  const count = problem ? 0 : frameCount(plan);
  // the frame's shape: the diagram's, or the follow frame's with its caption, from the SVG exporter
  const [aspect, setAspect] = useState<{ width: number; height: number } | null>(null);
  const pixels = useMemo(() => (aspect ? pixelSize(aspect.width, aspect.height, width) : null), [aspect, width]);

  useEffect(
    function measureFrame() {
      const c = canvas();
      const state = store.getState();
      if (!c || state.steps.length === 0) return;
      let live = true;
      const range = { from: Math.min(from, to), to: Math.min(to, state.steps.length - 1) };
      animationFrames(state, c, { ...range, fps: 1, msPerStep: 1000 }, { framing, width }).then(
        (f) => live && setAspect({ width: f.width, height: f.height }),
        () => {},
      );
      return () => {
        live = false;
      };
    },
    [canvas, store, from, to, framing, width],
  );

  // a file made with other choices is not what the choices now say
  useEffect(
    function forgetOldFile() {
      setJob((j) => (j.kind === 'done' || j.kind === 'error' ? { kind: 'idle' } : j));
    },
    [from, to, fps, msPerStep, width, format, framing],
  );

  useEffect(
    function checkWebm() {
      if (!pixels) return;
      let live = true;
      void webmSupport(pixels.width, pixels.height, fps).then((s) => {
        if (!live) return;
        setWebm(s.ok ? { ok: true } : { ok: false, reason: s.reason });
        if (!s.ok) setFormat('gif');
      });
      return () => {
        live = false;
      };
    },
    [pixels, fps],
  );

  // closing the dialog stops the work
  useEffect(() => () => abort.current?.abort(), []);

  const start = async (): Promise<void> => {
    const c = canvas();
    if (!c || problem || !pixels) return;
    const controller = new AbortController();
    abort.current = controller;
    setJob({ kind: 'working', done: 0, total: count });
    try {
      const frames = await animationFrames(store.getState(), c, plan, { framing, width });
      const size = pixelSize(frames.width, frames.height, width);
      const blob = await makeAnimation({
        format,
        count: frames.count,
        svgOf: frames.svgOf,
        fps,
        ...size,
        signal: controller.signal,
        onProgress: (done, total) => {
          if (!controller.signal.aborted) setJob({ kind: 'working', done, total });
        },
      });
      if (controller.signal.aborted) return;
      const scenario = store.getState().scenario?.id ?? 'k8s-netviz';
      setJob({ kind: 'done', blob, name: `${scenario}-steps-${from + 1}-${to + 1}.${format}` });
    } catch (error) {
      if (controller.signal.aborted) setJob({ kind: 'idle' });
      else
        setJob({
          kind: 'error',
          message: error instanceof Error && error.message ? error.message : 'The animation could not be made.',
        });
    }
  };

  const stepOptions = Array.from({ length: steps }, (_, i) => (
    <option key={i} value={i}>
      {i + 1}
    </option>
  ));
  const working = job.kind === 'working';
  const label = format === 'gif' ? 'GIF' : 'WebM';

  return (
    <ModalDialog label="Export an animation" onClose={onClose} className="w-[min(34rem,calc(100vw-2rem))]">
      <div className="flex flex-col gap-3 text-sm" data-testid="animation.dialog">
        <h2 className="text-base font-semibold">Export an animation</h2>
        {steps === 0 ? (
          <p>There is no packet to animate: send one or choose a scenario first.</p>
        ) : (
          <>
            <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-1" disabled={working}>
              <legend className="mb-1 font-medium">Format</legend>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="animation-format"
                  checked={format === 'gif'}
                  onChange={() => setFormat('gif')}
                />
                GIF (plays everywhere, larger)
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="animation-format"
                  checked={format === 'webm'}
                  disabled={webm?.ok !== true}
                  onChange={() => setFormat('webm')}
                />
                WebM video (small, sharp)
              </label>
              {webm && !webm.ok ? (
                <p className="w-full text-slate-600 dark:text-slate-300" data-testid="animation.webmMissing">
                  {webm.reason}
                </p>
              ) : null}
            </fieldset>
            <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-1" disabled={working}>
              <legend className="mb-1 font-medium">Picture</legend>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="animation-framing"
                  checked={framing === 'follow'}
                  onChange={() => setFraming('follow')}
                />
                Follow the packet (labels readable)
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="animation-framing"
                  checked={framing === 'whole'}
                  onChange={() => setFraming('whole')}
                />
                Whole diagram
              </label>
            </fieldset>
            <fieldset className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-2" disabled={working}>
              <legend className="sr-only">Frames</legend>
              <span className="flex flex-wrap items-center gap-x-2 gap-y-1 col-span-2">
                <label className="flex items-center gap-1">
                  From step
                  <select
                    className={control}
                    value={from}
                    onChange={(e) => {
                      const v = Number(e.target.value);
                      setFrom(v);
                      if (to < v) setTo(v);
                    }}
                  >
                    {stepOptions}
                  </select>
                </label>
                <label className="flex items-center gap-1">
                  to step
                  <select
                    className={control}
                    value={to}
                    onChange={(e) => {
                      const v = Number(e.target.value);
                      setTo(v);
                      if (from > v) setFrom(v);
                    }}
                  >
                    {stepOptions}
                  </select>
                </label>
                <span className="text-slate-600 dark:text-slate-300">of {steps}</span>
              </span>
              <label htmlFor="animation-fps">Frames per second</label>
              <select
                id="animation-fps"
                className={`${control} w-fit`}
                value={fps}
                onChange={(e) => setFps(Number(e.target.value))}
              >
                {FPS.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
              <label htmlFor="animation-step-ms">Time per step</label>
              <select
                id="animation-step-ms"
                className={`${control} w-fit`}
                value={msPerStep}
                onChange={(e) => setMsPerStep(Number(e.target.value))}
              >
                {STEP_MS.map((v) => (
                  <option key={v} value={v}>
                    {v / 1000} s
                  </option>
                ))}
              </select>
              <label htmlFor="animation-width">Width</label>
              <select
                id="animation-width"
                className={`${control} w-fit`}
                value={width}
                onChange={(e) => setWidth(Number(e.target.value))}
              >
                {WIDTHS.map((v) => (
                  <option key={v} value={v}>
                    {v} px
                  </option>
                ))}
              </select>
            </fieldset>
            <p data-testid="animation.summary" className="text-slate-700 dark:text-slate-200">
              {problem ??
                `${count} frames, ${((count / fps) | 0) === count / fps ? count / fps : (count / fps).toFixed(1)} s${pixels ? `, ${pixels.width} × ${pixels.height} pixels` : ''}`}
            </p>
            {job.kind === 'working' ? (
              <div className="flex items-center gap-2">
                <progress
                  className="h-3 flex-1"
                  aria-label={`Making the ${label}`}
                  max={job.total}
                  value={job.done}
                  data-testid="animation.progress"
                />
                <span aria-live="polite" className="tabular-nums">
                  frame {job.done} of {job.total}
                </span>
              </div>
            ) : null}
            {job.kind === 'done' ? (
              <p role="status" data-testid="animation.ready">
                {job.name}: {formatBytes(job.blob.size)}
              </p>
            ) : null}
            {job.kind === 'error' ? (
              <p role="alert" className="text-red-700 dark:text-red-400" data-testid="animation.error">
                {job.message}
              </p>
            ) : null}
            <div className="flex flex-wrap justify-end gap-2">
              {working ? (
                <button type="button" className={button} onClick={() => abort.current?.abort()}>
                  Cancel
                </button>
              ) : (
                <button
                  type="button"
                  className={primary}
                  disabled={problem !== null || !pixels}
                  onClick={() => void start()}
                >
                  Make the {label}
                </button>
              )}
              {job.kind === 'done' ? (
                <button type="button" className={primary} onClick={() => download(job.blob, job.name)}>
                  Download ({formatBytes(job.blob.size)})
                </button>
              ) : null}
              <button type="button" className={button} onClick={onClose}>
                Close
              </button>
            </div>
          </>
        )}
      </div>
    </ModalDialog>
  );
}
