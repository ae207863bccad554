/**
 * A pod's unmasqueraded connection to a host beside the nodes (ip-masq-agent's defaults keep
 * 192.168.0.0/16 unmasqueraded): the answer reaches the pod only when the site network routes pod
 * CIDRs. The setting is off by default, shown under that trace only, and travels with a link.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { test, expect } from './fixtures';

const FIXTURES = join(import.meta.dirname, '..', 'src', 'sim', 'resolve', 'fixtures');
const objects = [
  'kubeadm.yaml',
  'nodes.yaml',
  'workloads.yaml',
  'edge/ip-masq-agent.yaml',
  'edge/flannel-no-ip-masq.yaml',
]
  .flatMap((f) => parseAllDocuments(readFileSync(join(FIXTURES, f), 'utf8')).map((d) => d.toJS() as unknown))
  .filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null);
const link = (): string => {
  const payload = {
    v: 1,
    manifests: objects,
    ops: [],
    settings: {},
    request: { from: 'pod/default/client', to: '192.168.10.50:5432' },
    seed: 1,
    pick: [],
    step: 0,
    selection: null,
  };
  return `#s=j1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
};

test('the site-network setting decides whether an unmasqueraded answer comes back', async ({ app }) => {
  const { page } = app;
  await app.goto(`/${link()}`);
  const trace = () => page.evaluate(() => window.__netviz!.currentTrace()!);
  let t = await trace();
  // on-link: the node's connected subnet, not the Internet
  expect(t.hops.some((h) => h.at === 'internet')).toBe(false);
  expect(t.hops.at(-1)!.packet.src).toMatch(/^10\.244\.1\.2:/);
  expect(t.reply!.verdict).toBe('dropped');
  const toggle = page.getByTestId('site-routes').getByRole('checkbox');
  await expect(toggle).not.toBeChecked();
  // the SYN arrived, but the client never hears back: not shown as a success
  await expect(page.getByTestId('trace.verdict')).toHaveText('delivered, answer lost');
  await expect(page.getByTestId('trace.verdict')).toHaveClass(/text-red/);
  await expect(page.getByTestId('hop.inspector')).toContainText('nothing on the site network routes 10.244.0.0/16');
  await toggle.check();
  await expect(toggle).toBeChecked();
  await expect.poll(async () => (await trace()).reply!.verdict).toBe('delivered');
  await expect(page.getByTestId('trace.verdict')).toHaveText('delivered');
  t = await trace();
  expect(t.reply!.hops.find((h) => h.kind === 'wire')!.rule).toBe('10.244.1.0/24 via 192.168.10.11 (site router)');
  expect(t.reply!.hops.at(-1)!.at).toBe('container/default/client/client');
  // a trace the setting cannot change does not show it
  await app.goto('/#example=egress&step=0');
  await expect(page.getByTestId('hop.inspector')).toBeVisible();
  await expect(page.getByTestId('site-routes')).toHaveCount(0);
});

for (const theme of ['light', 'dark'] as const) {
  for (const [w, h] of [
    [1280, 720],
    [720, 450],
    [390, 844],
  ] as const) {
    test(`the setting under the verdict, ${w}x${h} ${theme}`, async ({ app }, testInfo) => {
      const { page } = app;
      await page.setViewportSize({ width: w, height: h });
      await app.goto(`/?theme=${theme}${link()}`);
      const toggle = page.getByTestId('site-routes');
      // the one-column layout (a phone, a short window) holds the inspector in its Details sheet
      if (w < 640 || h < 520) await page.getByRole('button', { name: 'Details' }).click();
      await toggle.scrollIntoViewIfNeeded();
      await expect(toggle).toBeVisible();
      await app.settled();
      await page.screenshot({ path: testInfo.outputPath(`site-routes-${w}x${h}-${theme}.png`) });
    });
  }
}
