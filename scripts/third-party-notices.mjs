// The third-party notices of a bundle: for every npm package whose code the bundle inlines, its
// name, version, license identifier and license file, as Markdown. MIT and ISC require the notice
// to travel with copies of the code; the CLI bundle (scripts/build-cli.mjs) writes this beside
// itself. The app build gets the same from Vite's `build.license` option.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying)/i;

/** The directory of the package a file in node_modules belongs to (scoped names included). */
function packageDir(file) {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const depth = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + depth).join(sep);
}

/** Markdown notices for the packages that hold these files (absolute paths); others are ignored. */
export function thirdPartyNotices(files, what) {
  const packages = new Map();
  for (const file of files) {
    const dir = packageDir(file);
    if (dir === null || packages.has(dir) || !existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((name) => LICENSE_FILE.test(name));
    packages.set(dir, {
      name: pkg.name,
      version: pkg.version,
      license: typeof pkg.license === 'string' ? pkg.license : null,
      text: licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : null,
    });
  }
  const entries = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (entries.some((e) => e.text === null && e.license === null))
    throw new Error(`no license found for ${entries.filter((e) => !e.text && !e.license).map((e) => e.name)}`);
  let text = `# Licenses\n\n${what} bundles dependencies which contain the following licenses:\n`;
  for (const e of entries) {
    text += `\n## ${e.name} - ${e.version}${e.license ? ` (${e.license})` : ''}\n`;
    if (e.text) text += `\n${e.text}\n`;
  }
  return text;
}
