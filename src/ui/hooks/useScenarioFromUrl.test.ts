import { describe, expect, it } from 'vitest';
import { parseExampleHash, parseStepParam } from './useScenarioFromUrl';

describe('a link’s step', () => {
  it('takes a whole number from 0', () => {
    expect(parseStepParam('0')).toEqual({ step: 0 });
    expect(parseStepParam('12')).toEqual({ step: 12 });
    expect(parseStepParam(null)).toEqual({});
    expect(parseExampleHash('#example=pod-to-service&step=3')).toEqual({
      id: 'pod-to-service',
      step: 3,
      stepNumbering: 'legacy',
    });
    expect(parseExampleHash('#example=ingress&step=3&tl=3')?.stepNumbering).toBe('timeline');
    expect(parseExampleHash('#example=ingress&step=3&tl=2')?.stepNumbering).toBe('timeline2');
    expect(parseExampleHash('#example=ingress&step=3&tl=9')?.stepNumbering).toBe('legacy');
  });

  it('opens at the first step with a message for anything else', () => {
    for (const bad of ['-1', '1e309', '2.5', 'two', '', '1234567']) {
      const parsed = parseStepParam(bad);
      expect(parsed.step, bad).toBe(0);
      expect(parsed.error, bad).toMatch(/is not a step number .*opening at the first step/);
    }
    expect(parseExampleHash('#example=pod-to-service&step=-1')).toMatchObject({
      id: 'pod-to-service',
      step: 0,
      stepError: expect.stringContaining('“-1”'),
    });
  });
});
