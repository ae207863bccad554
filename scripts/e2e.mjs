// Runs the Playwright suite against the production build in real Chromium (see browser.mjs for
// where the browser comes from). Extra arguments go to `playwright test`.
import { spawnSync } from 'node:child_process';
import { findChromium } from './browser.mjs';

const browser = findChromium();
console.log(`e2e: using ${browser.source}`);
const env = { ...process.env };
if (browser.executablePath) env.PW_CHROMIUM_PATH = browser.executablePath;

const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
