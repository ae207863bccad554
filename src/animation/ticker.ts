/**
 * The single animation clock: one requestAnimationFrame loop, with an injectable frame scheduler
 * and time source so that tests (and `window.__netviz.tick`) can drive it by hand.
 */
export interface Clock {
  now(): number;
  requestFrame(cb: () => void): number;
  cancelFrame(handle: number): void;
}

export interface Ticker {
  start(): void;
  stop(): void;
  readonly running: boolean;
}

export const browserClock = (): Clock => ({
  now: () => performance.now(),
  requestFrame: (cb) => requestAnimationFrame(cb),
  cancelFrame: (h) => cancelAnimationFrame(h),
});

/** Calls `onFrame(dtMs)` once per frame while running. */
export function createTicker(onFrame: (dt: number) => void, clock: Clock): Ticker {
  let handle: number | null = null;
  let last = 0;
  const loop = (): void => {
    const now = clock.now();
    const dt = Math.min(now - last, 100); // a background tab must not jump the packet ahead
    last = now;
    handle = clock.requestFrame(loop);
    onFrame(dt);
  };
  return {
    start() {
      if (handle !== null) return;
      last = clock.now();
      handle = clock.requestFrame(loop);
    },
    stop() {
      if (handle !== null) clock.cancelFrame(handle);
      handle = null;
    },
    get running() {
      return handle !== null;
    },
  };
}
