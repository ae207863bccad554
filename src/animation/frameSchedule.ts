/**
 * The frames of an exported animation, from the playback clock and never the wall clock: each step
 * of the chosen range gets the same share of the video, and within it the playback time runs from
 * the step's departure (travel from the hop before) to the next step's, so the packet moves and
 * rests as it does on screen. The same range, rate and step time always give the same frames.
 */
import { positionAt } from './timeline';
import type { Timeline } from './timeline';

export interface FramePlan {
  /** the first and last step shown, 0-based, inclusive */
  from: number;
  to: number;
  /** frames per second of the video */
  fps: number;
  /** how long each step lasts in the video */
  msPerStep: number;
}

export interface ScheduledFrame {
  index: number;
  /** the frame's start in the video, microseconds (WebCodecs' unit) */
  timestampUs: number;
  /** the playback time drawn, ms on the timeline */
  time: number;
  step: number;
  /** 0..1 along the travel into `step`, 1 while resting there */
  progress: number;
}

export const MIN_FPS = 1;
export const MAX_FPS = 30;
export const MIN_MS_PER_STEP = 100;
export const MAX_MS_PER_STEP = 10_000;
/** An animation of more frames would take minutes to make and hundreds of MB of GIF. */
export const MAX_FRAMES = 3_000;

/** What is wrong with a plan for a trace of `steps` steps, or null. */
export function planError(plan: FramePlan, steps: number): string | null {
  const { from, to, fps, msPerStep } = plan;
  if (steps === 0) return 'There is no packet to animate: send one or choose a scenario first.';
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= steps || from > to)
    return `The steps must run forwards within 1 to ${steps} (asked: ${from + 1} to ${to + 1}).`;
  if (!Number.isFinite(fps) || fps < MIN_FPS || fps > MAX_FPS)
    return `The frame rate must be ${MIN_FPS} to ${MAX_FPS} frames per second (asked: ${fps}).`;
  if (!Number.isFinite(msPerStep) || msPerStep < MIN_MS_PER_STEP || msPerStep > MAX_MS_PER_STEP)
    return `Each step must last ${MIN_MS_PER_STEP} to ${MAX_MS_PER_STEP} ms (asked: ${msPerStep}).`;
  const count = frameCount(plan);
  if (count > MAX_FRAMES)
    return `That makes ${count} frames, more than ${MAX_FRAMES}: choose fewer steps, fewer frames per second or shorter steps.`;
  return null;
}

/** How many frames the plan gives: the video's length times its rate. */
export function frameCount({ from, to, fps, msPerStep }: FramePlan): number {
  return Math.max(1, Math.round(((to - from + 1) * msPerStep * fps) / 1000));
}

/** The frames of `plan` over `timeline`; throws the plan's error when it has one. */
export function scheduleFrames(timeline: Timeline, plan: FramePlan): ScheduledFrame[] {
  const steps = timeline.starts.length;
  const error = planError(plan, steps);
  if (error) throw new Error(error);
  const { from, fps, msPerStep } = plan;
  const frames: ScheduledFrame[] = [];
  const count = frameCount(plan);
  for (let index = 0; index < count; index++) {
    const videoMs = (index * 1000) / fps;
    const local = videoMs / msPerStep;
    const step = from + Math.floor(local);
    const fraction = local - Math.floor(local);
    const start = timeline.starts[step] as number;
    const end = step + 1 < steps ? (timeline.starts[step + 1] as number) : timeline.total;
    const time = start + fraction * (end - start);
    const pos = positionAt(timeline, time);
    frames.push({ index, timestampUs: Math.round(videoMs * 1000), time, step: pos.step, progress: pos.progress });
  }
  return frames;
}
