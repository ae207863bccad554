import { describe, expect, it } from 'vitest';
import { parseGenerateParam } from './generateParam';

describe('parseGenerateParam', () => {
  it('reads <nodes>x<podsPerNode>', () => {
    expect(parseGenerateParam('?generate=100x50')).toEqual({ kind: 'ok', nodes: 100, podsPerNode: 50 });
    expect(parseGenerateParam('?embed=1')).toEqual({ kind: 'none' });
  });

  it('rejects malformed and oversized values with a message', () => {
    for (const bad of ['?generate=abc', '?generate=10', '?generate=10x', '?generate=-1x5', '?generate=0x5', '?generate=201x10', '?generate=10x101', '?generate=1e3x1']) {
      const result = parseGenerateParam(bad);
      expect(result.kind, bad).toBe('error');
    }
    expect(parseGenerateParam('?generate=500x10')).toMatchObject({ message: expect.stringContaining('1 to 200 nodes') });
  });
});
