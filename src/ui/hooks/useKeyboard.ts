/**
 * Keyboard control, scoped to the app and off while typing: what presentation clickers send
 * (Right / PageDown / Space next, Left / PageUp back) and single keys for the rest.
 */
import { useEffect } from 'react';
import type { Player } from '../../animation/player';
import type { VizStore } from '../../store/createVizStore';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { SPEEDS } from '../PlaybackControls';
import { fitWhole } from '../ZoomControls';
import { actionFor } from './keymap';
import type { KeyAction } from './keymap';

/** Keys that only some layouts act on (the presenter stage's panels, its own toggle). */
export interface StageKeys {
  togglePresenter?(): void;
  exitPresenter?(): void;
  toggleEvents?(): void;
  toggleInspector?(): void;
  toggleSequence?(): void;
}

/** One step of the zoom keys and buttons. */
export const ZOOM_STEP = 1.5;

/** Keys a presentation clicker sends: they step even from a focused drop-down. */
const CLICKER_KEYS = new Set(['PageDown', 'PageUp']);

function isTyping(e: KeyboardEvent): boolean {
  const target = e.target;
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  if (tag === 'SELECT') return !CLICKER_KEYS.has(e.key);
  return tag === 'INPUT' || tag === 'TEXTAREA' || target.isContentEditable;
}

/** Space and Enter on a focused control activate it; stepping keys never steal them. */
function activatesControl(e: KeyboardEvent): boolean {
  if (e.key !== ' ' && e.key !== 'Enter') return false;
  return (
    e.target instanceof HTMLElement &&
    e.target.closest('button, a[href], summary, [role="button"], [role="tab"]') !== null
  );
}

export function useKeyboard(
  store: VizStore,
  player: () => Player | null,
  root: React.RefObject<HTMLElement | null>,
  onHelp: () => void,
  enabled: boolean,
  canvas: () => ClusterCanvas | null = () => null,
  stage: StageKeys = {},
): void {
  useEffect(
    function listenForKeys() {
      if (!enabled) return;
      const handle = (e: KeyboardEvent): void => {
        if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e)) return;
        const el = root.current;
        // scoped: only keys aimed at this visualizer (or at the page itself, as clickers do)
        if (el && e.target instanceof Node && e.target !== document.body && !el.contains(e.target)) return;
        const p = player();
        const s = store.getState();
        if (activatesControl(e)) return;
        // a modal dialog (Share, the shortcuts) keeps its keys; Esc is its own
        if (e.target instanceof Element && e.target.closest('dialog[open]')) return;
        const action = actionFor(e.key);
        if (action === 'escape' && s.pick) {
          s.setPickMode(false);
          e.preventDefault();
          return;
        }
        // a blanked screen comes back with any key, as in slide tools; B itself toggles
        if (s.blank && action !== 'blank') {
          s.setBlank(false);
          e.preventDefault();
          return;
        }
        if (!action) return;
        const last = s.steps.length - 1;
        const speedStep = (dir: 1 | -1): void => {
          const i = SPEEDS.findIndex((x) => x >= s.speed);
          const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + dir))];
          if (next !== undefined) s.setSpeed(next);
        };
        /** What each action does; false when it does not apply here (the key is left alone). */
        const run: Record<KeyAction, () => boolean | void> = {
          next: () => p?.next(),
          prev: () => p?.prev(),
          first: () => p?.stepTo(0),
          last: () => {
            if (last >= 0) p?.stepTo(last);
          },
          play: () => (p?.playing ? p.pause() : p?.play()),
          reset: () => p?.reset(),
          slower: () => speedStep(-1),
          faster: () => speedStep(1),
          zoomIn: () => canvas()?.zoomBy(ZOOM_STEP),
          zoomOut: () => canvas()?.zoomBy(1 / ZOOM_STEP),
          fit: () => fitWhole(store, canvas()),
          follow: () => s.setFollow(true),
          fullscreen: () => {
            if (document.fullscreenElement) void document.exitFullscreen();
            else void el?.requestFullscreen?.().catch(() => undefined);
          },
          presenter: () => (stage.togglePresenter ? stage.togglePresenter() : false),
          blank: () => (s.presenting ? s.setBlank(!s.blank) : false),
          events: () => (s.presenting && stage.toggleEvents ? stage.toggleEvents() : false),
          inspector: () => (s.presenting && stage.toggleInspector ? stage.toggleInspector() : false),
          sequence: () => (s.presenting && stage.toggleSequence ? stage.toggleSequence() : false),
          help: () => onHelp(),
          // a challenge's answers are read by the lesson session (src/ui/lesson) before this hook
          choice: () => false,
          escape: () => (s.presenting && stage.exitPresenter ? stage.exitPresenter() : false),
        };
        const handled = run[action]() !== false;
        if (handled) e.preventDefault();
      };
      document.addEventListener('keydown', handle);
      return () => document.removeEventListener('keydown', handle);
    },
    [store, player, root, onHelp, enabled, canvas, stage],
  );
}
