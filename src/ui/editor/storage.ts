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
