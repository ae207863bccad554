/**
 * The stage: the diagram with the step's sentence as a caption band under it and the controls
 * over it, as the presenter stage, the embed and the phone layout show it. The camera frames the
 * packet in what the caption and the controls leave (their sizes become the canvas's insets).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import type { Player } from '../animation/player';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCurrentHop, selectStep, selectSteps } from '../store/selectors';
import { ClusterCanvas } from './ClusterCanvas';
import { ZoomControls } from './ZoomControls';
import { TouchShield } from './TouchShield';
import { forLearners, stepLabel } from './learnerText';

export type StageMode = 'present' | 'embed' | 'phone';

/** The smallest rendered size of a label on the packet's path, per stage, in CSS px. */
export const READABLE_PX: Record<StageMode | 'app', number> = { present: 18, embed: 13, phone: 13, app: 13 };

const CAPTION_TEXT: Record<StageMode, string> = {
  present: 'text-[26px] leading-snug',
  embed: 'text-[15px] leading-snug',
  phone: 'text-base leading-snug',
};
const CAPTION_TEXT_LARGE: Record<StageMode, string> = {
  present: 'text-[32px] leading-snug',
  embed: 'text-lg leading-snug',
  phone: 'text-lg leading-snug',
};

/** The current step's sentence, under the diagram, in type meant to be read from afar. */
export function Caption({ mode }: { mode: StageMode }) {
  const hop = useVizStore(selectCurrentHop);
  const step = useVizStore(selectStep);
  const steps = useVizStore(selectSteps);
  const scenario = useVizStore((s) => s.scenario);
  const large = useVizStore((s) => s.largeText);
  const text = hop ? forLearners(hop.text) : (scenario?.title ?? null);
  if (!text) return null;
  return (
    <div
      className={`border-t border-slate-200 bg-white/95 px-4 py-2 dark:border-slate-700 dark:bg-slate-900/95 ${(large ? CAPTION_TEXT_LARGE : CAPTION_TEXT)[mode]}`}
      data-testid="stage.caption"
    >
      {hop ? (
        <span className="mr-2 text-[0.75em] font-semibold text-orange-700 tabular-nums dark:text-orange-300">
          step {stepLabel(step, steps.length)}
        </span>
      ) : null}
      <span data-testid="stage.sentence">{text}</span>
    </div>
  );
}

/** Hides its children after a while without a pointer move or a key, until the next one. */
function useIdle(ms: number): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(
    function watchActivity() {
      let timer = setTimeout(() => setIdle(true), ms);
      const wake = (): void => {
        setIdle(false);
        clearTimeout(timer);
        timer = setTimeout(() => setIdle(true), ms);
      };
      const events = ['pointermove', 'pointerdown', 'keydown', 'focusin'] as const;
      for (const e of events) window.addEventListener(e, wake, { passive: true });
      return () => {
        clearTimeout(timer);
        for (const e of events) window.removeEventListener(e, wake);
      };
    },
    [ms],
  );
  return idle;
}

export interface StageProps {
  mode: StageMode;
  onCanvas(canvas: CanvasInstance | null): void;
  canvas(): CanvasInstance | null;
  player(): Player | null;
  /** controls over the diagram's top edge (the presenter's); the camera keeps below them */
  topControls?: ReactNode;
  /** a panel over the diagram's right side (the presenter's event list or inspector) */
  side?: ReactNode;
  /** a view that covers the diagram (the presenter's sequence view); the caption stays */
  cover?: ReactNode;
  /** anything else over the diagram (the pick banner, the legend) */
  children?: ReactNode;
  /** a band above the caption (a lesson's stop, a challenge's question); the camera keeps clear */
  above?: ReactNode;
}

export function Stage({ mode, onCanvas, canvas, player, topControls, side, cover, children, above }: StageProps) {
  const captionRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);
  const sideRef = useRef<HTMLDivElement>(null);
  const blank = useVizStore((s) => s.blank);
  const idle = useIdle(2500);
  const hasTrace = useVizStore((s) => s.steps.length > 0);
  const hidden = mode === 'present' && idle && hasTrace;
  // a cover keeps clear of the caption band under it
  const [captionHeight, setCaptionHeight] = useState(0);

  useLayoutEffect(
    function keepCameraClearOfOverlays() {
      const measure = (): void => {
        const phone = mode === 'phone';
        canvas()?.setInsets({
          // the presenter's controls, or the phone's Fit and Follow in the corner
          top: (topRef.current?.offsetHeight ?? 0) + (topRef.current ? 8 : 0) + (phone ? 52 : 0),
          right: sideRef.current?.offsetWidth ?? 0,
          bottom: captionRef.current?.offsetHeight ?? 0,
          // the zoom buttons' column
          left: phone ? 0 : 52,
        });
      };
      measure();
      const observer = new ResizeObserver(() => {
        measure();
        setCaptionHeight(captionRef.current?.offsetHeight ?? 0);
      });
      for (const el of [captionRef.current, topRef.current, sideRef.current]) if (el) observer.observe(el);
      // the canvas may arrive after this effect: measure once more on the next frame
      const frame = requestAnimationFrame(measure);
      return () => {
        observer.disconnect();
        cancelAnimationFrame(frame);
      };
    },
    [canvas, side, topControls, mode],
  );

  return (
    <div className="relative h-full w-full overflow-hidden" data-testid="stage" data-stage={mode}>
      <ClusterCanvas onCanvas={onCanvas} readablePx={READABLE_PX[mode]} />
      <ZoomControls canvas={canvas} corner={mode === 'phone'} />
      {mode !== 'present' ? <TouchShield canvas={canvas} player={player} /> : null}
      {children}
      {cover ? (
        <div
          data-stage-overlay="cover"
          // under the presenter's controls (one row, 52 px with its margin) and above the caption
          className={`absolute inset-0 z-10 bg-white dark:bg-slate-900 ${topControls ? 'pt-14' : ''}`}
          style={{ paddingBottom: captionHeight }}
        >
          {cover}
        </div>
      ) : null}
      {topControls ? (
        <div
          ref={topRef}
          data-stage-overlay="controls"
          // faded out, then hidden once the fade ends (visibility changes at the end of its
          // transition): a control nobody sees is not read out or measured for contrast half
          // drawn; a key or a move brings it back before focus moves
          className={`absolute top-2 right-2 z-20 transition-[opacity,visibility] duration-300 focus-within:visible focus-within:opacity-100 ${hidden ? 'pointer-events-none invisible opacity-0' : 'visible opacity-100'}`}
        >
          {topControls}
        </div>
      ) : null}
      {side ? (
        <div
          ref={sideRef}
          data-stage-overlay="side"
          className="absolute top-0 right-0 bottom-0 z-20 w-[26rem] max-w-[50%] overflow-auto border-l border-slate-200 bg-white shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {side}
        </div>
      ) : null}
      <div ref={captionRef} className="absolute right-0 bottom-0 left-0 z-30" data-stage-overlay="caption">
        {above}
        <Caption mode={mode} />
      </div>
      {blank ? (
        <div
          className="absolute inset-0 z-50 bg-black"
          data-testid="stage.blank"
          aria-label="Screen blanked (press B)"
          role="img"
        />
      ) : null}
    </div>
  );
}
