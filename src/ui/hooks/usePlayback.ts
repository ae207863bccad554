/**
 * Wires the animation player to the store and the canvas: a new trace is loaded and played, the
 * player's discrete steps go to the store, and its frames go straight to the canvas overlay
 * (never through React state).
 */
import { useLayoutEffect, useRef } from 'react';
import { createPlayer } from '../../animation/player';
import type { Player } from '../../animation/player';
import { browserClock, createTicker } from '../../animation/ticker';
import { frameAt, routesFor } from '../../animation/sprites';
import type { PacketFrame, Point } from '../../animation/sprites';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import type { VizStore } from '../../store/createVizStore';
import { stepPhase } from '../../sim';
import type { Hop } from '../../sim';

/**
 * @param getCanvas reads the live canvas; a getter because the canvas (a child) is created before
 * this hook's effect runs and may be recreated independently.
 */
export function usePlayback(store: VizStore, getCanvas: () => ClusterCanvas | null): React.RefObject<Player | null> {
  const ref = useRef<Player | null>(null);
  const getCanvasRef = useRef(getCanvas);
  getCanvasRef.current = getCanvas;
  useLayoutEffect(
    function createPlayback() {
      // Polylines between hops, recomputed only when the trace or the drawing changes.
      let routes: Point[][] = [];
      let routesKey: [unknown, unknown] = [null, null];
      const routesNow = (c: ClusterCanvas, steps: readonly Hop[]): Point[][] => {
        const geometry = c.geometry();
        if (routesKey[0] !== geometry || routesKey[1] !== steps) {
          routes = routesFor(steps, geometry);
          routesKey = [geometry, steps];
        }
        return routes;
      };
      const player = createPlayer(
        {
          onFrame(pos) {
            const canvas = getCanvasRef.current();
            if (!canvas) return;
            const s = store.getState();
            const trace = s.trace;
            if (!trace || s.steps.length === 0) {
              canvas.drawPackets([]);
              return;
            }
            // With reduced motion the packet is shown at each hop, never in between.
            const progress = s.reducedMotion ? 1 : pos.progress;
            const frame = frameAt(s.steps, routesNow(canvas, s.steps), (i) => stepPhase(trace, i), pos.step, progress);
            canvas.drawPackets(frame ? [frame] : []);
          },
          onStep(step, playing) {
            store.getState().setPlayback(step, playing);
          },
        },
        browserClock(),
      );
      player.setSpeed(store.getState().speed);
      const burst = createBurstAnimation(store, getCanvasRef);
      const unsubscribe = store.subscribe((s, prev) => {
        if (s.speed !== prev.speed) player.setSpeed(s.speed);
        if (s.burst !== prev.burst) {
          if (s.burst) player.pause();
          burst.start();
        }
        if (s.steps !== prev.steps) {
          player.load(s.steps);
          if (s.steps.length > 0 && s.startStep !== null) player.stepTo(s.startStep);
          else if (s.steps.length > 0) player.play();
          else getCanvasRef.current()?.drawPackets([]);
        }
      });
      ref.current = player;
      return () => {
        unsubscribe();
        burst.stop();
        player.destroy();
        ref.current = null;
      };
    },
    [store],
  );
  return ref;
}

/** Per-hop travel time of a burst's packets; departures spread over at most this window. */
const BURST_HOP_MS = 180;
const BURST_WINDOW_MS = 1500;

/**
 * A burst: every request of `store.burst` travels its own path at once, staggered, as dots; the
 * spread across endpoints then shows in the results. With reduced motion nothing moves.
 */
function createBurstAnimation(store: VizStore, getCanvas: React.RefObject<() => ClusterCanvas | null>) {
  let elapsed = 0;
  let routes: Point[][][] = [];
  const frame = (dt: number): void => {
    const s = store.getState();
    const canvas = getCanvas.current();
    if (!s.burst || !canvas) {
      ticker.stop();
      return;
    }
    elapsed += dt * s.speed;
    const sprites: PacketFrame[] = [];
    let running = false;
    // all leave within the window, so that a whole burst is in flight together
    const stagger = Math.min(45, BURST_WINDOW_MS / Math.max(1, s.burst.traces.length));
    s.burst.traces.forEach((t, i) => {
      const local = elapsed - i * stagger;
      const duration = t.hops.length * BURST_HOP_MS;
      if (local < 0) {
        running = true;
        return;
      }
      if (local >= duration) return;
      running = true;
      const step = Math.min(t.hops.length - 1, Math.floor(local / BURST_HOP_MS));
      const f = frameAt(t.hops, routes[i] ?? [], () => 'request', step, (local % BURST_HOP_MS) / BURST_HOP_MS);
      if (f) sprites.push({ ...f, label: [], outer: undefined });
    });
    canvas.drawPackets(sprites);
    if (!running) ticker.stop();
  };
  const ticker = createTicker(frame, browserClock());
  return {
    start() {
      ticker.stop();
      const s = store.getState();
      const canvas = getCanvas.current();
      elapsed = 0;
      if (!s.burst || !canvas || s.reducedMotion) {
        canvas?.drawPackets([]);
        return;
      }
      routes = s.burst.traces.map((t) => routesFor(t.hops, canvas.geometry()));
      ticker.start();
    },
    stop() {
      ticker.stop();
    },
  };
}
