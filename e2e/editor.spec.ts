import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: { app: solo }
spec:
  containers:
  - name: solo
    image: nginx
    ports:
    - containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
      - name: api
        image: ghcr.io/example/api:1.0
        ports:
        - containerPort: 9000
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: { app: api }
  ports:
  - port: 80
    targetPort: 9000
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: grpc
spec: {}
`;

async function openEditor(page: Page) {
  await page.getByRole('button', { name: 'Edit YAML' }).click();
  await expect(page.getByTestId('editor.code').locator('.cm-content')).toBeVisible();
}

async function replaceEditorText(page: Page, text: string) {
  const content = page.getByTestId('editor.code').locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test.describe('your own manifests', () => {
  test('pasting valid manifests shows them; invalid YAML shows the error at its line while the diagram stays', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto();
    await openEditor(page);
    await replaceEditorText(page, MANIFESTS);
    await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster: 3 nodes, 7 pods');
    await expect(page.getByTestId('editor.status')).toContainText('ignored: 1 GRPCRoute');
    // 1 solo + 4 api + 2 CoreDNS the importer adds, on the built-in nodes
    await expect.poll(() => app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 7, services: 3 });
    const drawn = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(drawn['pod']).toBe(7);
    await page.screenshot({ path: testInfo.outputPath('editor-valid.png') });

    await replaceEditorText(page, `${MANIFESTS}---\nkind: Service\nmetadata:\n  name: [oops\n`);
    const errors = page.getByTestId('editor.errors');
    await expect(errors).toBeVisible();
    // the broken document starts after the manifests' last line; the error is placed in it
    const first = (await errors.locator('li').first().textContent()) ?? '';
    expect(first).toMatch(/^\d+:\d+: Invalid YAML/);
    expect(Number(first.split(':')[0])).toBeGreaterThanOrEqual(MANIFESTS.split('\n').length);
    await errors.getByRole('button').first().click();
    // the unclosed flow sequence is reported where the text ends: a lint point and a gutter marker
    await expect(page.locator('.cm-lintRange-error, .cm-lintPoint-error')).not.toHaveCount(0);
    await expect(page.locator('.cm-lint-marker-error').first()).toBeVisible();
    expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 7, services: 3 });
    await page.screenshot({ path: testInfo.outputPath('editor-error.png') });
  });

  test('a dropped multi-megabyte kubectl get -o json shows progress, then the cluster', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await openEditor(page);
    const items = [];
    // 16 nodes: a node's /24 holds at most 253 pods
    for (let n = 0; n < 16; n++) {
      items.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `w${n}`, labels: {} },
        spec: { podCIDR: `10.244.${n}.0/24` },
        status: { addresses: [{ type: 'InternalIP', address: `10.0.0.${n + 10}` }] },
      });
    }
    for (let i = 0; i < 3000; i++) {
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `p-${i}`,
          namespace: 'big',
          labels: { app: `a${i % 50}`, 'pod-template-hash': 'x' },
          annotations: { note: 'x'.repeat(400) },
          managedFields: [],
        },
        spec: {
          nodeName: `w${i % 16}`,
          containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
        },
        status: {
          phase: 'Running',
          podIP: `10.244.${i % 16}.${2 + Math.floor(i / 16)}`,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      });
    }
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);
    expect(json.length).toBeGreaterThan(2_000_000);
    // record whether the progress bar ever appeared, however briefly
    await page.evaluate(() => {
      (window as unknown as { sawProgress: boolean }).sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="editor.progress"]'))
          (window as unknown as { sawProgress: boolean }).sawProgress = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'pods.json', { type: 'application/json' }));
      return dt;
    }, json);
    await page.getByTestId('editor.panel').dispatchEvent('drop', { dataTransfer });
    await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster: 16 nodes, 3002 pods', {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    const counts = await app.elementCount();
    expect(counts.nodes).toBe(16);
    expect(counts.pods).toBe(3002);
  });

  test('a YAML alias bomb gives the limit error and the page stays responsive', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await openEditor(page);
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    await replaceEditorText(page, `${lines.join('\n')}\n`);
    await expect(page.getByTestId('editor.errors')).toContainText(/alias/i);
    expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 8, services: 3 });
    // still responsive: search works right away
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('node-a');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect(page.getByTestId('selection.inspector')).toContainText('node/node-a');
  });

  test('the text survives a reload, and reopens with its cluster', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await openEditor(page);
    await replaceEditorText(page, MANIFESTS);
    await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster: 3 nodes, 7 pods');
    await page.reload();
    await page.waitForFunction(() => window.__netviz !== undefined);
    await expect(page.getByTestId('editor.code')).toContainText('name: solo');
    await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster: 3 nodes, 7 pods');
    await expect.poll(() => app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 7, services: 3 });
  });
});
