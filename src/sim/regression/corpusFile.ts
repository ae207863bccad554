/**
 * The stored corpus: one JSON record per line (a header line first), gzipped. The gzip header's
 * time is fixed, so the same records always give the same bytes and an unchanged corpus never shows
 * up in a diff.
 */
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import type { CorpusRecord } from './cases';

export const CORPUS_FORMAT = 1;

export interface CorpusHeader {
  corpus: typeof CORPUS_FORMAT;
  records: number;
  about: string;
}

export function encodeCorpus(records: readonly CorpusRecord[]): Uint8Array {
  const header: CorpusHeader = {
    corpus: CORPUS_FORMAT,
    records: records.length,
    about:
      'k8s-netviz regression corpus: one record per line ({id, kind, input, output}); regenerate with `npm run corpus:update` only for an intended change',
  };
  const text = [header, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n';
  return gzipSync(strToU8(text), { level: 9, mtime: 0 });
}

export function decodeCorpus(bytes: Uint8Array): { header: CorpusHeader; records: CorpusRecord[] } {
  const lines = strFromU8(gunzipSync(bytes))
    .split('\n')
    .filter((l) => l !== '');
  const [first, ...rest] = lines;
  const header = JSON.parse(first ?? '{}') as CorpusHeader;
  if (header.corpus !== CORPUS_FORMAT) throw new Error(`unknown corpus format ${String(header.corpus)}`);
  return { header, records: rest.map((l) => JSON.parse(l) as CorpusRecord) };
}
