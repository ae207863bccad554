/**
 * The one keymap: every key the visualizer answers, what it does and how the help shows it. The
 * keyboard hook, the shortcuts dialog and docs/url-and-keys.md follow it; a test checks that no key
 * is bound twice and that the document lists every key.
 */
export type KeyAction =
  | 'next'
  | 'prev'
  | 'first'
  | 'last'
  | 'play'
  | 'reset'
  | 'slower'
  | 'faster'
  | 'zoomIn'
  | 'zoomOut'
  | 'fit'
  | 'follow'
  | 'fullscreen'
  | 'presenter'
  | 'blank'
  | 'events'
  | 'inspector'
  | 'sequence'
  | 'help'
  | 'choice'
  | 'escape';

export interface KeyBinding {
  action: KeyAction;
  /** `KeyboardEvent.key` values */
  keys: readonly string[];
  /** how the help writes them */
  shown: string;
  does: string;
}

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'next', keys: ['ArrowRight', 'PageDown', ' '], shown: '→  Space  PageDown', does: 'next step' },
  { action: 'prev', keys: ['ArrowLeft', 'PageUp'], shown: '←  PageUp', does: 'previous step' },
  { action: 'first', keys: ['Home'], shown: 'Home', does: 'first step' },
  { action: 'last', keys: ['End'], shown: 'End', does: 'last step' },
  { action: 'play', keys: ['k', 'K'], shown: 'K', does: 'play or pause' },
  { action: 'reset', keys: ['r', 'R'], shown: 'R', does: 'reset' },
  { action: 'slower', keys: ['['], shown: '[', does: 'slower' },
  { action: 'faster', keys: [']'], shown: ']', does: 'faster' },
  { action: 'zoomIn', keys: ['+', '='], shown: '+', does: 'zoom in' },
  { action: 'zoomOut', keys: ['-'], shown: '-', does: 'zoom out' },
  { action: 'fit', keys: ['0'], shown: '0', does: 'fit the whole cluster (the camera stops following)' },
  { action: 'follow', keys: ['.'], shown: '.', does: 'follow the packet again' },
  { action: 'fullscreen', keys: ['f', 'F'], shown: 'F', does: 'full screen' },
  { action: 'presenter', keys: ['p', 'P'], shown: 'P', does: 'presenter stage on / off' },
  { action: 'blank', keys: ['b', 'B'], shown: 'B', does: 'blank the screen (presenter stage; any key brings it back)' },
  { action: 'events', keys: ['l', 'L'], shown: 'L', does: 'event list (presenter stage)' },
  { action: 'inspector', keys: ['i', 'I'], shown: 'I', does: 'inspector (presenter stage)' },
  { action: 'sequence', keys: ['s', 'S'], shown: 'S', does: 'sequence diagram (presenter stage)' },
  { action: 'help', keys: ['?'], shown: '?', does: 'this help' },
  { action: 'choice', keys: ['1', '2', '3', '4'], shown: '1 – 4', does: 'answer a challenge’s question' },
  { action: 'escape', keys: ['Escape'], shown: 'Esc', does: 'leave “Send from…”, then the presenter stage' },
];

const BY_KEY = new Map(KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** The action a key is bound to, or null. */
export function actionFor(key: string): KeyAction | null {
  return BY_KEY.get(key) ?? null;
}
