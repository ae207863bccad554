/**
 * Touch on a diagram that sits in a page (a blog column, a phone): a vertical swipe scrolls the
 * page and a horizontal one steps the packet; the diagram pans and pinches with two fingers, or
 * with one after a tap on it ("tap to interact", as map embeds do), until a touch lands outside it.
 * It listens in the capture phase on the stage and moves the view itself, so Cytoscape only ever
 * sees taps (which select what is under them once the diagram is awake).
 */
import { useEffect, useRef, useState } from 'react';
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import type { Player } from '../animation/player';

/** A swipe must travel this far (CSS px), mostly sideways, to step. */
const SWIPE_PX = 48;
const TAP_PX = 10;
const TAP_MS = 350;

interface TouchPoint {
  x: number;
  y: number;
}

const centre = (t: TouchList): TouchPoint => {
  const a = t[0] as Touch;
  const b = (t[1] ?? a) as Touch;
  return { x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 };
};
const spread = (t: TouchList): number => {
  const a = t[0] as Touch;
  const b = (t[1] ?? a) as Touch;
  return Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
};

export function TouchShield({ canvas, player }: { canvas(): ClusterCanvas | null; player(): Player | null }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const [active, setActive] = useState(false);
  const [hint, setHint] = useState(false);
  const activeRef = useRef(false);
  activeRef.current = active;

  useEffect(
    function listenForTouches() {
      const stage = anchor.current?.parentElement;
      if (!stage) return;
      let start: { at: TouchPoint; time: number } | null = null;
      let last: TouchList | null = null;
      let pinch = false;
      /** the awake diagram's one-finger drag moved the view (so its end is no tap) */
      let dragged = false;
      let hintTimer: ReturnType<typeof setTimeout> | undefined;
      const rect = (): DOMRect => stage.getBoundingClientRect();

      const onStart = (e: TouchEvent): void => {
        last = e.touches;
        dragged = false;
        // awake, a touch may be a tap on an element: Cytoscape sees its start (and end, if no drag)
        if (activeRef.current) return;
        e.stopPropagation();
        if (e.touches.length >= 2) {
          pinch = true;
          start = null;
          last = e.touches;
          return;
        }
        const t = e.touches[0] as Touch;
        start = { at: { x: t.clientX, y: t.clientY }, time: performance.now() };
        pinch = false;
      };
      const onMove = (e: TouchEvent): void => {
        e.stopPropagation();
        if (activeRef.current && e.touches.length === 1 && last && last.length === 1) {
          e.preventDefault();
          const a = last[0] as Touch;
          const b = e.touches[0] as Touch;
          const r = rect();
          if (dragged || Math.hypot(b.clientX - a.clientX, b.clientY - a.clientY) > TAP_PX / 2) {
            dragged = true;
            canvas()?.gesture(b.clientX - a.clientX, b.clientY - a.clientY, 1, {
              x: b.clientX - r.left,
              y: b.clientY - r.top,
            });
            last = e.touches;
          }
          return;
        }
        if (e.touches.length >= 2 && last && last.length >= 2) {
          // two fingers move the diagram, never the page
          e.preventDefault();
          const r = rect();
          const c0 = centre(last);
          const c1 = centre(e.touches);
          const factor = spread(last) > 0 ? spread(e.touches) / spread(last) : 1;
          canvas()?.gesture(c1.x - c0.x, c1.y - c0.y, factor, { x: c1.x - r.left, y: c1.y - r.top });
          last = e.touches;
          return;
        }
        if (e.touches.length >= 2) {
          pinch = true;
          last = e.touches;
        }
      };
      const onEnd = (e: TouchEvent): void => {
        if (activeRef.current) {
          if (dragged || pinch) e.stopPropagation();
          if (e.touches.length === 0) pinch = false;
          return;
        }
        e.stopPropagation();
        if (pinch || !start) {
          if (e.touches.length === 0) pinch = false;
          return;
        }
        const t = e.changedTouches[0] as Touch;
        const dx = t.clientX - start.at.x;
        const dy = t.clientY - start.at.y;
        const quick = performance.now() - start.time < TAP_MS;
        start = null;
        if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
          if (dx < 0) player()?.next();
          else player()?.prev();
          e.preventDefault();
        } else if (quick && Math.hypot(dx, dy) < TAP_PX) {
          // the tap that wakes the diagram is not also a click on what is under it
          e.preventDefault();
          setActive(true);
        } else if (Math.abs(dy) > Math.abs(dx)) {
          setHint(true);
          clearTimeout(hintTimer);
          hintTimer = setTimeout(() => setHint(false), 2000);
        }
      };
      // a touch anywhere outside the diagram hands the page back its scrolling
      const onOutside = (e: TouchEvent): void => {
        if (activeRef.current && e.target instanceof Node && !stage.contains(e.target)) setActive(false);
      };
      const capture = { capture: true, passive: false } as const;
      stage.addEventListener('touchstart', onStart, capture);
      stage.addEventListener('touchmove', onMove, capture);
      stage.addEventListener('touchend', onEnd, capture);
      document.addEventListener('touchstart', onOutside, { capture: true, passive: true });
      return () => {
        clearTimeout(hintTimer);
        stage.removeEventListener('touchstart', onStart, capture);
        stage.removeEventListener('touchmove', onMove, capture);
        stage.removeEventListener('touchend', onEnd, capture);
        document.removeEventListener('touchstart', onOutside, { capture: true });
      };
    },
    [canvas, player],
  );

  return (
    <span ref={anchor} className="contents">
      {active ? (
        <button
          type="button"
          data-testid="stage.touch-done"
          className="absolute top-2 left-1/2 z-30 h-11 -translate-x-1/2 rounded-full bg-slate-900/85 px-4 text-sm text-white shadow dark:bg-slate-100/90 dark:text-slate-900"
          onClick={() => setActive(false)}
          onTouchEnd={(e) => {
            // a finger lifted here ends the moving at once, without waiting for a synthesised click
            e.preventDefault();
            setActive(false);
          }}
        >
          Done moving the diagram
        </button>
      ) : hint ? (
        <span
          role="status"
          data-testid="stage.touch-hint"
          className="pointer-events-none absolute top-2 left-1/2 z-30 -translate-x-1/2 rounded-full bg-slate-900/85 px-4 py-2 text-sm whitespace-nowrap text-white shadow dark:bg-slate-100/90 dark:text-slate-900"
        >
          Tap the diagram to move it, or use two fingers
        </span>
      ) : null}
    </span>
  );
}
