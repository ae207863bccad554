import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { CNI_PRESETS } from '../registry';
import { findScenario } from '../scenarios/catalog';
import { PROXY_MODES, applyLessonSettings, lessonSettingsFor } from './settings';

const base = findScenario('pod-to-service')?.spec.settings ?? {};

describe('a stop’s settings', () => {
  it('are applied as the app’s switches apply them', () => {
    const calico = CNI_PRESETS.find((p) => p.id === 'calico-ipip');
    const s = applyLessonSettings(base, { cni: 'calico-ipip', proxyMode: 'ipvs' });
    expect(s.cni).toEqual(calico?.cni);
    expect(s.proxyMode).toBe('ipvs');
    expect(s.policyEnforced).toBe(true);
    // Cilium's eBPF Service handling brings Cilium, with kube-proxy replacement, and leaves with it
    const kpr = applyLessonSettings(base, { proxyMode: 'cilium' });
    expect(kpr).toMatchObject({ proxyMode: 'cilium', cni: { kind: 'cilium', kubeProxyReplacement: true } });
    expect(applyLessonSettings(kpr, { cni: 'flannel-vxlan' }).proxyMode).toBe('iptables');
    expect(applyLessonSettings(base, { siteRoutesPodNetwork: true }).siteRoutesPodNetwork).toBe(true);
    expect(buildCluster({ settings: s }).settings.cni.kind).toBe('calico');
  });

  it('are recovered, fewest first, from every combination the switches make', () => {
    expect(lessonSettingsFor(base, base)).toEqual({});
    let checked = 0;
    // every preset the registry lists (a CNI added there is covered here) with every proxy mode
    for (const preset of CNI_PRESETS)
      for (const proxyMode of PROXY_MODES) {
        if (proxyMode === 'cilium' && preset.cni.kind !== 'cilium') continue;
        const now = applyLessonSettings(base, { cni: preset.id, proxyMode });
        const found = lessonSettingsFor(base, now);
        expect(found, `${preset.id} ${proxyMode}`).not.toBeNull();
        expect(applyLessonSettings(base, found ?? {})).toEqual(now);
        checked++;
      }
    expect(checked).toBeGreaterThanOrEqual(CNI_PRESETS.length * 3);
    expect(lessonSettingsFor(base, applyLessonSettings(base, { proxyMode: 'nftables' }))).toEqual({
      proxyMode: 'nftables',
    });
  });

  it('are null when no switch gives the settings on screen (the stop then holds a shared state)', () => {
    expect(lessonSettingsFor(base, { ...base, underlayMtu: 9001 })).toBeNull();
    expect(lessonSettingsFor(base, { ...base, podSubnet: '10.50.0.0/16' })).toBeNull();
  });
});
