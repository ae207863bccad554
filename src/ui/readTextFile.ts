/**
 * Reading a file the user opened or dropped: its size is checked before a byte is read (a 450 MB
 * drop is refused at once, not after seconds of reading), and its bytes must be text: UTF-8, or
 * UTF-16 with a byte-order mark. Anything else is refused with the byte and the line where it
 * went wrong, never decoded with replacement characters that would alter names silently.
 */
import { formatBytes, visibleText } from '../sim/model/format';
import { firstInvalidUtf8 } from '../sim/import/utf8';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Line and column (1-based, in characters of the valid text before it) of a byte offset. */
function where(bytes: Uint8Array, offset: number): string {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  return `line ${lines.length}, column ${(lines[lines.length - 1] as string).length + 1}`;
}

export { firstInvalidUtf8 };

/** Bytes that no text file holds: NUL and the C0 controls other than tab, newline, CR, FF and ESC. */
function binaryByte(bytes: Uint8Array, limit: number): number {
  const end = Math.min(bytes.length, limit);
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return i;
  }
  return -1;
}

/** Decodes a file's bytes as text, or says, with the byte and its place, why they are not text. */
export function decodeText(bytes: Uint8Array, name: string): ReadResult {
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  const utf16 = b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : null;
  if (utf16) {
    try {
      return { ok: true, text: new TextDecoder(utf16, { fatal: true }).decode(bytes.subarray(2)) };
    } catch {
      return { ok: false, message: `${name} starts as UTF-16 text but is not valid UTF-16; save it as UTF-8.` };
    }
  }
  const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
  const control = binaryByte(body, 64 * 1024);
  if (control >= 0) {
    // UTF-16 without a byte-order mark: every other byte of ASCII text is NUL
    const nulOdd = body.length >= 4 && (body[1] === 0 || body[0] === 0) && (body[3] === 0 || body[2] === 0);
    return {
      ok: false,
      message: nulOdd
        ? `${name} looks like UTF-16 text without a byte-order mark; save it as UTF-8 and open it again.`
        : `${name} is not a text file: it holds the byte ${hex(body[control] as number)} at ${where(body, control)} (byte ${control}). Manifests are YAML or JSON text.`,
    };
  }
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    return {
      ok: false,
      message: `${name} is not UTF-8 text: the byte ${hex(body[bad] as number)} at ${where(body, bad)} is not valid UTF-8 (is it Latin-1 or Windows-1252?). Nothing was changed; save the file as UTF-8 and open it again.`,
    };
  }
  return { ok: true, text: new TextDecoder('utf-8').decode(body) };
}

/** Reads a file as text, refusing it by its size before reading anything. */
export async function readTextFile(file: Blob & { name?: string }, maxBytes: number): Promise<ReadResult> {
  const name = file.name ? `“${visibleText(file.name, 100)}”` : 'The file';
  if (file.size > maxBytes) {
    return {
      ok: false,
      message: `${name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}. It was not read.`,
    };
  }
  let buffer: ArrayBuffer;
  try {
    buffer = await file.arrayBuffer();
  } catch {
    return { ok: false, message: `${name} could not be read (was it moved or deleted?).` };
  }
  return decodeText(new Uint8Array(buffer), name);
}
