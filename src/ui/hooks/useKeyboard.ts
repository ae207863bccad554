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

/** Keys that only some layouts act on (the presenter stage's panels, its own toggle). */
export interface StageKeys {
  togglePresenter?(): void;
  exitPresenter?(): void;
  toggleEvents?(): void;
  toggleInspector?(): void;
}

export const SHORTCUTS: [string, string][] = [
  ['→  Space  PageDown', 'next step'],
  ['←  PageUp', 'previous step'],
  ['Home / End', 'first / last step'],
  ['K', 'play or pause'],
  ['R', 'reset'],
  ['[  ]', 'slower / faster'],
  ['+  -', 'zoom in / out'],
  ['0', 'fit the whole cluster'],
  ['.', 'follow the packet again'],
  ['F', 'full screen'],
  ['P', 'presenter stage on / off'],
  ['B', 'blank the screen (presenter)'],
  ['L', 'event list (presenter)'],
  ['I', 'inspector (presenter)'],
  ['?', 'this help'],
  ['Esc', 'leave “Send from…”'],
];

/** One step of the zoom keys and buttons. */
export const ZOOM_STEP = 1.5;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
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
        if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
        const el = root.current;
        // scoped: only keys aimed at this visualizer (or at the page itself, as clickers do)
        if (el && e.target instanceof Node && e.target !== document.body && !el.contains(e.target)) return;
        const p = player();
        const s = store.getState();
        if (e.key === 'Escape' && s.pick) {
          s.setPickMode(false);
          e.preventDefault();
          return;
        }
        if (e.key === 'Escape' && s.presenting && stage.exitPresenter) {
          stage.exitPresenter();
          e.preventDefault();
          return;
        }
        // a blanked screen comes back with any key, as in slide tools; B itself toggles
        if (s.blank && e.key !== 'b' && e.key !== 'B') {
          s.setBlank(false);
          e.preventDefault();
          return;
        }
        const last = s.steps.length - 1;
        let handled = true;
        switch (e.key) {
          case 'ArrowRight':
          case 'PageDown':
          case ' ':
            p?.next();
            break;
          case 'ArrowLeft':
          case 'PageUp':
            p?.prev();
            break;
          case 'Home':
            p?.stepTo(0);
            break;
          case 'End':
            if (last >= 0) p?.stepTo(last);
            break;
          case 'k':
          case 'K':
            if (p?.playing) p.pause();
            else p?.play();
            break;
          case 'r':
          case 'R':
            p?.reset();
            break;
          case '[':
          case ']': {
            const i = SPEEDS.findIndex((x) => x >= s.speed);
            const next = e.key === '[' ? SPEEDS[Math.max(0, i - 1)] : SPEEDS[Math.min(SPEEDS.length - 1, i + 1)];
            if (next !== undefined) s.setSpeed(next);
            break;
          }
          case '+':
          case '=':
            canvas()?.zoomBy(ZOOM_STEP);
            break;
          case '-':
            canvas()?.zoomBy(1 / ZOOM_STEP);
            break;
          case '0':
            fitWhole(store, canvas());
            break;
          case '.':
            s.setFollow(true);
            break;
          case 'b':
          case 'B':
            if (s.presenting) s.setBlank(!s.blank);
            else handled = false;
            break;
          case 'p':
          case 'P':
            if (stage.togglePresenter) stage.togglePresenter();
            else handled = false;
            break;
          case 'l':
          case 'L':
            if (s.presenting && stage.toggleEvents) stage.toggleEvents();
            else handled = false;
            break;
          case 'i':
          case 'I':
            if (s.presenting && stage.toggleInspector) stage.toggleInspector();
            else handled = false;
            break;
          case 'f':
          case 'F':
            if (document.fullscreenElement) void document.exitFullscreen();
            else void el?.requestFullscreen?.().catch(() => undefined);
            break;
          case '?':
            onHelp();
            break;
          default:
            handled = false;
        }
        if (handled) e.preventDefault();
      };
      document.addEventListener('keydown', handle);
      return () => document.removeEventListener('keydown', handle);
    },
    [store, player, root, onHelp, enabled, canvas, stage],
  );
}
