/**
 * `?manifests=<path>`: manifests to open in the editor at start, fetched from the page's own origin.
 * `k8s-netviz open` serves a user's files this way (`?manifests=manifests.yaml` beside the app,
 * under the server's token). Only a same-origin address is followed, so a link to the hosted app
 * cannot make it fetch from elsewhere; the text is bounded by the importer's MAX_INPUT_BYTES while
 * it downloads, and then goes through the editor like a paste (its limits, its errors).
 */
import { MAX_INPUT_BYTES } from '../sim/import/limits';

export type ManifestsParam = { kind: 'none' } | { kind: 'ok'; url: string } | { kind: 'error'; message: string };

/** Reads `manifests` from a query string; `base` is the page's address. */
export function parseManifestsParam(search: string, base: string): ManifestsParam {
  const raw = new URLSearchParams(search).get('manifests');
  if (raw === null) return { kind: 'none' };
  const shown = raw.slice(0, 60);
  let url: URL | null;
  try {
    url = new URL(raw, base);
  } catch {
    url = null;
  }
  if (url === null || url.origin !== new URL(base).origin || !/^https?:$/.test(url.protocol))
    return { kind: 'error', message: `Ignored manifests=${shown}: only a path on this site can be opened.` };
  return { kind: 'ok', url: url.href };
}

/** Downloads the manifests' text, stopping at `limit` bytes; throws an Error saying what went wrong. */
export async function fetchManifests(
  url: string,
  fetchImpl: typeof fetch = fetch,
  limit: number = MAX_INPUT_BYTES,
): Promise<string> {
  const response = await fetchImpl(url, { credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  const tooLarge = (): Error => new Error(`they are larger than ${limit / (1024 * 1024)} MiB (MAX_INPUT_BYTES)`);
  if (Number(response.headers.get('content-length') ?? 0) > limit) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('they are not UTF-8 text');
  }
}
