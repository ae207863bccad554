/**
 * A count as people read it, with thousands separators: 5000 -> "5,000".
 *
 * Written out rather than `toLocaleString('en-US')`: a page's first call of that loads ICU's number
 * formatting, which measured 35-60 ms in Chromium here, on the way to the diagram's first frame.
 */
/** `1.5 MB`, `12.0 KB`, `300 bytes`: a size in a message. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3)
    out = digits.slice(Math.max(0, end - 3), end) + (out ? `,${out}` : '');
  return n < 0 ? `-${out}` : out;
}

/**
 * Characters that hide or reorder text on screen, or are not text at all: C0 and C1 controls
 * (other than tab, newline and carriage return), zero-width characters, the invisible operators,
 * line and paragraph separators, bidi embeddings, overrides, isolates and marks, and a stray
 * byte-order mark. No Kubernetes name, label or address holds any of them.
 */
export const HIDDEN_CHARS =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;
const HIDDEN_CHARS_ALL = new RegExp(HIDDEN_CHARS.source, 'g');

const CHAR_NAMES: Readonly<Record<number, string>> = {
  0x0: 'NUL',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0xad: 'SOFT HYPHEN',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

/** `U+202E` */
export function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `U+202E (RIGHT-TO-LEFT OVERRIDE)`, or `U+0007 (a control character)` */
export function describeChar(c: string): string {
  const name = CHAR_NAMES[c.codePointAt(0) ?? 0];
  const code = c.codePointAt(0) ?? 0;
  const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
  return `${codePoint(c)} (${name ?? (control ? 'a control character' : 'an invisible character')})`;
}

/** The first hidden character of a text and its index, or null. */
export function findHidden(text: string): { char: string; index: number } | null {
  const m = HIDDEN_CHARS.exec(text);
  return m ? { char: m[0], index: m.index } : null;
}

/**
 * Untrusted text made safe to show inside a sentence: hidden characters written out as `<U+202E>`
 * so that nothing is reordered or concealed, cut to `max` characters. Still text: whatever shows
 * it must not treat it as markup.
 */
export function visibleText(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(HIDDEN_CHARS_ALL, (c) => `<${codePoint(c)}>`);
}
