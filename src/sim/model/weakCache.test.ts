import { describe, expect, it } from 'vitest';
import { weakCache } from './weakCache';

describe('weakCache', () => {
  it('derives once per object, also when the value is null or undefined', () => {
    let calls = 0;
    const lengthOf = weakCache((a: { items: number[] }) => (calls++, a.items.length));
    const a = { items: [1, 2] };
    expect(lengthOf(a)).toBe(2);
    a.items.push(3);
    // the value is derived once: callers only cache what cannot change
    expect(lengthOf(a)).toBe(2);
    expect(calls).toBe(1);
    const none = weakCache((_: object) => (calls++, undefined));
    const k = {};
    none(k);
    none(k);
    expect(calls).toBe(2);
  });

  it('keys by identity: an equal copy is derived afresh', () => {
    const seen = weakCache((o: { n: number }) => ({ n: o.n }));
    const o = { n: 1 };
    expect(seen(o)).toBe(seen(o));
    expect(seen(structuredClone(o))).not.toBe(seen(o));
    expect(seen(structuredClone(o))).toEqual(seen(o));
  });
});
