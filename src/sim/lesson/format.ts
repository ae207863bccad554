/**
 * Lessons (docs/lessons.md): a title and a list of stops, each a scenario at a playback step with a
 * camera target, a caption for learners and an optional question. A lesson is data, read from YAML
 * or JSON that a teacher wrote or a link carried: untrusted, so its size, its shape and every
 * string are bounded, and a bad one is reported at its line and column. Nothing in a lesson is run
 * or rendered as HTML; captions are plain text.
 */
import type { ClusterOp } from '../ops/index';
import type { ProxyMode } from '../model/types';
import { PROXY_MODES, cniPresetIds, isCiliumPreset } from './settings';
import type { LessonSettings } from './settings';

export const LESSON_VERSION = 1;
/** The longest lesson text read: a lesson rides in a link, and the share links' budget is its budget. */
export const MAX_LESSON_BYTES = 256 * 1024;
export const MAX_STOPS = 100;
export const MAX_CAPTION_CHARS = 1_000;
export const MAX_TITLE_CHARS = 200;
export const MAX_CAMERA_IDS = 20;
export const MAX_OPS_PER_STOP = 20;
/** A playback step is at most this (the share links' bound). */
export const MAX_STEP = 100_000;
const MAX_ID_CHARS = 300;
export const MAX_DEPTH = 12;
export const MAX_ALIASES = 20;
/**
 * The longest `shared` value of one stop. A lesson is capped at MAX_LESSON_BYTES whole; a share
 * link of a changed cluster is a few kilobytes (a 1,000-pod generated cluster is its recipe).
 */
export const MAX_SHARED_CHARS = 128 * 1024;

export type CameraTarget = 'follow' | 'fit' | readonly string[];

export interface LessonQuestion {
  /** asked to the class */
  text: string;
  /** shown when the presenter asks for it (the next click), never before */
  answer?: string;
}

export interface LessonRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
}

export interface LessonStop {
  /** a built-in scenario id (`#example=<id>`); a stop has this or `shared` */
  scenario?: string;
  /**
   * A teacher's own cluster: the value of a share link's `s=` (`z1.…` or `j1.…`), holding its objects,
   * settings, pod operations and packet. Decoded and checked by the share links' reader when played.
   */
  shared?: string;
  /** CNI, proxy mode and site routes over the scenario's own (not with `shared`, which has its own) */
  settings?: LessonSettings;
  /** pod operations made on the scenario's cluster before the packet (the app's pod ops) */
  ops?: readonly ClusterOp[];
  /** another packet than the scenario's own */
  request?: LessonRequest;
  /** the playback step the stop opens at (0-based, docs/trace-format.md) */
  step: number;
  /** the last step the clicker walks to before the next stop (the same as `step` when absent) */
  to?: number;
  camera: CameraTarget;
  caption: string;
  question?: LessonQuestion;
}

export interface Lesson {
  v: 1;
  /** a built-in lesson's id; a teacher's own has none */
  id?: string;
  title: string;
  stops: readonly LessonStop[];
}

export interface LessonProblem {
  message: string;
  line: number;
  column: number;
  /** where in the lesson, as `stops[2].camera` */
  path: string;
}

export type LessonParse = { ok: true; lesson: Lesson } | { ok: false; problems: LessonProblem[] };

export type Path = (string | number)[];

export const formatPath = (path: Path): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(the lesson)';

const OPS = ['deletePod', 'scaleDeployment', 'setPodReady', 'nodeDown'] as const;

/** What the validator collects: problems by path, placed in the text at the end. */
class Checker {
  problems: { path: Path; message: string }[] = [];
  add(path: Path, message: string): void {
    if (this.problems.length < 50) this.problems.push({ path, message });
  }
  isObject(v: unknown, path: Path, what: string): v is Record<string, unknown> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return true;
    this.add(path, `${what} must be a map of fields`);
    return false;
  }
  string(v: unknown, path: Path, max: number, what: string): string | null {
    if (typeof v !== 'string') {
      this.add(path, `${what} must be text`);
      return null;
    }
    if (v.trim() === '') {
      this.add(path, `${what} is empty`);
      return null;
    }
    if (v.length > max) {
      this.add(path, `${what} is longer than ${max} characters`);
      return null;
    }
    return v;
  }
  integer(v: unknown, path: Path, min: number, max: number, what: string): number | null {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.add(path, `${what} must be a whole number from ${min} to ${max}`);
      return null;
    }
    return v;
  }
  unknownKeys(o: Record<string, unknown>, path: Path, known: readonly string[]): void {
    for (const key of Object.keys(o))
      if (!known.includes(key)) this.add([...path, key], `unknown field “${key}” (known: ${known.join(', ')})`);
  }
}

