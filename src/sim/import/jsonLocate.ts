/**
 * Finding a field in JSON text. JSON input goes through JSON.parse, which keeps no positions; when a
 * problem must be placed, this scans the (already valid) text for the field's path instead. It is
 * iterative (no recursion on hostile nesting) and linear in the text.
 */
import type { Path } from './problems';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  return i;
}

/** The index just past the string literal starting at `i` (which is a `"`). */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

/** The index just past the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    while (i < text.length && !',}] \t\r\n'.includes(text.charAt(i))) i++;
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      i = skipString(text, i);
      continue;
    }
    if (ch === 0x7b || ch === 0x5b) depth++;
    else if (ch === 0x7d || ch === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/**
 * The offset of the value at `path` in valid JSON text, or of its nearest existing ancestor, or null
 * when the text does not start with a value.
 */
export function locateJson(text: string, path: Path): number | null {
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (i >= text.length) return null;
  for (const segment of path) {
    const open = text.charCodeAt(i);
    if (typeof segment === 'string' && open === 0x7b) {
      let j = skipWs(text, i + 1);
      let found = -1;
      while (j < text.length && text.charCodeAt(j) === 0x22) {
        const keyEnd = skipString(text, j);
        let key: unknown;
        try {
          key = JSON.parse(text.slice(j, keyEnd));
        } catch {
          return i;
        }
        j = skipWs(text, keyEnd);
        j = skipWs(text, j + 1); // the colon
        if (key === segment) {
          found = j;
          break;
        }
        j = skipWs(text, skipValue(text, j));
        if (text.charCodeAt(j) === 0x2c) j = skipWs(text, j + 1);
      }
      if (found < 0) return i;
      i = found;
    } else if (typeof segment === 'number' && open === 0x5b) {
      let j = skipWs(text, i + 1);
      for (let n = 0; n < segment; n++) {
        if (text.charCodeAt(j) === 0x5d) return i;
        j = skipWs(text, skipValue(text, j));
        if (text.charCodeAt(j) !== 0x2c) return i;
        j = skipWs(text, j + 1);
      }
      if (text.charCodeAt(j) === 0x5d) return i;
      i = j;
    } else {
      return i;
    }
  }
  return i;
}
