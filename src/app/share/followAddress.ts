/**
 * The address bar follows what is on screen: after a step, a new packet or a change to the
 * cluster, the hash becomes the share state of the view (`#example=<id>&step=<n>`, else `#s=…`),
 * so a copied address opens the same view. `history.replaceState` only: stepping adds no history
 * entries, and Back leaves the app. Lessons (`#lesson=…&stop=`) write their own hash, and a
 * challenge's (`#challenge=`) is never rewritten, so that no answer shows in the address.
 */
import { findScenario } from '../../sim';
import type { VizState, VizStore } from '../../store/createVizStore';
import { hashFor } from './shareService';
import type { Provenance } from './snapshot';

/** A `#s=` longer than this is not written on every step (a large cluster); the Share dialog has it. */
export const MAX_FOLLOWED_HASH = 64 * 1024;
/** Waits for stepping to pause: one write for a burst of key presses. */
export const FOLLOW_DELAY_MS = 250;

/** Hashes this follower never rewrites: another feature owns them. */
export function ownedElsewhere(hash: string): boolean {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.has('lesson') || params.has('challenge')) return true;
  // an unknown scenario's link stays as it was sent, beside the message saying so
  const id = params.get('example');
  return id !== null && !findScenario(id);
}

/** What the address depends on; anything else (a notice, the theme, hover) writes nothing. */
const slice = (s: VizState): readonly unknown[] => [
  s.step,
  s.steps,
  s.scenario,
  s.cluster,
  s.spec,
  s.request,
  s.selection,
];

export interface AddressFollower {
  /** a hash the app could not open: left as it was while it is the address, so the reader sees it */
  keep(hash: string): void;
  stop(): void;
}

export function followAddress(
  store: VizStore,
  provenance: Provenance,
  win: Pick<Window, 'location' | 'history' | 'setTimeout' | 'clearTimeout'> = window,
): AddressFollower {
  let kept: string | null = null;
  let timer: number | null = null;
  // a later write wins: an older, slower encoding must not overwrite it
  let generation = 0;
  let last = slice(store.getState());
  let madeUnder = win.location.hash;

  const write = async (): Promise<void> => {
    timer = null;
    if (win.location.hash !== madeUnder) return;
    const mine = ++generation;
    const current = win.location.hash;
    if ((kept !== null && current === kept) || ownedElsewhere(current)) return;
    if (store.getState().steps.length === 0 && store.getState().scenario === null) return;
    const hash = await hashFor(store, provenance);
    if (mine !== generation || hash.length > MAX_FOLLOWED_HASH) return;
    // checked again: a lesson or a link may have taken the address while the state was encoded
    if (win.location.hash !== current || hash === current) return;
    const { pathname, search } = win.location;
    win.history.replaceState(win.history.state, '', `${pathname}${search}${hash}`);
  };

  const schedule = (): void => {
    // the address this view was made under: if someone else changes it before the write (a link
    // typed or followed, which the app opens next), this view is no longer the one to write
    madeUnder = win.location.hash;
    if (timer !== null) win.clearTimeout(timer);
    timer = win.setTimeout(() => void write(), FOLLOW_DELAY_MS);
  };
  const unsubscribe = store.subscribe((s) => {
    const next = slice(s);
    if (next.every((v, i) => v === last[i])) return;
    last = next;
    schedule();
  });
  // once at the start too: a link's step that was out of range or not a number now says the step shown
  schedule();

  return {
    keep(hash) {
      kept = hash;
    },
    stop() {
      unsubscribe();
      if (timer !== null) win.clearTimeout(timer);
      generation++;
    },
  };
}
