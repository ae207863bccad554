/**
 * `window.__netviz`: a small, read-only handle for end-to-end tests and measurement, present in
 * every build. It reads the store and drives the player; it never reaches into React.
 */
import { defaultPacketRequest, elementCount } from '../store/selectors';
import type { VisualizerApi } from '../ui/Visualizer';
import type { Hop, Trace } from '../sim';
import type { LabelMetric } from '../canvas/createClusterCanvas';

export interface NetvizHandle {
  getState(): unknown;
  elementCount(): { nodes: number; pods: number; containers: number; services: number };
  currentTrace(): Trace | null;
  /** the playback timeline: the hop each step shows (docs/trace-format.md), as the player steps it */
  steps(): Hop[];
  /** resolves once the diagram is drawn, with the time it was (performance.now(), as the bench
   * records the baseline's first `render` event) */
  whenRendered(): Promise<number>;
  /** resolves once the trace engine (loaded after the first screen) can answer requests */
  whenReady(): Promise<void>;
  setSpeed(x: number): void;
  stepTo(i: number): void;
  tick(ms: number): void;
  /** counts of drawn Cytoscape nodes by kind (what is on screen, not the model) */
  drawnCounts(): Record<string, number>;
  /** measurement: sends `n` requests at once from the default source to the first Service of the
   * cluster's own namespaces (the burst the UI animates); false when there is none */
  burst(n: number): boolean;
  /** measurement: sends one packet, as the form does (the camera then follows it) */
  send(request: { from: string; to: string; port?: number }): boolean;
  /** the Cytoscape core, for measurement only (the browser bench pans it); never for tests' assertions */
  cy(): unknown;
  /** where an element is on screen, in page pixels, for tests that click on the diagram */
  renderedBox(id: string): { x1: number; y1: number; x2: number; y2: number };
  /** resolves once the camera has stopped moving (and the level of detail has followed it) */
  cameraSettled(): Promise<void>;
  /** measurement: the rendered size and page box of the labels of these hop elements (or, with
   * `asDrawn`, of these drawn elements: `node/<name>` is then the Kubernetes node's box) */
  labels(ids: string[], asDrawn?: boolean): LabelMetric[];
  /** the hop ids the camera frames now (empty when not following) */
  framed(): string[];
}

declare global {
  interface Window {
    __netviz?: NetvizHandle;
  }
}

export function installTestHook(api: VisualizerApi): void {
  const handle: NetvizHandle = {
    getState() {
      // a plain snapshot: actions and the cluster's functions are left out
      const s = api.store.getState();
      const { cluster, request, trace, step, playing, speed, seed, selection, theme, requestError } = s;
      const { follow, presenting, blank, reducedMotion } = s;
      return structuredClone({
        cluster,
        request,
        trace,
        step,
        playing,
        speed,
        seed,
        selection,
        theme,
        requestError,
        follow,
        presenting,
        blank,
        reducedMotion,
      });
    },
    elementCount: () => elementCount(api.store.getState()),
    currentTrace: () => api.store.getState().trace,
    steps: () => [...structuredClone(api.store.getState().steps)],
    async whenRendered() {
      // the canvas is created in a layout effect; wait for it, then for its first draw
      for (let i = 0; i < 200 && !api.canvas(); i++) await new Promise((r) => setTimeout(r, 10));
      const canvas = api.canvas();
      if (!canvas) throw new Error('the diagram was not created within 2 s');
      return canvas.whenRendered();
    },
    whenReady: () => api.store.getState().whenReady(),
    setSpeed: (x) => api.store.getState().setSpeed(x),
    stepTo: (i) => api.player()?.stepTo(i),
    tick: (ms) => api.player()?.tick(ms),
    drawnCounts: () => api.canvas()?.drawnCounts() ?? {},
    burst(n) {
      const s = api.store.getState();
      const from = defaultPacketRequest(s.cluster)?.from;
      const svc = s.cluster.services.find(
        (x) => x.namespace !== 'kube-system' && x.name !== 'kubernetes' && x.clusterIP !== null,
      );
      return from && svc ? s.sendBurst({ from, to: `svc/${svc.namespace}/${svc.name}` }, n) : false;
    },
    send: (request) => api.store.getState().sendPacket(request, { byUser: true }),
    cy: () => api.canvas()?.core() ?? null,
    renderedBox: (id) => api.canvas()?.renderedBox(id) ?? { x1: 0, y1: 0, x2: 0, y2: 0 },
    cameraSettled: async () => api.canvas()?.whenSettled(),
    labels: (ids, asDrawn) => api.canvas()?.labels(ids, asDrawn) ?? [],
    framed: () => api.canvas()?.framed() ?? [],
  };
  Object.defineProperty(window, '__netviz', { value: Object.freeze(handle), configurable: true, writable: false });
}
