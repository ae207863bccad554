/**
 * The reachability matrix (issue 22) as a keyboard-navigable grid: rows are sources, columns
 * destinations, each cell a verdict shown by colour AND a symbol (forced colours and colour-blind
 * readers keep the symbol). Enter, Space or a click sends that packet, so the trace plays on the
 * diagram beside the grid; the details under the grid name the deciding policies.
 */
import { useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { MATRIX_VERDICTS, computeMatrix, declaredPorts, selectPods } from '../sim/matrix/matrix';
import type { MatrixCell, MatrixPort, MatrixVerdict } from '../sim/matrix/matrix';
import { matrixCsv } from '../sim/matrix/csv';
import { useVizStore } from '../store/VizStoreProvider';
import { download } from './download';
import { selectCluster } from '../store/selectors';

/** Above this many cells the grid asks for a narrower selection instead of rendering them all. */
export const MAX_GRID_CELLS = 10_000;

interface VerdictLook {
  /** what the cell shows: a symbol, readable without colour */
  symbol: string;
  /** the verdict in words for the legend and screen readers */
  words: string;
  className: string;
}

export const VERDICT_LOOK: Record<MatrixVerdict, VerdictLook> = {
  allowed: {
    symbol: '✓',
    words: 'allowed',
    className: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50',
  },
  'denied-egress': {
    symbol: '✗E',
    words: 'denied by egress policy',
    className: 'bg-rose-200 text-rose-950 dark:bg-rose-800 dark:text-rose-50',
  },
  'denied-ingress': {
    symbol: '✗I',
    words: 'denied by ingress policy',
    className: 'bg-orange-200 text-orange-950 dark:bg-orange-800 dark:text-orange-50',
  },
  'not-enforced': {
    symbol: '!N',
    words: 'policy not enforced',
    className: 'bg-amber-100 text-amber-950 dark:bg-amber-700 dark:text-amber-50',
  },
  refused: {
    symbol: '⊘R',
    words: 'refused (nothing listens)',
    className: 'bg-slate-200 text-slate-900 dark:bg-slate-600 dark:text-slate-50',
  },
};

const portLabel = (p: MatrixPort): string => `${p.protocol.toUpperCase()} ${p.port}`;
const portValue = (p: MatrixPort): string => `${p.port}/${p.protocol}`;

function parsePort(value: string): MatrixPort | null {
  const m = /^(\d+)\/(tcp|udp)$/.exec(value);
  return m ? { port: Number(m[1]), protocol: m[2] as MatrixPort['protocol'] } : null;
}

/** The whole cell as one sentence: the tooltip, the accessible name and the details. */
export function cellSentence(c: MatrixCell): string {
  const policies = c.policies.length > 0 ? ` Policies: ${c.policies.join(', ')}.` : '';
  return `${c.from} to ${c.to}, ${portLabel(c)}: ${c.verdict}. ${c.reason}${policies}`;
}

function Legend() {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs" aria-label="Legend">
      {MATRIX_VERDICTS.map((v) => (
        <li key={v} className="flex items-center gap-1">
          <span
            className={`inline-block min-w-[2.25rem] rounded px-1 text-center font-mono ${VERDICT_LOOK[v].className}`}
          >
            {VERDICT_LOOK[v].symbol}
          </span>
          {v}
        </li>
      ))}
    </ul>
  );
}

function Side({ label, side }: { label: string; side: MatrixCell['egress'] }) {
  let text: string;
  if (side.exempt === 'not-enforced')
    text = side.isolated ? `selected by ${side.isolating.join(', ')}, not enforced` : 'no policy selects it';
  else if (side.exempt !== null) text = `exempt (${side.exempt})`;
  else if (!side.isolated) text = 'no policy selects it: open';
  else if (side.allowedBy) text = `allowed by ${side.allowedBy.text}`;
  else text = `denied: no rule of ${side.isolating.join(', ')} matches`;
  return (
    <li>
      <span className="font-semibold">{label}:</span> {text}
    </li>
  );
}

export interface MatrixViewProps {
  /** switches to the diagram, where the played trace animates */
  onShowDiagram?: () => void;
}

