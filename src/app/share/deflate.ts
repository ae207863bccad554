/**
 * deflate-raw with a cap on what decompression may produce. Compressing uses CompressionStream
 * where the browser has 'deflate-raw' (Chrome 103+, Firefox 113+, Safari 16.4+), fflate where it
 * does not. A link is untrusted input, so inflating always goes through fflate's streaming inflater
 * in bounded slices and stops as soon as the output passes the cap (a zip bomb costs nothing).
 * fflate loads on demand, when a compressed link is read or a browser cannot compress natively.
 */

export class InflateError extends Error {
  readonly code: 'oversized' | 'damaged';
  constructor(code: 'oversized' | 'damaged', message: string) {
    super(message);
    this.code = code;
    this.name = 'InflateError';
  }
}

/** Whether this runtime's CompressionStream speaks deflate-raw (feature detection, not UA sniffing). */
export function hasNativeDeflateRaw(): boolean {
  try {
    if (typeof CompressionStream === 'undefined' || typeof DecompressionStream === 'undefined') return false;
    new CompressionStream('deflate-raw');
    new DecompressionStream('deflate-raw');
    return true;
  } catch {
    return false;
  }
}

export interface DeflateOptions {
  /** force the library path (tests, and browsers whose native stream misbehaves) */
  native?: boolean;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function deflateRaw(data: Uint8Array, options: DeflateOptions = {}): Promise<Uint8Array> {
  if (options.native ?? hasNativeDeflateRaw()) {
    const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const { Deflate } = await import('fflate');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const deflate = new Deflate({ level: 9 }, (chunk) => {
    chunks.push(chunk);
    total += chunk.length;
  });
  deflate.push(data, true);
  return concat(chunks, total);
}

/**
 * Compressed bytes fed to the inflater per step. Deflate expands at most about 1,032 to 1, so one
 * slice yields at most ~1 MB before the cap is checked again.
 */
export const INFLATE_SLICE_BYTES = 1024;

export interface InflateOptions {
  /** told the size of every piece of output as it is produced (tests and measurement) */
  onOutput?: (bytes: number) => void;
}

/**
 * Inflates, failing with 'oversized' past `maxBytes` of output and 'damaged' on a bad or cut
 * stream. The input goes in one small slice at a time and the output is counted after each, so a
 * bomb stops within about a megabyte of the cap: nothing is inflated whole first. (The browser's
 * DecompressionStream is not used here: fed the whole input, it inflates all of it before the
 * first chunk can be read and refused.)
 */
export async function inflateRaw(
  data: Uint8Array,
  maxBytes: number,
  options: InflateOptions = {},
): Promise<Uint8Array> {
  const { Inflate } = await import('fflate');
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    options.onOutput?.(chunk.length);
    total += chunk.length;
    if (final) ended = true;
    if (total > maxBytes) return;
    chunks.push(chunk);
  });
  try {
    for (let at = 0; at < data.length && !ended; at += INFLATE_SLICE_BYTES) {
      const end = Math.min(at + INFLATE_SLICE_BYTES, data.length);
      inflate.push(data.subarray(at, end), end === data.length);
      if (total > maxBytes)
        throw new InflateError('oversized', `it unpacks to more than ${Math.round(maxBytes / 1024)} KB`);
    }
    if (data.length === 0) inflate.push(data, true);
  } catch (error) {
    if (error instanceof InflateError) throw error;
    throw new InflateError('damaged', 'its compressed data is damaged or cut short');
  }
  if (!ended) throw new InflateError('damaged', 'its compressed data is damaged or cut short');
  return concat(chunks, total);
}
