/**
 * The presenter stage (`?present=1`, the Present button or P): the diagram takes the whole screen,
 * the step's sentence is a caption band under it, and a small row of controls in the top corner
 * fades when idle. The event list (L) and the inspector (I) slide in from the right on demand.
 */
import type { ReactNode } from 'react';
import type { Player } from '../animation/player';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import { useVizStore, useVizStoreApi } from '../store/VizStoreProvider';
import { PlaybackControls } from './PlaybackControls';
import { Stage } from './Stage';
import { fitWhole } from './ZoomControls';

export type PresenterSheet = 'events' | 'inspector' | 'sequence' | null;

export interface PresenterLayoutProps {
  onCanvas(canvas: CanvasInstance | null): void;
  canvas(): CanvasInstance | null;
  player(): Player | null;
  sheet: PresenterSheet;
  onSheet(sheet: PresenterSheet): void;
  events: ReactNode;
  inspector: ReactNode;
  /** the sequence view, which covers the diagram while it is chosen */
  sequence: ReactNode;
  onExit(): void;
  /** a band above the caption (a lesson, a challenge) */
  above?: ReactNode;
}

export function PresenterLayout({
  onCanvas,
  canvas,
  player,
  sheet,
  onSheet,
  events,
  inspector,
  sequence,
  onExit,
  above,
}: PresenterLayoutProps) {
  const store = useVizStoreApi();
  const follow = useVizStore((s) => s.follow);
  const button =
    'h-9 rounded border border-slate-300 px-2 text-sm hover:bg-slate-100 aria-pressed:bg-slate-800 aria-pressed:text-white dark:border-slate-600 dark:hover:bg-slate-700 dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900';
  const controls = (
    <div
      className="flex items-center gap-2 rounded-lg border border-slate-300 bg-white/95 px-2 py-1 shadow dark:border-slate-600 dark:bg-slate-900/95"
      data-testid="presenter.controls"
    >
      <PlaybackControls player={player} compact />
      <button
        type="button"
        className={button}
        aria-pressed={follow}
        onClick={() => store.getState().setFollow(true)}
        title="Follow the packet (.)"
      >
        Follow
      </button>
      <button type="button" className={button} onClick={() => fitWhole(store, canvas())} title="Fit (0)">
        Fit
      </button>
      <button
        type="button"
        className={button}
        aria-pressed={sheet === 'events'}
        onClick={() => onSheet(sheet === 'events' ? null : 'events')}
        title="Event list (L)"
      >
        Events
      </button>
      <button
        type="button"
        className={button}
        aria-pressed={sheet === 'inspector'}
        onClick={() => onSheet(sheet === 'inspector' ? null : 'inspector')}
        title="Inspector (I)"
      >
        Inspector
      </button>
      <button
        type="button"
        className={button}
        aria-pressed={sheet === 'sequence'}
        onClick={() => onSheet(sheet === 'sequence' ? null : 'sequence')}
        title="Sequence diagram of the trace (S)"
      >
        Sequence
      </button>
      <button type="button" className={button} onClick={onExit} title="Leave the presenter stage (P, Esc)">
        Exit
      </button>
    </div>
  );
  return (
    <main className="h-full" data-testid="presenter" aria-label="Presenter stage">
      <Stage
        mode="present"
        onCanvas={onCanvas}
        canvas={canvas}
        player={player}
        topControls={controls}
        side={sheet === 'events' ? events : sheet === 'inspector' ? inspector : undefined}
        cover={sheet === 'sequence' ? sequence : undefined}
        above={above}
      />
    </main>
  );
}
