/**
 * What `trace` and `open` share: the process's streams, and -f read and checked by the simulation's
 * own importer, with its limits and its errors, one per line as `file:line:col: ...`.
 */
import { loadManifests } from '../sim/import/index';
import type { ImportProblem, ImportResult, ManifestSource } from '../sim/import/types';
import { readSources } from './input';
import type { ReadOptions } from './input';
import type { OpenOptions } from './open';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** where `-f -` reads from (default: the process's stdin) */
  stdin?: ReadOptions['stdin'];
  /** for `open`: the app's files, the browser, the signal that stops the server */
  open?: Partial<OpenOptions>;
}

/** `file:line:col: Kind ns/name: field: message`, leaving out what the problem does not know. */
export function formatProblem(p: ImportProblem): string {
  let where = p.source;
  if (p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  const parts = [where];
  if (p.object) parts.push(p.object);
  if (p.field) parts.push(p.field);
  parts.push(p.message);
  return parts.join(': ');
}

export type Loaded = Extract<ImportResult, { ok: true }>;

/**
 * Imports sources as the editor would, printing warnings and errors on stderr; null when the input
 * has errors.
 */
export function importSources(sources: ManifestSource[], io: Io): Loaded | null {
  // The editor shows nothing for an empty text; a command asked for a cluster and got none.
  if (sources.length > 0 && sources.every((s) => s.text.replace(/^\ufeff/, '').trim() === '')) {
    io.err(`${sources.map((s) => s.name).join(', ')}: empty: no Kubernetes objects\n`);
    return null;
  }
  const result = loadManifests(sources);
  for (const w of result.warnings) io.err(`warning: ${formatProblem(w)}\n`);
  if (!result.ok) {
    for (const e of result.errors) io.err(`${formatProblem(e)}\n`);
    return null;
  }
  const ignored = Object.entries(result.ignored);
  if (ignored.length > 0)
    io.err(`warning: not simulated, skipped: ${ignored.map(([k, n]) => `${k} (${n})`).join(', ')}\n`);
  return result;
}

/** Reads the -f arguments (UsageError when one cannot be read). */
export function readManifestFiles(files: readonly string[], io: Io): Promise<ManifestSource[]> {
  return readSources(files, io.stdin ? { stdin: io.stdin } : {});
}
