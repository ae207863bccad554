/**
 * The application state of one visualizer instance: a vanilla Zustand store, so that the canvas
 * adapter and the animation loop read and subscribe without React. Create one per instance (two
 * embeds on one page stay independent). Things that change every frame never come through here.
 */
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import {
  ClusterBuildError,
  ClusterOpError,
  applyOp,
  buildCluster,
  defaultClusterSpec,
  flattenHops,
  stepFromLegacy,
  stepFromTimeline2,
  lookup,
  parseElementId,
} from '../sim';
import type { TraceEngine } from '../sim/engine';
import type {
  Cluster,
  ClusterOp,
  ClusterSettings,
  ClusterSpec,
  Distribution,
  Hop,
  Scenario,
  Trace,
  TraceInput,
  TraceRequest,
} from '../sim';

export type Theme = 'light' | 'dark';

export interface PacketRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
  /** the HTTP method and header lines of a URL request (Gateway API routes match on them) */
  method?: string;
  headers?: string[];
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
  /** whether the camera follows the packet; off once the user pans or zooms by hand or fits */
  follow: boolean;
  /** the presenter stage is on (the diagram takes the screen; B blanks it) */
  presenting: boolean;
  /** the presenter blanked the screen (B), as slide tools do */
  blank: boolean;
  /** `ns/pod` names that pin the trace's random choices (a scenario's or a link's `pick`) */
  pins: readonly string[];
  /** choosing a packet's source and destination on the diagram ("Send from…"), or null */
  pick: null | { stage: 'from' } | { stage: 'to'; from: string };
  /** the last request sent, and its trace (null before the first) */
  request: PacketRequest | null;
  trace: Trace | null;
  /** the trace's hops flattened into playback steps (the numbering of docs/trace-format.md) */
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
  /** many requests at once, to show how a Service spreads them (null when none is shown) */
  burst: { request: PacketRequest; traces: Trace[]; distribution: Distribution } | null;
  /**
   * Pod operations made on `base` that gave `result` (links replay them). Only current while
   * `result` is the cluster on screen: any other way of changing the cluster leaves it behind.
   */
  opsLog: { base: Cluster; result: Cluster; ops: readonly ClusterOp[] } | null;
}

/** A scenario as a link or a host page gives it: a built cluster, the operations that made it, a request. */
/**
 * How a step from a link is numbered: as playback numbers it; as it did before later packets
 * skipped the rules only a first packet meets (`tl=2`); or as links did before conversations.
 */
export type StepNumbering = 'timeline' | 'timeline2' | 'legacy';

export interface SharedScenario {
  base: Cluster;
  cluster: Cluster;
  spec: ClusterSpec | null;
  ops: readonly ClusterOp[];
  request: PacketRequest | null;
  seed: number;
  step: number | null;
  /**
   * `legacy`: `step` numbers dns, hops, reply as links did before traces held a conversation, and
   * is mapped to the same hop (docs/trace-format.md); `timeline2`: the timeline of `tl=2` links,
   * mapped likewise; `timeline` (the default): the playback step
   */
  stepNumbering?: StepNumbering;
  selection: string | null;
  /** pinned random choices; none when absent */
  pins?: readonly string[];
  /** the built-in scenario it was made from, shown with its explanation; none when absent */
  scenario?: Scenario | null;
}

export interface VizActions {
  /** traces a request on the current cluster; a bad request keeps the previous trace */
  /** resolves once the trace engine is loaded (requests made before are queued, then traced) */
  whenReady(): Promise<void>;
  /**
   * `byUser`: the user sent it (the form, a pick on the diagram). A packet other than the one on
   * screen then leaves the scenario: its framing and explanation would describe another packet.
   * `keepCamera`: the same request traced again (a switch), so the camera keeps its mode.
   * `pins`: `ns/pod` names that pin this packet's random choices (the matrix sends a cell through a
   * Service to one endpoint); they replace the pins before and stay with the packet, as a link's do.
   */
  sendPacket(
    request: PacketRequest,
    options?: {
      startStep?: number;
      stepNumbering?: StepNumbering;
      byUser?: boolean;
      keepCamera?: boolean;
      pins?: readonly string[];
    },
  ): boolean;
  /** shows a built-in scenario: its cluster, then its request, stopped at `step` when given */
  loadScenario(scenario: Scenario, step?: number, stepNumbering?: StepNumbering): void;
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
  setFollow(on: boolean): void;
  setPresenting(on: boolean): void;
  setBlank(on: boolean): void;
  clearTrace(): void;
  /** the player reports its position here (discrete changes only) */
  setPlayback(step: number, playing: boolean): void;
  setSpeed(speed: number): void;
  select(id: string | null): void;
  setTheme(theme: Theme): void;
  setNotice(notice: string | null): void;
  /** traces `n` requests (different source ports) and the exact spread they should follow; pins do not apply */
  sendBurst(request: PacketRequest, n: number): boolean;
  clearBurst(): void;
  /** shows a shared scenario (a link, a JSON file, a host page's command) */
  loadShared(shared: SharedScenario): void;
  /** applies pod operations to the cluster on screen and keeps them for links; false (and a notice) when one cannot apply */
  applyClusterOps(ops: readonly ClusterOp[]): boolean;
}

