/**
 * Links written before the real ipMode field carried k8s-netviz's own annotation for it: they still
 * open, read as status.loadBalancer.ingress[].ipMode, with a notice saying so.
 */
import { test, expect } from './fixtures';

test('a link with netviz.io/ip-mode opens as ipMode Proxy, with a notice', async ({ app }) => {
  const { page } = app;
  const payload = {
    v: 1,
    manifests: [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-a' },
        spec: { podCIDR: '10.244.1.0/24' },
        status: { addresses: [{ type: 'InternalIP', address: '192.168.10.11' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        spec: { nodeName: 'node-a', containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'elb', namespace: 'default', annotations: { 'netviz.io/ip-mode': 'Proxy' } },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
        status: { loadBalancer: { ingress: [{ ip: '198.51.100.20' }] } },
      },
    ],
    ops: [],
    settings: {},
    request: { from: 'pod/default/web', to: '198.51.100.20:80' },
    seed: 1,
    pick: [],
    step: 0,
    selection: null,
  };
  await app.goto(`/#s=j1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`);
  await expect(page.getByTestId('notice')).toContainText('old k8s-netviz annotation');
  await expect(page.getByTestId('notice')).toContainText('status.loadBalancer.ingress[].ipMode: Proxy');
  const state = await page.evaluate(() =>
    (
      window.__netviz!.getState() as {
        cluster: { services: { name: string; loadBalancerIPMode: string | null; annotations: object }[] };
      }
    ).cluster.services.find((s) => s.name === 'elb')!,
  );
  expect(state.loadBalancerIPMode).toBe('Proxy');
  expect(state.annotations).toEqual({});
  // ipMode Proxy: the in-cluster client really goes out to the load balancer
  const trace = await page.evaluate(() => window.__netviz!.currentTrace()!);
  expect(trace.hops.some((h) => h.kind === 'load-balancer')).toBe(true);
});
