/**
 * After a choice in a drop-down (a scenario, the CNI, the proxy mode, the speed), the keyboard goes
 * back to playback: a presentation clicker's PageDown must step the packet, not pick the next
 * option of the select that still has focus.
 */
export function focusPlayback(from: HTMLElement): void {
  const root = from.closest('[data-viz-root]') ?? document;
  requestAnimationFrame(() => {
    const next = root.querySelector<HTMLButtonElement>(
      '[role="group"][aria-label="Playback"] button[data-playback="next"]:not(:disabled)',
    );
    if (next) next.focus();
    else if (document.activeElement === from) from.blur();
  });
}
