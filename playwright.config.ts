import { defineConfig, devices } from '@playwright/test';

// The browser: Playwright's own Chromium when installed, else the one scripts/browser.mjs found
// (Debian's /usr/bin/chromium here), passed in PW_CHROMIUM_PATH.
const executablePath = process.env['PW_CHROMIUM_PATH'];
// PW_PORT lets two checkouts run their suites side by side without sharing a preview server.
const PORT = Number(process.env['PW_PORT'] ?? 4173);

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env['CI'],
  retries: process.env['CI'] ? 1 : 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'on-first-retry',
    viewport: { width: 1280, height: 800 },
    // The app registers an offline service worker; a spec that routes or counts requests must see
    // them all, so only e2e/offline.spec.ts lets it run.
    serviceWorkers: 'block',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
  },
});
