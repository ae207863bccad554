/**
 * Reading a lesson's text (YAML or JSON) with every problem at its line and column. Apart from
 * format.ts because it needs the YAML parser, which the app loads only when a file is read.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import { utf8Length } from '../import/parse';
import { MAX_ALIASES, MAX_DEPTH, MAX_LESSON_BYTES, checkLesson, formatPath } from './format';
import type { LessonParse } from './format';

/**
 * Reads a lesson from YAML or JSON text (JSON is YAML). Every problem is placed at the line and
 * column of the field it is about (1-based), or of the nearest field that exists.
 */
export function parseLesson(text: string): LessonParse {
  const bytes = utf8Length(text);
  if (bytes > MAX_LESSON_BYTES)
    return {
      ok: false,
      problems: [
        {
          message: `The lesson is ${bytes} bytes; the limit is ${MAX_LESSON_BYTES} bytes (MAX_LESSON_BYTES).`,
          line: 1,
          column: 1,
          path: '(the lesson)',
        },
      ],
    };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const place = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.slice(0, 10).map((e) => ({
        message: `Not valid YAML or JSON: ${e.message.split('\n')[0] ?? e.code}`,
        ...place(e.pos[0]),
        path: '(the text)',
      })),
    };
  }
  let value: unknown;
  try {
    // aliases are bounded: a few are handy, thousands are a billion-laughs attack
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    return {
      ok: false,
      problems: [{ message: `The lesson could not be read: ${String(error)}`, line: 1, column: 1, path: '(the text)' }],
    };
  }
  const depth = (v: unknown, d: number): number =>
    d > MAX_DEPTH || typeof v !== 'object' || v === null
      ? d
      : Math.max(d, ...Object.values(v as Record<string, unknown>).map((x) => depth(x, d + 1)));
  if (depth(value, 0) > MAX_DEPTH)
    return {
      ok: false,
      problems: [
        { message: `The lesson nests more than ${MAX_DEPTH} levels deep.`, line: 1, column: 1, path: '(the lesson)' },
      ],
    };
  const { lesson, problems } = checkLesson(value);
  if (lesson) return { ok: true, lesson };
  return {
    ok: false,
    problems: problems.map(({ path, message }) => {
      // the field itself, or the nearest of its parents that the text has
      let offset = 0;
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) {
          offset = node.range[0];
          break;
        }
      }
      return { message: `${formatPath(path)}: ${message}`, ...place(offset), path: formatPath(path) };
    }),
  };
}
