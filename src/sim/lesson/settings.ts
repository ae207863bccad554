/**
 * A stop's settings over its scenario's own (docs/lessons.md): a CNI preset, a Service proxy mode,
 * the site routing the pod network. They are applied the way the app's switches apply them (the
 * CNI first, as switchCni does; then the proxy mode, whose Cilium choice brings Cilium with
 * kube-proxy replacement), so a stop recorded after switching plays back the same cluster. Every
 * stop starts again from its scenario's settings: nothing carries over from the stop before.
 */
import { CNI_PRESETS, switchCni } from '../registry';
import { DEFAULT_SETTINGS } from '../model/build';
import type { CniConfig, ClusterSettings, ProxyMode } from '../model/types';

export interface LessonSettings {
  /** the id of a CNI preset (the app's CNI switch, the CLI's --cni) */
  cni?: string;
  proxyMode?: ProxyMode;
  /** docs/networking-model.md, section 6 */
  siteRoutesPodNetwork?: boolean;
}

// a record, so that a new proxy mode in the model fails to compile here until it is listed
const PROXY_LABELS: Readonly<Record<ProxyMode, true>> = { iptables: true, nftables: true, ipvs: true, cilium: true };
export const PROXY_MODES = Object.keys(PROXY_LABELS) as readonly ProxyMode[];

export const cniPresetIds = (): string[] => CNI_PRESETS.map((p) => p.id);
const presetOf = (id: string) => CNI_PRESETS.find((p) => p.id === id);

/** Whether a preset id names a Cilium CNI (the only one Cilium's kube-proxy replacement runs with). */
export const isCiliumPreset = (id: string): boolean => presetOf(id)?.cni.kind === 'cilium';

/**
 * The scenario's settings (a spec's, partial: the defaults fill the rest) with the stop's applied
 * over them. Unknown preset ids were refused by the validator.
 */
export function applyLessonSettings(base: Partial<ClusterSettings>, wanted: LessonSettings): ClusterSettings {
  let s: ClusterSettings = { ...DEFAULT_SETTINGS, ...base };
  const preset = wanted.cni === undefined ? undefined : presetOf(wanted.cni);
  if (preset) s = { ...s, ...switchCni(s, preset) };
  const mode = wanted.proxyMode;
  if (mode === 'cilium') {
    const cilium = s.cni.kind === 'cilium' ? s.cni : CNI_PRESETS.find((p) => p.cni.kind === 'cilium')?.cni;
    if (cilium?.kind === 'cilium')
      s = { ...s, proxyMode: 'cilium', cni: { ...cilium, kubeProxyReplacement: true }, policyEnforced: true };
  } else if (mode !== undefined) {
    const cni: CniConfig = s.cni.kind === 'cilium' ? { ...s.cni, kubeProxyReplacement: false } : s.cni;
    s = { ...s, proxyMode: mode, cni };
  }
  if (wanted.siteRoutesPodNetwork !== undefined) s = { ...s, siteRoutesPodNetwork: wanted.siteRoutesPodNetwork };
  return s;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * The fewest stop settings that turn the scenario's settings into those on screen, or null when no
 * combination of the switches gives them (the cluster was changed some other way: the stop then
 * holds a shared state). `{}` when nothing was switched.
 */
export function lessonSettingsFor(
  base: Partial<ClusterSettings>,
  now: Partial<ClusterSettings>,
): LessonSettings | null {
  const target: ClusterSettings = { ...DEFAULT_SETTINGS, ...now };
  const cnis: (string | undefined)[] = [undefined, ...cniPresetIds()];
  const modes: (ProxyMode | undefined)[] = [undefined, ...PROXY_MODES];
  const routes: (boolean | undefined)[] = [undefined, true, false];
  const tried: LessonSettings[] = [];
  for (const cni of cnis)
    for (const proxyMode of modes)
      for (const siteRoutesPodNetwork of routes) {
        const c: LessonSettings = {};
        if (cni !== undefined) c.cni = cni;
        if (proxyMode !== undefined) c.proxyMode = proxyMode;
        if (siteRoutesPodNetwork !== undefined) c.siteRoutesPodNetwork = siteRoutesPodNetwork;
        tried.push(c);
      }
  // fewest fields first: a stop says only what it changed
  tried.sort((a, b) => Object.keys(a).length - Object.keys(b).length);
  return tried.find((c) => same(applyLessonSettings(base, c), target)) ?? null;
}
