/**
 * The window glue of the postMessage API: listens for commands, lets protocol.ts decide, runs what
 * it allows against the visualizer, and posts events where eventTarget says they may go. All the
 * rules are in protocol.ts; this file only moves messages and calls the store and the player.
 */
import { defaultPacketRequest } from '../../store/selectors';
import type { VizStore } from '../../store/createVizStore';
import type { VisualizerApi } from '../../ui/Visualizer';
import { parseOptionsPatch } from '../share/presentation';
import type { Presentation } from '../share/presentation';
import { createRateLimiter, decide, errorResponse, event, eventTarget, okResponse } from '../share/protocol';
import type { CommandMessage, CommandName, EventName } from '../share/protocol';
import type { OpenResult } from '../share/shareService';
import type { Provenance } from '../share/snapshot';

export interface BridgeOptions {
  api: VisualizerApi;
  parentOrigin: string | null;
  provenance: Provenance;
  /** the embed's presentation, and a way to change what React shows */
  setPresentation(patch: Partial<Presentation>): void;
  applyTheme(theme: Presentation['theme']): void;
  /** opens `#s=…` or `#example=…` content (the same path as the page's own hash) */
  openHash(hash: string): Promise<OpenResult>;
  /** whether to report the preferred height (the embed layout) */
  reportSize: boolean;
}

export interface Bridge {
  /** content is on screen: send `ready` and start answering commands */
  markReady(): void;
  emit(name: EventName, payload: unknown): void;
  dispose(): void;
}

class CommandError extends Error {}

/** Every preferred-height report uses this width-to-height ratio for the stage (16:10). */
const STAGE_RATIO = 0.625;

