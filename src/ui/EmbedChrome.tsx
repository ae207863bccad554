/**
 * The embed's layout (`?embed=1`): no header, no editor, sized to its frame. The diagram (or the
 * text view) fills what the controls leave, and an "Open in full app" link is always there. The
 * parts come in as slots from the Visualizer, so the canvas and the player stay its own.
 */
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useVizStoreApi } from '../store/VizStoreProvider';
import { downloadText } from './ShareDialog';
import type { ShareActions } from './ShareDialog';

export type EmbedControls = 'full' | 'minimal' | 'none';

export interface EmbedChromeProps {
  controls: EmbedControls;
  view: 'graph' | 'text' | 'split' | 'sequence';
  share: ShareActions | undefined;
  canvas: ReactNode;
  text: ReactNode;
  /** the sequence (ladder) view of the trace */
  sequence: ReactNode;
  playback: ReactNode;
  viewSwitch: ReactNode;
  exportButtons: ReactNode;
  notice: ReactNode;
  /**
   * Whether a click in the frame gives it the keyboard. The diagram's canvas cancels mousedown (so
   * the frame would never get focus from a click on it); with keyboard=off the host page (a deck)
   * keeps its keys, so the frame must not take them.
   */
  takeFocus: boolean;
}

/** The full app's link to what is on screen, kept current (links are built asynchronously). */
function useFullAppHref(share: ShareActions | undefined): string | null {
  const store = useVizStoreApi();
  const [href, setHref] = useState<string | null>(null);
  useEffect(
    function followContent() {
      if (!share) return;
      let live = true;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const refresh = (): void => {
        void share.links().then(
          (l) => live && setHref(l.url),
          () => undefined,
        );
      };
      refresh();
      const unsubscribe = store.subscribe((s, prev) => {
        if (
          s.cluster === prev.cluster &&
          s.request === prev.request &&
          s.step === prev.step &&
          s.selection === prev.selection
        )
          return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      });
      return () => {
        live = false;
        if (timer) clearTimeout(timer);
        unsubscribe();
      };
    },
    [share, store],
  );
  return href;
}

export function EmbedChrome({
  controls,
  view,
  share,
  canvas,
  text,
  sequence,
  playback,
  viewSwitch,
  exportButtons,
  notice,
  takeFocus,
}: EmbedChromeProps) {
  const href = useFullAppHref(share);
  const openLink = (
    <a
      href={href ?? './'}
      target="_blank"
      rel="noopener"
      data-testid="embed.open"
      className="shrink-0 text-sm whitespace-nowrap text-[#326ce5] underline dark:text-sky-400"
      aria-label="Open in full app"
    >
      <span className="hidden min-[480px]:inline">Open in full app</span>
      <span className="min-[480px]:hidden">Open</span> ↗
    </a>
  );
  const button =
    'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  return (
    <div
      className="flex h-full flex-col"
      data-testid="embed.root"
      onPointerDown={() => {
        if (takeFocus && !document.hasFocus()) window.focus();
      }}
    >
      {controls !== 'none' ? (
        <header
          // one compact row at every width (320 px and up): playback, then the rest behind "More";
          // a landmark, so that nothing of the embed is outside one
          className="relative z-40 flex flex-nowrap items-center gap-2 border-b border-slate-200 px-2 py-1 dark:border-slate-700"
          data-embed-chrome=""
        >
          {playback}
          {controls === 'full' ? (
            <details className="relative shrink-0" data-testid="embed.more">
              <summary
                className={`${button} flex h-8 cursor-pointer list-none items-center pointer-coarse:h-11`}
                aria-label="More: view, export"
              >
                More ▾
              </summary>
              <div className="absolute left-0 mt-1 flex w-max flex-col items-start gap-2 rounded border border-slate-300 bg-white p-2 shadow-lg dark:border-slate-600 dark:bg-slate-800">
                {viewSwitch}
                <div className="flex items-center gap-1.5">
                  {exportButtons}
                  {share ? (
                    <button
                      type="button"
                      className={button}
                      onClick={() => {
                        void share.exportScenario().then(({ name, text: body }) => downloadText(body, name));
                      }}
                    >
                      JSON
                    </button>
                  ) : null}
                </div>
              </div>
            </details>
          ) : null}
          <span className="ml-auto">{openLink}</span>
        </header>
      ) : null}
      {notice}
      <main className="relative flex min-h-0 flex-1" data-embed-stage="">
        <div className={`relative min-w-0 flex-1 ${view === 'text' || view === 'sequence' ? 'hidden' : ''}`}>
          {canvas}
        </div>
        {view === 'sequence' ? (
          <div className="min-h-0 min-w-0 flex-1" data-testid="embed.sequence">
            {sequence}
          </div>
        ) : view !== 'graph' ? (
          <div
            className={`${view === 'text' ? 'flex-1' : 'w-2/5 shrink-0 border-l border-slate-200 dark:border-slate-700'} min-h-0 overflow-auto`}
          >
            {text}
          </div>
        ) : null}
        {controls === 'none' ? (
          <span className="absolute right-2 bottom-2 z-20 rounded bg-white/80 px-2 py-0.5 dark:bg-slate-900/80">
            {openLink}
          </span>
        ) : null}
      </main>
    </div>
  );
}
