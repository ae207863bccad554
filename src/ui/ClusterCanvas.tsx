/**
 * Thin React wrapper around the Cytoscape adapter, in three effects: create once and destroy in
 * cleanup; push store changes to the canvas without re-rendering React; hand the instance up.
 * The container div never has React children: the adapter owns its contents.
 */
import { useLayoutEffect, useRef } from 'react';
import type { CanvasView } from '../canvas/createClusterCanvas';
import { createClusterCanvas } from '../canvas/createClusterCanvas';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import { useVizStoreApi } from '../store/VizStoreProvider';
import { pathIds } from '../store/selectors';
import type { VizState } from '../store/createVizStore';

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
  const store = useVizStoreApi();
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
      onCanvasRef.current(canvas);
      return () => {
        pushRef.current = () => {};
        unsubscribe();
        onCanvasRef.current(null);
        canvas.destroy();
      };
    },
    [store],
  );

  return (
    <div
      ref={hostRef}
      className="relative h-full w-full overflow-hidden"
      data-testid="canvas.root"
      role="img"
      aria-label="Cluster diagram: nodes, pods, containers, devices and Service virtual IPs"
    />
  );
}