function stateOf(store: VizStore) {
  const s = store.getState();
  return {
    step: s.step,
    steps: s.steps.length,
    playing: s.playing,
    speed: s.speed,
    theme: s.theme,
    selection: s.selection,
    request: s.request,
    verdict: s.trace?.verdict ?? null,
    scenario: s.scenario?.id ?? null,
    counts: { nodes: s.cluster.nodes.length, pods: s.cluster.pods.length, services: s.cluster.services.length },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function installMessageBridge(options: BridgeOptions): Bridge {
  const { api, provenance } = options;
  const store = api.store;
  const parentOrigin = options.parentOrigin;
  const limiter = createRateLimiter();
  const inFrame = window.parent !== window;
  let ready = false;
  const cleanups: (() => void)[] = [];

  const post = (message: unknown, target: string): void => {
    try {
      window.parent.postMessage(message, target);
    } catch {
      // a detached or cross-origin-gone parent: nothing to tell
    }
  };
  const emit = (name: EventName, payload: unknown): void => {
    if (!inFrame) return;
    const target = eventTarget(name, parentOrigin);
    if (target) post(event(name, payload), target);
  };

  async function loadManifestsCommand(payload: unknown) {
    if (!isRecord(payload))
      throw new CommandError('loadManifests takes { manifests: string | object[], request?, step?, selection? }.');
    const raw = payload['manifests'];
    const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? JSON.stringify(raw) : null;
    if (text === null) throw new CommandError('manifests must be YAML or JSON text, or an array of objects.');
    const { loadManifests } = await import('../../sim/import');
    const result = loadManifests([{ name: 'host page', text }], { limits: { maxInputBytes: 4 * 1024 * 1024 } });
    if (!result.ok)
      throw new CommandError(
        result.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join(' '),
      );
    const request =
      isRecord(payload['request']) &&
      typeof payload['request']['from'] === 'string' &&
      typeof payload['request']['to'] === 'string'
        ? {
            from: payload['request']['from'],
            to: payload['request']['to'],
            ...(typeof payload['request']['port'] === 'number' ? { port: payload['request']['port'] } : {}),
          }
        : defaultPacketRequest(result.cluster);
    const step =
      typeof payload['step'] === 'number' && Number.isInteger(payload['step']) && payload['step'] >= 0
        ? payload['step']
        : 0;
    provenance.generated = null;
    store.getState().loadShared({
      base: result.cluster,
      cluster: result.cluster,
      spec: result.spec,
      ops: [],
      request,
      seed: store.getState().seed,
      step,
      selection: typeof payload['selection'] === 'string' ? payload['selection'] : null,
    });
    return { ...stateOf(store), warnings: result.warnings.length, requestError: store.getState().requestError };
  }

  async function run(name: CommandName, payload: unknown): Promise<unknown> {
    const player = api.player();
    switch (name) {
      case 'loadManifests':
        return loadManifestsCommand(payload);
      case 'loadScenario': {
        if (!isRecord(payload))
          throw new CommandError('loadScenario takes { example, step? } or { scenario: "<s= payload>" }.');
        let hash: string;
        if (typeof payload['example'] === 'string') {
          const step = payload['step'];
          hash = `#example=${encodeURIComponent(payload['example'])}${typeof step === 'number' && Number.isInteger(step) && step >= 0 ? `&step=${step}&tl=3` : ''}`;
        } else if (typeof payload['scenario'] === 'string') hash = `#s=${payload['scenario']}`;
        else throw new CommandError('loadScenario takes { example, step? } or { scenario: "<s= payload>" }.');
        const result = await options.openHash(hash);
        if (result.kind === 'error') throw new CommandError(result.message);
        return stateOf(store);
      }
      case 'setStep': {
        const step = isRecord(payload) ? payload['step'] : undefined;
        const total = store.getState().steps.length;
        if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= total) {
          throw new CommandError(
            total === 0 ? 'There is no packet to step through.' : `step must be a whole number from 0 to ${total - 1}.`,
          );
        }
        player?.stepTo(step);
        return stateOf(store);
      }
      case 'play':
        player?.play();
        return stateOf(store);
      case 'pause':
        player?.pause();
        return stateOf(store);
      case 'reset':
        player?.reset();
        return stateOf(store);
      case 'select': {
        const id = isRecord(payload) ? payload['id'] : undefined;
        if (!(id === null || (typeof id === 'string' && id.length <= 300)))
          throw new CommandError('select takes { id: "<element id>" | null }.');
        store.getState().select(id);
        return stateOf(store);
      }
      case 'setOptions': {
        const { patch, invalid } = parseOptionsPatch(payload);
        if (invalid.length > 0) throw new CommandError(`Invalid or unchangeable options: ${invalid.join(', ')}.`);
        if (patch.theme) options.applyTheme(patch.theme);
        if (patch.speed !== undefined) store.getState().setSpeed(patch.speed);
        if (patch.autoplay) player?.play();
        options.setPresentation(patch);
        return stateOf(store);
      }
      case 'getState':
        return stateOf(store);
    }
  }

  const handleMessage = (e: MessageEvent): void => {
    const decision = decide(
      { data: e.data, origin: e.origin, fromParent: inFrame && e.source === window.parent },
      { parentOrigin, ready, now: Date.now(), limiter },
    );
    if (decision.kind === 'ignore') return;
    // only reached for the parent at parentOrigin, so answers go there and nowhere else
    const target = parentOrigin as string;
    if (decision.kind === 'reject') {
      post(decision.response, target);
      return;
    }
    const command: CommandMessage = decision.command;
    run(decision.command.name, command.payload).then(
      (result) => post(okResponse(command, result), target),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        post(errorResponse(command, error instanceof CommandError ? 'bad-request' : 'failed', message), target);
      },
    );
  };
  window.addEventListener('message', handleMessage);
  cleanups.push(() => window.removeEventListener('message', handleMessage));

  // Events carrying the user's data: only after ready, only where eventTarget allows.
  cleanups.push(
    store.subscribe((s, prev) => {
      if (!ready) return;
      if (s.cluster !== prev.cluster)
        emit('loaded', {
          nodes: s.cluster.nodes.length,
          pods: s.cluster.pods.length,
          services: s.cluster.services.length,
        });
      if (s.step !== prev.step || s.steps !== prev.steps) {
        const hop = s.step >= 0 ? s.steps[s.step] : undefined;
        emit('stepChange', {
          step: s.step,
          total: s.steps.length,
          at: hop?.at ?? null,
          kind: hop?.kind ?? null,
          text: hop?.text ?? null,
        });
      }
      if (s.selection !== prev.selection) emit('selectionChange', { id: s.selection });
    }),
  );

  let lastSize = '';
  const reportSize = (): void => {
    if (!options.reportSize || !ready) return;
    const stage = document.querySelector<HTMLElement>('[data-embed-stage]');
    const viewport = document.documentElement.clientHeight;
    const width = document.documentElement.clientWidth;
    const chrome = stage ? Math.max(0, viewport - stage.clientHeight) : 0;
    // The preferred height follows the width only, so setting it never feeds back into itself.
    const height = Math.max(200, Math.round(chrome + width * STAGE_RATIO));
    const key = `${width}x${height}`;
    if (key === lastSize) return;
    lastSize = key;
    emit('resize', { width, height });
  };
  if (options.reportSize && typeof ResizeObserver !== 'undefined') {
    const observer = new ResizeObserver(reportSize);
    observer.observe(document.documentElement);
    const chrome = document.querySelector('[data-embed-chrome]');
    if (chrome) observer.observe(chrome);
    cleanups.push(() => observer.disconnect());
  }

  return {
    markReady() {
      if (ready) return;
      ready = true;
      emit('ready', {
        protocol: 1,
        commands: parentOrigin !== null,
        step: store.getState().step,
        steps: store.getState().steps.length,
      });
      reportSize();
    },
    emit,
    dispose() {
      for (const c of cleanups) c();
    },
  };
}
