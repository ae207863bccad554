/**
 * The offline service worker, bundled on its own into `sw.js` by build/offlinePlugin.ts, which
 * defines the precache list and the version. After one visit the app and every built-in scenario
 * (they are data in the bundle) open offline. The rules are in cachePlan.ts.
 *
 * A new version installs in the background and activates at once (skipWaiting): the hashed chunks
 * of the last versions stay cached, so an open page of an older version keeps loading its own lazy
 * chunks, and the page itself (network first) is the new version at the next load.
 */
import { assetsToKeep, classify, isHashedAsset, parseHistory, recordVersion } from './cachePlan';

declare const __NETVIZ_PRECACHE__: readonly string[];
declare const __NETVIZ_VERSION__: string;

// The app's tsconfig has the DOM library, not WebWorker (the two conflict): the few worker types
// used here, by hand.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const worker = self as unknown as WorkerScope;
const scope = new URL(worker.registration.scope);
const VERSION = __NETVIZ_VERSION__;
const PRECACHE = new Set(__NETVIZ_PRECACHE__);
const SHELL_PREFIX = 'netviz-shell-';
const SHELL = `${SHELL_PREFIX}${VERSION}`;
const ASSETS = 'netviz-assets';
const META = 'netviz-meta';
const HISTORY_KEY = new URL('__netviz-versions.json', scope).href;
const INDEX = new URL('index.html', scope).href;

async function precache(): Promise<void> {
  const [shell, assets] = await Promise.all([caches.open(SHELL), caches.open(ASSETS)]);
  await Promise.all(
    [...PRECACHE].map(async (path) => {
      const url = new URL(path, scope).href;
      const hashed = isHashedAsset(path);
      if (hashed && (await assets.match(url, { ignoreVary: true }))) return; // a hashed file never changes
      // past the HTTP cache: a static host may serve an old index.html for minutes
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`precache: ${url} answered ${response.status}`);
      await (hashed ? assets : shell).put(url, response);
    }),
  );
}

async function cleanUp(): Promise<void> {
  for (const key of await caches.keys()) {
    if (key.startsWith(SHELL_PREFIX) && key !== SHELL) await caches.delete(key);
  }
  const meta = await caches.open(META);
  const stored = await meta.match(HISTORY_KEY);
  const history = recordVersion(parseHistory(stored ? await stored.json().catch(() => null) : null), {
    version: VERSION,
    assets: [...PRECACHE].filter(isHashedAsset),
  });
  await meta.put(
    HISTORY_KEY,
    new Response(JSON.stringify(history), { headers: { 'content-type': 'application/json' } }),
  );
  const keep = new Set([...assetsToKeep(history)].map((path) => new URL(path, scope).href));
  const assets = await caches.open(ASSETS);
  for (const request of await assets.keys()) {
    if (!keep.has(request.url)) await assets.delete(request);
  }
}

async function networkFirstPage(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(INDEX, { cacheName: SHELL, ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request, kind: 'asset' | 'shell'): Promise<Response> {
  // Every cache: an older version's chunk is still where that version put it. The URL alone is
  // the key: servers answer `Vary: Origin`, and a module script's request carries an Origin that
  // the install's fetch did not.
  const cached = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (kind === 'asset' && response.ok) {
    const copy = response.clone();
    await caches.open(ASSETS).then((cache) => cache.put(request, copy));
  }
  return response;
}

worker.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => worker.skipWaiting()));
});

// Claimed at once: the page of the first visit then loads its lazy chunks (editor, dialogs) from
// the cache too, should the network go away before it needs them.
worker.addEventListener('activate', (event) => {
  event.waitUntil(cleanUp().then(() => worker.clients.claim()));
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const kind = classify(new URL(request.url), scope, request.mode === 'navigate', PRECACHE);
  if (kind === 'page') event.respondWith(networkFirstPage(request));
  else if (kind !== null) event.respondWith(cacheFirst(request, kind));
});

// The page asks which version serves it, to say once that the app was updated (updateNotice.ts).
worker.addEventListener('message', (event) => {
  if (event.data === 'netviz-version') event.ports[0]?.postMessage({ netvizVersion: VERSION });
});
