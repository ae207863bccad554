/**
 * Time, not pixels: where a packet is along a trace at a given moment. Pure functions of the hops
 * and the elapsed time, so that stepping, seeking and tests need no clock.
 *
 * Each hop i has a travel phase (the packet moves from hop i-1 to hop i; none for the first hop)
 * and a dwell phase (it rests at hop i). It dwells longer where the packet changes: NAT,
 * encapsulation, decapsulation, and where the journey ends.
 */
import type { Hop } from '../sim';

export const TRAVEL_MS = 650;
export const DWELL_MS = 280;
export const CHANGE_DWELL_MS = 900;

export interface Timeline {
  /** start time of each hop's travel phase */
  readonly starts: readonly number[];
  /** the time the packet arrives at each hop */
  readonly arrivals: readonly number[];
  readonly total: number;
}

export interface TimelinePosition {
  /** the hop the packet is travelling to or resting at */
  step: number;
  /** 0..1 along the travel to `step`; 1 while resting there */
  progress: number;
  done: boolean;
}

const CHANGES = new Set(['encap', 'decap', 'deliver', 'drop', 'reject', 'proxy', 'load-balancer']);

/** Whether the packet changes at a hop, so playback pauses there longer. */
export function isChangeHop(hop: Hop): boolean {
  return hop.nat !== undefined || CHANGES.has(hop.kind);
}

export function buildTimeline(hops: readonly Hop[]): Timeline {
  const starts: number[] = [];
  const arrivals: number[] = [];
  let t = 0;
  hops.forEach((hop, i) => {
    starts.push(t);
    t += i === 0 ? 0 : TRAVEL_MS;
    arrivals.push(t);
    t += isChangeHop(hop) ? CHANGE_DWELL_MS : DWELL_MS;
  });
  return { starts, arrivals, total: t };
}

/** The packet's position at `time` ms (already scaled by the playback speed). */
export function positionAt(timeline: Timeline, time: number): TimelinePosition {
  const n = timeline.starts.length;
  if (n === 0) return { step: 0, progress: 1, done: true };
  if (time >= timeline.total) return { step: n - 1, progress: 1, done: true };
  // binary search for the last hop whose travel started at or before `time`
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((timeline.starts[mid] as number) <= time) lo = mid;
    else hi = mid - 1;
  }
  const start = timeline.starts[lo] as number;
  const arrival = timeline.arrivals[lo] as number;
  const progress = arrival === start ? 1 : Math.min(1, Math.max(0, (time - start) / (arrival - start)));
  return { step: lo, progress, done: false };
}

/** The time at which the packet has just arrived at `step`. */
export function timeAtStep(timeline: Timeline, step: number): number {
  const n = timeline.arrivals.length;
  if (n === 0) return 0;
  return timeline.arrivals[Math.max(0, Math.min(n - 1, step))] as number;
}
