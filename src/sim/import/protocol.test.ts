import { describe, expect, it } from 'vitest';
import { handleImportMessage } from './protocol';
import type { ImportResponse } from './protocol';

const collect = (message: unknown): ImportResponse[] => {
  const out: ImportResponse[] = [];
  handleImportMessage(message, (m) => out.push(structuredClone(m)));
  return out;
};

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: hello
    image: nginx
    ports:
    - containerPort: 80
`;

describe('the import worker protocol', () => {
  it('reports progress through parse, read and build, then one result with a cloneable cluster', () => {
    const answers = collect({ type: 'import', id: 7, sources: [{ name: 'editor', text: POD }] });
    const phases = answers
      .filter((a) => a.type === 'progress')
      .map((a) => (a.type === 'progress' ? a.progress.phase : ''));
    expect(phases).toEqual(['parse', 'read', 'build']);
    const result = answers.at(-1)!;
    expect(result).toMatchObject({ type: 'result', id: 7, ok: true });
    if (result.type === 'result' && result.ok) expect(result.cluster.pods.some((p) => p.name === 'hello')).toBe(true);
    expect(answers.every((a) => a.id === 7)).toBe(true);
  });

  it('answers bad YAML with located errors', () => {
    const result = collect({
      type: 'import',
      id: 8,
      sources: [{ name: 'editor', text: 'kind: Pod\nmetadata: [\n' }],
    }).at(-1)!;
    expect(result).toMatchObject({ type: 'result', id: 8, ok: false });
    if (result.type === 'result' && !result.ok) {
      expect(result.errors[0]!.line).toBeGreaterThan(0);
      expect(result.errors[0]!.column).toBeGreaterThan(0);
    }
  });

  it('answers a message that is not a request with an error, not an exception', () => {
    for (const junk of [
      null,
      42,
      'x',
      { type: 'import' },
      { type: 'other', id: 3 },
      { type: 'generate', id: 4, nodes: 3, podsPerNode: 4, seed: 1 },
    ]) {
      const answers = collect(junk);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ type: 'result', ok: false });
    }
    expect(collect({ type: 'other', id: 3 })[0]!.id).toBe(3);
  });
});
