/**
 * What a link holds, taken from a live store, and the way back: a payload applied to a store.
 * Built-in scenarios stay `#example=<id>&step=<n>`; generated clusters keep their recipe; anything
 * else is the user's objects (authored style: no status, no managedFields, no Secret data), the
 * operations made since, the request, seed, step and selection.
 */
import { applyOps, buildCluster, findScenario, renumbered, toManifests } from '../../sim';
import type { Cluster, ClusterSpec } from '../../sim';
import type { VizState, VizStore } from '../../store/createVizStore';
import { loadGeneratedCluster, parseGenerateParam } from '../generateParam';
import { isGenerated } from './linkCodec';
import type { SharePayload } from './linkCodec';

/** Where the cluster on screen came from, when the store alone cannot tell (a generated cluster). */
export interface Provenance {
  generated: { cluster: Cluster; size: string; seed: number } | null;
}

export type LinkContent =
  | { kind: 'example'; id: string; step: number | null; renumbered: boolean }
  | { kind: 'payload'; payload: SharePayload };

const stepOf = (s: VizState): number | null => (s.steps.length > 0 && s.step >= 0 ? s.step : null);
/** Whether the step must say it numbers the conversation (the numbering before differs for this trace). */
const renumberedStep = (s: VizState): boolean => stepOf(s) !== null && s.trace !== null && renumbered(s.trace);

/** The content of the state on screen, as a link would carry it. */
export function contentOf(s: VizState, provenance: Provenance, options: { forcePayload?: boolean } = {}): LinkContent {
  const sc = s.scenario;
  const log = s.opsLog && s.opsLog.result === s.cluster ? s.opsLog : null;
  const sameRequest = (a: object | null, b: object) => a !== null && JSON.stringify(a) === JSON.stringify(b);
  if (
    !options.forcePayload &&
    sc &&
    !log &&
    s.spec === sc.spec &&
    sameRequest(s.request, sc.request) &&
    s.selection === null
  ) {
    return { kind: 'example', id: sc.id, step: stepOf(s), renumbered: renumberedStep(s) };
  }
  const base = log ? log.base : s.cluster;
  const common = {
    v: 1 as const,
    ops: log ? [...log.ops] : [],
    settings: {},
    request: s.request ? { ...s.request } : null,
    seed: s.seed,
    pick: s.trace ? [...s.trace.request.pick] : [],
    step: stepOf(s),
    ...(renumberedStep(s) ? { timeline: 3 as const } : {}),
    selection: s.selection,
    // a scenario changed on screen (a CNI or proxy switch, a pod deleted, an element selected) is
    // still that scenario: the link says so, and reopens it with its explanation
    ...(sc ? { scenario: sc.id } : {}),
  };
  const g = provenance.generated;
  if (g && g.cluster === base) return { kind: 'payload', payload: { ...common, seed: g.seed, generate: g.size } };
  // The settings objects are among the manifests; `settings` repeats them so a reader need not dig.
  return {
    kind: 'payload',
    payload: { ...common, settings: { ...base.settings }, manifests: toManifests(base, s.spec, { style: 'authored' }) },
  };
}

/** What a payload builds into, ready for the store (the YAML reader loads on demand). */
export interface PreparedShare {
  base: Cluster;
  cluster: Cluster;
  spec: ClusterSpec | null;
  generated: Provenance['generated'];
  /** what the reader should know: old annotations of the project read as the real fields */
  notices: string[];
}

/** Builds the cluster a payload describes; throws an Error with a user-facing message. */
export async function prepareShare(payload: SharePayload): Promise<PreparedShare> {
  let base: Cluster;
  let spec: ClusterSpec | null;
  let generated: Provenance['generated'] = null;
  const notices: string[] = [];
  if (isGenerated(payload)) {
    const param = parseGenerateParam(`?generate=${payload.generate}`);
    if (param.kind !== 'ok') throw new Error(param.kind === 'error' ? param.message : 'no generated-cluster size');
    const built = await loadGeneratedCluster(param.nodes, param.podsPerNode, payload.seed, param.policies);
    base = built.cluster;
    spec = built.spec;
    generated = { cluster: base, size: payload.generate, seed: payload.seed };
  } else {
    const { loadManifests } = await import('../../sim/import');
    const result = loadManifests([{ name: 'link', text: JSON.stringify(payload.manifests) }], {
      limits: { maxInputBytes: 8 * 1024 * 1024 },
    });
    if (!result.ok)
      throw new Error(
        `its objects do not build a cluster (${result.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ')})`,
      );
    base = result.cluster;
    spec = result.spec;
    // Links written before the real ipMode field carried the project's own annotations.
    const legacy = result.warnings.filter((w) => w.field?.includes('netviz.io/'));
    if (legacy.length > 0)
      notices.push(
        `This link uses an old k8s-netviz annotation: ${legacy.map((w) => `${w.object ?? ''} ${w.field ?? ''} ${w.message}`.trim()).join('; ')}.`,
      );
  }
  if (spec && Object.keys(payload.settings).length > 0) {
    const merged: ClusterSpec = { ...spec, settings: { ...spec.settings, ...payload.settings } };
    // settings equal to those the objects gave change nothing: keep the built cluster
    if (JSON.stringify({ ...base.settings, ...payload.settings }) !== JSON.stringify(base.settings)) {
      spec = merged;
      base = buildCluster(spec);
      if (generated) generated = { ...generated, cluster: base };
    }
  }
  const cluster = payload.ops.length > 0 ? applyOps(base, payload.ops) : base;
  return { base, cluster, spec, generated, notices };
}

/** Shows a prepared payload in a store: the cluster, its operations, the request at its step. */
export function showShare(store: VizStore, payload: SharePayload, prepared: PreparedShare): void {
  store.getState().loadShared({
    base: prepared.base,
    cluster: prepared.cluster,
    spec: prepared.spec,
    ops: payload.ops,
    request: payload.request,
    seed: payload.seed,
    step: payload.step,
    stepNumbering: payload.timeline === 3 ? 'timeline' : payload.timeline === 2 ? 'timeline2' : 'legacy',
    selection: payload.selection,
    pins: payload.pick,
    scenario: payload.scenario !== undefined ? findScenario(payload.scenario) : null,
  });
}
