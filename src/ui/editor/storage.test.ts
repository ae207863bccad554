import { describe, expect, it } from 'vitest';
import { EDITOR_KEY, loadText, saveText } from './storage';

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
