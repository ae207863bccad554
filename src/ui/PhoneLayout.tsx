/**
 * The full app below 640 px: one column (the stage with its caption, then the playback row), the
 * toolbar behind a menu, and the event list and the inspector as sheets from the bottom.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { Player } from '../animation/player';
import type { ClusterCanvas as CanvasInstance } from '../canvas/createClusterCanvas';
import { PlaybackControls } from './PlaybackControls';
import { Stage } from './Stage';

type PhoneSheet = 'menu' | 'events' | 'inspector' | null;

export interface PhoneLayoutProps {
  onCanvas(canvas: CanvasInstance | null): void;
  canvas(): CanvasInstance | null;
  player(): Player | null;
  title: ReactNode;
  scenario: ReactNode;
  notice: ReactNode;
  menu: ReactNode;
  events: ReactNode;
  inspector: ReactNode;
  /** the sequence view, shown instead of the diagram while chosen */
  sequence: ReactNode;
  /** over the diagram (the pick banner) */
  overlay?: ReactNode;
  /** the reachability matrix, covering the diagram while shown (null: hidden) */
  matrix?: ReactNode;
  /** shows or hides the matrix (a button in the menu) */
  onMatrix?: () => void;
}

function Sheet({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(function focusSheet() {
    closeRef.current?.focus();
  }, []);
  return (
    <div
      role="dialog"
      aria-label={title}
      data-testid="phone.sheet"
      className="fixed inset-x-0 bottom-0 z-40 flex max-h-[75%] flex-col rounded-t-xl border-t border-slate-300 bg-white shadow-2xl dark:border-slate-600 dark:bg-slate-900"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="flex shrink-0 items-center border-b border-slate-200 px-3 dark:border-slate-700">
        <h2 className="flex-1 text-base font-semibold">{title}</h2>
        <button
          ref={closeRef}
          type="button"
          className="h-11 min-w-11 text-lg"
          aria-label={`Close ${title}`}
          onClick={onClose}
        >
          ✕
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-auto">{children}</div>
    </div>
  );
}

export function PhoneLayout({
  onCanvas,
  canvas,
  player,
  title,
  scenario,
  notice,
  menu,
  events,
  inspector,
  sequence,
  overlay,
  matrix = null,
  onMatrix,
}: PhoneLayoutProps) {
  const [sheet, setSheet] = useState<PhoneSheet>(null);
  const [ladder, setLadder] = useState(false);
  const bar = 'h-11 min-w-11 rounded border border-slate-300 px-3 text-sm dark:border-slate-600';
  return (
    <div className="flex h-full flex-col overflow-hidden" data-testid="phone">
      <header className="flex shrink-0 items-center gap-2 border-b border-slate-200 px-2 py-1 dark:border-slate-700">
        {title}
        <div className="min-w-0 flex-1 [&_select]:w-full [&_select]:min-w-0">{scenario}</div>
        <button
          type="button"
          className={bar}
          aria-label="Menu"
          aria-expanded={sheet === 'menu'}
          onClick={() => setSheet('menu')}
        >
          ☰
        </button>
      </header>
      {notice}
      <main className="relative min-h-0 flex-1">
        <Stage
          mode="phone"
          onCanvas={onCanvas}
          canvas={canvas}
          player={player}
          cover={matrix ?? (ladder ? sequence : undefined)}
        >
          {overlay}
        </Stage>
      </main>
      <nav
        aria-label="Playback and panels"
        className="flex shrink-0 items-center gap-2 border-t border-slate-200 px-2 py-1 dark:border-slate-700"
      >
        <PlaybackControls player={player} compact big />
        <span className="flex-1" />
        <button
          type="button"
          className={`${bar} aria-pressed:bg-slate-800 aria-pressed:text-white dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900`}
          aria-pressed={ladder}
          aria-label="Sequence diagram"
          onClick={() => setLadder(!ladder)}
        >
          Seq
        </button>
        <button type="button" className={bar} onClick={() => setSheet('events')}>
          Steps
        </button>
        <button type="button" className={bar} onClick={() => setSheet('inspector')}>
          Details
        </button>
      </nav>
      {sheet === 'menu' ? (
        <Sheet title="Menu" onClose={() => setSheet(null)}>
          <div className="flex flex-col gap-3 p-3 [&_input]:min-w-0 [&_select]:max-w-full">
            {onMatrix ? (
              <button
                type="button"
                className={`${bar} self-start aria-pressed:bg-slate-800 aria-pressed:text-white dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900`}
                aria-pressed={matrix !== null}
                onClick={() => {
                  onMatrix();
                  setSheet(null);
                }}
              >
                Matrix: who can reach whom
              </button>
            ) : null}
            {menu}
          </div>
        </Sheet>
      ) : sheet === 'events' ? (
        <Sheet title="Steps" onClose={() => setSheet(null)}>
          {events}
        </Sheet>
      ) : sheet === 'inspector' ? (
        <Sheet title="Details" onClose={() => setSheet(null)}>
          {inspector}
        </Sheet>
      ) : null}
    </div>
  );
}
