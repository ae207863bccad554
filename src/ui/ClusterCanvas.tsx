/**
 * Thin React wrapper around the Cytoscape adapter, in three effects: create once and destroy in
 * cleanup; push store changes to the canvas without re-rendering React; hand the instance up.
 * The container div never has React children: the adapter owns its contents.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import type React from 'react';
import type { CanvasView } from '../canvas/createClusterCanvas';
import { createClusterCanvas } from '../canvas/createClusterCanvas';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import { useVizStoreApi } from '../store/VizStoreProvider';
import { pathIds } from '../store/selectors';
import type { VizState } from '../store/createVizStore';
import { rovingIndex } from './a11y/roving';
import { elementName } from './learnerText';

/** What the camera frames at a step: the hop's element and those of the hops before and after it. */
export function frameIds(steps: VizState['steps'], step: number): string[] {
  if (step < 0) return [];
  return [...new Set([step - 1, step, step + 1].map((i) => steps[i]?.at).filter((id) => id !== undefined))];
}

function viewOf(s: VizState, readablePx: number): CanvasView {
  const current = s.step >= 0 ? (s.steps[s.step]?.at ?? null) : null;
  const extras = [...new Set(s.steps.map((h) => h.at).filter((id) => id.startsWith('ext/')))];
  return {
    cluster: s.cluster,
    extras,
    path: s.step >= 0 ? pathIds(s.steps) : [],
    current,
    selection: s.selection,
    theme: s.theme,
    frame: frameIds(s.steps, s.step),
    camera: {
      follow: s.follow,
      readablePx: readablePx * (s.largeText ? 1.25 : 1),
      reducedMotion: s.reducedMotion,
    },
  };
}

const sameView = (a: CanvasView, b: CanvasView): boolean =>
  a.cluster === b.cluster &&
  a.extras.join() === b.extras.join() &&
  a.current === b.current &&
  a.selection === b.selection &&
  a.theme === b.theme &&
  a.path.join() === b.path.join() &&
  a.frame.join() === b.frame.join() &&
  a.camera.follow === b.camera.follow &&
  a.camera.readablePx === b.camera.readablePx &&
  a.camera.reducedMotion === b.camera.reducedMotion;

export interface ClusterCanvasProps {
  onCanvas(canvas: CanvasInstance | null): void;
  /** the smallest size, in CSS px, of a label on the packet's path while the camera follows */
  readablePx?: number;
}

export function ClusterCanvas({ onCanvas, readablePx = 12 }: ClusterCanvasProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<CanvasInstance | null>(null);
  const store = useVizStoreApi();
  /** the element the keyboard is on, and what a screen reader is told about it */
  const focusedRef = useRef<string | null>(null);
  const [announced, setAnnounced] = useState('');
  // Mount-only callback: kept in a ref so that a new function identity never recreates the canvas.
  const onCanvasRef = useRef(onCanvas);
  onCanvasRef.current = onCanvas;
  const readableRef = useRef(readablePx);
  const pushRef = useRef<() => void>(() => {});
  useLayoutEffect(
    function followReadableSize() {
      readableRef.current = readablePx;
      pushRef.current();
    },
    [readablePx],
  );

  useLayoutEffect(
    function createCanvas() {
      const host = hostRef.current;
      if (!host) return;
      const canvas = createClusterCanvas(host, {
        onSelect: (id) => store.getState().tap(id),
        onUserMove: () => store.getState().setFollow(false),
      });
      let last = viewOf(store.getState(), readableRef.current);
      canvas.update(last);
      const push = (): void => {
        const next = viewOf(store.getState(), readableRef.current);
        if (sameView(next, last)) return;
        last = next;
        canvas.update(next);
      };
      const unsubscribe = store.subscribe(push);
      pushRef.current = push;
      canvasRef.current = canvas;
      onCanvasRef.current(canvas);
      return () => {
        canvasRef.current = null;
        pushRef.current = () => {};
        unsubscribe();
        onCanvasRef.current(null);
        canvas.destroy();
      };
    },
    [store],
  );

  /** Puts the keyboard on an element: marked on the diagram, its name said. */
  const moveTo = (id: string | null, order: readonly string[]): void => {
    focusedRef.current = id;
    canvasRef.current?.keyboardFocus(id);
    if (id === null) return;
    const selected = store.getState().selection === id ? ', selected' : '';
    setAnnounced(`${elementName(id)}${selected} (${order.indexOf(id) + 1} of ${order.length})`);
  };

  /** whether the keyboard brought focus here: a click on the diagram leaves the arrows to playback */
  const walkingRef = useRef(false);

  const handleFocus = (): void => {
    walkingRef.current = hostRef.current?.matches(':focus-visible') ?? false;
    if (!walkingRef.current) return;
    const order = canvasRef.current?.readingOrder() ?? [];
    const current = focusedRef.current;
    const selection = store.getState().selection;
    const start =
      current && order.includes(current) ? current : selection && order.includes(selection) ? selection : order[0];
    moveTo(start ?? null, order);
  };

  /** Arrows walk the diagram in reading order; Enter opens the inspector on the element. */
  const handleKeyDown = (e: React.KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey || !walkingRef.current) return;
    const order = canvasRef.current?.readingOrder() ?? [];
    const current = focusedRef.current;
    if (e.key === 'Enter') {
      if (!current) return;
      e.preventDefault();
      store.getState().select(current);
      setAnnounced(`${elementName(current)}: details shown in the inspector`);
      return;
    }
    const next = rovingIndex(e.key, current ? order.indexOf(current) : -1, order.length, 'both');
    if (next === null) return;
    // handled here: the page's Left / Right / Home / End (playback) must not see these keys
    e.preventDefault();
    moveTo(order[next] ?? null, order);
  };

  return (
    <>
      <div
        ref={hostRef}
        className="relative h-full w-full overflow-hidden"
        data-testid="canvas.root"
        // the canvas draws pixels: the keyboard and screen readers get its elements one by one
        // (arrows), each named in the live text below, as a canvas-based widget does
        role="application"
        aria-roledescription="diagram"
        aria-label="Cluster diagram: arrow keys move between its nodes, pods, containers, devices and Services; Enter shows the details"
        tabIndex={0}
        onFocus={handleFocus}
        onBlur={() => {
          walkingRef.current = false;
          canvasRef.current?.keyboardFocus(null);
        }}
        onKeyDown={handleKeyDown}
      />
      <p className="sr-only" aria-live="polite" data-testid="canvas.focus">
        {announced}
      </p>
    </>
  );
}
