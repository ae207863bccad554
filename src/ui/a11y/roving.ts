/**
 * Arrow keys inside one-Tab-stop widgets (tabs, the event list, the diagram), as the WAI-ARIA
 * Authoring Practices describe them: the widget is one Tab stop and arrows move within it.
 */

/** The keys each widget's orientation answers. */
const KEYS = {
  horizontal: { prev: ['ArrowLeft'], next: ['ArrowRight'] },
  vertical: { prev: ['ArrowUp'], next: ['ArrowDown'] },
  both: { prev: ['ArrowLeft', 'ArrowUp'], next: ['ArrowRight', 'ArrowDown'] },
} as const;

export type Orientation = keyof typeof KEYS;

/**
 * The index a key moves to among `count` items from `current`, or null when the key is not one of
 * the widget's (the caller then leaves the event alone). Home and End go to the ends; arrows stop
 * at the ends rather than wrap, so holding a key never loops a long list.
 */
export function rovingIndex(key: string, current: number, count: number, orientation: Orientation): number | null {
  if (count <= 0) return null;
  const keys = KEYS[orientation];
  const from = Math.max(0, Math.min(count - 1, current));
  if ((keys.next as readonly string[]).includes(key)) return Math.min(count - 1, current < 0 ? 0 : from + 1);
  if ((keys.prev as readonly string[]).includes(key)) return Math.max(0, from - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
