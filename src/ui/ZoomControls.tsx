/**
 * Zoom in, zoom out, fit and follow, over the diagram's corner (as map and flow editors have them):
 * the way back to the whole cluster after a search or a scroll, and back to the packet, for a
 * mouse, a touch screen or a keyboard (+, - and 0 do the same, `.` follows).
 */
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import { useVizStore, useVizStoreApi } from '../store/VizStoreProvider';
import type { VizStore } from '../store/createVizStore';
import { ZOOM_STEP } from './hooks/useKeyboard';

/** "Fit": the whole cluster, and the camera stops following until asked again. */
export function fitWhole(store: VizStore, canvas: ClusterCanvas | null): void {
  store.getState().setFollow(false);
  canvas?.fit();
}

/**
 * @param corner only Fit and Follow, in a row at the top right (a phone: fingers pinch to zoom, and
 * the diagram keeps its full width)
 */
export function ZoomControls({ canvas, corner = false }: { canvas(): ClusterCanvas | null; corner?: boolean }) {
  const store = useVizStoreApi();
  const follow = useVizStore((s) => s.follow);
  const hasTrace = useVizStore((s) => s.steps.length > 0);
  const button =
    'h-8 w-8 border-slate-300 text-base leading-none hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800 pointer-coarse:h-11 pointer-coarse:w-11';
  return (
    <div
      role="group"
      aria-label="Zoom"
      data-stage-overlay="zoom"
      className={`absolute top-2 z-10 flex overflow-hidden rounded border border-slate-300 bg-white/90 shadow dark:border-slate-600 dark:bg-slate-900/90 ${corner ? 'right-2 flex-row [&>button]:border-b-0 [&>button+button]:border-l' : 'left-2 flex-col'}`}
    >
      {corner ? null : (
        <>
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
        </>
      )}
      <button
        type="button"
        className={`${button} text-xs ${hasTrace ? 'border-b' : ''}`}
        aria-label="Fit the whole cluster"
        title="Fit the whole cluster (0)"
        onClick={() => fitWhole(store, canvas())}
      >
        ⤢
      </button>
      {hasTrace ? (
        <button
          type="button"
          className={`${button} text-sm ${follow ? 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-100' : ''}`}
          aria-label="Follow the packet"
          aria-pressed={follow}
          title="Follow the packet (.)"
          data-testid="camera.follow"
          onClick={() => store.getState().setFollow(true)}
        >
          ◎
        </button>
      ) : null}
    </div>
  );
}
