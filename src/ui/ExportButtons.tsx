/** Download the diagram as PNG or SVG; a PNG too large to draw is reduced or refused, with a message. */
import { Suspense, lazy, useState } from 'react';
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import { download } from './download';
import { useVizStoreApi } from '../store/VizStoreProvider';
import { stageCaption } from './stageCaption';

/** The animation export and its encoders load on the first click, not with the app. */
const AnimationExportDialog = lazy(() => import('./animationExport/AnimationExportDialog'));

export function ExportButtons({ canvas }: { canvas(): ClusterCanvas | null }) {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [animating, setAnimating] = useState(false);
  const store = useVizStoreApi();
  /** the stage's caption at this step (read at the click, not on every step) */
  const caption = () => stageCaption(store.getState());
  const button =
    'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  const failed = (what: string) => (error: unknown) =>
    setMessage({
      text: error instanceof Error && error.message ? error.message : `The ${what} export failed.`,
      error: true,
    });
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Export the diagram">
      <button
        type="button"
        className={button}
        onClick={() => {
          setMessage(null);
          canvas()
            ?.exportPng()
            .then(({ blob, note }) => {
              download(blob, 'k8s-netviz.png');
              if (note) setMessage({ text: note, error: false });
            }, failed('PNG'));
        }}
      >
        PNG
      </button>
      <button
        type="button"
        className={button}
        onClick={() => {
          setMessage(null);
          canvas()
            ?.exportSvg(caption())
            .then((svg) => download(svg, 'k8s-netviz.svg', 'image/svg+xml'), failed('SVG'));
        }}
      >
        SVG
      </button>
      <button type="button" className={button} aria-haspopup="dialog" onClick={() => setAnimating(true)}>
        Animation…
      </button>
      {animating ? (
        <Suspense fallback={null}>
          <AnimationExportDialog canvas={canvas} onClose={() => setAnimating(false)} />
        </Suspense>
      ) : null}
      {message ? (
        // only while there is something to say: an empty live region would be one more "status"
        <span
          role={message.error ? 'alert' : 'status'}
          data-testid="export.message"
          className={`max-w-xs text-xs ${message.error ? 'text-red-700 dark:text-red-400' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
