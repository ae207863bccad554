/**
 * deflate-raw with a cap on what decompression may produce: CompressionStream where the browser
 * has 'deflate-raw' (Chrome 103+, Firefox 113+, Safari 16.4+), fflate where it does not. A link is
 * untrusted input, so inflating stops as soon as the output passes the cap (a zip bomb costs
 * nothing). fflate loads on demand: browsers with the native stream never fetch it.
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

/** Inflates, failing with 'oversized' past `maxBytes` of output and 'damaged' on a bad or cut stream. */
export async function inflateRaw(
  data: Uint8Array,
  maxBytes: number,
  options: DeflateOptions = {},
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > maxBytes)
      throw new InflateError('oversized', `it unpacks to more than ${Math.round(maxBytes / 1024)} KB`);
    chunks.push(chunk);
  };
  if (options.native ?? hasNativeDeflateRaw()) {
    const reader = new Blob([data as BlobPart])
      .stream()
      .pipeThrough(new DecompressionStream('deflate-raw'))
      .getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      if (error instanceof InflateError) throw error;
      throw new InflateError('damaged', 'its compressed data is damaged or cut short');
    }
    return concat(chunks, total);
  }
  const { Inflate } = await import('fflate');
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    take(chunk);
    if (final) ended = true;
  });
  try {
    inflate.push(data, true);
  } catch (error) {
    if (error instanceof InflateError) throw error;
    throw new InflateError('damaged', 'its compressed data is damaged or cut short');
  }
  if (!ended) throw new InflateError('damaged', 'its compressed data is damaged or cut short');
  return concat(chunks, total);
}
