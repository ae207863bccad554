/**
 * `k8s-netviz matrix`: the reachability matrix of sim/matrix printed as a grid per port (the
 * default), one line per cell (-o wide), CSV or JSON. Names come from manifests: every byte printed
 * goes through escape.ts.
 */
import { computeMatrix, defaultVia, MatrixRequestError, selectPods } from '../sim/matrix/matrix';
import type { Matrix, MatrixCell, MatrixRequest, MatrixVerdict, PodSelection } from '../sim/matrix/matrix';
import { matrixCsv, matrixJson, rowsOfMatrix } from '../sim/matrix/serialize';
import type { Cluster } from '../sim/model/types';
import type { MatrixArgs } from './args';
import { escapeEncoded, escapeText } from './escape';
import type { Io } from './manifests';

/** One character per verdict in the grid; a letter, not only a colour, so it survives any terminal. */
export const VERDICT_SYMBOL: Record<MatrixVerdict, string> = {
  allowed: '.',
  'denied-egress': 'E',
  'denied-ingress': 'I',
  'not-enforced': 'N',
  refused: 'R',
};

/** --exit-code: the worst cell decides, with trace's numbers (4 dropped, 3 refused). */
export function matrixExitCode(m: Matrix): number {
  if (m.counts['denied-egress'] + m.counts['denied-ingress'] > 0) return 4;
  if (m.counts.refused > 0) return 3;
  return 0;
}

function selection(namespace: string | undefined, selector: string | undefined): PodSelection {
  return { ...(namespace !== undefined ? { namespace } : {}), ...(selector !== undefined ? { selector } : {}) };
}

/** The request of the arguments; without --via, the view's default (`defaultVia`) for these destinations. */
export function matrixRequest(args: MatrixArgs, cluster?: Cluster): MatrixRequest {
  const to = selection(args.toNamespace, args.toSelector);
  const via = args.via ?? (cluster ? defaultVia(cluster, selectPods(cluster, to)) : 'pod');
  return {
    from: selection(args.fromNamespace, args.fromSelector),
    to,
    ports: args.port === undefined ? 'declared' : [{ port: args.port, protocol: args.protocol }],
    via,
  };
}

const portKey = (c: { port: number; protocol: string }): string => `${c.port}/${c.protocol}`;

/**
 * One grid per port and protocol: rows the sources, columns the destinations numbered (the key
 * below maps numbers to pods), so that long names do not widen the table.
 */
export function formatMatrixTable(m: Matrix): string {
  if (m.sources.length === 0 || m.destinations.length === 0)
    return `No ${m.sources.length === 0 ? 'source' : 'destination'} pod matches the selection.\n`;
  if (m.cells.length === 0 && m.skipped.length === 0)
    return 'The destinations declare no TCP or UDP containerPort: give --port.\n';
  const byPort = new Map<string, Map<string, MatrixCell>>();
  for (const c of m.cells) {
    const k = portKey(c);
    let grid = byPort.get(k);
    if (!grid) byPort.set(k, (grid = new Map()));
    grid.set(`${c.from} ${c.to}`, c);
  }
  const ports = [...byPort.keys()].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
  const width = Math.max(...m.sources.map((s) => s.length));
  const col = String(m.destinations.length).length + 1;
  const out: string[] = [];
  for (const p of ports) {
    const grid = byPort.get(p) as Map<string, MatrixCell>;
    out.push(`${p.toUpperCase().replace('/', ' ')}`.replace(/^(\d+) (\w+)$/, '$2 port $1'));
    out.push(`${'from \\ to'.padEnd(width)} ${m.destinations.map((_, i) => String(i + 1).padStart(col)).join('')}`);
    for (const s of m.sources) {
      const row = m.destinations.map((d) => {
        const c = grid.get(`${s} ${d}`);
        return (c ? VERDICT_SYMBOL[c.verdict] : ' ').padStart(col);
      });
      out.push(`${s.padEnd(width)} ${row.join('')}`);
    }
    out.push('');
  }
  out.push(`to: ${m.destinations.map((d, i) => `${i + 1} ${d}`).join(', ')}`);
  out.push(
    `. allowed  E denied-egress  I denied-ingress  N not-enforced  R refused  (blank: port not declared${m.via === 'service' ? ', or no Service carries it' : ''})`,
  );
  const counts = (Object.keys(m.counts) as MatrixVerdict[]).map((v) => `${m.counts[v]} ${v}`).join(', ');
  out.push(
    `${m.cells.length} cells${m.via === 'service' ? ' through Services' : ''}: ${counts}${m.enforced ? '' : '; this network plugin does not enforce NetworkPolicy'}`,
  );
  if (m.skipped.length > 0) {
    // one line per reason, not per cell: a pod without a Service would repeat for every source
    const reasons = [...new Set(m.skipped.map((x) => x.reason))];
    out.push(`${m.skipped.length} skipped (no Service carries them):`);
    for (const r of reasons.slice(0, 10)) out.push(`  ${r}`);
    if (reasons.length > 10) out.push(`  … and ${reasons.length - 10} more reasons (-o json lists every skipped cell)`);
  }
  return `${out.join('\n')}\n`;
}

/** One line per cell with the deciding policies. */
export function formatMatrixWide(m: Matrix): string {
  const rows = [['FROM', 'TO', 'PORT', 'VERDICT', 'POLICIES']];
  for (const c of m.cells) rows.push([c.from, c.to, portKey(c), c.verdict, c.policies.join(',') || '-']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** RFC 4180 CSV with a header (sim/matrix/serialize.ts: the app's export is the same serializer). */
export const formatMatrixCsv = (m: Matrix): string => matrixCsv(rowsOfMatrix(m));

/** The JSON of docs/matrix-format.md: `{ cells: [{ from, to, port, protocol, verdict, policies, ... }] }` and more. */
export const formatMatrixJson = (m: Matrix): string => matrixJson(rowsOfMatrix(m));

/** Computes and prints the matrix; returns the exit status (2 for a bad selector). */
export function runMatrix(cluster: Cluster, args: MatrixArgs, io: Io): number {
  let m: Matrix;
  try {
    m = computeMatrix(cluster, matrixRequest(args, cluster));
  } catch (error) {
    if (error instanceof MatrixRequestError) {
      io.err(`k8s-netviz: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.output === 'json') io.out(escapeEncoded(formatMatrixJson(m)));
  else if (args.output === 'csv') io.out(escapeText(formatMatrixCsv(m), true).replace(/\\x0d\n/g, '\r\n'));
  else if (args.output === 'wide') io.out(escapeText(formatMatrixWide(m), true));
  else io.out(escapeText(formatMatrixTable(m), true));
  return args.exitCode ? matrixExitCode(m) : 0;
}
