/**
 * The application state of one visualizer instance: a vanilla Zustand store, so that the canvas
 * adapter and the animation loop read and subscribe without React. Create one per instance (two
 * embeds on one page stay independent). Things that change every frame never come through here.
 */
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { ClusterBuildError, TraceRequestError, buildCluster, defaultClusterSpec, flattenHops, lookup, trace } from '../sim';
import type { Cluster, ClusterSettings, ClusterSpec, Hop, Scenario, Trace, TraceInput } from '../sim';

export type Theme = 'light' | 'dark';

export interface PacketRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
}

export interface VizState {
  cluster: Cluster;
  /** the description the cluster was built from; settings switches rebuild from it */
  spec: ClusterSpec | null;
  /** the built-in scenario on screen, if any */
  scenario: Scenario | null;
  /** a step to stop at when the next trace loads (links open at a step, paused) */
  startStep: number | null;
  reducedMotion: boolean;
  largeText: boolean;
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
  sendPacket(request: PacketRequest, options?: { startStep?: number }): boolean;
  /** shows a built-in scenario: its cluster, then its request, stopped at `step` when given */
  loadScenario(scenario: Scenario, step?: number): void;
  /** rebuilds the cluster with other settings (CNI, proxy mode) and re-sends the request */
  setSettings(settings: Partial<ClusterSettings>): boolean;
  /** shows a cluster the user described (the editor); the request is re-traced when it still applies */
  applyUserCluster(cluster: Cluster, spec: ClusterSpec): void;
  setReducedMotion(on: boolean): void;
  setLargeText(on: boolean): void;
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
  spec?: ClusterSpec;
  reducedMotion?: boolean;
  theme?: Theme;
  seed?: number;
  notice?: string | null;
}

/** Rewrites a request aimed at a pod's IP as one aimed at the pod, so it survives re-addressing. */
function podRequest(cluster: Cluster, request: PacketRequest): PacketRequest {
  const match = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(request.to);
  if (!match) return request;
  const pod = lookup(cluster).podByIP.get(match[1] as string);
  if (!pod) return request;
  const port = match[2] !== undefined ? Number(match[2]) : request.port;
  return { ...request, to: `pod/${pod.namespace}/${pod.name}`, ...(port !== undefined ? { port } : {}) };
}

export function createVizStore(options: VizStoreOptions = {}): VizStore {
  return createStore<VizState & VizActions>()((set, get) => ({
    cluster: options.cluster ?? buildCluster(options.spec ?? defaultClusterSpec),
    spec: options.spec ?? (options.cluster ? null : defaultClusterSpec),
    scenario: null,
    startStep: null,
    reducedMotion: options.reducedMotion ?? false,
    largeText: false,
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

    sendPacket(request, options = {}) {
      const input: TraceInput = { from: request.from, to: request.to };
      if (request.port !== undefined) input.port = request.port;
      if (request.protocol !== undefined) input.protocol = request.protocol;
      try {
        const result = trace(get().cluster, input, { seed: get().seed });
        set({
          request,
          trace: result,
          steps: flattenHops(result),
          requestError: null,
          step: -1,
          playing: false,
          startStep: options.startStep ?? null,
        });
        return true;
      } catch (error) {
        const message = error instanceof TraceRequestError ? error.message : `The trace failed: ${String(error)}`;
        set({ requestError: message });
        return false;
      }
    },
    loadScenario(scenario, step) {
      const cluster = buildCluster(scenario.spec);
      set({ cluster, spec: scenario.spec, scenario, selection: null, seed: scenario.seed ?? 1, notice: null });
      get().sendPacket(scenario.request, step === undefined ? {} : { startStep: step });
    },
    setSettings(settings) {
      const base = get().spec;
      if (!base) {
        set({ notice: 'This cluster was loaded without its description, so its settings cannot be switched.' });
        return false;
      }
      const spec: ClusterSpec = { ...base, settings: { ...base.settings, ...settings } };
      // Addresses change with the CNI (Calico allocates from blocks): keep meaning "this pod".
      const request = get().request ? podRequest(get().cluster, get().request as PacketRequest) : null;
      try {
        set({ cluster: buildCluster(spec), spec });
      } catch (error) {
        set({ notice: error instanceof ClusterBuildError ? error.message : `The cluster could not be rebuilt: ${String(error)}` });
        return false;
      }
      if (request && !get().sendPacket(request)) get().clearTrace();
      return true;
    },
    applyUserCluster(cluster, spec) {
      const request = get().request ? podRequest(get().cluster, get().request as PacketRequest) : null;
      set({ cluster, spec, scenario: null, selection: null, notice: null });
      if (!request || !get().sendPacket(request)) get().clearTrace();
      set({ requestError: null });
    },
    setReducedMotion(on) {
      set({ reducedMotion: on });
    },
    setLargeText(on) {
      set({ largeText: on });
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
