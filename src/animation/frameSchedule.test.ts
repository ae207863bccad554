import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec, flattenHops, trace } from '../sim';
import { frameCount, planError, scheduleFrames } from './frameSchedule';
import { buildTimeline } from './timeline';

const cluster = buildCluster(defaultClusterSpec);
const target = cluster.pods.find((p) => p.owner === 'Deployment/web' && p.node === 'node-b')!;

describe('the frames of an exported animation', () => {
  const hops = flattenHops(
    trace(cluster, { from: 'pod/default/client', to: `pod/default/${target.name}`, port: 8080 }),
  );
  const timeline = buildTimeline(hops);

  it('steps 0–5 at 10 fps and 500 ms per step give exactly 30 frames, 5 a step', () => {
    expect(hops.length).toBeGreaterThan(5);
    const plan = { from: 0, to: 5, fps: 10, msPerStep: 500 };
    expect(frameCount(plan)).toBe(30);
    const frames = scheduleFrames(timeline, plan);
    expect(frames).toHaveLength(30);
    expect(frames.map((f) => f.step)).toEqual([0, 1, 2, 3, 4, 5].flatMap((s) => [s, s, s, s, s]));
    expect(frames.map((f) => f.timestampUs)).toEqual(frames.map((_, i) => i * 100_000));
    // the playback clock only moves forwards, and every frame of a step is drawn from its own time
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.time).toBeGreaterThan(frames[i - 1]!.time);
  });

  it('draws the packet travelling into a step, then resting there, as playback does', () => {
    const frames = scheduleFrames(timeline, { from: 2, to: 2, fps: 20, msPerStep: 1000 });
    expect(frames).toHaveLength(20);
    // the first frame leaves the hop before, the last rests at the hop
    expect(frames[0]).toMatchObject({ step: 2, progress: 0, time: timeline.starts[2] });
    expect(frames.at(-1)).toMatchObject({ step: 2, progress: 1 });
    const moving = frames.filter((f) => f.progress > 0 && f.progress < 1);
    expect(moving.length).toBeGreaterThan(5);
  });

  it('is the same every time (no wall clock)', () => {
    const plan = { from: 1, to: hops.length - 1, fps: 15, msPerStep: 700 };
    expect(scheduleFrames(timeline, plan)).toEqual(scheduleFrames(timeline, plan));
    expect(scheduleFrames(timeline, plan)).toHaveLength(Math.round(((hops.length - 1) * 700 * 15) / 1000));
  });

  it('refuses plans it cannot make, saying why', () => {
    const n = hops.length;
    expect(planError({ from: 3, to: 2, fps: 10, msPerStep: 500 }, n)).toMatch(/forwards within 1 to/);
    expect(planError({ from: 0, to: n, fps: 10, msPerStep: 500 }, n)).toMatch(`asked: 1 to ${n + 1}`);
    expect(planError({ from: 0, to: 1, fps: 0, msPerStep: 500 }, n)).toMatch(/frame rate must be 1 to 30/);
    expect(planError({ from: 0, to: 1, fps: 10, msPerStep: 50 }, n)).toMatch(/100 to 10000 ms/);
    expect(planError({ from: 0, to: 0, fps: 10, msPerStep: 500 }, 0)).toMatch(/no packet to animate/);
    expect(planError({ from: 0, to: n - 1, fps: 30, msPerStep: 10_000 }, n)).toMatch(/more than 3000/);
    expect(() => scheduleFrames(timeline, { from: 0, to: 1, fps: Number.NaN, msPerStep: 500 })).toThrow(/frame rate/);
  });
});
