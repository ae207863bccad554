/**
 * The editor's text in local storage, so that it survives reloads. Storage may be full, disabled
 * or absent (private modes, sandboxed frames): every failure is an answer, never an exception.
 */
export const EDITOR_KEY = 'k8s-netviz.editor.v1';

export type SaveResult = { ok: true } | { ok: false; message: string };

export function loadText(storage: Storage | null = safeStorage()): string | null {
  try {
    return storage?.getItem(EDITOR_KEY) ?? null;
  } catch {
    return null;
  }
}

export function saveText(text: string, storage: Storage | null = safeStorage()): SaveResult {
  if (!storage)
    return { ok: false, message: 'This browser does not let the page keep your text; download it to keep it.' };
  try {
    storage.setItem(EDITOR_KEY, text);
    return { ok: true };
  } catch (error) {
    const full = error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
    return {
      ok: false,
      message: full
        ? 'Your text is too large to keep in this browser’s storage; it stays in the editor — download it to keep it.'
        : 'Your text could not be saved in this browser’s storage; it stays in the editor — download it to keep it.',
    };
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * Safe mode. Building the user's cluster (the editor's kept text, or a link's) sets a marker in
 * storage that is cleared once the result is on screen. A marker still set when the next page
 * loads means that page froze or crashed on the way, and was closed or reloaded: the same content
 * is then not built again by itself (the editor keeps the text and says why), so one bad input can
 * never lock a user out of the app.
 */
export const LOADING_KEY = 'k8s-netviz.loading.v1';

/** What was being built: the editor's text or a link's scenario. */
export type LoadingWhat = 'editor' | 'link';

export function markLoading(what: LoadingWhat, storage: Storage | null = safeStorage()): void {
  try {
    storage?.setItem(LOADING_KEY, what);
  } catch {
    // storage full or denied: no safe mode, nothing else lost
  }
}

export function clearLoading(storage: Storage | null = safeStorage()): void {
  try {
    storage?.removeItem(LOADING_KEY);
  } catch {
    // as above
  }
}

/** Clears the marker once what was built has been drawn: after the next frame, not before. */
export function clearLoadingAfterPaint(storage: Storage | null = safeStorage()): void {
  if (typeof requestAnimationFrame === 'function')
    requestAnimationFrame(() => setTimeout(() => clearLoading(storage), 0));
  else clearLoading(storage);
}

let crashed: { value: LoadingWhat | null } | null = null;

/**
 * What the previous page was still building when it went away (null when it finished). Read once
 * per page and the marker removed, so that the page after this one tries again.
 */
export function crashedLoad(storage: Storage | null = safeStorage()): LoadingWhat | null {
  if (crashed) return crashed.value;
  let value: string | null;
  try {
    value = storage?.getItem(LOADING_KEY) ?? null;
  } catch {
    value = null;
  }
  crashed = { value: value === 'editor' || value === 'link' ? value : null };
  if (value !== null) clearLoading(storage);
  return crashed.value;
}

/** Forgets what crashedLoad read (tests). */
export function resetCrashedLoad(): void {
  crashed = null;
}

/** The editor's message in safe mode. */
export const SAFE_MODE_EDITOR_MESSAGE =
  'Last time, building this text did not finish: the page froze or crashed. It was not built again, so the diagram shows the built-in cluster; your text is kept here. Fix it, or build it anyway.';

/** The notice when a link is not opened in safe mode. */
export const SAFE_MODE_LINK_MESSAGE =
  'Last time, this link’s scenario did not finish opening: the page froze or crashed. It was not opened again; showing the built-in cluster. Reload the page to try once more.';