function checkOp(c: Checker, v: unknown, path: Path): ClusterOp | null {
  if (!c.isObject(v, path, 'an operation')) return null;
  const op = v['op'];
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    c.add([...path, 'op'], `op must be one of ${OPS.join(', ')}`);
    return null;
  }
  const name = (key: string): string | null => c.string(v[key], [...path, key], MAX_ID_CHARS, key);
  switch (op) {
    case 'deletePod': {
      c.unknownKeys(v, path, ['op', 'pod', 'graceful']);
      const pod = name('pod');
      if (v['graceful'] !== undefined && typeof v['graceful'] !== 'boolean')
        c.add([...path, 'graceful'], 'graceful must be true or false');
      if (pod === null) return null;
      return v['graceful'] === true ? { op, pod, graceful: true } : { op, pod };
    }
    case 'scaleDeployment': {
      c.unknownKeys(v, path, ['op', 'deployment', 'replicas']);
      const deployment = name('deployment');
      const replicas = c.integer(v['replicas'], [...path, 'replicas'], 0, 100, 'replicas');
      return deployment === null || replicas === null ? null : { op, deployment, replicas };
    }
    case 'setPodReady': {
      c.unknownKeys(v, path, ['op', 'pod', 'ready']);
      const pod = name('pod');
      if (typeof v['ready'] !== 'boolean') {
        c.add([...path, 'ready'], 'ready must be true or false');
        return null;
      }
      return pod === null ? null : { op, pod, ready: v['ready'] };
    }
    default: {
      c.unknownKeys(v, path, ['op', 'node']);
      const node = name('node');
      return node === null ? null : { op: 'nodeDown', node };
    }
  }
}

const STOP_FIELDS = [
  'scenario',
  'shared',
  'settings',
  'ops',
  'request',
  'step',
  'to',
  'camera',
  'caption',
  'question',
] as const;

function checkSettings(c: Checker, v: unknown, path: Path): LessonSettings | null {
  if (!c.isObject(v, path, 'settings')) return null;
  c.unknownKeys(v, path, ['cni', 'proxyMode', 'siteRoutesPodNetwork']);
  const out: LessonSettings = {};
  let ok = true;
  const cni = v['cni'];
  if (cni !== undefined) {
    // the presets are read from the registry's list, so a CNI added there is accepted here
    const ids = cniPresetIds();
    if (typeof cni !== 'string' || !ids.includes(cni)) {
      c.add([...path, 'cni'], `cni must be one of ${ids.join(', ')}`);
      ok = false;
    } else out.cni = cni;
  }
  const mode = v['proxyMode'];
  if (mode !== undefined) {
    if (typeof mode !== 'string' || !(PROXY_MODES as readonly string[]).includes(mode)) {
      c.add([...path, 'proxyMode'], `proxyMode must be one of ${PROXY_MODES.join(', ')}`);
      ok = false;
    } else out.proxyMode = mode as ProxyMode;
  }
  if (out.proxyMode === 'cilium' && out.cni !== undefined && !isCiliumPreset(out.cni)) {
    c.add(
      [...path, 'proxyMode'],
      `proxyMode cilium is Cilium’s kube-proxy replacement: it runs only with a Cilium CNI, not ${out.cni}`,
    );
    ok = false;
  }
  const routes = v['siteRoutesPodNetwork'];
  if (routes !== undefined) {
    if (typeof routes !== 'boolean') {
      c.add([...path, 'siteRoutesPodNetwork'], 'siteRoutesPodNetwork must be true or false');
      ok = false;
    } else out.siteRoutesPodNetwork = routes;
  }
  return ok ? out : null;
}

