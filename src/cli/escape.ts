/**
 * Text from manifests (names, labels, hosts, paths) reaches the terminal through the trace. A name
 * holding an escape sequence could clear the screen, set the window title or write the clipboard
 * (OSC 52) when printed raw; bidi overrides and zero-width characters make one name look like
 * another. Everything the CLI prints goes through one of these two functions.
 */

/**
 * C0 controls, DEL and C1 controls (U+0080-U+009F: 8-bit CSI, OSC...), the Arabic letter mark,
 * zero-width and bidi marks and overrides (U+200B-U+200F, U+202A-U+202E, U+2060-U+2069), the line
 * and paragraph separators, and the zero-width no-break space.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const hex = (c: string, digits: number): string => (c.codePointAt(0) ?? 0).toString(16).padStart(digits, '0');

/**
 * For readable text (the table, messages): every unsafe character as `\xHH` or `\uHHHH`, except the
 * newlines between lines when `keepNewlines` is set.
 *
 * @example escapeText('evil\u001b]0;pwned\u0007') // 'evil\\x1b]0;pwned\\x07'
 */
export function escapeText(text: string, keepNewlines = false): string {
  return text.replace(UNSAFE, (c) =>
    keepNewlines && c === '\n' ? c : (c.codePointAt(0) ?? 0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`,
  );
}

/**
 * For JSON, and YAML written with double-quoted strings: unsafe characters inside strings become
 * `\uHHHH` escapes, which both formats read back as the same character, so the data is unchanged.
 * Newlines outside strings stay. (JSON.stringify leaves C1 controls, bidi marks and U+2028 raw.)
 */
export function escapeEncoded(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\n' ? c : `\\u${hex(c, 4)}`));
}
