/**
 * Zoom in, zoom out and fit, over the diagram's corner (as map and flow editors have them): the
 * way back to the whole cluster after a search or a scroll, for a mouse, a touch screen or a
 * keyboard (+, - and 0 do the same).
 */
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import { ZOOM_STEP } from './hooks/useKeyboard';

export function ZoomControls({ canvas }: { canvas(): ClusterCanvas | null }) {
  const button =
    'h-8 w-8 border-slate-300 text-base leading-none hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800';
  return (
    <div
      role="group"
      aria-label="Zoom"
      className="absolute left-2 top-2 z-10 flex flex-col overflow-hidden rounded border border-slate-300 bg-white/90 shadow dark:border-slate-600 dark:bg-slate-900/90"
    >
      <button
        type="button"
        className={`${button} border-b`}
        aria-label="Zoom in"
        title="Zoom in (+)"
        onClick={() => canvas()?.zoomBy(ZOOM_STEP)}
      >
        +
      </button>
      <button
        type="button"
        className={`${button} border-b`}
        aria-label="Zoom out"
        title="Zoom out (-)"
        onClick={() => canvas()?.zoomBy(1 / ZOOM_STEP)}
      >
        −
      </button>
      <button
        type="button"
        className={`${button} text-xs`}
        aria-label="Fit the whole cluster"
        title="Fit the whole cluster (0)"
        onClick={() => canvas()?.fit()}
      >
        ⤢
      </button>
    </div>
  );
}
