/**
 * Thin React wrapper around the Cytoscape adapter, in three effects: create once and destroy in
 * cleanup; push store changes to the canvas without re-rendering React; hand the instance up.
 * The container div never has React children: the adapter owns its contents.
 */
import { useLayoutEffect, useRef } from 'react';
import { createClusterCanvas } from '../canvas/createClusterCanvas';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import { useVizStoreApi } from '../store/VizStoreProvider';
import { pathIds } from '../store/selectors';
import type { VizState } from '../store/createVizStore';

function viewOf(s: VizState) {
  const current = s.step >= 0 ? (s.steps[s.step]?.at ?? null) : null;
  const extras = [...new Set(s.steps.map((h) => h.at).filter((id) => id.startsWith('ext/')))];
  return {
    cluster: s.cluster,
    extras,
    path: s.step >= 0 ? pathIds(s.steps) : [],
    current,
    selection: s.selection,
    theme: s.theme,
  };
}

export function ClusterCanvas({ onCanvas }: { onCanvas(canvas: CanvasInstance | null): void }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const store = useVizStoreApi();
  // Mount-only callback: kept in a ref so that a new function identity never recreates the canvas.
  const onCanvasRef = useRef(onCanvas);
  onCanvasRef.current = onCanvas;

  useLayoutEffect(
    function createCanvas() {
      const host = hostRef.current;
      if (!host) return;
      const canvas = createClusterCanvas(host, { onSelect: (id) => store.getState().tap(id) });
      let last = viewOf(store.getState());
      canvas.update(last);
      const unsubscribe = store.subscribe((state) => {
        const next = viewOf(state);
        if (
          next.cluster !== last.cluster ||
          next.extras.join() !== last.extras.join() ||
          next.current !== last.current ||
          next.selection !== last.selection ||
          next.theme !== last.theme ||
          next.path.join() !== last.path.join()
        ) {
          last = next;
          canvas.update(next);
        }
      });
      onCanvasRef.current(canvas);
      return () => {
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
