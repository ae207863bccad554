/**
 * The event list, as in Packet Tracer's simulation mode: a row per hop (step, phase, where, what
 * happened, source and destination, rule), kept in sync with playback; a click jumps there.
 * For the keyboard it is one Tab stop (a grid of rows): Up / Down / Home / End move between rows,
 * Enter or Space plays to the row's hop.
 */
import { Fragment, useEffect, useRef, useState } from 'react';
import { rovingIndex } from './a11y/roving';
import type { Player } from '../animation/player';
import { renumbered, timeline } from '../sim';
import type { Exchange } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectStep, selectSteps, selectTrace } from '../store/selectors';
import { BurstResults } from './BurstResults';
import { placeName, wrapPoints } from './learnerText';

/** A place's name that wraps only between its parts (`web-8rdbl7jt4z-` / `w2bsc`), never mid-word. */
function Where({ id }: { id: string }) {
  return (
    <>
      {wrapPoints(placeName(id)).map((piece, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {piece}
        </Fragment>
      ))}
    </>
  );
}

const ENDS: Record<Exchange['leg'], [string, string]> = {
  'client-proxy': ['client', 'proxy'],
  'proxy-backend': ['proxy', 'backend'],
  direct: ['client', 'server'],
};

/** `client → proxy: ACK + request`: who sends what to whom in one exchange of the conversation. */
export function exchangeLabel(x: Exchange): string {
  const [opener, server] = ENDS[x.leg];
  const [from, to] = x.direction === 'to-server' ? [opener, server] : [server, opener];
  return `${from} → ${to}: ${x.carries.join(' + ')}`;
}

export function HopList({ player }: { player: () => Player | null }) {
  const steps = useVizStore(selectSteps);
  const trace = useVizStore(selectTrace);
  const step = useVizStore(selectStep);
  const burst = useVizStore((s) => s.burst !== null);
  const currentRow = useRef<HTMLTableRowElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  /** the row the keyboard is on; null: the current step's row is the Tab stop */
  const [active, setActive] = useState<number | null>(null);

  useEffect(
    function keepCurrentRowVisible() {
      currentRow.current?.scrollIntoView({ block: 'nearest' });
      // playback moved on while the keyboard was elsewhere: the Tab stop follows the step
      if (!tableRef.current?.contains(document.activeElement)) setActive(null);
    },
    [step],
  );

  if (burst) return <BurstResults />;
  if (!trace) {
    return (
      <p className="p-3 text-sm text-slate-600 dark:text-slate-300">
        Press <strong>Send packet</strong> to trace a packet through the cluster. Every hop it takes appears here.
      </p>
    );
  }
  const tabStop = Math.min(active ?? Math.max(step, 0), steps.length - 1);
  const order = timeline(trace);
  // Through a proxy the list is the conversation: a heading before each exchange's packets.
  const headed = renumbered(trace);
  const handleKeyDown = (e: React.KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      player()?.stepTo(tabStop);
      return;
    }
    const next = rovingIndex(e.key, tabStop, steps.length, 'vertical');
    if (next === null) return;
    // handled here: Home / End would otherwise jump playback, not the list
    e.preventDefault();
    setActive(next);
    rows.current[next]?.focus();
  };
  return (
    <table
      ref={tableRef}
      role="grid"
      aria-label="Hops"
      aria-readonly="true"
      className="w-full table-fixed border-collapse text-left text-xs"
      data-testid="hops.table"
      onKeyDown={handleKeyDown}
    >
      <thead className="sticky top-0 bg-slate-100 dark:bg-slate-800">
        <tr>
          <th scope="col" className="w-8 px-2 py-1">
            #
          </th>
          <th scope="col" className="hidden w-14 px-2 py-1 xl:table-cell">
            Phase
          </th>
          <th scope="col" className="w-16 px-2 py-1">
            Kind
          </th>
          <th scope="col" className="w-32 px-2 py-1 xl:w-40">
            Where
          </th>
          <th scope="col" className="w-48 px-2 py-1 xl:w-60">
            Source → destination
          </th>
          <th scope="col" className="px-2 py-1">
            Rule
          </th>
        </tr>
      </thead>
      <tbody>
        {steps.map((hop, i) => {
          const current = i === step;
          const phase = order[i]?.phase ?? 'reply';
          const e = order[i]?.exchange ?? null;
          const exchange = headed && e !== null && order[i - 1]?.exchange !== e ? trace.conversation?.[e] : undefined;
          return (
            <Fragment key={i}>
              {exchange ? (
                <tr data-testid="hops.exchange" className="bg-slate-50 dark:bg-slate-900">
                  <td colSpan={6} className="px-2 py-1 text-xs font-semibold text-slate-700 dark:text-slate-200">
                    {exchangeLabel(exchange)}
                  </td>
                </tr>
              ) : null}
              <tr
                ref={(el) => {
                  rows.current[i] = el;
                  if (current) currentRow.current = el;
                }}
                data-testid="hops.row"
                aria-current={current ? 'step' : undefined}
                aria-selected={current}
                // one Tab stop for the whole list (roving tabindex)
                tabIndex={i === tabStop ? 0 : -1}
                onClick={() => {
                  setActive(i);
                  player()?.stepTo(i);
                }}
                className={`cursor-pointer border-b border-slate-200 align-top dark:border-slate-700 ${
                  current ? 'bg-orange-100 dark:bg-orange-900/40' : i < step ? 'text-slate-500 dark:text-slate-400' : ''
                } hover:bg-slate-100 dark:hover:bg-slate-800`}
              >
                {/* counted from 1 on screen; links and the API keep the 0-based step */}
                <td className="px-2 py-1 tabular-nums">{i + 1}</td>
                <td className="hidden px-2 py-1 xl:table-cell">{phase}</td>
                <td className="px-2 py-1 font-semibold">{hop.kind}</td>
                <td className="px-2 py-1 break-normal" title={hop.at} data-testid="hops.where" data-id={hop.at}>
                  <Where id={hop.at} />
                </td>
                <td className="px-2 py-1 font-mono break-words">
                  {hop.packet.src} → {hop.packet.dst}
                  {hop.packet.outer ? (
                    <span className="block text-cyan-700 dark:text-cyan-400">
                      outer {hop.packet.outer.src} → {hop.packet.outer.dst}
                    </span>
                  ) : null}
                </td>
                <td className="px-2 py-1 font-mono break-words">{hop.rule ?? ''}</td>
              </tr>
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