export type VizStore = StoreApi<VizState & VizActions>;

/** A bad request (the trace engine's TraceRequestError), known by name so the engine can load late. */
const isRequestError = (error: unknown): error is Error => error instanceof Error && error.name === 'TraceRequestError';

export interface VizStoreOptions {
  /**
   * The trace engine, when the caller has it already (tests, the CLI). Otherwise the store loads it
   * on demand: requests made before it arrives are queued and traced as soon as it does.
   */
  engine?: TraceEngine;
  cluster?: Cluster;
  spec?: ClusterSpec;
  reducedMotion?: boolean;
  theme?: Theme;
  seed?: number;
  notice?: string | null;
}

/**
 * Whether two traced requests are the same packet: the same ends, port and protocol, and for an
 * HTTP request the same method and header lines (the query string is part of `to`, the URL), since
 * a Gateway can route each of these to another backend.
 */
export function sameRequest(a: TraceRequest, b: TraceRequest): boolean {
  const headers = (r: TraceRequest) => (r.headers ?? []).join('\n');
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.port === b.port &&
    a.protocol === b.protocol &&
    (a.method ?? 'GET') === (b.method ?? 'GET') &&
    headers(a) === headers(b)
  );
}

function toTraceInput(request: PacketRequest): TraceInput {
  const input: TraceInput = { from: request.from, to: request.to };
  if (request.port !== undefined) input.port = request.port;
  if (request.protocol !== undefined) input.protocol = request.protocol;
  if (request.method !== undefined) input.method = request.method;
  if (request.headers !== undefined) input.headers = request.headers;
  return input;
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
  const e = parseElementId(id);
  if (e === null) return null;
  const lk = lookup(cluster);
  const podAt = (ns: string, name: string) => lk.podByKey.get(`${ns}/${name}`);
  const nodeEnd = (name: string): string | null => {
    const node = lk.nodeByName.get(name);
    if (!node) return null;
    return stage === 'from' ? `node/${node.name}` : node.internalIP;
  };
  switch (e.kind) {
    case 'container': {
      const pod = podAt(e.namespace, e.pod);
      if (!pod) return null;
      return stage === 'from' ? `pod/${pod.namespace}/${pod.name}:${e.container}` : `pod/${pod.namespace}/${pod.name}`;
    }
    case 'pod':
    case 'veth':
    case 'pod-device': {
      const pod = podAt(e.namespace, e.pod);
      return pod ? `pod/${pod.namespace}/${pod.name}` : null;
    }
    case 'device':
    case 'node':
    case 'kernel':
      return nodeEnd(e.node);
    case 'service':
      return stage === 'to' && lk.serviceByKey.has(`${e.namespace}/${e.name}`) ? `svc/${e.namespace}/${e.name}` : null;
    default:
      return null;
  }
}

