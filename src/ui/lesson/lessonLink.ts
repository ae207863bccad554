/**
 * A teacher's own lesson in a link: `#lesson=j1.<base64url(JSON)>`, the share links' plain format
 * (docs/lessons.md). The text is bounded before it is decoded and the lesson is validated like a
 * file, so a damaged or hostile link gives a message, never an exception.
 */
import { MAX_LESSON_BYTES, checkLesson, formatPath, lessonToJson } from '../../sim/lesson/format';
import type { Lesson } from '../../sim/lesson/format';

/** base64url grows 3 bytes into 4 characters. */
export const MAX_LESSON_LINK_CHARS = Math.ceil((MAX_LESSON_BYTES * 4) / 3) + 8;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  try {
    const binary = atob(padded);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The value of `lesson=` for a teacher's lesson (no id: an id names a built-in one). */
export function encodeLesson(lesson: Lesson): string {
  const { id: _builtIn, ...own } = lesson;
  return `j1.${toBase64Url(new TextEncoder().encode(JSON.stringify(own)))}`;
}

export type LessonLinkResult = { ok: true; lesson: Lesson } | { ok: false; message: string };

/** Reads the value of `lesson=` that is not a built-in id. */
export function decodeLesson(text: string): LessonLinkResult {
  const fail = (why: string): LessonLinkResult => ({
    ok: false,
    message: `This link’s lesson could not be opened: ${why}.`,
  });
  if (text.length > MAX_LESSON_LINK_CHARS) return fail(`it is longer than ${MAX_LESSON_LINK_CHARS} characters`);
  if (!text.startsWith('j1.')) return fail('it is neither a built-in lesson nor a lesson link (j1.…)');
  const bytes = fromBase64Url(text.slice(3));
  if (!bytes) return fail('it is not valid base64url (was it cut or changed?)');
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('it is not UTF-8 text');
  }
  let value: unknown;
  try {
    // a link's JSON is written by the app: its problems are named by field, not by line
    value = JSON.parse(json);
  } catch {
    return fail('its lesson is not valid JSON');
  }
  const { lesson, problems } = checkLesson(value);
  if (!lesson)
    return fail(
      problems
        .slice(0, 3)
        .map((p) => `${formatPath(p.path)}: ${p.message}`)
        .join('; '),
    );
  return { ok: true, lesson };
}

/** The file a lesson is exported to. */
export function lessonFile(lesson: Lesson): { name: string; text: string } {
  const slug =
    lesson.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'lesson';
  return { name: `${slug}.lesson.json`, text: lessonToJson(lesson) };
}
