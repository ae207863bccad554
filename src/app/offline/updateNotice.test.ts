import { describe, expect, it } from 'vitest';
import { UPDATED_NOTICE, updateNotice } from './updateNotice';

function memory(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('updateNotice', () => {
  it('says nothing on the first visit and for the same version, once after an update', () => {
    const storage = memory();
    expect(updateNotice(storage, 'v1')).toBeNull();
    expect(updateNotice(storage, 'v1')).toBeNull();
    expect(updateNotice(storage, 'v2')).toBe(UPDATED_NOTICE);
    expect(updateNotice(storage, 'v2')).toBeNull();
  });

  it('says nothing without a worker, without storage, or when storage refuses', () => {
    const storage = memory();
    storage.data.set('k8s-netviz:offline-version', 'v1');
    expect(updateNotice(storage, null)).toBeNull();
    expect(updateNotice(null, 'v2')).toBeNull();
    const refusing = {
      getItem: () => 'v1',
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(updateNotice(refusing, 'v2')).toBeNull();
  });
});
