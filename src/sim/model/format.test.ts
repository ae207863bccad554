import { describe, expect, it } from 'vitest';
import { formatCount } from './format';

describe('formatCount', () => {
  it('groups the digits of a count in threes, as en-US writes them', () => {
    for (const n of [
      0,
      7,
      42,
      999,
      1000,
      1001,
      5000,
      12345,
      100000,
      999999,
      1000000,
      1234567890,
      -1,
      -1234,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('leaves what is not a whole number as String writes it', () => {
    expect(formatCount(1.5)).toBe('1.5');
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatCount(Infinity)).toBe('Infinity');
  });
});
