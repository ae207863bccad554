/**
 * The quiet notice of an update: the first load served by a new version of the offline worker
 * says so once ("updated since your last visit"); the page itself already is the new version.
 * The version is the worker's (it changes whenever a precached file does), remembered in
 * localStorage.
 */
const KEY = 'k8s-netviz:offline-version';
export const UPDATED_NOTICE = 'k8s-netviz was updated since your last visit.';

/** What to say for `current` given the version remembered from last time; remembers `current`. */
export function updateNotice(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  current: string | null,
): string | null {
  if (!storage || !current) return null;
  try {
    const last = storage.getItem(KEY);
    if (last !== current) storage.setItem(KEY, current);
    return last !== null && last !== current ? UPDATED_NOTICE : null;
  } catch {
    // storage refused (a private window's quota, a blocked site): no notice, nothing breaks
    return null;
  }
}

/**
 * The version of the worker that controls this page, or null (no worker, or no answer in
 * `timeoutMs`: the notice is not worth holding up the first screen).
 */
export function controllingVersion(timeoutMs = 300): Promise<string | null> {
  const controller = typeof navigator !== 'undefined' ? navigator.serviceWorker?.controller : null;
  if (!controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), timeoutMs);
    channel.port1.onmessage = (event: MessageEvent<unknown>) => {
      clearTimeout(timer);
      const version = (event.data as { netvizVersion?: unknown } | null)?.netvizVersion;
      resolve(typeof version === 'string' ? version : null);
    };
    controller.postMessage('netviz-version', [channel.port2]);
  });
}

/** The notice for this load, if the worker that served it is a new version. */
export async function offlineUpdateNotice(): Promise<string | null> {
  let storage: Storage | null;
  try {
    storage = window.localStorage;
  } catch {
    // reading localStorage throws where the site's storage is blocked
    storage = null;
  }
  return updateNotice(storage, await controllingVersion());
}
