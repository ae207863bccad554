import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findScenario } from '../../sim';
import * as engine from '../../sim/engine';
import { createVizStore } from '../../store/createVizStore';
import { FOLLOW_DELAY_MS, followAddress, ownedElsewhere } from './followAddress';

/** A window whose address and history are plain objects: what was written, and how. */
function fakeWindow(hash: string) {
  const calls: string[] = [];
  const location = { pathname: '/app/', search: '?theme=dark', hash };
  const history = {
    state: null,
    replaceState: (_: unknown, __: string, url: string) => {
      calls.push(`replace ${url}`);
      location.hash = url.slice(url.indexOf('#'));
    },
    pushState: () => calls.push('push'),
  };
  const listeners: (() => void)[] = [];
  /** the address changed by someone else: a link followed, a hash typed */
  const navigate = (next: string, appListener?: () => void) => {
    location.hash = next;
    for (const l of listeners) l();
    appListener?.();
  };
  const addEventListener = (type: string, l: () => void) => {
    if (type === 'hashchange') listeners.push(l);
  };
  return {
    calls,
    navigate,
    win: { location, history, setTimeout, clearTimeout, addEventListener } as unknown as Window,
  };
}

const settle = async () => {
  await vi.advanceTimersByTimeAsync(FOLLOW_DELAY_MS + 10);
};

describe('the address follows the view', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes #example=<id>&step=<n> with replaceState after stepping, once per pause', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 0);
    store.getState().setPlayback(0, false);
    const { win, calls } = fakeWindow('#example=pod-to-pod-cross-node&step=0');
    const follower = followAddress(store, { generated: null }, win);
    // the address already says what is on screen: nothing written
    await settle();
    expect(calls).toEqual([]);
    for (const step of [1, 2, 3]) store.getState().setPlayback(step, false);
    await settle();
    expect(calls).toEqual(['replace /app/?theme=dark#example=pod-to-pod-cross-node&step=3']);
    follower.stop();
    store.getState().setPlayback(4, false);
    await settle();
    expect(calls).toHaveLength(1);
  });

  it('never writes the old view over a link opened while a write was pending', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('ingress-404')!);
    const { win, calls, navigate } = fakeWindow('#example=ingress-404');
    followAddress(store, { generated: null }, win);
    store.getState().setPlayback(3, false);
    // the reader opens another scenario before the pending write: it must not bring ingress-404 back
    navigate('#example=ingress-503');
    await settle();
    expect(calls).toEqual([]);
    expect(win.location.hash).toBe('#example=ingress-503');
    // once the new link is open, the address follows it again
    store.getState().loadScenario(findScenario('ingress-503')!, 2);
    store.getState().setPlayback(2, false);
    await settle();
    expect(calls).toEqual([expect.stringMatching(/#example=ingress-503&step=2/)]);
  });

  it('writes the view a link opened at once, while its hashchange was dispatched', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('ingress-404')!);
    const { win, calls, navigate } = fakeWindow('#example=ingress-404');
    followAddress(store, { generated: null }, win);
    store.getState().setPlayback(3, false);
    // the app's own listener opens the link during the same event
    navigate('#example=pod-to-pod-cross-node&step=-1', () => {
      store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 0);
      store.getState().setPlayback(0, false);
    });
    await settle();
    expect(calls).toEqual([expect.stringMatching(/#example=pod-to-pod-cross-node&step=0$/)]);
  });

  it('leaves lessons, challenges, unknown scenarios and kept links alone', async () => {
    for (const hash of [
      '#lesson=kubernetes-networking&stop=1',
      '#challenge=pod-to-pod-cross-node',
      '#example=no-such-scenario',
      '#s=hello',
    ]) {
      const store = createVizStore({ engine });
      store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 0);
      const { win, calls } = fakeWindow(hash);
      const follower = followAddress(store, { generated: null }, win);
      follower.keep('#s=hello');
      store.getState().setPlayback(2, false);
      await settle();
      expect(calls, hash).toEqual([]);
      follower.stop();
    }
  });

  it('writes a changed scenario as #s= state (it is no longer the built-in one)', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 0);
    const { win, calls } = fakeWindow('');
    const follower = followAddress(store, { generated: null }, win);
    store.getState().select('node/node-a');
    await settle();
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatch(/^replace \/app\/\?theme=dark#s=[jz]1\.[A-Za-z0-9_-]+$/);
    follower.stop();
  });

  it('corrects a step the app could not open at, at once', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 0);
    store.getState().setPlayback(0, false);
    const { win, calls } = fakeWindow('#example=pod-to-pod-cross-node&step=-1');
    const follower = followAddress(store, { generated: null }, win);
    await settle();
    expect(calls).toEqual(['replace /app/?theme=dark#example=pod-to-pod-cross-node&step=0']);
    follower.stop();
  });

  it('knows the hashes other features own', () => {
    expect(ownedElsewhere('#lesson=x&stop=2')).toBe(true);
    expect(ownedElsewhere('#challenge=pod-to-pod-cross-node')).toBe(true);
    expect(ownedElsewhere('#example=nope')).toBe(true);
    expect(ownedElsewhere('#example=pod-to-pod-cross-node&step=1')).toBe(false);
    expect(ownedElsewhere('')).toBe(false);
  });
});
