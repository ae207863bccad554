import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { findScenario } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { outcomeOf } from './outcome';

const scenario = (id: string) => {
  const s = findScenario(id)!;
  return trace(buildCluster(s.spec), { ...s.request, seed: s.seed ?? 1, pick: s.pick ?? [] } as never);
};

describe('the outcome the app shows', () => {
  it('is the verdict for a packet that arrives and is answered, or that is refused', () => {
    expect(outcomeOf(scenario('pod-to-pod-cross-node'))).toEqual({ label: 'delivered', good: true });
    expect(outcomeOf(scenario('network-policy-deny'))).toMatchObject({ good: false });
  });

  it('is the HTTP status through an L7 proxy', () => {
    expect(outcomeOf(scenario('ingress'))).toEqual({ label: '200 OK', good: true });
    expect(outcomeOf(scenario('ingress-404'))).toEqual({ label: '404 Not Found', good: false });
  });

  it('says the answer is lost when the first packet arrived but nothing comes back', () => {
    // ip-masq-agent keeps 192.168.0.0/16 unmasqueraded and nothing routes the pod CIDR back
    const c = buildCluster({
      ...defaultClusterSpec,
      settings: { ...defaultClusterSpec.settings, cni: { kind: 'flannel', backend: 'vxlan', ipMasq: false } },
      extras: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
          data: {},
        },
      ],
    });
    const t = trace(c, { from: 'pod/default/client', to: '192.168.10.50:5432' });
    expect(t.verdict).toBe('delivered');
    expect(t.reply?.verdict).toBe('dropped');
    expect(outcomeOf(t)).toEqual({ label: 'delivered, answer lost', good: false });
  });
});
