/**
 * The embedder's presentation options, from the query string. Each is validated on its own and an
 * invalid value falls back to its default (a typo in a blog post must not break the embed); the
 * content of the scenario never comes from here (that is the hash's job).
 */
import { visibleText } from '../../sim/model/format';

export type ThemeOption = 'auto' | 'light' | 'dark';
export type ControlsOption = 'full' | 'minimal' | 'none';
export type ViewOption = 'graph' | 'text' | 'split' | 'matrix' | 'sequence';

export interface Presentation {
  embed: boolean;
  /** open on the presenter stage */
  present: boolean;
  theme: ThemeOption;
  controls: ControlsOption;
  view: ViewOption;
  autoplay: boolean;
  speed: number;
  keyboard: boolean;
  /** the one origin allowed to command this frame, or null (commands refused) */
  parentOrigin: string | null;
}

export const DEFAULT_PRESENTATION: Presentation = {
  embed: false,
  present: false,
  theme: 'auto',
  controls: 'full',
  view: 'graph',
  autoplay: false,
  speed: 1,
  keyboard: true,
  parentOrigin: null,
};

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

export interface ParsedPresentation {
  presentation: Presentation;
  /** the options whose value was refused (for a quiet notice), `name=value` */
  invalid: string[];
}

const oneOf =
  <T extends string>(...values: T[]) =>
  (v: string): T | undefined =>
    (values as string[]).includes(v) ? (v as T) : undefined;
const flag = (v: string): boolean | undefined => (v === '1' ? true : v === '0' ? false : undefined);

/** An exact origin: scheme, host, optional port; no path, no wildcard, no `null`. */
export function parseOrigin(v: string): string | undefined {
  if (!/^https?:\/\/[^/?#\s*]+$/.test(v)) return undefined;
  try {
    const url = new URL(v);
    return url.origin === v ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function parseSpeed(v: string): number | undefined {
  if (!/^\d{1,2}(\.\d{1,3})?$/.test(v)) return undefined;
  const n = Number(v);
  return n >= MIN_SPEED && n <= MAX_SPEED ? n : undefined;
}

const READERS: { [K in keyof Presentation]: (v: string) => Presentation[K] | undefined } = {
  embed: flag,
  present: flag,
  theme: oneOf('auto', 'light', 'dark'),
  controls: oneOf('full', 'minimal', 'none'),
  view: oneOf('graph', 'text', 'split', 'matrix', 'sequence'),
  autoplay: flag,
  speed: parseSpeed,
  keyboard: (v) => (v === 'on' ? true : v === 'off' ? false : undefined),
  parentOrigin: (v) => parseOrigin(v) ?? undefined,
};

/** Reads the presentation options of a query string (`?embed=1&theme=dark`). */
export function parsePresentation(search: string): ParsedPresentation {
  const params = new URLSearchParams(search);
  const presentation: Presentation = { ...DEFAULT_PRESENTATION };
  const invalid: string[] = [];
  for (const key of Object.keys(READERS) as (keyof Presentation)[]) {
    const raw = params.get(key);
    if (raw === null) continue;
    const value = READERS[key](raw.trim());
    if (value === undefined) invalid.push(`${key}=${visibleText(raw, 40)}`);
    else (presentation as unknown as Record<string, unknown>)[key] = value;
  }
  return { presentation, invalid };
}

/**
 * Options given as values (postMessage `setOptions`): the same validation, only the options that
 * may change at run time (not embed or parentOrigin: a frame cannot widen who commands it).
 */
export function parseOptionsPatch(payload: unknown): { patch: Partial<Presentation>; invalid: string[] } {
  const patch: Partial<Presentation> = {};
  const invalid: string[] = [];
  if (typeof payload !== 'object' || payload === null) return { patch, invalid: ['options'] };
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    if (key === 'embed' || key === 'parentOrigin' || !(key in READERS)) {
      invalid.push(key);
      continue;
    }
    const text =
      typeof value === 'boolean' ? (key === 'keyboard' ? (value ? 'on' : 'off') : value ? '1' : '0') : String(value);
    const parsed = READERS[key as keyof Presentation](text);
    if (parsed === undefined) invalid.push(key);
    else (patch as Record<string, unknown>)[key] = parsed;
  }
  return { patch, invalid };
}

/** The query string that gives these options (only what differs from the defaults). */
export function presentationQuery(p: Partial<Presentation>): string {
  const params = new URLSearchParams();
  if (p.embed) params.set('embed', '1');
  if (p.present) params.set('present', '1');
  if (p.theme && p.theme !== 'auto') params.set('theme', p.theme);
  if (p.controls && p.controls !== 'full') params.set('controls', p.controls);
  if (p.view && p.view !== 'graph') params.set('view', p.view);
  if (p.autoplay) params.set('autoplay', '1');
  if (p.speed !== undefined && p.speed !== 1) params.set('speed', String(p.speed));
  if (p.keyboard === false) params.set('keyboard', 'off');
  if (p.parentOrigin) params.set('parentOrigin', p.parentOrigin);
  const s = params.toString();
  return s ? `?${s}` : '';
}
