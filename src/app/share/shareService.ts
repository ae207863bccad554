/**
 * The app's side of sharing: turns what is on screen into links and snippets, writes and reads the
 * scenario as a JSON file, and opens a hash (`#s=` or `#example=`) in a store. The Share dialog and
 * the embed get these as `ShareActions`.
 */
import { findScenario, visibleText } from '../../sim';
import { exampleHash, parseStepParam, stepNumberingOf } from '../../ui/hooks/useScenarioFromUrl';
import type { VizStore } from '../../store/createVizStore';
import type { ShareActions, ShareLinks, SharePreview } from '../../ui/ShareDialog';
import type { LessonShareActions } from '../../ui/lesson/lessonLink';
import { deflateRaw, inflateRaw } from './deflate';
import { decodeShare, encodeShare, shareParamOf, validatePayload } from './linkCodec';
import type { SharePayload } from './linkCodec';
import { contentOf, prepareShare, showShare } from './snapshot';
import type { Provenance } from './snapshot';

/** The app's address without query or hash: where links and embed.js point. */
export function appBase(location: { origin: string; pathname: string }): string {
  // index.html and the directory are the same app; links read better without the file name
  return `${location.origin}${location.pathname.replace(/index\.html$/, '')}`;
}

/** The hash for what is on screen: `#example=…` for a built-in scenario, else `#s=…`. */
export async function hashFor(store: VizStore, provenance: Provenance): Promise<string> {
  const content = contentOf(store.getState(), provenance);
  if (content.kind === 'example') return exampleHash(content.id, content.step ?? undefined, content.renumbered);
  return `#s=${await encodeShare(content.payload)}`;
}

/** HTML attribute text: the snippets are built as strings for the reader to paste. */
const attr = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function snippets(base: string, hash: string): ShareLinks {
  const url = `${base}${hash}`;
  const embedUrl = `${base}?embed=1${hash}`;
  const iframe =
    `<iframe src="${attr(embedUrl)}" width="100%" height="480" style="border:0" loading="lazy" title="k8s-netviz: Kubernetes networking"` +
    ` sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads" allow="fullscreen; clipboard-write"></iframe>`;
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const example = params.get('example');
  const step = params.get('step');
  const tl = params.get('tl');
  const s = params.get('s');
  const content = example
    ? ` example="${attr(example)}"${step ? ` step="${attr(step)}"${tl === '2' || tl === '3' ? ` tl="${tl}"` : ''}` : ''}`
    : s
      ? ` scenario="${attr(s)}"`
      : '';
  const element =
    `<script type="module" src="${attr(base)}embed.js"></script>\n` +
    `<k8s-netviz${content}>\n  <a href="${attr(url)}">Open the scenario in k8s-netviz</a>\n</k8s-netviz>`;
  const scenario = example ? findScenario(example) : undefined;
  return scenario
    ? { url, embedUrl, iframe, element, preview: previewSnippets(base, scenario, step) }
    : { url, embedUrl, iframe, element };
}

/**
 * The built site's page and poster for a built-in scenario (scripts/build-site.mjs writes
 * `s/<id>/` and `posters/<id>.png`): a link that unfurls with a picture, and the picture as a link
 * for places that run no script (READMEs, Medium, RSS).
 */
function previewSnippets(base: string, scenario: { id: string; title: string }, step: string | null): SharePreview {
  const id = encodeURIComponent(scenario.id);
  const page = `${base}s/${id}/${step && /^\d+$/.test(step) ? `?step=${step}` : ''}`;
  const poster = `${base}posters/${id}.png`;
  const alt = `${scenario.title}, in k8s-netviz`;
  // Markdown's link text ends at `]`; a title with brackets would cut the image short
  const mdAlt = alt.replace(/[[\]\\]/g, (c) => `\\${c}`);
  return {
    page,
    poster,
    markdown: `[![${mdAlt}](${poster})](${page})`,
    html: `<a href="${attr(page)}"><img src="${attr(poster)}" width="600" alt="${attr(alt)}"></a>`,
  };
}

export interface ShareService extends ShareActions {
  provenance: Provenance;
}

/** Lesson links use the share links' compression, capped while it inflates (a zip bomb stops early). */
export const lessonCodec: LessonShareActions['codec'] = {
  deflate: (bytes) => deflateRaw(bytes),
  inflate: (bytes, maxBytes) => inflateRaw(bytes, maxBytes),
};

/**
 * What lessons need of the share links: the codec, the `s=` of what is on screen (a teacher's own
 * cluster, recorded as a stop), and opening one at a stop's step.
 */
