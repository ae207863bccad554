import { describe, expect, it } from 'vitest';
import { setWarnings, warningDetail } from './warnings';

describe('trace warnings as objects', () => {
  it('name their code, sentence and the ids of the elements concerned', () => {
    expect(warningDetail({ kind: 'pick-not-endpoint', pick: 'default/duo', service: 'default/web' })).toEqual({
      code: 'pick-not-endpoint',
      message: 'pick default/duo matched no choice: it is not an eligible endpoint of default/web',
      subjects: ['pod/default/duo', 'svc/default/web'],
    });
    expect(warningDetail({ kind: 'pick-not-lb-target', pick: 'node/cp' }).subjects).toEqual(['node/cp']);
  });

  it('set both fields in the same order, and neither when there is nothing to say', () => {
    const t: { warnings?: string[]; warningDetails?: ReturnType<typeof warningDetail>[] } = {};
    setWarnings(t, []);
    expect(t).toEqual({});
    setWarnings(t, [
      { kind: 'pick-unmatched', pick: 'default/a' },
      { kind: 'pick-not-lb-target', pick: 'node/b' },
    ]);
    expect(Object.keys(t)).toEqual(['warnings', 'warningDetails']);
    expect(t.warnings).toEqual(t.warningDetails!.map((d) => d.message));
    expect(t.warningDetails!.map((d) => d.code)).toEqual(['pick-unmatched', 'pick-not-lb-target']);
  });
});