export function createVizStore(options: VizStoreOptions = {}): VizStore {
  let engine: TraceEngine | null = options.engine ?? null;
  // requests made before the engine arrived, in order
  const waiting: (() => void)[] = [];
  let ready: () => void = () => {};
  const engineReady = engine ? Promise.resolve() : new Promise<void>((resolve) => (ready = resolve));
  const store = createStore<VizState & VizActions>()((set, get) => ({
    cluster: options.cluster ?? buildCluster(options.spec ?? defaultClusterSpec),
    spec: options.spec ?? (options.cluster ? null : defaultClusterSpec),
    scenario: null,
    startStep: null,
    reducedMotion: options.reducedMotion ?? false,
    largeText: false,
    follow: true,
    presenting: false,
    blank: false,
    pick: null,
    pins: [],
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
    burst: null,
    opsLog: null,

    whenReady: () => engineReady,
    sendPacket(request, options = {}) {
      if (!engine) {
        waiting.push(() => get().sendPacket(request, options));
        return true;
      }
      const input = toTraceInput(request);
      try {
        const pins = options.pins ?? get().pins;
        let result = engine.trace(get().cluster, input, { seed: get().seed, pick: pins });
        const before = get().trace?.request;
        const samePacket = before !== undefined && sameRequest(before, result.request);
        if (options.byUser && !samePacket) {
          // another packet: the scenario's framing and its pinned choice belonged to the one before
          if (options.pins === undefined && pins.length > 0)
            result = engine.trace(get().cluster, input, { seed: get().seed, pick: [] });
          set({ scenario: null, pins: options.pins ?? [] });
        } else if (options.pins !== undefined) set({ pins: options.pins });
        set({
          // a new request is followed by the camera; the same one traced again keeps the view
          follow: options.keepCamera ? get().follow : true,
          request,
          trace: result,
          steps: flattenHops(result),
          requestError: null,
          step: -1,
          playing: false,
          startStep:
            options.startStep === undefined
              ? null
              : options.stepNumbering === 'legacy'
                ? stepFromLegacy(result, options.startStep)
                : options.stepNumbering === 'timeline2'
                  ? stepFromTimeline2(result, options.startStep)
                  : options.startStep,
        });
        return true;
      } catch (error) {
        const message = isRequestError(error) ? error.message : `The trace failed: ${String(error)}`;
        set({ requestError: message });
        return false;
      }
    },
    loadScenario(scenario, step, stepNumbering) {
      const cluster = buildCluster(scenario.spec);
      set({
        cluster,
        spec: scenario.spec,
        scenario,
        selection: null,
        seed: scenario.seed ?? 1,
        pins: scenario.pick ?? [],
        notice: null,
      });
      get().sendPacket(
        scenario.request,
        step === undefined ? {} : { startStep: step, stepNumbering: stepNumbering ?? 'timeline' },
      );
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
        set({
          notice:
            error instanceof ClusterBuildError ? error.message : `The cluster could not be rebuilt: ${String(error)}`,
        });
        return false;
      }
      if (request && !get().sendPacket(request, { keepCamera: true })) get().clearTrace();
      return true;
    },
    applyUserCluster(cluster, spec) {
      const request = get().request ? podRequest(get().cluster, get().request as PacketRequest) : null;
      set({ cluster, spec, scenario: null, selection: null, notice: null, pins: [] });
      if (!request || !get().sendPacket(request, { keepCamera: true })) get().clearTrace();
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
        set({
          notice:
            pick.stage === 'from'
              ? 'Pick a pod, a container or a node as the source.'
              : 'Pick a pod, a Service or a node as the destination.',
        });
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
      get().sendPacket(
        listens ? { from: pick.from, to: endpoint } : { from: pick.from, to: endpoint, protocol: 'icmp' },
        { byUser: true },
      );
    },
    setReducedMotion(on) {
      set({ reducedMotion: on });
    },
    setLargeText(on) {
      set({ largeText: on });
    },
    setFollow(on) {
      if (get().follow !== on) set({ follow: on });
    },
    setPresenting(on) {
      set({ presenting: on, blank: false });
    },
    setBlank(on) {
      set({ blank: on });
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
    sendBurst(request, n) {
      if (!engine) {
        waiting.push(() => get().sendBurst(request, n));
        return true;
      }
      const input = toTraceInput(request);
      try {
        // A pin belongs to the one traced request (a scenario shows one chosen endpoint); a burst
        // shows how the Service really spreads connections, so it never inherits one.
        const options = { seed: get().seed, pick: [] };
        const traces = engine.traceBurst(get().cluster, input, n, options);
        const distribution = engine.endpointDistribution(get().cluster, input, options);
        set({ burst: { request, traces, distribution }, requestError: null });
        return true;
      } catch (error) {
        set({
          requestError: isRequestError(error) ? error.message : `The requests could not be traced: ${String(error)}`,
        });
        return false;
      }
    },
    clearBurst() {
      set({ burst: null });
    },
    loadShared(shared) {
      set({
        cluster: shared.cluster,
        spec: shared.spec,
        scenario: shared.scenario ?? null,
        seed: shared.seed,
        selection: shared.selection,
        notice: null,
        pick: null,
        pins: shared.pins ?? [],
        opsLog: shared.ops.length > 0 ? { base: shared.base, result: shared.cluster, ops: [...shared.ops] } : null,
      });
      const from =
        shared.step === null ? {} : { startStep: shared.step, stepNumbering: shared.stepNumbering ?? 'timeline' };
      if (!shared.request || !get().sendPacket(shared.request, from)) get().clearTrace();
    },
    applyClusterOps(ops) {
      const s = get();
      const log =
        s.opsLog && s.opsLog.result === s.cluster ? s.opsLog : { base: s.cluster, result: s.cluster, ops: [] };
      let cluster = s.cluster;
      try {
        for (const op of ops) cluster = applyOp(cluster, op);
      } catch (error) {
        set({
          notice: error instanceof ClusterOpError ? error.message : `The change could not be made: ${String(error)}`,
        });
        return false;
      }
      const request = s.request ? podRequest(s.cluster, s.request) : null;
      set({ cluster, opsLog: { base: log.base, result: cluster, ops: [...log.ops, ...ops] } });
      if (request && !get().sendPacket(request, { keepCamera: true })) get().clearTrace();
      return true;
    },
  }));
  if (!engine) {
    import('../sim/engine')
      .then((loaded) => {
        engine = loaded;
        ready();
        for (const run of waiting.splice(0)) run();
      })
      .catch((error: unknown) =>
        store
          .getState()
          .setNotice(`The trace engine could not be loaded (${String(error)}); reload the page to try again.`),
      );
  }
  return store;
}
