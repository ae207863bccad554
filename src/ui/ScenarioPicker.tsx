/** The four scenarios, one click each, and the networking switches the diagram and trace follow. */
import { focusPlayback } from './focusPlayback';
import { useId, useMemo, useState } from 'react';
import { CNI_PRESETS, SCENARIOS, cniPresetId, explainTrace, switchCni } from '../sim';
import type { ProxyMode } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectTrace } from '../store/selectors';
import { exampleHash } from './hooks/useScenarioFromUrl';

const control = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
// The first header row holds the three drop-downs and the action buttons on one line at 1280 px
// (a third row would shrink the diagram below 12 px names); the scenario's title is also in the
// explanation under the header, so its drop-down may cut a long one short.
const scenarioWidth = 'max-w-[10rem]';
const settingWidth = 'max-w-[9rem]';

export function ScenarioPicker() {
  const scenario = useVizStore((s) => s.scenario);
  const loadScenario = useVizStore((s) => s.loadScenario);
  const groups = [...new Set(SCENARIOS.map((s) => s.group))];
  return (
    <label className="flex items-center gap-1 text-sm">
      Scenario
      <select
        aria-label="Scenario"
        className={`${control} ${scenarioWidth}`}
        title={scenario?.title}
        value={scenario?.id ?? ''}
        onChange={(e) => {
          const select = e.currentTarget;
          const next = SCENARIOS.find((s) => s.id === e.target.value);
          if (!next) return;
          loadScenario(next);
          // a shareable link to what is on screen, without adding a history entry per click
          window.history.replaceState(null, '', exampleHash(next.id));
          focusPlayback(select);
        }}
      >
        <option value="" disabled>
          Choose…
        </option>
        {groups.map((group) => (
          <optgroup key={group} label={group}>
            {SCENARIOS.filter((s) => s.group === group).map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

export const CNI_CHOICES = CNI_PRESETS;

export function CniSwitch() {
  const cni = useVizStore((s) => s.cluster.settings.cni);
  const proxyMode = useVizStore((s) => s.cluster.settings.proxyMode);
  const setSettings = useVizStore((s) => s.setSettings);
  const canSwitch = useVizStore((s) => s.spec !== null);
  return (
    <label className="flex items-center gap-1 text-sm">
      CNI
      <select
        aria-label="CNI plugin"
        className={`${control} ${settingWidth}`}
        value={cniPresetId(cni)}
        disabled={!canSwitch}
        onChange={(e) => {
          const select = e.currentTarget;
          const choice = CNI_CHOICES.find((c) => c.id === e.target.value);
          // kube-proxy replacement exists only with Cilium: another CNI brings kube-proxy back
          if (choice) setSettings(switchCni({ proxyMode }, choice));
          focusPlayback(select);
        }}
      >
        {CNI_CHOICES.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
        {!CNI_CHOICES.some((c) => c.id === cniPresetId(cni)) ? (
          <option value={cniPresetId(cni)}>{cni.kind}</option>
        ) : null}
      </select>
    </label>
  );
}

/**
 * The scenario on screen: its title and framing sentence, then the mechanism explained from the
 * trace itself, so that a switch of CNI or proxy mode changes the explanation with the hops.
 */
export function ScenarioExplanation() {
  const scenario = useVizStore((s) => s.scenario);
  const trace = useVizStore(selectTrace);
  const settings = useVizStore((s) => s.cluster.settings);
  const mechanism = useMemo(() => (trace ? explainTrace(trace, settings).join(' ') : ''), [trace, settings]);
  const [open, setOpen] = useState(false);
  const textId = useId();
  if (!scenario) return null;
  return (
    <div
      className="flex shrink-0 items-start gap-2 border-b border-slate-200 bg-sky-50 px-3 py-1.5 text-sm dark:border-slate-700 dark:bg-sky-950"
      data-testid="scenario.explanation"
      role="region"
      aria-label="Scenario explanation"
    >
      {/* Two lines by default so the diagram keeps its room (the hops tell the rest step by step);
          clamped visually only, so a screen reader still hears all of it. */}
      <p
        id={textId}
        className={open ? 'max-h-32 min-w-0 flex-1 overflow-y-auto' : 'line-clamp-2 min-w-0 flex-1'}
        tabIndex={open ? 0 : undefined}
      >
        <strong>{scenario.title}.</strong> {scenario.framing} <span data-testid="scenario.mechanism">{mechanism}</span>
      </p>
      <button
        type="button"
        className="shrink-0 rounded border border-sky-300 px-2 py-0.5 text-sm text-sky-900 hover:bg-sky-100 dark:border-sky-700 dark:text-sky-100 dark:hover:bg-sky-900"
        aria-expanded={open}
        aria-controls={textId}
        data-testid="scenario.more"
        onClick={() => setOpen(!open)}
      >
        {open ? 'Less' : 'More'}
      </button>
    </div>
  );
}

const PROXY_CHOICES: { id: ProxyMode; label: string }[] = [
  // under the label "Proxy": kube-proxy's modes by name, or Cilium's replacement for it
  { id: 'iptables', label: 'iptables' },
  { id: 'nftables', label: 'nftables' },
  { id: 'ipvs', label: 'IPVS' },
  { id: 'cilium', label: 'Cilium eBPF' },
];

export function ProxyModeSwitch() {
  const mode = useVizStore((s) => s.cluster.settings.proxyMode);
  const cni = useVizStore((s) => s.cluster.settings.cni);
  const setSettings = useVizStore((s) => s.setSettings);
  const canSwitch = useVizStore((s) => s.spec !== null);
  return (
    <label className="flex items-center gap-1 text-sm">
      Proxy
      <select
        aria-label="Service proxy mode"
        className={`${control} ${settingWidth}`}
        value={mode}
        disabled={!canSwitch}
        onChange={(e) => {
          const select = e.currentTarget;
          const next = e.target.value as ProxyMode;
          if (next === 'cilium') {
            // Cilium's kube-proxy replacement comes with Cilium as the CNI
            const base =
              cni.kind === 'cilium'
                ? cni
                : { kind: 'cilium' as const, routingMode: 'tunnel' as const, tunnelProtocol: 'vxlan' as const };
            setSettings({ proxyMode: 'cilium', cni: { ...base, kubeProxyReplacement: true }, policyEnforced: true });
          } else {
            setSettings({
              proxyMode: next,
              ...(cni.kind === 'cilium' ? { cni: { ...cni, kubeProxyReplacement: false } } : {}),
            });
          }
          focusPlayback(select);
        }}
      >
        {PROXY_CHOICES.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
