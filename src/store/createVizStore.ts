/**
 * The application state of one visualizer instance: a vanilla Zustand store, so that the canvas
 * adapter and the animation loop read and subscribe without React. Create one per instance (two
 * embeds on one page stay independent). Things that change every frame never come through here.
 */
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { TraceRequestError, buildCluster, defaultClusterSpec, flattenHops, trace } from '../sim';
import type { Cluster, Hop, Trace, TraceInput } from '../sim';

export type Theme = 'light' | 'dark';

export interface PacketRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
}

export interface VizState {
  cluster: Cluster;
  /** the last request sent, and its trace (null before the first) */
  request: PacketRequest | null;
  trace: Trace | null;
  /** the trace's hops flattened into playback steps (DESIGN.md numbering) */
  steps: readonly Hop[];
  /** why the last request could not be traced */
  requestError: string | null;
  /** the playback step being shown, -1 when nothing is playing */
  step: number;
  playing: boolean;
  speed: number;
  seed: number;
  selection: string | null;
  theme: Theme;
  /** a message for the user that is not an error of theirs to fix now (a bad link, a fallback) */
  notice: string | null;
}

export interface VizActions {
  /** traces a request on the current cluster; a bad request keeps the previous trace */
  sendPacket(request: PacketRequest): boolean;
  clearTrace(): void;
  /** the player reports its position here (discrete changes only) */
  setPlayback(step: number, playing: boolean): void;
  setSpeed(speed: number): void;
  select(id: string | null): void;
  setTheme(theme: Theme): void;
  setNotice(notice: string | null): void;
}

export type VizStore = StoreApi<VizState & VizActions>;

export interface VizStoreOptions {
  cluster?: Cluster;
  theme?: Theme;
  seed?: number;
  notice?: string | null;
}

export function createVizStore(options: VizStoreOptions = {}): VizStore {
  return createStore<VizState & VizActions>()((set, get) => ({
    cluster: options.cluster ?? buildCluster(defaultClusterSpec),
    request: null,
    trace: null,
    steps: [],
    requestError: null,
    step: -1,
    playing: false,
    speed: 1,
    seed: options.seed ?? 1,
    selection: null,
    theme: options.theme ?? 'light',
    notice: options.notice ?? null,

    sendPacket(request) {
      const input: TraceInput = { from: request.from, to: request.to };
      if (request.port !== undefined) input.port = request.port;
      if (request.protocol !== undefined) input.protocol = request.protocol;
      try {
        const result = trace(get().cluster, input, { seed: get().seed });
        set({ request, trace: result, steps: flattenHops(result), requestError: null, step: -1, playing: false });
        return true;
      } catch (error) {
        const message = error instanceof TraceRequestError ? error.message : `The trace failed: ${String(error)}`;
        set({ requestError: message });
        return false;
      }
    },
    clearTrace() {
      set({ request: null, trace: null, steps: [], step: -1, playing: false });
    },
    setPlayback(step, playing) {
      if (get().step !== step || get().playing !== playing) set({ step, playing });
    },
    setSpeed(speed) {
      set({ speed });
    },
    select(id) {
      set({ selection: id });
    },
    setTheme(theme) {
      set({ theme });
    },
    setNotice(notice) {
      set({ notice });
    },
  }));
}