function checkStop(c: Checker, v: unknown, path: Path): LessonStop | null {
  if (!c.isObject(v, path, 'a stop')) return null;
  c.unknownKeys(v, path, STOP_FIELDS);
  const at = (key: string): Path => [...path, key];
  let scenario: string | null = null;
  let shared: string | null = null;
  let where = true;
  if (v['shared'] !== undefined) {
    if (v['scenario'] !== undefined) {
      c.add(at('shared'), 'a stop holds either scenario or shared, not both');
      where = false;
    }
    shared = c.string(v['shared'], at('shared'), MAX_SHARED_CHARS, 'shared');
    if (shared !== null && !/^[a-z]\d{1,4}\.[A-Za-z0-9_-]+$/.test(shared)) {
      c.add(at('shared'), 'shared must be the value of a share link’s s= (z1.… or j1.…), nothing else');
      shared = null;
    }
    for (const key of ['settings', 'ops', 'request'])
      if (v[key] !== undefined) {
        c.add(at(key), `a shared state carries its own ${key}: a stop with shared cannot have ${key} too`);
        where = false;
      }
  } else if (v['scenario'] === undefined) {
    c.add(path, 'a stop needs a scenario (a built-in scenario’s id) or shared (a share link’s s= value)');
    where = false;
  } else scenario = c.string(v['scenario'], at('scenario'), MAX_ID_CHARS, 'scenario');
  let settings: LessonSettings | undefined;
  if (v['settings'] !== undefined && shared === null) {
    const s = checkSettings(c, v['settings'], at('settings'));
    if (s === null) where = false;
    else settings = s;
  }
  const step = c.integer(v['step'] ?? 0, at('step'), 0, MAX_STEP, 'step');
  let to: number | undefined;
  if (v['to'] !== undefined) {
    const t = c.integer(v['to'], at('to'), 0, MAX_STEP, 'to');
    if (t !== null && step !== null && t < step) c.add(at('to'), `to (${t}) comes before step (${step})`);
    else if (t !== null) to = t;
  }
  const caption = c.string(v['caption'], at('caption'), MAX_CAPTION_CHARS, 'caption');
  let camera: CameraTarget | null = 'follow';
  const cam = v['camera'];
  if (cam !== undefined) {
    if (cam === 'follow' || cam === 'fit') camera = cam;
    else if (Array.isArray(cam)) {
      if (cam.length === 0 || cam.length > MAX_CAMERA_IDS) {
        c.add(at('camera'), `camera lists 1 to ${MAX_CAMERA_IDS} element ids`);
        camera = null;
      } else {
        const ids = cam.map((id, i) => c.string(id, [...at('camera'), i], MAX_ID_CHARS, 'an element id'));
        camera = ids.every((id): id is string => id !== null) ? ids : null;
      }
    } else {
      c.add(at('camera'), 'camera must be “follow”, “fit” or a list of element ids (as node/node-a)');
      camera = null;
    }
  }
  let ops: ClusterOp[] | undefined;
  if (v['ops'] !== undefined) {
    if (!Array.isArray(v['ops']) || v['ops'].length > MAX_OPS_PER_STOP)
      c.add(at('ops'), `ops must be a list of at most ${MAX_OPS_PER_STOP} operations`);
    else ops = v['ops'].map((op, i) => checkOp(c, op, [...at('ops'), i])).filter((op): op is ClusterOp => op !== null);
  }
  let request: LessonRequest | undefined;
  if (v['request'] !== undefined && c.isObject(v['request'], at('request'), 'request')) {
    const r = v['request'];
    const rp = at('request');
    c.unknownKeys(r, rp, ['from', 'to', 'port', 'protocol']);
    const from = c.string(r['from'], [...rp, 'from'], MAX_ID_CHARS, 'from');
    const dest = c.string(r['to'], [...rp, 'to'], MAX_ID_CHARS, 'to');
    const port = r['port'] === undefined ? undefined : c.integer(r['port'], [...rp, 'port'], 1, 65535, 'port');
    const protocol = r['protocol'];
    if (protocol !== undefined && protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp')
      c.add([...rp, 'protocol'], 'protocol must be tcp, udp or icmp');
    if (from !== null && dest !== null) {
      request = { from, to: dest };
      if (typeof port === 'number') request.port = port;
      if (protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp') request.protocol = protocol;
    }
  }
  let question: LessonQuestion | undefined;
  const q = v['question'];
  if (typeof q === 'string') {
    const text = c.string(q, at('question'), MAX_CAPTION_CHARS, 'question');
    if (text !== null) question = { text };
  } else if (q !== undefined && c.isObject(q, at('question'), 'question')) {
    c.unknownKeys(q, at('question'), ['text', 'answer']);
    const text = c.string(q['text'], [...at('question'), 'text'], MAX_CAPTION_CHARS, 'the question’s text');
    const answer =
      q['answer'] === undefined
        ? undefined
        : c.string(q['answer'], [...at('question'), 'answer'], MAX_CAPTION_CHARS, 'the answer');
    if (text !== null) question = answer ? { text, answer } : { text };
  }
  if ((scenario === null && shared === null) || !where || step === null || caption === null || camera === null)
    return null;
  const stop: LessonStop = {
    ...(scenario !== null ? { scenario } : { shared: shared as string }),
    step,
    camera,
    caption,
  };
  if (settings && Object.keys(settings).length > 0) stop.settings = settings;
  if (to !== undefined && to !== step) stop.to = to;
  if (ops && ops.length > 0) stop.ops = ops;
  if (request) stop.request = request;
  if (question) stop.question = question;
  return stop;
}

/** Checks a lesson already parsed (a value from JSON or YAML); problems carry paths, not places. */
export function checkLesson(value: unknown): { lesson: Lesson | null; problems: { path: Path; message: string }[] } {
  const c = new Checker();
  if (!c.isObject(value, [], 'a lesson')) return { lesson: null, problems: c.problems };
  c.unknownKeys(value, [], ['v', 'id', 'title', 'stops']);
  if (value['v'] !== undefined && value['v'] !== LESSON_VERSION) {
    c.add(
      ['v'],
      typeof value['v'] === 'number' && value['v'] > LESSON_VERSION
        ? `this lesson was written for a newer k8s-netviz (format ${value['v']}); open it in the current app`
        : `v must be ${LESSON_VERSION}`,
    );
  }
  const title = c.string(value['title'], ['title'], MAX_TITLE_CHARS, 'title');
  let id: string | undefined;
  if (value['id'] !== undefined) {
    const text = c.string(value['id'], ['id'], 60, 'id');
    if (text !== null && !/^[a-z0-9][a-z0-9-]*$/.test(text))
      c.add(['id'], 'id may hold only lower-case letters, digits and dashes');
    else if (text !== null) id = text;
  }
  const stopsIn = value['stops'];
  const stops: LessonStop[] = [];
  if (!Array.isArray(stopsIn) || stopsIn.length === 0) c.add(['stops'], 'stops must be a list of at least one stop');
  else if (stopsIn.length > MAX_STOPS) c.add(['stops'], `a lesson holds at most ${MAX_STOPS} stops`);
  else
    stopsIn.forEach((s, i) => {
      const stop = checkStop(c, s, ['stops', i]);
      if (stop) stops.push(stop);
    });
  if (c.problems.length > 0 || title === null) return { lesson: null, problems: c.problems };
  const lesson: Lesson = { v: 1, title, stops };
  if (id !== undefined) lesson.id = id;
  return { lesson, problems: [] };
}

/** One line per problem, as the app and the docs show them: `line 4, column 9: stops[0].step: …`. */
export function formatLessonProblems(problems: readonly LessonProblem[]): string {
  return problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('\n');
}

/** The lesson as JSON text (what "Export" saves and what a link carries). */
export function lessonToJson(lesson: Lesson): string {
  return `${JSON.stringify(lesson, null, 2)}\n`;
}

/** The last step of a stop the clicker walks to. */
export const lastStepOf = (stop: LessonStop): number => stop.to ?? stop.step;