export function MatrixView({ onShowDiagram }: MatrixViewProps) {
  const cluster = useVizStore(selectCluster);
  const sendPacket = useVizStore((s) => s.sendPacket);
  const namespaces = useMemo(() => [...new Set(cluster.pods.map((p) => p.namespace))].sort(), [cluster]);
  const [fromNs, setFromNs] = useState('');
  const [toNs, setToNs] = useState('');
  const [portChoice, setPortChoice] = useState('');
  const [active, setActive] = useState<{ r: number; c: number }>({ r: 0, c: 0 });
  const tableRef = useRef<HTMLTableElement>(null);

  // a namespace that disappeared with a new cluster falls back to all of them
  const from = namespaces.includes(fromNs) ? fromNs : '';
  const to = namespaces.includes(toNs) ? toNs : '';
  const { ports, common } = useMemo(() => {
    const seen = new Map<string, { port: MatrixPort; pods: number }>();
    for (const p of selectPods(cluster, { namespace: to }))
      for (const d of declaredPorts(p)) {
        const entry = seen.get(portValue(d)) ?? { port: d, pods: 0 };
        entry.pods++;
        seen.set(portValue(d), entry);
      }
    const all = [...seen.values()].sort(
      (a, b) => a.port.port - b.port.port || a.port.protocol.localeCompare(b.port.protocol),
    );
    // the port most destinations declare is the one a reader most likely asks about
    const top = all.reduce<(typeof all)[number] | null>(
      (best, e) => (best === null || e.pods > best.pods ? e : best),
      null,
    );
    return { ports: all.map((e) => e.port), common: top?.port ?? null };
  }, [cluster, to]);
  const chosen = parsePort(portChoice);
  const port = chosen && ports.some((p) => portValue(p) === portChoice) ? chosen : common;

  const sizes = useMemo(
    () => ({
      rows: selectPods(cluster, { namespace: from }).length,
      cols: selectPods(cluster, { namespace: to }).length,
    }),
    [cluster, from, to],
  );
  const tooBig = sizes.rows * sizes.cols > MAX_GRID_CELLS;
  const matrix = useMemo(
    () =>
      port === null || tooBig
        ? null
        : computeMatrix(cluster, { from: { namespace: from }, to: { namespace: to }, ports: [port] }),
    [cluster, from, to, port, tooBig],
  );
  const grid = useMemo(() => {
    const byKey = new Map<string, MatrixCell>();
    for (const c of matrix?.cells ?? []) byKey.set(`${c.from} ${c.to}`, c);
    return byKey;
  }, [matrix]);

  const rows = matrix?.sources ?? [];
  const cols = matrix?.destinations ?? [];
  const r = Math.min(active.r, Math.max(rows.length - 1, 0));
  const c = Math.min(active.c, Math.max(cols.length - 1, 0));
  const current = grid.get(`${rows[r] ?? ''} ${cols[c] ?? ''}`) ?? null;

  const play = (cell: MatrixCell | undefined | null): void => {
    // a trace of one cell: the same request the Send form would make
    if (!cell) return;
    sendPacket(
      { from: `pod/${cell.from}`, to: `pod/${cell.to}`, port: cell.port, protocol: cell.protocol },
      { byUser: true },
    );
  };

  const moveTo = (nr: number, nc: number): void => {
    const next = { r: Math.max(0, Math.min(rows.length - 1, nr)), c: Math.max(0, Math.min(cols.length - 1, nc)) };
    setActive(next);
    tableRef.current?.querySelector<HTMLElement>(`[data-cell="${next.r}:${next.c}"]`)?.focus();
  };

  const handleKeyDown = (e: KeyboardEvent<HTMLTableElement>): void => {
    const page = 5;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [r - 1, c],
      ArrowDown: [r + 1, c],
      ArrowLeft: [r, c - 1],
      ArrowRight: [r, c + 1],
      PageUp: [r - page, c],
      PageDown: [r + page, c],
      Home: e.ctrlKey ? [0, 0] : [r, 0],
      End: e.ctrlKey ? [rows.length - 1, cols.length - 1] : [r, cols.length - 1],
    };
    const move = moves[e.key];
    if (move) {
      // the app's own keys (steps on arrows, Home, End) must not also act
      e.preventDefault();
      e.stopPropagation();
      moveTo(move[0], move[1]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      play(current);
    }
  };

  const select =
    'rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';
  const caption = port ? `Who can reach whom on ${portLabel(port)}` : 'Who can reach whom';

  return (
    <div className="flex h-full min-h-0 flex-col gap-2 overflow-hidden p-2 text-sm" data-testid="matrix.view">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Matrix selection">
        <label className="flex items-center gap-1">
          From
          <select
            aria-label="Source namespace"
            className={select}
            value={from}
            onChange={(e) => setFromNs(e.target.value)}
          >
            <option value="">all namespaces</option>
            {namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          To
          <select
            aria-label="Destination namespace"
            className={select}
            value={to}
            onChange={(e) => setToNs(e.target.value)}
          >
            <option value="">all namespaces</option>
            {namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Port
          <select
            aria-label="Port"
            className={select}
            value={port ? portValue(port) : ''}
            onChange={(e) => setPortChoice(e.target.value)}
            disabled={ports.length === 0}
          >
            {ports.map((p) => (
              <option key={portValue(p)} value={portValue(p)}>
                {portLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <Legend />
        {matrix && matrix.cells.length > 0 ? (
          <div className="flex gap-1" role="group" aria-label="Export the matrix">
            <button
              type="button"
              className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
              onClick={() => download(matrixCsv(matrix), 'k8s-netviz-matrix.csv', 'text/csv')}
            >
              CSV
            </button>
            <button
              type="button"
              className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
              onClick={() =>
                download(`${JSON.stringify(matrix, null, 2)}\n`, 'k8s-netviz-matrix.json', 'application/json')
              }
            >
              JSON
            </button>
          </div>
        ) : null}
        {matrix && !matrix.enforced ? (
          <span className="text-amber-800 dark:text-amber-300">
            This network plugin does not enforce NetworkPolicy.
          </span>
        ) : null}
      </div>
      {port === null ? (
        <p role="status" data-testid="matrix.empty">
          No destination pod declares a TCP or UDP containerPort. Choose other destinations (the To namespace), or send
          one packet with “Send” above.
        </p>
      ) : tooBig ? (
        <p role="status" data-testid="matrix.empty">
          {sizes.rows} × {sizes.cols} pods is more than this grid shows at once: choose a source or a destination
          namespace.
        </p>
      ) : rows.length === 0 || cols.length === 0 ? (
        <p role="status" data-testid="matrix.empty">
          No pod to show: choose other namespaces.
        </p>
      ) : (
        <div className="flex min-h-0 flex-1 gap-2">
          <div className="min-h-0 min-w-0 flex-1 overflow-auto">
            <table
              ref={tableRef}
              role="grid"
              aria-label={caption}
              aria-rowcount={rows.length + 1}
              aria-colcount={cols.length + 1}
              className="border-separate border-spacing-0.5 font-mono text-xs"
              data-testid="matrix.grid"
              onKeyDown={handleKeyDown}
            >
              <thead>
                <tr>
                  <th
                    scope="col"
                    className="sticky top-0 left-0 z-20 bg-white p-1 text-left align-bottom font-sans font-normal dark:bg-slate-900"
                  >
                    from ╲ to
                  </th>
                  {cols.map((d, i) => (
                    <th
                      key={d}
                      scope="col"
                      className={`sticky top-0 z-10 bg-white px-0.5 align-bottom font-normal dark:bg-slate-900 ${i === c ? 'text-blue-700 dark:text-sky-300' : ''}`}
                    >
                      {/* vertical, so that long names do not widen the columns */}
                      <span
                        className="inline-block max-h-24 rotate-180 overflow-hidden text-ellipsis whitespace-nowrap [writing-mode:vertical-rl]"
                        title={d}
                      >
                        {d}
                      </span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((s, ri) => (
                  <tr key={s}>
                    <th
                      scope="row"
                      className={`sticky left-0 z-10 max-w-[12rem] truncate bg-white pr-1 text-left font-normal dark:bg-slate-900 ${ri === r ? 'text-blue-700 dark:text-sky-300' : ''}`}
                      title={s}
                    >
                      {s}
                    </th>
                    {cols.map((d, ci) => {
                      const cell = grid.get(`${s} ${d}`);
                      const focused = ri === r && ci === c;
                      if (!cell) return <td key={d} role="gridcell" aria-label={`${s} to ${d}: no cell`} />;
                      const look = VERDICT_LOOK[cell.verdict];
                      return (
                        <td
                          key={d}
                          role="gridcell"
                          data-cell={`${ri}:${ci}`}
                          data-verdict={cell.verdict}
                          data-testid="matrix.cell"
                          tabIndex={focused ? 0 : -1}
                          aria-selected={focused}
                          aria-label={`${s} to ${d}: ${look.words}${cell.policies.length > 0 ? `, ${cell.policies.join(', ')}` : ''}`}
                          title={cellSentence(cell)}
                          onClick={() => {
                            setActive({ r: ri, c: ci });
                            play(cell);
                          }}
                          onFocus={() => setActive({ r: ri, c: ci })}
                          className={`h-7 min-w-[2.25rem] cursor-pointer rounded text-center outline-offset-1 select-none focus:outline-2 focus:outline-blue-600 dark:focus:outline-sky-300 ${look.className} ${focused ? 'ring-2 ring-blue-600 dark:ring-sky-300' : ''}`}
                        >
                          {look.symbol}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div
            className="w-64 shrink-0 overflow-auto rounded border border-slate-200 p-2 dark:border-slate-700"
            aria-live="polite"
            data-testid="matrix.details"
          >
            {current ? (
              <>
                <p>
                  <span
                    className={`mr-1 inline-block rounded px-1 font-mono ${VERDICT_LOOK[current.verdict].className}`}
                  >
                    {VERDICT_LOOK[current.verdict].symbol}
                  </span>
                  <span className="font-semibold">
                    {current.from} → {current.to}, {portLabel(current)}: {current.verdict}
                  </span>
                </p>
                <p className="mt-1">{current.reason}</p>
                <ul className="mt-1 list-none">
                  <Side label="Egress of the source" side={current.egress} />
                  <Side label="Ingress of the destination" side={current.ingress} />
                </ul>
                <div className="mt-2 flex flex-wrap gap-1">
                  <button
                    type="button"
                    className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
                    onClick={() => play(current)}
                  >
                    Play this trace
                  </button>
                  {onShowDiagram ? (
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
                      onClick={() => {
                        play(current);
                        onShowDiagram();
                      }}
                    >
                      Play on the diagram
                    </button>
                  ) : null}
                </div>
                <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
                  Arrows move, Enter plays the trace below. {matrix ? `${matrix.cells.length} cells.` : ''}
                </p>
              </>
            ) : null}
          </div>
        </div>
      )}
    </div>
  );
}

export default MatrixView;
