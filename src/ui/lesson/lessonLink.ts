/**
 * A teacher's own lesson in a link (docs/lessons.md): `#lesson=z1.<base64url(deflate-raw(JSON))>`,
 * or `#lesson=j1.<base64url(JSON)>` when compression would not shorten it (and for links written
 * before compression: they open forever). The share links' formats and their compression, which the
 * app hands in (`LessonCodec`: src/ui does not import src/app). A link is untrusted: its length is
 * bounded before decoding, its unpacked text is capped at MAX_LESSON_BYTES while it is inflated (a
 * zip bomb stops within a slice), and the lesson is validated like a file, so a damaged or hostile
 * link gives a message, never an exception.
 */
import { MAX_LESSON_BYTES, checkLesson, formatPath, lessonToJson } from '../../sim/lesson/format';
import type { Lesson } from '../../sim/lesson/format';

/** base64url grows 3 bytes into 4 characters; a compressed lesson is shorter still. */
export const MAX_LESSON_LINK_CHARS = Math.ceil((MAX_LESSON_BYTES * 4) / 3) + 8;

/** deflate-raw both ways; `inflate` stops past `maxBytes` of output and rejects with an Error saying why */
export interface LessonCodec {
  deflate(bytes: Uint8Array): Promise<Uint8Array>;
  inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
}

/** What the app gives lessons: link compression and the share links' states (a teacher's own clusters). */
export interface LessonShareActions {
  codec: LessonCodec;
  /** the `s=` value of what is on screen, as the Share dialog would write it */
  stateOfScreen(): Promise<string>;
  /** opens an `s=` value at a playback step; resolves to an error message, or null when it opened */
  openState(text: string, step: number): Promise<string | null>;
}

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

/**
 * The value of `lesson=` for a teacher's lesson (no id: an id names a built-in one): compressed
 * when a codec is given and it saves space, plain otherwise.
 */
export async function encodeLesson(lesson: Lesson, codec?: LessonCodec): Promise<string> {
  const { id: _builtIn, ...own } = lesson;
  const json = new TextEncoder().encode(JSON.stringify(own));
  if (codec) {
    const packed = await codec.deflate(json);
    if (packed.length < json.length) return `z1.${toBase64Url(packed)}`;
  }
  return `j1.${toBase64Url(json)}`;
}

export type LessonLinkResult = { ok: true; lesson: Lesson } | { ok: false; message: string };

/** Whether a `lesson=` value has the shape of a lesson link (a format, a dot), not a built-in id. */
export const isLessonLink = (text: string): boolean => /^[a-z]\d{1,4}\./.test(text);

/** Reads the value of `lesson=` that is not a built-in id. */
export async function decodeLesson(text: string, codec?: LessonCodec): Promise<LessonLinkResult> {
  const fail = (why: string): LessonLinkResult => ({
    ok: false,
    message: `This link’s lesson could not be opened: ${why}.`,
  });
  if (text.length > MAX_LESSON_LINK_CHARS) return fail(`it is longer than ${MAX_LESSON_LINK_CHARS} characters`);
  const match = /^([a-z])(\d{1,4})\.(.*)$/s.exec(text);
  if (!match) return fail('it is neither a built-in lesson nor a lesson link (z1.… or j1.…)');
  const [, kind, version, body] = match as unknown as [string, string, string, string];
  if ((kind === 'z' || kind === 'j') && Number(version) > 1)
    return fail(`it was written by a newer k8s-netviz (format ${kind}${version}); open it in the current app`);
  if (!((kind === 'z' || kind === 'j') && Number(version) === 1))
    return fail(`it names an unknown format (${kind}${version}; known: z1, j1)`);
  const bytes = fromBase64Url(body);
  if (!bytes) return fail('it is not valid base64url (was it cut or changed?)');
  let plain: Uint8Array = bytes;
  if (kind === 'z') {
    if (!codec) return fail('it is compressed, and this page cannot unpack it; open it in the app');
    try {
      // the cap holds while inflating: a small link that unpacks to gigabytes stops at the cap
      plain = await codec.inflate(bytes, MAX_LESSON_BYTES);
    } catch (error) {
      return fail(error instanceof Error ? error.message : 'its compressed data is damaged');
    }
  }
  if (plain.length > MAX_LESSON_BYTES) return fail(`its lesson is larger than ${MAX_LESSON_BYTES} bytes`);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return fail('it is not UTF-8 text');
  }
  let value: unknown;
  try {
    // a link's JSON is written by the app: its problems are named by field, not by line
    value = JSON.parse(json);
  } catch {
    return fail('its lesson is not valid JSON (was it cut short?)');
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
