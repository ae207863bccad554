// Runs the Playwright suite against the production build (the whole site) in real Chromium (see
// browser.mjs for where the browser comes from). Extra arguments go to `playwright test`.
import { spawnSync } from 'node:child_process';
import { findChromium } from './browser.mjs';

const browser = findChromium();
console.log(`e2e: using ${browser.source}`);
const env = { ...process.env };
if (browser.executablePath) env.PW_CHROMIUM_PATH = browser.executablePath;

// The suite runs against the site as it is published (scripts/build-site.mjs): the app, the preview
// pages and the posters, whose absolute URLs point at the preview server the suite starts.
env.SITE_URL ??= `http://127.0.0.1:${env.PW_PORT ?? 4173}/`;
const build = spawnSync('node', ['scripts/build-site.mjs'], { stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
