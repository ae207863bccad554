import { describe, expect, it } from 'vitest';
import { loadManifests } from './index';
import type { ImportResult } from './index';
import { toManifests } from '../export/toManifests';

const lb = (annotations: Record<string, string>, ipMode?: string): string => `apiVersion: v1
kind: Service
metadata:
  name: elb
  namespace: default
  annotations: ${JSON.stringify(annotations)}
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: 80, nodePort: 30090 }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.20${ipMode ? `, ipMode: ${ipMode}` : ''} }] } }
`;

function ok(result: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}
const load = (text: string) => ok(loadManifests([{ name: 'svc.yaml', text }]));
const elb = (r: Extract<ImportResult, { ok: true }>) => r.cluster.services.find((s) => s.name === 'elb')!;

describe("the project's old load-balancer annotations become the real ipMode field", () => {
  it('netviz.io/ip-mode: Proxy is read as status.loadBalancer.ingress[].ipMode: Proxy, with a warning', () => {
    const r = load(lb({ 'netviz.io/ip-mode': 'Proxy', team: 'a' }));
    expect(elb(r).loadBalancerIPMode).toBe('Proxy');
    // the annotation is gone from the model; other annotations stay
    expect(elb(r).annotations).toEqual({ team: 'a' });
    const w = r.warnings.find((p) => p.field?.includes('netviz.io/ip-mode'))!;
    expect(w.message).toMatch(/no Kubernetes field.*read as status\.loadBalancer\.ingress\[\]\.ipMode: Proxy/);
    expect(w.line).toBe(6);
  });

  it('netviz.io/load-balancer-mode: nodeport-proxy meant a proxying LB: ipMode Proxy', () => {
    const r = load(lb({ 'netviz.io/load-balancer-mode': 'nodeport-proxy' }));
    expect(elb(r).loadBalancerIPMode).toBe('Proxy');
    expect(r.warnings.some((p) => p.field?.includes('netviz.io/load-balancer-mode'))).toBe(true);
  });

  it('netviz.io/ip-mode: VIP is the field VIP; an unknown value is ignored with a warning', () => {
    expect(elb(load(lb({ 'netviz.io/ip-mode': 'VIP' }))).loadBalancerIPMode).toBe('VIP');
    const r = load(lb({ 'netviz.io/ip-mode': 'proxy' }));
    expect(elb(r).loadBalancerIPMode).toBeNull();
    expect(r.warnings.map((p) => p.message).join('\n')).toMatch(/"proxy" is neither VIP nor Proxy: ignored/);
    const other = load(lb({ 'netviz.io/load-balancer-mode': 'pass-through' }));
    expect(elb(other).loadBalancerIPMode).toBeNull();
    expect(other.warnings).toHaveLength(1);
  });

  it('the status field wins over an annotation, which is dropped with a warning saying so', () => {
    const r = load(lb({ 'netviz.io/ip-mode': 'Proxy' }, 'VIP'));
    expect(elb(r).loadBalancerIPMode).toBe('VIP');
    expect(r.warnings.map((p) => p.message).join('\n')).toMatch(/ignored, since .*ipMode gives VIP/);
  });

  it('an export writes the field, never the annotation, and re-imports without a warning', () => {
    const r = load(lb({ 'netviz.io/load-balancer-mode': 'nodeport-proxy' }));
    const out = toManifests(r.cluster);
    const text = JSON.stringify(out);
    expect(text).not.toContain('netviz.io/');
    const svc = out.find((o) => o['kind'] === 'Service' && (o['metadata'] as { name: string }).name === 'elb')!;
    expect(svc['status']).toEqual({ loadBalancer: { ingress: [{ ip: '198.51.100.20', ipMode: 'Proxy' }] } });
    const again = ok(loadManifests([{ name: 'export.json', text }]));
    expect(elb(again).loadBalancerIPMode).toBe('Proxy');
    expect(again.warnings.filter((p) => p.message.includes('ipMode'))).toEqual([]);
  });
});
