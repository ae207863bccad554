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
  /** choosing a packet's source and destination on the diagram ("Send from…"), or null */
  pick: null | { stage: 'from' } | { stage: 'to'; from: string };
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
  /** starts ("Send from…") or leaves the pick mode */
  setPickMode(on: boolean): void;
  /** a click on the diagram: picks in pick mode, selects otherwise */
  tap(id: string | null): void;
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

/**
 * What a clicked element means as a packet's source or destination, in the CLI's syntax: a
 * container sends from itself, a device or veth stands for its pod, a node's parts for the node.
 */
export function pickEndpoint(cluster: Cluster, id: string, stage: 'from' | 'to'): string | null {
  const parts = id.split('/');
  const lk = lookup(cluster);
  const podAt = (ns: string | undefined, name: string | undefined) => lk.podByKey.get(`${ns ?? ''}/${name ?? ''}`);
  switch (parts[0]) {
    case 'container': {
      const pod = podAt(parts[1], parts[2]);
      if (!pod) return null;
      return stage === 'from' ? `pod/${pod.namespace}/${pod.name}:${parts[3] ?? ''}` : `pod/${pod.namespace}/${pod.name}`;
    }
    case 'pod': {
      const pod = podAt(parts[1], parts.slice(2).join('/'));
      return pod ? `pod/${pod.namespace}/${pod.name}` : null;
    }
    case 'veth': {
      const pod = podAt(parts[2], parts[3]);
      return pod ? `pod/${pod.namespace}/${pod.name}` : null;
    }
    case 'dev': {
      if (parts[1] === 'pod') {
        const pod = podAt(parts[2], parts[3]);
        return pod ? `pod/${pod.namespace}/${pod.name}` : null;
      }
      const node = lk.nodeByName.get(parts[1] ?? '');
      if (!node) return null;
      return stage === 'from' ? `node/${node.name}` : node.internalIP;
    }
    case 'node':
    case 'kernel': {
      const node = lk.nodeByName.get(parts.slice(1).join('/'));
      if (!node) return null;
      return stage === 'from' ? `node/${node.name}` : node.internalIP;
    }
    case 'svc':
      return stage === 'to' && lk.serviceByKey.has(`${parts[1] ?? ''}/${parts.slice(2).join('/')}`) ? `svc/${parts[1] ?? ''}/${parts.slice(2).join('/')}` : null;
    default:
      return null;
  }
}

export function createVizStore(options: VizStoreOptions = {}): VizStore {
  return createStore<VizState & VizActions>()((set, get) => ({
    cluster: options.cluster ?? buildCluster(options.spec ?? defaultClusterSpec),
    spec: options.spec ?? (options.cluster ? null : defaultClusterSpec),
    scenario: null,
    startStep: null,
    reducedMotion: options.reducedMotion ?? false,
    largeText: false,
    pick: null,
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
    setPickMode(on) {
      set({ pick: on ? { stage: 'from' } : null });
    },
    tap(id) {
      const pick = get().pick;
      if (!pick) {
        get().select(id);
        return;
      }
      if (id === null) return;
      const endpoint = pickEndpoint(get().cluster, id, pick.stage);
      if (!endpoint) {
        set({ notice: pick.stage === 'from' ? 'Pick a pod, a container or a node as the source.' : 'Pick a pod, a Service or a node as the destination.' });
        return;
      }
      if (pick.stage === 'from') {
        set({ pick: { stage: 'to', from: endpoint }, notice: null, selection: id });
        return;
      }
      set({ pick: null, notice: null, selection: id });
      // a pod that declares no port can still be pinged: the natural first packet to it
      const pod = endpoint.startsWith('pod/') ? lookup(get().cluster).podByKey.get(endpoint.slice(4)) : undefined;
      const listens = pod?.containers.some((c) => c.listening.some((p) => p.protocol === 'tcp')) ?? true;
      get().sendPacket(listens ? { from: pick.from, to: endpoint } : { from: pick.from, to: endpoint, protocol: 'icmp' });
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
