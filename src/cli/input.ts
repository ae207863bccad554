/**
 * Reading the manifests named by -f: files, directories (their *.yaml, *.yml and *.json, in name
 * order) and stdin.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestSource } from '../sim/import/types';
import { UsageError } from './args';

const MANIFEST = /\.(ya?ml|json)$/i;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads every -f argument into named sources. Throws UsageError for paths that cannot be read. */
export async function readSources(paths: readonly string[]): Promise<ManifestSource[]> {
  const sources: ManifestSource[] = [];
  let stdinUsed = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinUsed) throw new UsageError('-f -: stdin can be read only once');
      stdinUsed = true;
      sources.push({ name: '<stdin>', text: await readStdin() });
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`-f ${path}: no such file or directory`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => MANIFEST.test(n)).sort();
      if (names.length === 0) throw new UsageError(`-f ${path}: the directory holds no *.yaml, *.yml or *.json file`);
      for (const name of names) {
        const file = join(path, name);
        if ((await stat(file)).isFile()) sources.push({ name: file, text: await readFile(file, 'utf8') });
      }
    } else {
      try {
        sources.push({ name: path, text: await readFile(path, 'utf8') });
      } catch (error) {
        throw new UsageError(`-f ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return sources;
}
