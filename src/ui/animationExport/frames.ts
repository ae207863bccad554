/**
 * The pictures of an animation: the scheduled frames of docs' playback clock (frameSchedule), each
 * drawn as the SVG export draws the screen, with the packet where playback puts it at that time and
 * the caption of its step. Every frame has the same size (room for every packet and caption).
 */
import { scheduleFrames } from '../../animation/frameSchedule';
import type { FramePlan } from '../../animation/frameSchedule';
import { frameAt, routesFor } from '../../animation/sprites';
import type { PacketFrame } from '../../animation/sprites';
import { buildTimeline } from '../../animation/timeline';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { stepPhase } from '../../sim';
import type { VizState } from '../../store/createVizStore';
import { forLearners, stepLabel } from '../learnerText';

export interface AnimationFrames {
  count: number;
  /** the frame as an SVG document */
  svgOf(index: number): string;
  /** every frame's size, in the diagram's units */
  width: number;
  height: number;
}

/** Waits for the SVG exporter, then plans the frames of `plan` for the trace in `state`. */
export async function animationFrames(
  state: VizState,
  canvas: ClusterCanvas,
  plan: FramePlan,
): Promise<AnimationFrames> {
  const { trace, steps } = state;
  if (!trace || steps.length === 0)
    throw new Error('There is no packet to animate: send one or choose a scenario first.');
  const frames = scheduleFrames(buildTimeline(steps), plan);
  await canvas.preloadSvg();
  const routes = routesFor(steps, canvas.geometry());
  const sprites: (PacketFrame | null)[] = frames.map((f) =>
    frameAt(steps, routes, (i) => stepPhase(trace, i), f.step, f.progress),
  );
  const captions = new Map<number, { step: string; text: string }>();
  for (let i = plan.from; i <= plan.to; i++)
    captions.set(i, { step: stepLabel(i, steps.length), text: forLearners((steps[i] as (typeof steps)[number]).text) });
  const reserve = { sprites: sprites.filter((s) => s !== null), captions: [...captions.values()] };
  const svgOf = (index: number): string => {
    const frame = frames[index];
    if (!frame) throw new Error(`No frame ${index} in an animation of ${frames.length}.`);
    const sprite = sprites[index];
    const svg = canvas.svgNow(captions.get(frame.step) ?? null, { sprites: sprite ? [sprite] : [], reserve });
    if (svg === null) throw new Error('The SVG exporter did not load.');
    return svg;
  };
  const first = svgOf(0);
  const size = /<svg [^>]*?width="(\d+)" height="(\d+)"/.exec(first);
  return { count: frames.length, svgOf, width: Number(size?.[1] ?? 1), height: Number(size?.[2] ?? 1) };
}

/** The largest side of a frame, pixels: a 1080p video's height. */
export const MAX_SIDE = 1920;

/**
 * Pixels for a frame of `width` x `height` diagram units, `target` pixels wide: even sides (video
 * encoders halve the colour planes), neither side past MAX_SIDE.
 */
export function pixelSize(width: number, height: number, target: number): { width: number; height: number } {
  const scale = Math.min(target / width, MAX_SIDE / height, MAX_SIDE / width);
  const even = (n: number) => Math.max(2, 2 * Math.round((n * scale) / 2));
  return { width: even(width), height: even(height) };
}
