/**
 * Reading the manifests named by -f: files, directories (their *.yaml, *.yml and *.json, in name
 * order) and stdin, as the editor's importer would take them. Every input is untrusted: the total
 * is capped at the importer's MAX_INPUT_BYTES while reading (an endless stdin or /dev/zero stops
 * there, a file known to be larger is refused before it is read), and text must be UTF-8 (or
 * UTF-16 with a byte-order mark, as PowerShell writes): anything else is an error naming the file,
 * line and column instead of names silently altered.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MAX_INPUT_BYTES } from '../sim/import/limits';
import { firstInvalidUtf8 } from '../sim/import/utf8';
import type { ManifestSource } from '../sim/import/types';
import { UsageError } from './args';

const MANIFEST = /\.(ya?ml|json)$/i;
const MIB = 1024 * 1024;

/** Bytes read so far, across all sources of one command. */
interface Budget {
  used: number;
  readonly limit: number;
}

function tooLarge(name: string, budget: Budget): UsageError {
  return new UsageError(
    `${name}: the input is more than ${budget.limit / MIB} MiB in all; the limit is ${budget.limit / MIB} MiB (MAX_INPUT_BYTES)`,
  );
}

/** Line and column (1-based, in characters) of a byte offset. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  // continuation bytes (10xxxxxx) do not start a character
  let column = 1;
  for (let i = start; i < offset; i++) if (((bytes[i] ?? 0) & 0xc0) !== 0x80) column++;
  return { line, column };
}

export { firstInvalidUtf8 as invalidUtf8At };

/** The text of a file's bytes, or an error at the first byte that makes it not text. */
export function decodeText(bytes: Uint8Array, name: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le', name);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be', name);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = position(bytes, nul);
    throw new UsageError(
      `${name}:${line}:${column}: a NUL byte: this is a binary file (or UTF-16 without a byte-order mark), not YAML or JSON text`,
    );
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const { line, column } = position(bytes, bad);
    throw new UsageError(
      `${name}:${line}:${column}: byte 0x${(bytes[bad] ?? 0).toString(16)} is not UTF-8 text; save the file as UTF-8`,
    );
  }
  return new TextDecoder('utf-8').decode(bytes);
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', name: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${name}: starts as ${encoding.toUpperCase()} text but is not valid ${encoding}`);
  }
}

/** Reads a stream up to the budget; stops reading (and fails) as soon as it passes it. */
async function readBounded(stream: Readable, name: string, budget: Budget): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (budget.used + size > budget.limit) {
      stream.destroy();
      throw tooLarge(name, budget);
    }
    chunks.push(buffer);
  }
  budget.used += size;
  return Buffer.concat(chunks);
}

function reason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

async function readPath(path: string, budget: Budget): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const link = await lstat(path).catch(() => null);
    if (link?.isSymbolicLink() && (error as { code?: string }).code === 'ENOENT')
      throw new UsageError(`-f ${path}: a symbolic link to a file that does not exist`);
    throw new UsageError(`-f ${path}: ${reason(error)}`);
  }
  // a regular file larger than what is left is refused before it is read
  if (info.isFile() && budget.used + info.size > budget.limit) throw tooLarge(path, budget);
  try {
    return await readBounded(createReadStream(path), path, budget);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`-f ${path}: ${reason(error)}`);
  }
}

export interface ReadOptions {
  /** the total limit (default: the importer's MAX_INPUT_BYTES) */
  limit?: number;
  stdin?: Readable;
}

/** Reads every -f argument into named sources. Throws UsageError for anything that cannot be read. */
export async function readSources(paths: readonly string[], options: ReadOptions = {}): Promise<ManifestSource[]> {
  const budget: Budget = { used: 0, limit: options.limit ?? MAX_INPUT_BYTES };
  const sources: ManifestSource[] = [];
  let stdinUsed = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinUsed) throw new UsageError('-f -: stdin can be read only once');
      stdinUsed = true;
      const bytes = await readBounded(options.stdin ?? process.stdin, '<stdin>', budget);
      sources.push({ name: '<stdin>', text: decodeText(bytes, '<stdin>') });
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      // readPath says why
    }
    if (!isDirectory) {
      sources.push({ name: path, text: decodeText(await readPath(path, budget), path) });
      continue;
    }
    let names;
    try {
      names = (await readdir(path)).filter((n) => MANIFEST.test(n)).sort();
    } catch (error) {
      throw new UsageError(`-f ${path}: ${reason(error)}`);
    }
    if (names.length === 0) throw new UsageError(`-f ${path}: the directory holds no *.yaml, *.yml or *.json file`);
    for (const name of names) {
      const file = join(path, name);
      // subdirectories named like manifests are skipped, as kubectl apply -f does
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) continue;
      sources.push({ name: file, text: decodeText(await readPath(file, budget), file) });
    }
  }
  return sources;
}
