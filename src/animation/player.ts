/**
 * Playback of one trace: play, pause, step, seek and speed over the flattened timeline of
 * docs/trace-format.md (DNS hops, then the request, then the reply). It owns no pixels; it reports the
 * current step on discrete changes and a frame (step + progress) on every tick.
 */
import type { Hop } from '../sim';
import { createTicker } from './ticker';
import type { Clock, Ticker } from './ticker';
import { buildTimeline, positionAt, timeAtStep } from './timeline';
import type { Timeline, TimelinePosition } from './timeline';

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

export interface PlayerListener {
  /** every frame while something moves, and after every seek */
  onFrame(position: TimelinePosition): void;
  /** when the current step or the playing state changes */
  onStep(step: number, playing: boolean): void;
}

export interface Player {
  load(hops: readonly Hop[]): void;
  play(): void;
  pause(): void;
  stepTo(step: number): void;
  next(): void;
  prev(): void;
  reset(): void;
  setSpeed(speed: number): void;
  /** advance the clock by hand (tests, reduced motion) */
  tick(ms: number): void;
  readonly step: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly length: number;
  destroy(): void;
}

export function createPlayer(listener: PlayerListener, clock: Clock): Player {
  let timeline: Timeline = buildTimeline([]);
  let time = 0;
  let speed = 1;
  let playing = false;
  let step = 0;
  let length = 0;

  const emit = (): void => {
    const pos = positionAt(timeline, time);
    listener.onFrame(pos);
    if (pos.step !== step) {
      step = pos.step;
      listener.onStep(step, playing);
    }
    if (pos.done && playing) {
      playing = false;
      ticker.stop();
      listener.onStep(step, playing);
    }
  };
  const advance = (dt: number): void => {
    time = Math.min(timeline.total, time + dt * speed);
    emit();
  };
  const ticker: Ticker = createTicker(advance, clock);

  const seek = (target: number): void => {
    time = timeAtStep(timeline, target);
    const before = step;
    emit();
    if (step === before) listener.onStep(step, playing);
  };

  return {
    load(hops) {
      timeline = buildTimeline(hops);
      length = hops.length;
      time = 0;
      step = -1;
      emit();
    },
    play() {
      if (length === 0) return;
      if (time >= timeline.total) time = 0;
      playing = true;
      ticker.start();
      listener.onStep(step, playing);
    },
    pause() {
      playing = false;
      ticker.stop();
      listener.onStep(step, playing);
    },
    stepTo(target) {
      playing = false;
      ticker.stop();
      seek(Math.max(0, Math.min(length - 1, Math.trunc(target))));
    },
    next() {
      this.stepTo(step + 1);
    },
    prev() {
      this.stepTo(step - 1);
    },
    reset() {
      playing = false;
      ticker.stop();
      time = 0;
      seek(0);
    },
    setSpeed(next) {
      if (Number.isFinite(next)) speed = Math.max(MIN_SPEED, Math.min(MAX_SPEED, next));
    },
    tick(ms) {
      advance(ms);
    },
    get step() {
      return step;
    },
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    get length() {
      return length;
    },
    destroy() {
      ticker.stop();
    },
  };
}
