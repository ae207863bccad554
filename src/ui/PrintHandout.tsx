/**
 * What printing gives (#26): a handout of the diagram at the current step, the scenario's
 * explanation and the event list as a table; the app's chrome is hidden by `print:hidden` on it.
 * The Cytoscape canvas does not print reliably (its size changes with the page's and it may come
 * out blank), so the diagram is the SVG export, set as an image as printing starts.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { ClusterCanvas } from '../canvas/createClusterCanvas';
import { explainTrace } from '../sim';
import { useVizStore, useVizStoreApi } from '../store/VizStoreProvider';
import { selectSteps, selectTrace } from '../store/selectors';
import { forLearners, placeName } from './learnerText';
import { stageCaption } from './stageCaption';

export function PrintHandout({ canvas }: { canvas(): ClusterCanvas | null }) {
  const store = useVizStoreApi();
  const scenario = useVizStore((s) => s.scenario);
  const trace = useVizStore(selectTrace);
  const steps = useVizStore(selectSteps);
  const step = useVizStore((s) => s.step);
  const settings = useVizStore((s) => s.cluster.settings);
  const mechanism = useMemo(() => (trace ? explainTrace(trace, settings).join(' ') : ''), [trace, settings]);
  const img = useRef<HTMLImageElement>(null);

  useEffect(
    function drawDiagramWhenPrinting() {
      const draw = (): void => {
        const c = canvas();
        // light on paper whatever the screen's theme: a dark page wastes ink and prints muddy
        const svg = c?.svgNow(stageCaption(store.getState()), undefined, { theme: 'light' });
        if (svg && img.current) img.current.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      };
      // beforeprint for the browser's Print; the media query for print emulation and PDF renderers
      // that switch the media without the event
      const query = window.matchMedia?.('print');
      const onQuery = (e: MediaQueryListEvent): void => {
        if (e.matches) draw();
      };
      window.addEventListener('beforeprint', draw);
      query?.addEventListener('change', onQuery);
      // loaded ahead, as soon as there is a diagram, so that printing finds the exporter ready: a
      // picture made later would be of the canvas hidden for print, refitted to nothing
      let preload = setTimeout(function preloadExporter() {
        const c = canvas();
        if (c) void c.preloadSvg();
        else preload = setTimeout(preloadExporter, 500);
      }, 500);
      return () => {
        window.removeEventListener('beforeprint', draw);
        query?.removeEventListener('change', onQuery);
        clearTimeout(preload);
      };
    },
    [canvas, store],
  );

  const current = step >= 0 && step < steps.length ? step + 1 : null;
  return (
    <section className="hidden text-black print:block" data-testid="print.handout">
      <h1 className="text-xl font-bold">{scenario?.title ?? 'k8s-netviz'}</h1>
      <figure className="my-3 break-inside-avoid">
        <img
          ref={img}
          alt="The diagram at the current step"
          className="max-h-[60vh] w-full object-contain"
          data-testid="print.diagram"
        />
        {current ? (
          <figcaption className="text-sm text-slate-700">
            The diagram at step {current} of {steps.length}.
          </figcaption>
        ) : null}
      </figure>
      {scenario || mechanism ? (
        <p className="my-3 text-sm" data-testid="print.explanation">
          {scenario ? <strong>{scenario.title}.</strong> : null} {scenario?.framing} {mechanism}
        </p>
      ) : null}
      {steps.length > 0 ? (
        <table className="w-full border-collapse text-left text-xs" data-testid="print.events">
          <thead>
            <tr className="border-b border-black">
              <th scope="col" className="px-1 py-0.5">
                Step
              </th>
              <th scope="col" className="px-1 py-0.5">
                Event
              </th>
              <th scope="col" className="px-1 py-0.5">
                Where
              </th>
              <th scope="col" className="px-1 py-0.5">
                Packet
              </th>
              <th scope="col" className="px-1 py-0.5">
                What happened
              </th>
            </tr>
          </thead>
          <tbody>
            {steps.map((hop, i) => (
              <tr
                key={i}
                className={`break-inside-avoid border-b border-slate-300 align-top ${i === step ? 'font-semibold' : ''}`}
              >
                <td className="px-1 py-0.5 tabular-nums">{i + 1}</td>
                <td className="px-1 py-0.5">{hop.kind}</td>
                <td className="px-1 py-0.5 break-all">{placeName(hop.at)}</td>
                <td className="px-1 py-0.5 font-mono whitespace-nowrap">
                  {hop.packet.src} → {hop.packet.dst}
                </td>
                <td className="px-1 py-0.5">{forLearners(hop.text)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
