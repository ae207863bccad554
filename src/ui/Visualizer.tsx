/**
 * The visualizer: one store, one canvas, one player per instance. The full app and (later) the
 * embed are this component with different chrome.
 */
import { Suspense, lazy, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { Player } from '../animation/player';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import type { VizStore, VizStoreOptions } from '../store/createVizStore';
import { VizStoreProvider, useVizStore, useVizStoreApi } from '../store/VizStoreProvider';
import { selectCurrentHop, selectStep, selectSteps, selectTheme } from '../store/selectors';
import { ExportButtons } from './ExportButtons';
import { Legend } from './Legend';
import { ZoomControls } from './ZoomControls';
import { SearchBox } from './SearchBox';
import { CniSwitch, ProxyModeSwitch, ScenarioExplanation, ScenarioPicker } from './ScenarioPicker';
import { useScenarioFromUrl } from './hooks/useScenarioFromUrl';
import { useKeyboard } from './hooks/useKeyboard';
import { forLearners, shortNarration, stepLabel } from './learnerText';

import { ClusterCanvas } from './ClusterCanvas';
import { DetailsPanel } from './DetailsPanel';
import { LargerText } from './LargerText';
import { HopList } from './HopList';
import { PhoneLayout } from './PhoneLayout';
import { PresenterLayout } from './PresenterLayout';
import type { PresenterSheet } from './PresenterLayout';
import { READABLE_PX, Stage } from './Stage';
import { PlaybackControls } from './PlaybackControls';
import { PrintHandout } from './PrintHandout';
import { SendPacketForm } from './SendPacketForm';
import { usePlayback } from './hooks/usePlayback';
import { EmbedChrome } from './EmbedChrome';
import type { EmbedControls } from './EmbedChrome';
import { ShareButton } from './ShareDialog';
import { SkipLinks } from './SkipLinks';
import type { ShareActions } from './ShareDialog';
import { useStore } from 'zustand';
import { useLessonSession } from './lesson/useLessonSession';
import { LessonOverlay } from './lesson/LessonOverlay';
import { LessonsButton } from './lesson/LessonsButton';

/** What the app layer (entry points, the test hook) may reach of a live visualizer. */
export interface VisualizerApi {
  store: VizStore;
  player(): Player | null;
  canvas(): CanvasInstance | null;
}

/** What the first screen doesn't show loads on demand: the editor (and CodeMirror), the text
 * view, the inspector of a selection, the shortcuts dialog. */
const EditorPanel = lazy(() => import('./editor/EditorPanel'));
const TextView = lazy(() => import('./TextView').then((m) => ({ default: m.TextView })));
const HelpDialog = lazy(() => import('./HelpDialog'));
// the matrix loads the policy engine with it: only when the view is chosen
const MatrixView = lazy(() => import('./MatrixView'));
const SequenceView = lazy(() => import('./sequence/SequenceView').then((m) => ({ default: m.SequenceView })));

export interface VisualizerProps {
  options?: VizStoreOptions;
  /** makes the Web Worker that imports manifests (the app knows where its entry is) */
  createImportWorker?: () => Worker;
  /** open the editor at start (the user had it open, or has text kept from last time) */
  editorOpen?: boolean;
  /** the text the editor opens with instead of the kept one (manifests given by the page's address) */
  editorText?: string;
  onReady?(api: VisualizerApi): void;
  /** follow `#example=<id>&step=<n>` in the page's URL (the full app does; embeds may not) */
  followUrl?: boolean;
  /** how it is shown: the embed layout, its controls, the view, keys (the page's query decides) */
  presentation?: VisualizerPresentation;
  /** links, snippets and the scenario as a file (the Share dialog; the embed's links) */
  share?: ShareActions;
}

export interface VisualizerPresentation {
  embed: boolean;
  /** open on the presenter stage */
  present?: boolean;
  controls: EmbedControls;
  view: ViewMode;
  keyboard: boolean;
}

export function Visualizer({
  options,
  onReady,
  followUrl = true,
  createImportWorker,
  editorOpen = false,
  editorText,
  presentation,
  share,
}: VisualizerProps) {
  return (
    <VizStoreProvider {...(options ? { options } : {})}>
      <VisualizerLayout
        {...(onReady ? { onReady } : {})}
        {...(createImportWorker ? { createImportWorker } : {})}
        followUrl={followUrl}
        editorOpen={editorOpen}
        {...(editorText !== undefined ? { editorText } : {})}
        {...(presentation ? { presentation } : {})}
        {...(share ? { share } : {})}
      />
    </VizStoreProvider>
  );
}

/** What a screen reader hears: a few words per hop while playing, the whole sentence when stepping. */
function Narration() {
  const hop = useVizStore(selectCurrentHop);
  const step = useVizStore(selectStep);
  const steps = useVizStore(selectSteps);
  const playing = useVizStore((s) => s.playing);
  const text = !hop
    ? ''
    : playing
      ? shortNarration(hop)
      : `Step ${stepLabel(step, steps.length)}: ${forLearners(hop.text)}`;
  return (
    <p className="sr-only" aria-live="polite" data-testid="narration">
      {text}
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

export type ViewMode = 'graph' | 'split' | 'text' | 'sequence' | 'matrix';

function ViewSwitch({
  view,
  onChange,
  withMatrix = false,
}: {
  view: ViewMode;
  onChange(v: ViewMode): void;
  withMatrix?: boolean;
}) {
  const modes: [ViewMode, string][] = [
    ['graph', 'Diagram'],
    ['split', 'Split'],
    ['text', 'Text'],
    ['sequence', 'Sequence'],
    ...(withMatrix ? [['matrix', 'Matrix'] as [ViewMode, string]] : []),
  ];
  return (
    <div
      className="flex overflow-hidden rounded border border-slate-300 text-sm dark:border-slate-600"
      role="group"
      aria-label="View"
    >
      {modes.map(([mode, label]) => (
        <button
          key={mode}
          type="button"
          aria-pressed={view === mode}
          onClick={() => onChange(mode)}
          className={`px-1.5 py-1 ${view === mode ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'hover:bg-slate-100 dark:hover:bg-slate-700'}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/**
 * Whether the window is narrower than a tablet, or too short for the two-row header, the diagram
 * and the events (a landscape phone, a small laptop window): the one-column phone layout.
 */
function useNarrow(): boolean {
  const query = '(max-width: 639px), (max-height: 519px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(function followWidth() {
    const list = window.matchMedia(query);
    const onChange = (): void => setNarrow(list.matches);
    list.addEventListener('change', onChange);
    onChange();
    return () => list.removeEventListener('change', onChange);
  }, []);
  return narrow;
}

function PresentButton() {
  const setPresenting = useVizStore((s) => s.setPresenting);
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
      onClick={() => setPresenting(true)}
      title="Presenter stage (P)"
    >
      Present
    </button>
  );
}

function PickButton() {
  const pick = useVizStore((s) => s.pick);
  const setPickMode = useVizStore((s) => s.setPickMode);
  return (
    <button
      type="button"
      aria-pressed={pick !== null}
      className={`rounded border px-2 py-1 text-sm ${pick ? 'border-orange-600 bg-orange-50 dark:bg-orange-950' : 'border-slate-300 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700'}`}
      onClick={() => setPickMode(pick === null)}
    >
      Send from…
    </button>
  );
}

function PickBanner() {
  const pick = useVizStore((s) => s.pick);
  if (!pick) return null;
  return (
    <div
      role="status"
      data-testid="pick.banner"
      // over the canvas, not above it: the diagram must not move between the two clicks
      className="absolute top-2 left-1/2 z-20 -translate-x-1/2 rounded bg-orange-100 px-3 py-1 text-sm text-orange-900 shadow dark:bg-orange-950 dark:text-orange-100"
    >
      {pick.stage === 'from'
        ? 'Click the source on the diagram: a pod, one of its containers, or a node. Esc leaves.'
        : `From ${pick.from}: now click the destination — a pod, a Service or a node. Esc leaves.`}
    </div>
  );
}

function NoticeBar() {
  const notice = useVizStore((s) => s.notice);
  const setNotice = useVizStore((s) => s.setNotice);
  if (!notice) return null;
  return (
    <div
      role="status"
      data-testid="notice"
      className="flex items-center gap-2 bg-amber-100 px-3 py-1 text-sm text-amber-900"
    >
      <span className="flex-1">{notice}</span>
      <button type="button" aria-label="Dismiss" onClick={() => setNotice(null)}>
        ✕
      </button>
    </div>
  );
}

function SettingsMenu({ onHelp }: { onHelp(): void }) {
  const reducedMotion = useVizStore((s) => s.reducedMotion);
  const largeText = useVizStore((s) => s.largeText);
  const setReducedMotion = useVizStore((s) => s.setReducedMotion);
  const setLargeText = useVizStore((s) => s.setLargeText);
  return (
    <details
      className="relative"
      onKeyDown={(e) => {
        // Esc closes the menu and leaves focus on its button, as a menu does
        if (e.key !== 'Escape' || !e.currentTarget.open) return;
        e.currentTarget.open = false;
        e.currentTarget.querySelector('summary')?.focus();
        e.stopPropagation();
      }}
    >
      <summary
        className="cursor-pointer list-none rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-600"
        aria-label="Settings"
      >
        ⚙
      </summary>
      <div className="absolute right-0 z-30 mt-1 w-56 space-y-2 rounded border border-slate-300 bg-white p-2 text-sm shadow dark:border-slate-600 dark:bg-slate-800">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={reducedMotion} onChange={(e) => setReducedMotion(e.target.checked)} />
          Reduced motion (step, don’t move)
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={largeText} onChange={(e) => setLargeText(e.target.checked)} />
          Larger text (projectors)
        </label>
        <button type="button" className="underline" onClick={onHelp}>
          Keyboard shortcuts (?)
        </button>
      </div>
    </details>
  );
}

interface LayoutProps {
  onReady?(api: VisualizerApi): void;
  createImportWorker?: () => Worker;
  followUrl: boolean;
  editorOpen: boolean;
  editorText?: string;
  presentation?: VisualizerPresentation;
  share?: ShareActions;
}

function VisualizerLayout({
  onReady,
  followUrl,
  createImportWorker,
  editorOpen,
  editorText,
  presentation,
  share,
}: LayoutProps) {
  const [editor, setEditor] = useState(editorOpen);
  const store = useVizStoreApi();
  const theme = useVizStore(selectTheme);
  const canvasRef = useRef<CanvasInstance | null>(null);
  const playback = usePlayback(store, () => canvasRef.current);
  const player = useCallback(() => playback.current, [playback]);
  const handleCanvas = useCallback((canvas: CanvasInstance | null) => {
    canvasRef.current = canvas;
  }, []);
  const [view, setView] = useState<ViewMode>(presentation?.view ?? 'graph');
  const presentedView = presentation?.view;
  useEffect(
    function followPresentedView() {
      // a host page's setOptions changes the view after the first render
      if (presentedView) setView(presentedView);
    },
    [presentedView],
  );
  const [help, setHelp] = useState(false);
  // two visualizers on one page keep their own skip targets
  const skipId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const largeText = useVizStore((s) => s.largeText);
  const openHelp = useCallback(() => setHelp(true), []);
  useScenarioFromUrl(store, followUrl);
  const canvas = useCallback(() => canvasRef.current, []);
  useEffect(
    function followSystemMotionSetting() {
      // read at load by the entry; a change in the system's setting later applies at once
      const query = window.matchMedia?.('(prefers-reduced-motion: reduce)');
      if (!query) return;
      const onChange = (): void => store.getState().setReducedMotion(query.matches);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    [store],
  );
  const presenting = useVizStore((s) => s.presenting);
  const [sheet, setSheet] = useState<PresenterSheet>(null);
  const narrow = useNarrow();
  const startPresenting = presentation?.present ?? false;
  useEffect(
    function openOnPresenterStage() {
      if (startPresenting) store.getState().setPresenting(true);
    },
    [store, startPresenting],
  );
  const stageKeys = useMemo(
    () => ({
      togglePresenter: () => store.getState().setPresenting(!store.getState().presenting),
      exitPresenter: () => store.getState().setPresenting(false),
      toggleEvents: () => setSheet((x) => (x === 'events' ? null : 'events')),
      toggleInspector: () => setSheet((x) => (x === 'inspector' ? null : 'inspector')),
      toggleSequence: () => setSheet((x) => (x === 'sequence' ? null : 'sequence')),
    }),
    [store],
  );
  useKeyboard(store, player, rootRef, openHelp, presentation?.keyboard ?? true, canvas, stageKeys);
  const lesson = useLessonSession(store, player, canvas, rootRef, {
    keyboard: presentation?.keyboard ?? true,
    followUrl,
    embed: presentation?.embed ?? false,
    share: share?.lessons,
  });
  // a challenge's question must not be answered by the event list, the text view or the handout
  const challenging = useStore(lesson.lessons, (s) => s.challenge !== null && !s.challenge.finished);
  // the text, sequence and matrix views lay out the whole path: the diagram alone until it is over
  const shown: ViewMode = challenging ? 'graph' : view;
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useEffect(
    function announceReady() {
      onReadyRef.current?.({ store, player, canvas: () => canvasRef.current });
    },
    [store, player],
  );

  const helpDialog = help ? (
    <Suspense fallback={null}>
      <HelpDialog onClose={() => setHelp(false)} />
    </Suspense>
  ) : null;

  /** The theme's root and page colours around a layout, with the narration and the help. */
  const shell = (layout: ReactNode) => (
    <div ref={rootRef} data-viz-root="" className={`${theme === 'dark' ? 'dark' : ''} h-full`}>
      <div className="h-full bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
        <div className="h-full print:hidden">{layout}</div>
        {challenging ? null : <PrintHandout canvas={canvas} />}
        <Narration />
        {helpDialog}
      </div>
    </div>
  );

  if (presentation?.embed) {
    return shell(
      <EmbedChrome
        controls={presentation.controls}
        // the embed has no matrix: it shows the diagram instead
        view={view === 'matrix' || challenging ? 'graph' : view}
        share={share}
        canvas={
          <Stage
            mode="embed"
            onCanvas={handleCanvas}
            canvas={canvas}
            player={player}
            above={<LessonOverlay session={lesson} mode="embed" />}
          />
        }
        text={
          <Suspense fallback={null}>
            <TextView />
          </Suspense>
        }
        sequence={
          <Suspense fallback={null}>
            <SequenceView player={player} />
          </Suspense>
        }
        playback={<PlaybackControls player={player} compact />}
        viewSwitch={<ViewSwitch view={view} onChange={setView} />}
        exportButtons={<ExportButtons canvas={canvas} />}
        notice={<NoticeBar />}
        takeFocus={presentation.keyboard}
      />,
    );
  }

  // what the presenter stage and the phone layout both hold
  const stage = { onCanvas: handleCanvas, canvas, player };
  const events = challenging ? (
    <p className="p-3 text-sm">The event list opens once the challenge is over: it would give the answers away.</p>
  ) : (
    <HopList player={player} />
  );
  const inspector = <DetailsPanel />;
  const sequence = (mode: 'present' | 'phone') =>
    challenging ? (
      <p className="p-3 text-sm">The sequence opens once the challenge is over: it would give the answers away.</p>
    ) : (
      <Suspense fallback={null}>
        <SequenceView player={player} font={mode === 'present' ? 18 : 13} exports={mode !== 'present'} />
      </Suspense>
    );

  if (presenting) {
    return shell(
      <PresenterLayout
        {...stage}
        sheet={sheet}
        onSheet={setSheet}
        events={events}
        inspector={inspector}
        sequence={sequence('present')}
        onExit={stageKeys.exitPresenter}
        above={<LessonOverlay session={lesson} mode={narrow ? 'phone' : 'present'} />}
      />,
    );
  }

  if (narrow) {
    return shell(
      <PhoneLayout
        {...stage}
        title={
          <h1 className="shrink-0 text-base font-bold">
            <span className="text-[#326ce5] dark:text-sky-400">k8s</span>-netviz
          </h1>
        }
        scenario={<ScenarioPicker />}
        notice={<NoticeBar />}
        menu={
          <>
            <CniSwitch />
            <ProxyModeSwitch />
            <SendPacketForm />
            <PickButton />
            <SearchBox onFocus={(id) => canvasRef.current?.focus(id)} />
            <div className="flex flex-wrap items-center gap-1.5">
              {share ? <ShareButton share={share} /> : null}
              <ExportButtons canvas={canvas} />
              <ThemeToggle />
              <PresentButton />
              <LessonsButton session={lesson} />
              <SettingsMenu onHelp={openHelp} />
            </div>
            <ScenarioExplanation />
          </>
        }
        events={events}
        inspector={inspector}
        sequence={sequence('phone')}
        overlay={<PickBanner />}
        matrix={
          view === 'matrix' && !challenging ? (
            <Suspense fallback={<p className="p-3 text-sm">Loading the matrix…</p>}>
              <MatrixView onShowDiagram={() => setView('graph')} />
            </Suspense>
          ) : null
        }
        onMatrix={() => setView(view === 'matrix' ? 'graph' : 'matrix')}
      />,
    );
  }

  return (
    <div ref={rootRef} data-viz-root="" className={`${theme === 'dark' ? 'dark' : ''} h-full`}>
      <div className="flex h-full flex-col bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
        <SkipLinks
          targets={[
            { id: `${skipId}-diagram`, label: 'Skip to the diagram' },
            { id: `${skipId}-playback`, label: 'Skip to playback' },
          ]}
        />
        <header className="border-b border-slate-200 px-3 py-1.5 print:hidden dark:border-slate-700">
          {/* the cluster and the app's tools */}
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
            <h1 className="text-base font-bold">
              <span className="text-[#326ce5] dark:text-sky-400">k8s</span>-netviz
            </h1>
            <ScenarioPicker />
            <CniSwitch />
            <ProxyModeSwitch />
            <div className="ml-auto flex flex-wrap items-center gap-1.5">
              {createImportWorker ? (
                <button
                  type="button"
                  aria-pressed={editor}
                  className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
                  onClick={() => setEditor(!editor)}
                >
                  Edit YAML
                </button>
              ) : null}
              {share ? <ShareButton share={share} /> : null}
              <ExportButtons canvas={canvas} />
              <ThemeToggle />
              <PresentButton />
              <LessonsButton session={lesson} />
              <SettingsMenu onHelp={openHelp} />
            </div>
          </div>
          {/* the packet: what to send, and finding things */}
          <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1.5">
            <SendPacketForm />
            <PickButton />
            <div className="ml-auto flex flex-wrap items-center gap-1.5">
              <SearchBox onFocus={(id) => canvasRef.current?.focus(id)} />
              <ViewSwitch view={shown} onChange={setView} withMatrix />
            </div>
          </div>
        </header>
        {/* the notice and the scenario's explanation belong to the main content (every part of
            the page inside a landmark) */}
        <main className="flex min-h-0 flex-1 flex-col print:hidden">
          <NoticeBar />
          <ScenarioExplanation />
          <div className="flex min-h-0 flex-1">
            {editor && createImportWorker ? (
              <div className="w-[28rem] shrink-0 border-r border-slate-200 dark:border-slate-700">
                <Suspense fallback={<p className="p-3 text-sm">Loading the editor…</p>}>
                  <EditorPanel
                    createWorker={createImportWorker}
                    onClose={() => setEditor(false)}
                    {...(editorText !== undefined ? { initialText: editorText } : {})}
                  />
                </Suspense>
              </div>
            ) : null}
            <div
              id={`${skipId}-diagram`}
              className={`relative min-w-0 flex-1 ${shown === 'text' || shown === 'matrix' || shown === 'sequence' ? 'hidden' : ''}`}
            >
              <ClusterCanvas onCanvas={handleCanvas} readablePx={READABLE_PX.app} />
              <ZoomControls canvas={canvas} />
              <PickBanner />
              <Legend />
            </div>
            {shown === 'matrix' ? (
              <div className="min-h-0 min-w-0 flex-1">
                <Suspense fallback={<p className="p-3 text-sm">Loading the matrix…</p>}>
                  <MatrixView onShowDiagram={() => setView('graph')} />
                </Suspense>
              </div>
            ) : shown === 'sequence' ? (
              <div className="min-h-0 min-w-0 flex-1" data-testid="view.sequence">
                <Suspense fallback={<p className="p-3 text-sm">Loading the sequence…</p>}>
                  <SequenceView player={player} />
                </Suspense>
              </div>
            ) : shown !== 'graph' ? (
              <div
                className={`${shown === 'text' ? 'flex-1' : 'w-96 shrink-0 border-l border-slate-200 dark:border-slate-700'} min-h-0`}
              >
                <Suspense fallback={null}>
                  <TextView />
                </Suspense>
              </div>
            ) : null}
          </div>
        </main>
        <section
          // one height from the start: a selection never resizes the diagram under the pointer
          // the matrix needs the height more than the hop list does
          className={`grid ${shown === 'matrix' ? 'h-44' : 'h-56 [@media(min-height:800px)]:h-64'} shrink-0 grid-cols-[minmax(0,3fr)_minmax(0,2fr)] border-t border-slate-200 print:hidden dark:border-slate-700`}
          aria-label="Packet trace"
        >
          <div className="flex min-h-0 flex-col" aria-label="Hops">
            {/* playback sits with the event list it drives, as in Packet Tracer's simulation panel */}
            <div
              id={`${skipId}-playback`}
              className="shrink-0 border-b border-slate-200 px-2 py-1 dark:border-slate-700"
            >
              <PlaybackControls player={player} />
            </div>
            <div className="min-h-0 flex-1 overflow-auto">
              <LargerText on={largeText}>{events}</LargerText>
            </div>
          </div>
          <div className="min-h-0 border-l border-slate-200 dark:border-slate-700">
            <DetailsPanel />
          </div>
        </section>
        {challenging ? null : <PrintHandout canvas={canvas} />}
        <Narration />
        {helpDialog}
      </div>
    </div>
  );
}
