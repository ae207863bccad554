import { describe, expect, it } from 'vitest';
import {
  EDITOR_KEY,
  LOADING_KEY,
  clearLoading,
  crashedLoad,
  loadText,
  markLoading,
  resetCrashedLoad,
  saveText,
} from './storage';

class MemoryStorage {
  data = new Map<string, string>();
  private readonly quota: number;
  constructor(quota = Infinity) {
    this.quota = quota;
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.data.set(k, v);
  }
}

describe('editor storage', () => {
  it('keeps and restores the text', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    expect(saveText('kind: Pod', storage)).toEqual({ ok: true });
    expect(loadText(storage)).toBe('kind: Pod');
    expect((storage as unknown as MemoryStorage).data.has(EDITOR_KEY)).toBe(true);
  });

  it('says so when storage is full or missing, without throwing', () => {
    const full = new MemoryStorage(3) as unknown as Storage;
    const result = saveText('a long text', full);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/too large/);
    expect(saveText('x', null)).toMatchObject({ ok: false });
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
    } as unknown as Storage;
    expect(loadText(broken)).toBeNull();
  });
});

describe('safe mode after a freeze or crash', () => {
  const memory = () => {
    const m = new MemoryStorage() as MemoryStorage & { removeItem(k: string): void };
    m.removeItem = (k) => void m.data.delete(k);
    return m as unknown as Storage;
  };

  it('reports what the previous page was still building, once, and then forgets it', () => {
    const storage = memory();
    resetCrashedLoad();
    markLoading('editor', storage);
    // the page froze and was reloaded: the marker is still there
    expect(crashedLoad(storage)).toBe('editor');
    expect(crashedLoad(storage)).toBe('editor');
    expect(storage.getItem(LOADING_KEY)).toBeNull();
    // the page after that one tries again
    resetCrashedLoad();
    expect(crashedLoad(storage)).toBeNull();
  });

  it('reports nothing when the build finished, and ignores foreign or corrupt markers', () => {
    const storage = memory();
    resetCrashedLoad();
    markLoading('link', storage);
    clearLoading(storage);
    expect(crashedLoad(storage)).toBeNull();
    resetCrashedLoad();
    storage.setItem(LOADING_KEY, '{"<script>":1}');
    expect(crashedLoad(storage)).toBeNull();
    expect(storage.getItem(LOADING_KEY)).toBeNull();
    resetCrashedLoad();
    const denied = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as Storage;
    expect(() => markLoading('editor', denied)).not.toThrow();
    expect(crashedLoad(denied)).toBeNull();
  });
});
