/**
 * After a choice in a drop-down (a scenario, the CNI, the proxy mode, the speed) made with the
 * mouse or touch, the keyboard goes back to playback: a presentation clicker's PageDown must step
 * the packet, not pick the next option of the select that still has focus.
 *
 * A choice made with the keyboard keeps the focus where it is: arrows and type-ahead change a
 * closed select one option at a time, each a `change`, and moving the focus at the first would
 * send the rest of the typing elsewhere. The clicker's PageUp / PageDown still step there
 * (useKeyboard lets them through a select).
 */
let keyedTarget: EventTarget | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener('keydown', (e) => (keyedTarget = e.target), true);
  document.addEventListener('pointerdown', () => (keyedTarget = null), true);
}

export function focusPlayback(from: HTMLElement): void {
  if (keyedTarget === from) return;
  const root = from.closest('[data-viz-root]') ?? document;
  requestAnimationFrame(() => {
    const next = root.querySelector<HTMLButtonElement>(
      '[role="group"][aria-label="Playback"] button[data-playback="next"]:not(:disabled)',
    );
    if (next) next.focus();
    else if (document.activeElement === from) from.blur();
  });
}
