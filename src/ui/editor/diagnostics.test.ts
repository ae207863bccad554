import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { diagnosticsFor } from './EditorPanel';

const doc = 'apiVersion: v1\nkind: Pod\n\nmetadata:\n  name: x\n';

describe('import problems as editor diagnostics', () => {
  const state = EditorState.create({ doc });

  it('places a problem at its 1-based line and column, to the end of that line, with object and field', () => {
    const [d] = diagnosticsFor(state, [
      {
        severity: 'error',
        source: 'editor',
        line: 5,
        column: 3,
        object: 'Pod default/x',
        field: 'metadata.name',
        message: 'bad',
      },
    ]);
    expect(doc.slice(d!.from, d!.to)).toBe('name: x');
    expect(d!.message).toBe('Pod default/x: metadata.name: bad');
    expect(d!.severity).toBe('error');
  });

  it('underlines the next line when the problem sits on an empty one, and clamps what lies outside the text', () => {
    const [empty] = diagnosticsFor(state, [
      { severity: 'warning', source: 'editor', line: 3, column: 1, message: 'here' },
    ]);
    expect(doc.slice(empty!.from, empty!.to)).toBe('\nmetadata:');
    const [far] = diagnosticsFor(state, [
      { severity: 'error', source: 'editor', line: 99, column: 99, message: 'past the end' },
    ]);
    expect(far!.from).toBeLessThanOrEqual(doc.length);
    const [none] = diagnosticsFor(state, [{ severity: 'error', source: 'editor', message: 'no position' }]);
    expect(none!.from).toBe(0);
  });
});
