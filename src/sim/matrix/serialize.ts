/**
 * The matrix as JSON and CSV: one serializer for the CLI (`-o json`, `-o csv`) and the app's
 * exports, so that both carry the same fields in the same order. It reads either matrix, the full
 * one (`computeMatrix`) or the compact one the app's worker makes (each cell expanded from its
 * class's decision), and writes in chunks so that a large export never has to be one string.
 */
import { NO_VERDICT, expandCompactCell } from './compact';
import type { CompactMatrix } from './compact';
import type { Matrix, MatrixCell, MatrixSide, MatrixSkip, MatrixVerdict, MatrixVia } from './matrix';

/** What the serializers read: the matrix's head, then its cells and skipped cells, rows first. */
export interface MatrixRows {
  sources: readonly string[];
  destinations: readonly string[];
  enforced: boolean;
  via: MatrixVia;
  counts: Record<MatrixVerdict, number>;
  cells(): Iterable<MatrixCell>;
  skipped(): Iterable<MatrixSkip>;
}

export function rowsOfMatrix(m: Matrix): MatrixRows {
  return { ...m, cells: () => m.cells, skipped: () => m.skipped };
}

/** The compact matrix's cells expanded one at a time (never all held at once). */
export function rowsOfCompact(m: CompactMatrix): MatrixRows {
  const D = m.destinations.length;
  const P = m.ports.length;
  function* walk(want: 'cell' | 'skip'): Generator<MatrixCell | MatrixSkip> {
    for (let s = 0; s < m.sources.length; s++)
      for (let d = 0; d < D; d++)
        for (let p = 0; p < P; p++) {
          const v = m.verdicts[(s * D + d) * P + p] as number;
          // a cell has a verdict; a skip (or an undeclared port) has none
          if ((v === NO_VERDICT) !== (want === 'skip')) continue;
          const x = expandCompactCell(m, s, d, p);
          if (x && 'cell' in x && want === 'cell') yield x.cell;
          else if (x && 'skip' in x && want === 'skip') yield x.skip;
        }
  }
  return {
    sources: m.sources,
    destinations: m.destinations,
    enforced: m.enforced,
    via: m.via,
    counts: m.counts,
    cells: () => walk('cell') as Iterable<MatrixCell>,
    skipped: () => (m.skipped === 0 ? [] : (walk('skip') as Iterable<MatrixSkip>)),
  };
}

/** A side with its fields in the documented order, whatever object it came from. */
function side(s: MatrixSide): MatrixSide {
  return {
    direction: s.direction,
    pod: s.pod,
    allowed: s.allowed,
    isolated: s.isolated,
    exempt: s.exempt,
    allowedBy: s.allowedBy
      ? { policy: s.allowedBy.policy, direction: s.allowedBy.direction, rule: s.allowedBy.rule, text: s.allowedBy.text }
      : null,
    isolating: [...s.isolating],
  };
}

/** A cell with its fields in the documented order (docs/matrix-format.md). */
export function cellJson(c: MatrixCell): MatrixCell {
  return {
    from: c.from,
    to: c.to,
    port: c.port,
    protocol: c.protocol,
    verdict: c.verdict,
    policies: [...c.policies],
    ...(c.service ? { service: { name: c.service.name, clusterIP: c.service.clusterIP, port: c.service.port } } : {}),
    egress: side(c.egress),
    ingress: side(c.ingress),
    reason: c.reason,
  };
}

const indent = (json: string, by: string): string => json.replace(/\n/g, `\n${by}`);

function* array<T>(items: Iterable<T>, toJson: (x: T) => unknown): Generator<string> {
  let first = true;
  for (const x of items) {
    yield `${first ? '[\n    ' : ',\n    '}${indent(JSON.stringify(toJson(x), null, 2), '    ')}`;
    first = false;
  }
  yield first ? '[]' : '\n  ]';
}

/**
 * The JSON of `-o json`, in chunks: the same text as `JSON.stringify` with two-space indents of
 * `{ sources, destinations, enforced, via, cells, skipped, counts }`.
 */
export function* matrixJsonChunks(m: MatrixRows): Generator<string> {
  const field = (name: string, value: unknown): string =>
    `  "${name}": ${indent(JSON.stringify(value, null, 2), '  ')}`;
  yield `{\n${field('sources', m.sources)},\n${field('destinations', m.destinations)},\n${field('enforced', m.enforced)},\n${field('via', m.via)},\n  "cells": `;
  yield* array(m.cells(), cellJson);
  yield ',\n  "skipped": ';
  yield* array(m.skipped(), (s: MatrixSkip) => ({
    from: s.from,
    to: s.to,
    port: s.port,
    protocol: s.protocol,
    reason: s.reason,
  }));
  yield `,\n${field('counts', m.counts)}\n}\n`;
}

export const matrixJson = (m: MatrixRows): string => [...matrixJsonChunks(m)].join('');

const csvField = (x: string): string => (/[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);

/**
 * The CSV of `-o csv`, in chunks: RFC 4180, a header, CRLF line ends, the policies of a cell
 * space-separated in one field; through Services a last column names the Service
 * (`ns/name clusterIP:port`). Skipped cells have no row.
 *
 * @example
 * matrixCsv(rowsOfMatrix(computeMatrix(cluster, { ports: [{ port: 80, protocol: 'tcp' }] })))
 * // 'from,to,port,protocol,verdict,policies\r\nx/a,x/b,80,tcp,denied-ingress,x/deny\r\n...'
 */
export function* matrixCsvChunks(m: MatrixRows): Generator<string> {
  const service = m.via === 'service';
  yield `from,to,port,protocol,verdict,policies${service ? ',service' : ''}\r\n`;
  let batch: string[] = [];
  for (const c of m.cells()) {
    const row = [c.from, c.to, String(c.port), c.protocol, c.verdict, c.policies.join(' ')];
    if (service) row.push(c.service ? `${c.service.name} ${c.service.clusterIP}:${c.service.port}` : '');
    batch.push(`${row.map(csvField).join(',')}\r\n`);
    if (batch.length === 4096) {
      yield batch.join('');
      batch = [];
    }
  }
  if (batch.length > 0) yield batch.join('');
}

export const matrixCsv = (m: MatrixRows): string => [...matrixCsvChunks(m)].join('');