export function lessonShareActions(store: () => VizStore, provenance: Provenance): LessonShareActions {
  return {
    codec: lessonCodec,
    async stateOfScreen() {
      const content = contentOf(store().getState(), provenance, { forcePayload: true });
      if (content.kind !== 'payload') throw new Error('the cluster on screen could not be written down');
      return encodeShare(content.payload);
    },
    async openState(text, step) {
      const decoded = await decodeShare(text);
      if (!decoded.ok) return decoded.message.replace('This link’s scenario', 'Its cluster');
      // the stop's step numbers the playback's timeline, whatever the state was saved at
      const payload: SharePayload = { ...decoded.payload, step, timeline: 2 };
      const opened = await openPayload(store(), payload, provenance);
      return 'error' in opened ? opened.error : null;
    },
  };
}

/** Applies a decoded payload to a store; resolves to an error message or the notices for the reader. */
export async function openPayload(
  store: VizStore,
  payload: SharePayload,
  provenance: Provenance,
): Promise<{ error: string } | { notices: string[] }> {
  try {
    const prepared = await prepareShare(payload);
    provenance.generated = prepared.generated;
    showShare(store, payload, prepared);
    return { notices: prepared.notices };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: `This scenario could not be opened: ${message}.` };
  }
}

/** `notice`: opened, but part of the link was ignored (said to the reader without blocking) */
export type OpenResult = { kind: 'none' } | { kind: 'ok'; notice?: string } | { kind: 'error'; message: string };

/**
 * Opens the content of a hash in a store. `s=` is decoded and built here; `example=` too when
 * `examples` is set (the embed, which does not follow the URL as the full app does).
 */
export async function openHash(
  store: VizStore,
  hash: string,
  provenance: Provenance,
  options: { examples: boolean; defaultStep: number | null },
): Promise<OpenResult> {
  const s = shareParamOf(hash);
  if (s !== null) {
    const decoded = await decodeShare(s);
    if (!decoded.ok) return { kind: 'error', message: `${decoded.message} Showing the built-in cluster instead.` };
    const payload =
      decoded.payload.step === null && options.defaultStep !== null
        ? { ...decoded.payload, step: options.defaultStep }
        : decoded.payload;
    const opened = await openPayload(store, payload, provenance);
    if ('error' in opened) return { kind: 'error', message: `${opened.error} Showing the built-in cluster instead.` };
    return opened.notices.length > 0 ? { kind: 'ok', notice: opened.notices.join(' ') } : { kind: 'ok' };
  }
  if (!options.examples) return { kind: 'none' };
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('example');
  if (id === null) return { kind: 'none' };
  const scenario = findScenario(id);
  if (!scenario)
    return {
      kind: 'error',
      message: `There is no built-in scenario “${visibleText(id, 60)}”; showing the built-in cluster.`,
    };
  const parsed = parseStepParam(params.get('step'));
  const step = parsed.step ?? options.defaultStep;
  store.getState().loadScenario(scenario, step ?? undefined, stepNumberingOf(params));
  return parsed.error ? { kind: 'ok', notice: parsed.error } : { kind: 'ok' };
}

export function createShareService(
  getStore: () => VizStore | null,
  base: string,
  provenance: Provenance,
): ShareService {
  const store = (): VizStore => {
    const s = getStore();
    if (!s) throw new Error('the visualizer is not ready');
    return s;
  };
  return {
    provenance,
    lessons: lessonShareActions(store, provenance),
    async links() {
      let hash: string;
      try {
        hash = await hashFor(store(), provenance);
      } catch (error) {
        // never a raw TypeError in the dialog: say what failed, in words
        const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new Error(`this cluster could not be written into a link (${detail}).`, { cause: error });
      }
      return snippets(base, hash);
    },
    exportScenario() {
      // the file always holds the content itself, even for a built-in scenario
      const content = contentOf(store().getState(), provenance, { forcePayload: true });
      const payload = content.kind === 'payload' ? content.payload : null;
      return Promise.resolve({ name: 'k8s-netviz-scenario.json', text: `${JSON.stringify(payload, null, 2)}\n` });
    },
    async importScenario(text) {
      if (text.length > 8 * 1024 * 1024) return 'This file is larger than 8 MB; a scenario file is much smaller.';
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return 'This file is not JSON: a scenario file is what “Download scenario” saves.';
      }
      const checked = validatePayload(value);
      if (!checked.ok) return checked.message.replace('This link’s scenario', 'This file');
      const opened = await openPayload(store(), checked.payload, provenance);
      if ('error' in opened) return opened.error;
      if (opened.notices.length > 0) store().getState().setNotice(opened.notices.join(' '));
      return null;
    },
  };
}
