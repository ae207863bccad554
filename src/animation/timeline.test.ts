import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec, flattenHops, trace } from '../sim';
import { CHANGE_DWELL_MS, DWELL_MS, TRAVEL_MS, buildTimeline, positionAt, timeAtStep } from './timeline';
import { createPlayer } from './player';
import type { Clock } from './ticker';

const cluster = buildCluster(defaultClusterSpec);
const target = cluster.pods.find((p) => p.owner === 'Deployment/web' && p.node === 'node-b')!;
const hops = flattenHops(trace(cluster, { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 }));

describe('timeline', () => {
  const timeline = buildTimeline(hops);

  it('starts at the first hop and ends at the last', () => {
    expect(positionAt(timeline, 0)).toEqual({ step: 0, progress: 1, done: false });
    expect(positionAt(timeline, timeline.total)).toEqual({ step: hops.length - 1, progress: 1, done: true });
  });

  it('travels to each hop, then rests there, longer where the packet changes', () => {
    const encap = hops.findIndex((h) => h.kind === 'encap');
    const arrive = timeAtStep(timeline, encap);
    expect(positionAt(timeline, arrive - TRAVEL_MS / 2)).toEqual({ step: encap, progress: 0.5, done: false });
    expect(positionAt(timeline, arrive + CHANGE_DWELL_MS - 1).step).toBe(encap);
    expect(positionAt(timeline, arrive + CHANGE_DWELL_MS + 1).step).toBe(encap + 1);
    const veth = hops.findIndex((h) => h.kind === 'veth');
    expect(positionAt(timeline, timeAtStep(timeline, veth) + DWELL_MS + 1).step).toBe(veth + 1);
  });
});

describe('player', () => {
  const manualClock = (): Clock & { frames: (() => void)[]; t: number } => {
    const c = {
      frames: [] as (() => void)[],
      t: 0,
      now: () => c.t,
      requestFrame: (cb: () => void) => c.frames.push(cb),
      cancelFrame: () => {
        c.frames = [];
      },
    };
    return c;
  };

  it('plays to the end on its clock, reporting each step once, in order', () => {
    const clock = manualClock();
    const steps: number[] = [];
    const player = createPlayer(
      { onFrame: () => {}, onStep: (s, playing) => playing && steps.at(-1) !== s && steps.push(s) },
      clock,
    );
    player.load(hops);
    player.play();
    for (let i = 0; i < 20_000 && clock.frames.length > 0; i++) {
      clock.t += 16;
      const frames = clock.frames;
      clock.frames = [];
      for (const f of frames) f();
    }
    expect(player.playing).toBe(false);
    expect(player.step).toBe(hops.length - 1);
    expect(steps).toEqual(hops.map((_, i) => i));
  });

  it('steps, seeks and clamps the speed between 0.25x and 4x', () => {
    const player = createPlayer({ onFrame: () => {}, onStep: () => {} }, manualClock());
    player.load(hops);
    player.stepTo(5);
    expect(player.step).toBe(5);
    player.next();
    expect(player.step).toBe(6);
    player.prev();
    player.prev();
    expect(player.step).toBe(4);
    player.stepTo(10_000);
    expect(player.step).toBe(hops.length - 1);
    player.reset();
    expect(player.step).toBe(0);
    player.setSpeed(10);
    expect(player.speed).toBe(4);
    player.setSpeed(0.01);
    expect(player.speed).toBe(0.25);
    player.setSpeed(2);
    player.tick(TRAVEL_MS / 2);
    expect(player.step).toBe(1);
  });
});
