/**
 * The reachability matrix (issue 22) as a keyboard-navigable grid: rows are sources, columns
 * destinations, each cell a verdict shown by colour AND a symbol (forced colours and colour-blind
 * readers keep the symbol). It is computed in a worker (progress, cancel); a large cluster reads
 * as a namespace grid first (counts per verdict), then workloads, then pods. On a pod cell, Enter,
 * Space or a click sends that packet, so its trace plays; the details name the deciding policies.
 */
import { useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { MATRIX_VERDICTS, declaredPorts, defaultVia, selectPods } from '../sim/matrix/matrix';
import type { MatrixCell, MatrixPort, MatrixVerdict, MatrixVia } from '../sim/matrix/matrix';
import { matrixCsvChunks, matrixJsonChunks, rowsOfCompact } from '../sim/matrix/serialize';
import { compactCell, expandCompactCell } from '../sim/matrix/compact';
import type { CompactMatrix } from '../sim/matrix/compact';
import { lookup } from '../sim/model/lookup';
import { useVizStore } from '../store/VizStoreProvider';
import { download } from './download';
import { selectCluster } from '../store/selectors';
import { countsAt, groupAxis, groupCounts } from './matrix/grouping';
import type { MatrixGroup, MatrixLevel } from './matrix/grouping';
import { useMatrixJob } from './matrix/useMatrixJob';
import { WhatIfPanel } from './matrix/WhatIfPanel';
import { applyPolicies, changedCells, parseWhatIfPolicies, smallestPolicy } from '../sim/matrix/whatIf';

/** Above this many cells the grid asks for a narrower selection or a coarser grouping instead of rendering them all. */
export const MAX_GRID_CELLS = 10_000;
/** Up to this many pod cells the view opens on pods; above, on namespaces (or workloads of one namespace pair). */
export const POD_LEVEL_CELLS = 2_500;

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

/** How a cell the what-if changed stands out besides its Δ: a thick outline, visible in forced colours too. */
const CHANGED = 'outline-3 -outline-offset-2 outline-fuchsia-700 dark:outline-fuchsia-300';

const LEVEL_WORDS: Record<MatrixLevel, string> = { namespace: 'Namespaces', workload: 'Workloads', pod: 'Pods' };
const DRILL_WORDS: Record<MatrixLevel, string> = { namespace: 'workloads', workload: 'pods', pod: '' };

/** One grouped cell: its counts, the verdict most of its pod cells have, and a sentence. */
function groupedLook(counts: Record<MatrixVerdict, number>): { major: MatrixVerdict; total: number; words: string } {
  let major: MatrixVerdict = 'allowed';
  let total = 0;
  for (const v of MATRIX_VERDICTS) {
    total += counts[v];
    if (counts[v] > counts[major]) major = v;
  }
  const words = MATRIX_VERDICTS.filter((v) => counts[v] > 0)
    .map((v) => `${counts[v]} ${VERDICT_LOOK[v].words}`)
    .join(', ');
  return { major, total, words };
}

/** `?whatif=`: the compared policies' YAML as base64url of its UTF-8, so that a link keeps the edit. */
export function encodeWhatIf(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeWhatIf(value: string): string {
  const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

/** The what-if the page was opened with, or an error saying the link's `whatif` does not read. */
function initialWhatIf(): { text: string; error: string | null } {
  const value = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('whatif');
  if (!value) return { text: '', error: null };
  try {
    return { text: decodeWhatIf(value), error: null };
  } catch {
    return { text: '', error: "The link's whatif= is not base64url of UTF-8 text; nothing is compared." };
  }
}

/** `?via=`: where the cells are sent, kept by a link; a value that is neither leaves the default and says so. */
function initialVia(): { via: MatrixVia | null; error: string | null } {
  const value = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('via');
  if (value === null) return { via: null, error: null };
  if (value === 'pod' || value === 'service') return { via: value, error: null };
  return { via: null, error: "The link's via= is neither pod nor service; the default is used." };
}

function writeVia(via: MatrixVia): void {
  const url = new URL(window.location.href);
  url.searchParams.set('via', via);
  window.history.replaceState(window.history.state, '', url);
}

/** One port of a pod pair: the whole cell, or why there is none (no Service carries it). */
interface PortCell {
  port: MatrixPort;
  index: number;
  cell: MatrixCell | null;
  skip: string | null;
}

/** The ports of a pod pair that have a cell or a skip (a port the destination does not declare has neither). */
function pairCells(m: CompactMatrix, s: number, d: number): PortCell[] {
  const out: PortCell[] = [];
  m.ports.forEach((port, index) => {
    const x = expandCompactCell(m, s, d, index);
    if (x === null) return;
    out.push({ port, index, cell: 'cell' in x ? x.cell : null, skip: 'skip' in x ? x.skip.reason : null });
  });
  return out;
}

/** The port a pair opens on: the first that is not allowed (what a reader came to see), else the first. */
function interesting(cells: readonly PortCell[]): PortCell | undefined {
  return cells.find((x) => x.cell !== null && x.cell.verdict !== 'allowed') ?? cells.find((x) => x.cell) ?? cells[0];
}

/** Saves the matrix through the serializer the CLI prints with, as a blob of chunks (never one huge string). */
function exportMatrix(m: CompactMatrix, kind: 'csv' | 'json'): void {
  const rows = rowsOfCompact(m);
  const parts = kind === 'csv' ? [...matrixCsvChunks(rows)] : [...matrixJsonChunks(rows)];
  const type = kind === 'csv' ? 'text/csv' : 'application/json';
  download(new Blob(parts, { type }), `k8s-netviz-matrix.${kind}`, type);
}

function writeWhatIf(text: string): void {
  const url = new URL(window.location.href);
  if (text === '') url.searchParams.delete('whatif');
  else url.searchParams.set('whatif', encodeWhatIf(text));
  window.history.replaceState(window.history.state, '', url);
}

export function MatrixView({ onShowDiagram }: MatrixViewProps) {
  const cluster = useVizStore(selectCluster);
  const sendPacket = useVizStore((s) => s.sendPacket);
  const namespaces = useMemo(() => [...new Set(cluster.pods.map((p) => p.namespace))].sort(), [cluster]);
  const [fromNs, setFromNs] = useState('');
  const [toNs, setToNs] = useState('');
  const [portChoice, setPortChoice] = useState('');
  const [levelChoice, setLevelChoice] = useState<MatrixLevel | null>(null);
  /** the workload pair a pod grid was opened from */
  const [drill, setDrill] = useState<{ rows: string; cols: string } | null>(null);
  const [active, setActive] = useState<{ r: number; c: number }>({ r: 0, c: 0 });
  const [opened] = useState(initialWhatIf);
  const [showWhatIf, setShowWhatIf] = useState(opened.text !== '' || opened.error !== null);
  const [draft, setDraft] = useState(opened.text);
  const [applied, setApplied] = useState(opened.text);
  const [linkVia] = useState(initialVia);
  const [viaChoice, setViaChoice] = useState<MatrixVia | null>(linkVia.via);
  /** the port of the focused pod pair whose details show ('' : the pair's most telling one) */
  const [portPick, setPortPick] = useState('');

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
  // every declared port at once, or one
  const allPorts = portChoice === 'all' && ports.length > 0;
  const port = allPorts ? null : chosen && ports.some((p) => portValue(p) === portChoice) ? chosen : common;
  const via: MatrixVia = useMemo(
    () => viaChoice ?? defaultVia(cluster, selectPods(cluster, { namespace: to })),
    [viaChoice, cluster, to],
  );

  const job = useMemo(
    () =>
      allPorts
        ? { from: { namespace: from }, to: { namespace: to }, ports: 'declared' as const, via }
        : port === null
          ? null
          : { from: { namespace: from }, to: { namespace: to }, ports: [port], via },
    [from, to, port, allPorts, via],
  );
  const { state, cancel, restart } = useMatrixJob(cluster, job);
  const matrix = state.status === 'done' && state.cluster === cluster ? state.matrix : null;
  // the what-if: the cluster with the compared policies, computed by a second worker
  const whatIf = useMemo((): { cluster: typeof cluster | null; error: string | null } => {
    if (applied.trim() === '') return { cluster: null, error: null };
    try {
      return { cluster: applyPolicies(cluster, parseWhatIfPolicies(applied)), error: null };
    } catch (error) {
      return { cluster: null, error: error instanceof Error ? error.message : String(error) };
    }
  }, [cluster, applied]);
  const after = useMatrixJob(whatIf.cluster ?? cluster, whatIf.cluster ? job : null);
  const afterMatrix =
    after.state.status === 'done' && after.state.cluster === whatIf.cluster ? after.state.matrix : null;
  const changes = useMemo(
    () => (matrix && afterMatrix ? changedCells(matrix, afterMatrix) : null),
    [matrix, afterMatrix],
  );
  const compare = (text: string): void => {
    setApplied(text);
    writeWhatIf(text);
  };
  const podByKey = lookup(cluster).podByKey;

  const cellCount = matrix ? matrix.sources.length * matrix.destinations.length : 0;
  const autoLevel: MatrixLevel = cellCount <= POD_LEVEL_CELLS ? 'pod' : from && to ? 'workload' : 'namespace';
  const level = levelChoice ?? autoLevel;

  const { rowGroups, colGroups, counts, afterCounts } = useMemo(() => {
    if (!matrix) return { rowGroups: [], colGroups: [], counts: null, afterCounts: null };
    let rowGroups = groupAxis(matrix.sources, level, podByKey);
    let colGroups = groupAxis(matrix.destinations, level, podByKey);
    if (level === 'pod' && drill) {
      // the pods of the workload pair the reader opened
      const of = (g: MatrixGroup[], keys: string[], workload: string) => {
        const members = new Set(groupAxis(keys, 'workload', podByKey).find((w) => w.key === workload)?.members ?? []);
        return g.filter((x) => members.has(x.members[0] as number));
      };
      rowGroups = of(rowGroups, matrix.sources, drill.rows);
      colGroups = of(colGroups, matrix.destinations, drill.cols);
    }
    const tooMany = rowGroups.length * colGroups.length > MAX_GRID_CELLS;
    return {
      rowGroups,
      colGroups,
      counts: level === 'pod' || tooMany ? null : groupCounts(matrix, rowGroups, colGroups, 'all'),
      afterCounts:
        level === 'pod' || tooMany || !afterMatrix ? null : groupCounts(afterMatrix, rowGroups, colGroups, 'all'),
    };
  }, [matrix, afterMatrix, level, drill, podByKey]);

  const tooBig = rowGroups.length * colGroups.length > MAX_GRID_CELLS;
  const rows = rowGroups;
  const cols = colGroups;
  const r = Math.min(active.r, Math.max(rows.length - 1, 0));
  const c = Math.min(active.c, Math.max(cols.length - 1, 0));

  /** the verdicts of the pod pair at (row, column) of a pod grid, one per port of the matrix */
  const podCells = (m: CompactMatrix | null, ri: number, ci: number): (MatrixVerdict | null)[] | null => {
    const s = rows[ri]?.members[0];
    const d = cols[ci]?.members[0];
    return m && s !== undefined && d !== undefined ? m.ports.map((_, p) => compactCell(m, s, d, p).verdict) : null;
  };
  // the focused pair's cells, port by port: the engine's whole cell (sentence and both sides)
  const pair: PortCell[] = useMemo(() => {
    if (level !== 'pod' || !matrix) return [];
    const s = rows[r]?.members[0];
    const d = cols[c]?.members[0];
    return s === undefined || d === undefined ? [] : pairCells(matrix, s, d);
  }, [level, matrix, rows, cols, r, c]);
  const pickOf = (cells: readonly PortCell[]): PortCell | undefined =>
    cells.find((x) => portValue(x.port) === portPick) ?? interesting(cells);
  const shown = pickOf(pair);
  const current: MatrixCell | null = shown?.cell ?? null;

  const play = (cell: MatrixCell | null | undefined): void => {
    // a trace of one cell: the same request the Send form would make; through a Service, to its
    // ClusterIP with the endpoint pinned to the cell's pod (kube-proxy's choice, made for this pod)
    if (!cell) return;
    if (cell.service)
      sendPacket(
        { from: `pod/${cell.from}`, to: `svc/${cell.service.name}`, port: cell.service.port, protocol: cell.protocol },
        { byUser: true, pins: [cell.to] },
      );
    else
      sendPacket(
        { from: `pod/${cell.from}`, to: `pod/${cell.to}`, port: cell.port, protocol: cell.protocol },
        { byUser: true },
      );
  };

  const openGroup = (ri: number, ci: number): void => {
    const row = rows[ri];
    const col = cols[ci];
    if (!row || !col) return;
    if (level !== 'pod') setActive({ r: 0, c: 0 });
    if (level === 'namespace') {
      setFromNs(row.key);
      setToNs(col.key);
      setDrill(null);
      setLevelChoice('workload');
    } else if (level === 'workload') {
      setDrill({ rows: row.key, cols: col.key });
      setLevelChoice('pod');
    } else if (matrix && row.members[0] !== undefined && col.members[0] !== undefined)
      play(pickOf(pairCells(matrix, row.members[0], col.members[0]))?.cell);
  };

  const moveTo = (table: HTMLTableElement, nr: number, nc: number): void => {
    const next = { r: Math.max(0, Math.min(rows.length - 1, nr)), c: Math.max(0, Math.min(cols.length - 1, nc)) };
    setActive(next);
    table.querySelector<HTMLElement>(`[data-cell="${next.r}:${next.c}"]`)?.focus();
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
      moveTo(e.currentTarget, move[0], move[1]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      openGroup(r, c);
    }
  };

  const chooseLevel = (next: MatrixLevel): void => {
    setLevelChoice(next);
    setDrill(null);
    setActive({ r: 0, c: 0 });
  };

  const select =
    'rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';
  const button =
    'rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  const through = via === 'service' ? ", through each pod's Service" : '';
  const caption = port
    ? `Who can reach whom on ${portLabel(port)}${through}${level === 'pod' ? '' : `, by ${level}`}`
    : allPorts
      ? `Who can reach whom on every declared port${through}${level === 'pod' ? '' : `, by ${level}`}`
      : 'Who can reach whom';

  const gridOf = (
    m: CompactMatrix,
    mCounts: Int32Array | null,
    other: { m: CompactMatrix; counts: Int32Array | null } | null,
    name: string,
    testId: string,
  ) => (
    <table
      role="grid"
      aria-label={name}
      aria-rowcount={rows.length + 1}
      aria-colcount={cols.length + 1}
      className="border-separate border-spacing-0.5 font-mono text-xs"
      data-testid={testId}
      data-level={level}
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
          {cols.map((g, i) => (
            <th
              key={g.key}
              scope="col"
              className={`sticky top-0 z-10 bg-white px-0.5 align-bottom font-normal dark:bg-slate-900 ${i === c ? 'text-blue-700 dark:text-sky-300' : ''}`}
            >
              {/* vertical, so that long names do not widen the columns */}
              <span
                className="inline-block max-h-24 rotate-180 overflow-hidden text-ellipsis whitespace-nowrap [writing-mode:vertical-rl]"
                title={g.key}
              >
                {g.key}
              </span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, ri) => (
          <tr key={row.key}>
            <th
              scope="row"
              className={`sticky left-0 z-10 max-w-[9rem] truncate bg-white pr-1 text-left font-normal sm:max-w-[12rem] dark:bg-slate-900 ${ri === r ? 'text-blue-700 dark:text-sky-300' : ''}`}
              title={row.key}
            >
              {row.key}
            </th>
            {cols.map((col, ci) => {
              const focused = ri === r && ci === c;
              const common = {
                role: 'gridcell',
                'data-cell': `${ri}:${ci}`,
                tabIndex: focused ? 0 : -1,
                'aria-selected': focused,
                onFocus: () => setActive({ r: ri, c: ci }),
                onClick: () => {
                  setActive({ r: ri, c: ci });
                  openGroup(ri, ci);
                },
              } as const;
              const ring = `cursor-pointer rounded text-center outline-offset-1 select-none focus:outline-2 focus:outline-blue-600 dark:focus:outline-sky-300 ${focused ? 'ring-2 ring-blue-600 dark:ring-sky-300' : ''}`;
              if (mCounts) {
                const here = countsAt(mCounts, cols.length, ri, ci);
                const look = groupedLook(here);
                const changed =
                  other?.counts != null &&
                  MATRIX_VERDICTS.some((v) => countsAt(other.counts as Int32Array, cols.length, ri, ci)[v] !== here[v]);
                const label = `${row.key} to ${col.key}: ${look.words}.${changed ? ' Changed.' : ''} Enter opens the ${DRILL_WORDS[level]}.`;
                return (
                  <td
                    key={col.key}
                    {...common}
                    data-testid="matrix.group"
                    data-verdict={look.major}
                    data-changed={changed ? 'true' : undefined}
                    aria-label={label}
                    title={label}
                    className={`h-7 min-w-[3.5rem] px-1 leading-tight ${VERDICT_LOOK[look.major].className} ${ring} ${changed ? CHANGED : ''}`}
                  >
                    {changed ? <span className="block font-bold">Δ</span> : null}
                    {MATRIX_VERDICTS.filter((v) => here[v] > 0).map((v) => (
                      <span key={v} className="block whitespace-nowrap">
                        {VERDICT_LOOK[v].symbol}
                        {here[v]}
                      </span>
                    ))}
                  </td>
                );
              }
              const verdicts = podCells(m, ri, ci);
              if (!verdicts)
                return <td key={col.key} role="gridcell" aria-label={`${row.key} to ${col.key}: no cell`} />;
              const was = other ? podCells(other.m, ri, ci) : null;
              const changed = was !== null && was.some((v, i) => v !== verdicts[i]);
              const ports = m.ports;
              const judged = MATRIX_VERDICTS.filter((v) => verdicts.includes(v));
              const perPort = verdicts
                .map((v, i) => ({ v, port: ports[i] as MatrixPort }))
                .filter((x) => x.v !== null || via === 'service');
              const words = perPort
                .map(
                  (x) =>
                    `${ports.length > 1 ? `${portLabel(x.port)} ` : ''}${x.v ? VERDICT_LOOK[x.v].words : 'no Service carries it'}`,
                )
                .join(', ');
              if (judged.length === 0) {
                // no verdict on any port: no Service carries it (a port it does not declare is no cell)
                return (
                  <td
                    key={col.key}
                    {...common}
                    data-testid="matrix.cell"
                    data-verdict="none"
                    aria-label={`${row.key} to ${col.key}: ${words || 'no port declared'}`}
                    title={`${row.key} to ${col.key}: ${words || 'no port declared'}.`}
                    className={`h-7 min-w-[2.25rem] bg-white text-slate-500 dark:bg-slate-900 dark:text-slate-400 ${ring}`}
                  >
                    –
                  </td>
                );
              }
              const split = judged.length > 1;
              const counts = Object.fromEntries(
                MATRIX_VERDICTS.map((v) => [v, verdicts.filter((x) => x === v).length]),
              ) as Record<MatrixVerdict, number>;
              const major = split ? groupedLook(counts).major : (judged[0] as MatrixVerdict);
              const look = VERDICT_LOOK[major];
              const single =
                verdicts.length === 1 ? compactCell(m, rows[ri]?.members[0] ?? 0, col.members[0] ?? 0) : null;
              const policies = single && single.policies.length > 0 ? single.policies.join(', ') : '';
              const wasWords =
                changed && was
                  ? was
                      .map((v, i) =>
                        v === verdicts[i]
                          ? null
                          : `${ports.length > 1 ? `${portLabel(ports[i] as MatrixPort)} ` : ''}${v ? VERDICT_LOOK[v].words : 'no cell'}`,
                      )
                      .filter((x) => x !== null)
                      .join(', ')
                  : '';
              return (
                <td
                  key={col.key}
                  {...common}
                  data-testid="matrix.cell"
                  data-verdict={major}
                  data-split={split ? 'true' : undefined}
                  data-changed={changed ? 'true' : undefined}
                  aria-label={`${row.key} to ${col.key}: ${words}${policies ? `, ${policies}` : ''}${changed ? `; changed, was ${wasWords}` : ''}`}
                  title={`${row.key} to ${col.key}${port ? `, ${portLabel(port)}` : ''}: ${words}.${policies ? ` Policies: ${policies}.` : ''}${changed ? ` Was ${wasWords}.` : ''}`}
                  className={`h-7 min-w-[2.25rem] leading-tight ${split ? 'px-0.5' : ''} ${look.className} ${ring} ${changed ? CHANGED : ''}`}
                >
                  {changed ? 'Δ' : ''}
                  {split
                    ? judged.map((v) => (
                        <span key={v} className="block whitespace-nowrap">
                          {VERDICT_LOOK[v].symbol}
                          {counts[v]}
                        </span>
                      ))
                    : look.symbol}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );

  const details =
    level !== 'pod' ? (
      <p className="text-xs">
        Each cell counts the pod-to-pod cells of its {level === 'namespace' ? 'namespace' : 'workload'} pair by verdict
        (the symbol, then the count); its colour is the verdict most of them have. Enter or a click opens the{' '}
        {DRILL_WORDS[level]}.
      </p>
    ) : shown ? (
      <>
        {pair.length > 1 ? (
          <div className="mb-1 flex flex-wrap gap-1" role="group" aria-label="Ports of this pair">
            {pair.map((x) => {
              const v = x.cell?.verdict;
              return (
                <button
                  key={portValue(x.port)}
                  type="button"
                  aria-pressed={x === shown}
                  className={`rounded border px-1 font-mono text-xs aria-pressed:ring-2 aria-pressed:ring-blue-600 dark:aria-pressed:ring-sky-300 ${v ? VERDICT_LOOK[v].className : 'border-slate-300 dark:border-slate-600'}`}
                  onClick={() => setPortPick(portValue(x.port))}
                >
                  {portLabel(x.port)} {v ? VERDICT_LOOK[v].symbol : '–'}
                </button>
              );
            })}
          </div>
        ) : null}
        {current ? (
          <>
            <p>
              <span className={`mr-1 inline-block rounded px-1 font-mono ${VERDICT_LOOK[current.verdict].className}`}>
                {VERDICT_LOOK[current.verdict].symbol}
              </span>
              <span className="font-semibold">
                {current.from} → {current.to}, {portLabel(current)}: {current.verdict}
              </span>
            </p>
            {current.service ? (
              <p className="mt-1" data-testid="matrix.via">
                Through Service {current.service.name}: {current.service.clusterIP}:{current.service.port}, which
                kube-proxy DNATs to {current.to}; policy sees the pod&apos;s address and port.
              </p>
            ) : null}
            <p className="mt-1">{current.reason}</p>
            <ul className="mt-1 list-none">
              <Side label="Egress of the source" side={current.egress} />
              <Side label="Ingress of the destination" side={current.ingress} />
            </ul>
          </>
        ) : (
          <p data-testid="matrix.skip">
            {rows[r]?.key} → {cols[c]?.key}, {portLabel(shown.port)}: skipped. {shown.skip}
          </p>
        )}
        {current ? (
          <div className="mt-2 flex flex-wrap gap-1">
            <button type="button" className={button} onClick={() => play(current)}>
              Play this trace
            </button>
            {onShowDiagram ? (
              <button
                type="button"
                className={button}
                onClick={() => {
                  play(current);
                  onShowDiagram();
                }}
              >
                Play on the diagram
              </button>
            ) : null}
            {current.verdict === 'denied-egress' || current.verdict === 'denied-ingress'
              ? (() => {
                  const src = podByKey.get(current.from);
                  const dst = podByKey.get(current.to);
                  if (!src || !dst) return null;
                  return (
                    <button
                      type="button"
                      className={button}
                      onClick={() => {
                        const yaml = smallestPolicy(src, dst, shown.port, {
                          egress: !current.egress.allowed,
                          ingress: !current.ingress.allowed,
                        });
                        setDraft(yaml);
                        setShowWhatIf(true);
                        compare(yaml);
                      }}
                    >
                      Suggest the smallest policy allowing this
                    </button>
                  );
                })()
              : null}
          </div>
        ) : null}
      </>
    ) : null;

  return (
    <div className="flex h-full min-h-0 flex-col gap-2 overflow-auto p-2 text-sm" data-testid="matrix.view">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Matrix selection">
        <label className="flex items-center gap-1">
          From
          <select
            aria-label="Source namespace"
            className={select}
            value={from}
            onChange={(e) => {
              setFromNs(e.target.value);
              setDrill(null);
            }}
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
            onChange={(e) => {
              setToNs(e.target.value);
              setDrill(null);
            }}
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
            value={allPorts ? 'all' : port ? portValue(port) : ''}
            onChange={(e) => setPortChoice(e.target.value)}
            disabled={ports.length === 0}
          >
            {ports.length > 1 ? <option value="all">every declared port</option> : null}
            {ports.map((p) => (
              <option key={portValue(p)} value={portValue(p)}>
                {portLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Probe
          <select
            aria-label="Probe through"
            className={select}
            value={via}
            onChange={(e) => {
              const next = e.target.value === 'service' ? 'service' : 'pod';
              setViaChoice(next);
              writeVia(next);
            }}
          >
            <option value="pod">pod IP</option>
            <option value="service">pod&apos;s Service</option>
          </select>
        </label>
        <div className="flex items-center gap-1" role="group" aria-label="Group by">
          <span>Group</span>
          {(['namespace', 'workload', 'pod'] as const).map((l) => (
            <button
              key={l}
              type="button"
              aria-pressed={level === l}
              className={`${button} aria-pressed:bg-slate-800 aria-pressed:text-white dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900`}
              onClick={() => chooseLevel(l)}
            >
              {LEVEL_WORDS[l]}
            </button>
          ))}
        </div>
        <Legend />
        {matrix && matrix.verdicts.length > 0 ? (
          <div className="flex gap-1" role="group" aria-label="Export the matrix">
            <button type="button" className={button} onClick={() => exportMatrix(matrix, 'csv')}>
              CSV
            </button>
            <button type="button" className={button} onClick={() => exportMatrix(matrix, 'json')}>
              JSON
            </button>
          </div>
        ) : null}
        <button type="button" className={button} aria-expanded={showWhatIf} onClick={() => setShowWhatIf(!showWhatIf)}>
          What if…
        </button>
        {matrix && !matrix.enforced ? (
          <span className="text-amber-800 dark:text-amber-300">
            This network plugin does not enforce NetworkPolicy.
          </span>
        ) : null}
      </div>
      {showWhatIf ? (
        <WhatIfPanel
          applied={applied}
          draft={draft}
          onDraft={setDraft}
          onCompare={compare}
          onClear={() => {
            compare('');
            setDraft('');
          }}
          namespace={to || from || 'default'}
          error={whatIf.error ?? opened.error}
        />
      ) : null}
      {whatIf.cluster && after.state.status === 'running' ? (
        <p role="status" data-testid="matrix.whatif.progress">
          Computing the what-if… {after.state.of > 0 ? `${after.state.rows} of ${after.state.of} source pods` : ''}{' '}
          <button type="button" className={button} onClick={after.cancel}>
            Cancel
          </button>
        </p>
      ) : null}
      {changes ? (
        <details data-testid="matrix.changes" className="text-xs" open={changes.length <= 12}>
          <summary>
            What-if: {changes.length.toLocaleString('en-US')} {changes.length === 1 ? 'cell changes' : 'cells change'}{' '}
            (marked Δ)
          </summary>
          <ul className="max-h-24 overflow-auto font-mono">
            {changes.slice(0, 50).map((ch) => (
              <li key={`${ch.from} ${ch.to} ${ch.port.port}/${ch.port.protocol}`}>
                {ch.from} → {ch.to} {portLabel(ch.port)}: {MATRIX_VERDICTS[ch.before]} → {MATRIX_VERDICTS[ch.after]}
              </li>
            ))}
            {changes.length > 50 ? <li>… and {changes.length - 50} more</li> : null}
          </ul>
        </details>
      ) : null}
      {drill && level === 'pod' ? (
        <nav aria-label="Matrix level" className="flex flex-wrap items-center gap-1 text-xs">
          <button type="button" className={button} onClick={() => chooseLevel('workload')}>
            ↑ Workloads of {from || 'all'} → {to || 'all'}
          </button>
          <span>
            Pods of {drill.rows} → {drill.cols}
          </span>
        </nav>
      ) : null}
      {linkVia.error ? (
        <p role="alert" className="text-xs text-amber-800 dark:text-amber-300">
          {linkVia.error}
        </p>
      ) : null}
      {job === null ? (
        <p role="status" data-testid="matrix.empty">
          No destination pod declares a TCP or UDP containerPort. Choose other destinations (the To namespace), or send
          one packet with “Send” above.
        </p>
      ) : state.status === 'running' || (state.status === 'done' && !matrix) ? (
        <div className="flex flex-wrap items-center gap-2" role="status" data-testid="matrix.progress">
          <span>Computing the matrix…</span>
          <progress
            aria-label="Matrix progress"
            className="h-2 w-48"
            max={state.status === 'running' && state.of > 0 ? state.of : 1}
            value={state.status === 'running' ? state.rows : 0}
          />
          <span>{state.status === 'running' && state.of > 0 ? `${state.rows} of ${state.of} source pods` : ''}</span>
          <button type="button" className={button} onClick={cancel}>
            Cancel
          </button>
        </div>
      ) : state.status === 'cancelled' ? (
        <p role="status" data-testid="matrix.empty">
          Cancelled.{' '}
          <button type="button" className={button} onClick={restart}>
            Compute again
          </button>{' '}
          or choose a source or a destination namespace.
        </p>
      ) : state.status === 'error' ? (
        <p role="alert" data-testid="matrix.empty">
          The matrix could not be computed: {state.message}
        </p>
      ) : !matrix ? null : tooBig ? (
        <p role="status" data-testid="matrix.empty">
          {rows.length} × {cols.length} {level}s is more than this grid shows at once: group by namespace, or choose a
          source or a destination namespace.
        </p>
      ) : rows.length === 0 || cols.length === 0 ? (
        <p role="status" data-testid="matrix.empty">
          No pod to show: choose other namespaces.
        </p>
      ) : (
        <div className="flex min-h-56 flex-1 flex-col gap-2 sm:flex-row">
          {afterMatrix ? (
            <div
              className="flex min-h-0 min-w-0 flex-1 flex-col gap-2 overflow-auto lg:flex-row"
              data-testid="matrix.compare"
            >
              <div className="min-w-0 shrink-0 lg:shrink">
                <h3 className="text-xs font-semibold">Before</h3>
                {gridOf(matrix, counts, { m: afterMatrix, counts: afterCounts }, `${caption} (before)`, 'matrix.grid')}
              </div>
              <div className="min-w-0 shrink-0 lg:shrink">
                <h3 className="text-xs font-semibold">After (what-if)</h3>
                {gridOf(afterMatrix, afterCounts, { m: matrix, counts }, `${caption} (what-if)`, 'matrix.after')}
              </div>
            </div>
          ) : (
            <div className="min-h-0 min-w-0 flex-1 overflow-auto">
              {gridOf(matrix, counts, null, caption, 'matrix.grid')}
            </div>
          )}
          <div
            className="max-h-36 shrink-0 overflow-auto rounded border border-slate-200 p-2 sm:max-h-none sm:w-64 dark:border-slate-700"
            aria-live="polite"
            data-testid="matrix.details"
          >
            {details}
            <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
              Arrows move, Enter {level === 'pod' ? 'plays the trace below' : `opens the ${DRILL_WORDS[level]}`}.{' '}
              {`${matrix.verdicts.length.toLocaleString('en-US')} cells in ${Math.round(state.status === 'done' ? state.ms : 0)} ms.`}
            </p>
          </div>
        </div>
      )}
    </div>
  );
}

export default MatrixView;
