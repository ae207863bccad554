/** Download the diagram as PNG or SVG. */
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import { download } from './download';

export function ExportButtons({ canvas }: { canvas(): ClusterCanvas | null }) {
  const button =
    'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Export the diagram">
      <button
        type="button"
        className={button}
        onClick={() => {
          void canvas()
            ?.exportPng()
            .then((blob) => download(blob, 'k8s-netviz.png'));
        }}
      >
        PNG
      </button>
      <button
        type="button"
        className={button}
        onClick={() => {
          void canvas()
            ?.exportSvg()
            .then((svg) => download(svg, 'k8s-netviz.svg', 'image/svg+xml'));
        }}
      >
        SVG
      </button>
    </div>
  );
}
