/**
 * The visualizer: one store, one canvas, one player per instance. The full app and (later) the
 * embed are this component with different chrome.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { Player } from '../animation/player';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import type { VizStore, VizStoreOptions } from '../store/createVizStore';
import { VizStoreProvider, useVizStore, useVizStoreApi } from '../store/VizStoreProvider';
import { selectCurrentHop, selectStep, selectSteps, selectTheme } from '../store/selectors';
import { ClusterCanvas } from './ClusterCanvas';
import { HopInspector } from './HopInspector';
import { HopList } from './HopList';
import { PlaybackControls } from './PlaybackControls';
import { SendPacketForm } from './SendPacketForm';
import { usePlayback } from './hooks/usePlayback';

/** What the app layer (entry points, the test hook) may reach of a live visualizer. */
export interface VisualizerApi {
  store: VizStore;
  player(): Player | null;
  canvas(): CanvasInstance | null;
}

export interface VisualizerProps {
  options?: VizStoreOptions;
  onReady?(api: VisualizerApi): void;
}

export function Visualizer({ options, onReady }: VisualizerProps) {
  return (
    <VizStoreProvider {...(options ? { options } : {})}>
      <VisualizerLayout {...(onReady ? { onReady } : {})} />
    </VizStoreProvider>
  );
}

function Narration() {
  const hop = useVizStore(selectCurrentHop);
  const step = useVizStore(selectStep);
  const steps = useVizStore(selectSteps);
  return (
    <p className="sr-only" aria-live="polite" data-testid="narration">
      {hop ? `Step ${step} of ${steps.length - 1}: ${hop.text}` : ''}
    </p>
  );
}

function ThemeToggle() {
  const theme = useVizStore(selectTheme);
  const setTheme = useVizStore((s) => s.setTheme);
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
      onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

function VisualizerLayout({ onReady }: { onReady?(api: VisualizerApi): void }) {
  const store = useVizStoreApi();
  const theme = useVizStore(selectTheme);
  const canvasRef = useRef<CanvasInstance | null>(null);
  const playback = usePlayback(store, () => canvasRef.current);
  const player = useCallback(() => playback.current, [playback]);
  const handleCanvas = useCallback((canvas: CanvasInstance | null) => {
    canvasRef.current = canvas;
  }, []);
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useEffect(
    function announceReady() {
      onReadyRef.current?.({ store, player, canvas: () => canvasRef.current });
    },
    [store, player],
  );

  return (
    <div className={`${theme === 'dark' ? 'dark' : ''} h-full`}>
      <div className="flex h-full flex-col bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
        <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 px-3 py-2 dark:border-slate-700">
          <h1 className="text-base font-bold">
            <span className="text-[#326ce5] dark:text-sky-400">k8s</span>-netviz
          </h1>
          <SendPacketForm />
          <PlaybackControls player={player} />
          <div className="ml-auto">
            <ThemeToggle />
          </div>
        </header>
        <main className="min-h-0 flex-1">
          <ClusterCanvas onCanvas={handleCanvas} />
        </main>
        <section className="grid h-72 shrink-0 grid-cols-[minmax(0,3fr)_minmax(0,2fr)] border-t border-slate-200 dark:border-slate-700" aria-label="Packet trace">
          <div className="overflow-auto" aria-label="Hops">
            <HopList player={player} />
          </div>
          <div className="overflow-auto border-l border-slate-200 dark:border-slate-700">
            <HopInspector />
          </div>
        </section>
        <Narration />
      </div>
    </div>
  );
}
