/**
 * What the service worker (serviceWorker.ts) does with a request and which cached files it keeps:
 * plain functions, so that the rules are unit-tested without a browser.
 *
 * - The app's page (the scope's `index.html`, any query) goes to the network first, so that a new
 *   version is on screen at the next load; offline, the cached copy answers.
 * - Hashed files under `assets/` never change: cache first. They are kept for the last few
 *   versions, because a page opened by an older version may still load a lazy chunk of its own
 *   after the site has been replaced by a new one (a static host keeps only the newest files).
 * - The other precached files (favicon, manifest): cache first, from this version's copy.
 * - Everything else (posters, preview pages, `embed.js`, `?manifests=` files) is the network's.
 */

export type RequestKind = 'page' | 'asset' | 'shell' | null;

/** How many versions' hashed files stay cached (the newest included). */
export const KEEP_VERSIONS = 3;

/** The path of `url` under the worker's scope ('' for the scope itself), or null outside it. */
export function scopePath(url: URL, scope: URL): string | null {
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  return url.pathname.slice(scope.pathname.length);
}

/** Which strategy answers a GET of `url`; null: not the worker's business. */
export function classify(url: URL, scope: URL, navigate: boolean, precache: ReadonlySet<string>): RequestKind {
  const path = scopePath(url, scope);
  if (path === null) return null;
  if (navigate) return path === '' || path === 'index.html' ? 'page' : null;
  if (isHashedAsset(path)) return 'asset';
  return precache.has(path) ? 'shell' : null;
}

export function isHashedAsset(path: string): boolean {
  return path.startsWith('assets/');
}

export interface VersionRecord {
  version: string;
  /** the version's hashed files, relative to the scope */
  assets: string[];
}

/**
 * The version history after `current` activates: newest first, at most `keep` versions (a version
 * that activates again moves to the front instead of appearing twice).
 */
export function recordVersion(history: readonly VersionRecord[], current: VersionRecord, keep = KEEP_VERSIONS) {
  return [current, ...history.filter((v) => v.version !== current.version)].slice(0, keep);
}

/** The hashed files of the versions in `history`: every other cached asset may go. */
export function assetsToKeep(history: readonly VersionRecord[]): Set<string> {
  return new Set(history.flatMap((v) => v.assets));
}

/** A history read back from the cache: anything malformed counts as no history. */
export function parseHistory(json: unknown): VersionRecord[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (v): v is VersionRecord =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as VersionRecord).version === 'string' &&
      Array.isArray((v as VersionRecord).assets) &&
      (v as VersionRecord).assets.every((a) => typeof a === 'string'),
  );
}
