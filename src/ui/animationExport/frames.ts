/**
 * The pictures of an animation: the scheduled frames of docs' playback clock (frameSchedule), each
 * drawn as the SVG export draws the screen, with the packet where playback puts it at that time and
 * the caption of its step. Either the whole diagram in every frame (each the same size: room for
 * every packet and caption), or frames that follow the packet: the hop's neighbourhood enlarged
 * until its labels are readable at the file's width (framing.ts), the caption under it.
 */
import { scheduleFrames } from '../../animation/frameSchedule';
import type { FramePlan } from '../../animation/frameSchedule';
import { frameAt, routesFor } from '../../animation/sprites';
import type { PacketFrame } from '../../animation/sprites';
import { buildTimeline } from '../../animation/timeline';
import { SMALLEST_FONT } from '../../canvas/camera';
import type { ClusterCanvas } from '../../canvas/createClusterCanvas';
import { estimateWidth, packetRect } from '../../canvas/exportSvg';
import type { MeasureText } from '../../canvas/exportSvg';
import { stepPhase } from '../../sim';
import { parseElementId } from '../../sim/model/ids';
import type { VizState } from '../../store/createVizStore';
import { forLearners, stepLabel } from '../learnerText';
import { READABLE_PX, captionPx, followSize, followViews, shownRect, unionRect } from './framing';
import type { FollowOptions, Rect } from './framing';

/** Whole diagram in every frame, or a camera that follows the packet. */
export type Framing = 'whole' | 'follow';

export interface AnimationFrames {
  count: number;
  /** the frame as an SVG document */
  svgOf(index: number): string;
  /** every frame's size: in the diagram's units (whole), in pixels (follow) */
  width: number;
  height: number;
}

/** Clear space around the packet and its hop in a follow frame, pixels. */
const FOLLOW_PADDING = 16;
/** Room around a point of the packet's route, model px (the packet's mark is 9 px round). */
const ROUTE_MARGIN = 14;
/** How much of a cni0 bridge beyond the rest of a hop is shown, model px (as the app's camera). */
const BRIDGE_MARGIN = 60;

const isBridge = (id: string): boolean => {
  const e = parseElementId(id);
  return e?.kind === 'device' && e.device === 'cni0';
};

/** The browser's text widths (as the SVG exporter's), else an estimate. */
function measurer(): MeasureText {
  const ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!ctx) return estimateWidth;
  return (text, font) => {
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}

/** The drawn diagram's box with its labels, model px (what the whole-diagram export shows). */
function diagramBounds(canvas: ClusterCanvas): Rect | null {
  const bb = canvas.core().elements().boundingBox({ includeLabels: true });
  return bb.w > 0 && bb.h > 0 ? { x: bb.x1, y: bb.y1, w: bb.w, h: bb.h } : null;
}

/** Waits for the SVG exporter, then plans the frames of `plan` for the trace in `state`. */
export async function animationFrames(
  state: VizState,
  canvas: ClusterCanvas,
  plan: FramePlan,
  choices: { framing: Framing; width: number } = { framing: 'whole', width: 960 },
): Promise<AnimationFrames> {
  const { trace, steps } = state;
  if (!trace || steps.length === 0)
    throw new Error('There is no packet to animate: send one or choose a scenario first.');
  const frames = scheduleFrames(buildTimeline(steps), plan);
  await canvas.preloadSvg();
  const geometry = canvas.geometry();
  const routes = routesFor(steps, geometry);
  const phaseOf = (i: number) => stepPhase(trace, i);
  const sprites: (PacketFrame | null)[] = frames.map((f) => frameAt(steps, routes, phaseOf, f.step, f.progress));
  const captions = new Map<number, { step: string; text: string }>();
  for (let i = plan.from; i <= plan.to; i++)
    captions.set(i, { step: stepLabel(i, steps.length), text: forLearners((steps[i] as (typeof steps)[number]).text) });
  const reserve = { sprites: sprites.filter((s) => s !== null), captions: [...captions.values()] };

  let windows: ((index: number) => NonNullable<Parameters<ClusterCanvas['svgNow']>[1]>['window']) | null = null;
  if (choices.framing === 'follow') {
    const measure = measurer();
    const size = followSize(choices.width);
    const opts: FollowOptions = {
      ...size,
      readablePx: READABLE_PX,
      smallestFont: SMALLEST_FONT,
      padding: FOLLOW_PADDING,
    };
    /** The hop into `step`: where it comes from and goes to, its route and the packet at rest. */
    const around = (step: number): Rect | null => {
      const hop = steps[step];
      if (!hop) return null;
      const ids: string[] = [hop.at];
      const from = steps[step - 1];
      if (from) ids.unshift(from.at);
      const points = (routes[step] ?? []).map((p) => ({
        x: p.x - ROUTE_MARGIN,
        y: p.y - ROUTE_MARGIN,
        w: 2 * ROUTE_MARGIN,
        h: 2 * ROUTE_MARGIN,
      }));
      const solid = ids.filter((id) => !isBridge(id)).map((id) => geometry.boxOf(id));
      const core = unionRect([
        ...points,
        ...solid.map((b) => (b ? { x: b.x - b.w / 2, y: b.y - b.h / 2, w: b.w, h: b.h } : null)),
      ]);
      // a bridge spans its node: only its stretch beside the rest of the hop
      const bridges = ids.filter(isBridge).map((id) => {
        const b = geometry.boxOf(id);
        if (!b || !core) return null;
        const x1 = Math.max(b.x - b.w / 2, core.x - BRIDGE_MARGIN);
        const x2 = Math.min(b.x + b.w / 2, core.x + core.w + BRIDGE_MARGIN);
        return { x: x1, y: b.y - b.h / 2, w: Math.max(1, x2 - x1), h: b.h };
      });
      const rest = frameAt(steps, routes, phaseOf, step, 1);
      return unionRect([core, ...bridges, rest ? packetRect(rest, measure) : null]);
    };
    const views = followViews(
      frames.map((f, i) => {
        const sprite = sprites[i];
        return { step: f.step, progress: f.progress, packet: sprite ? packetRect(sprite, measure) : null };
      }),
      around,
      opts,
      diagramBounds(canvas),
    );
    const px = captionPx(size.width);
    windows = (index) => ({ view: shownRect(views[index] as (typeof views)[number], size), ...size, captionPx: px });
  }

  const svgOf = (index: number): string => {
    const frame = frames[index];
    if (!frame) throw new Error(`No frame ${index} in an animation of ${frames.length}.`);
    const sprite = sprites[index];
    const svg = canvas.svgNow(captions.get(frame.step) ?? null, {
      sprites: sprite ? [sprite] : [],
      reserve,
      ...(windows ? { window: windows(index) } : {}),
    });
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
