/**
 * The regression corpus (cases.ts): every stored answer must come out again, byte for byte. A
 * difference prints which case, which hop, which field, before and after. When a change of
 * behaviour is intended, `npm run corpus:update` rewrites the file, and the commit lists each
 * difference with its reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusCases, GENERATED } from './cases';
import type { CorpusRecord } from './cases';
import { decodeCorpus, encodeCorpus } from './corpusFile';
import { describeDifference } from './diff';

const FILE = new URL('./corpus.jsonl.gz', import.meta.url);
/** Differences printed in full; the rest are counted. */
const SHOWN = 8;

describe('the regression corpus', () => {
  const { header, records: stored } = decodeCorpus(readFileSync(FILE));

  it('is a gzipped file under 5 MB', () => {
    expect(statSync(FILE).size).toBeLessThan(5 * 1024 * 1024);
    expect(header.records).toBe(stored.length);
  });

  it('holds every scenario, the inspector views and the generated requests', () => {
    const ids = stored.map((r) => r.id);
    expect(ids.filter((id) => id.startsWith('scenario/')).length).toBeGreaterThan(400);
    expect(ids.filter((id) => id.startsWith(`generate=${GENERATED.nodes}x${GENERATED.podsPerNode}/`))).toHaveLength(
      GENERATED.requests,
    );
    for (const kind of ['trace', 'rules', 'routes', 'devices'] as const)
      expect(stored.some((r) => r.kind === kind)).toBe(true);
  });

  it('comes out the same, record for record', () => {
    const cases = corpusCases();
    const byId = new Map(stored.map((r) => [r.id, r]));
    const now = new Set(cases.map((c) => c.id));
    const report: string[] = [];
    let differing = 0;
    for (const id of byId.keys()) if (!now.has(id)) report.push(`case ${id}: stored, but no longer computed`);
    for (const c of cases) {
      const before = byId.get(c.id);
      if (!before) {
        report.push(`case ${c.id}: computed, but not in the stored corpus`);
        continue;
      }
      const difference = describeDifference(before, c.run());
      if (difference === null) continue;
      differing++;
      if (differing <= SHOWN) report.push(difference);
    }
    if (differing > SHOWN) report.push(`... and ${differing - SHOWN} more differing cases`);
    if (report.length > 0)
      report.unshift(
        `${differing} of ${cases.length} corpus cases differ (npm run corpus:update rewrites the file for an intended change):`,
      );
    expect(report.join('\n')).toBe('');
  });

  it('stores the same bytes for the same records', () => {
    expect(Buffer.from(encodeCorpus(stored)).equals(readFileSync(FILE))).toBe(true);
  });
});

describe('describeDifference', () => {
  const record = (hops: unknown[]): CorpusRecord => ({
    id: 'scenario/x/flannel-vxlan/iptables',
    kind: 'trace',
    input: { request: { from: 'pod/default/client', to: '10.244.2.2:8080' } },
    output: { verdict: 'delivered', hops },
  });
  const hop = (dst: string) => ({ kind: 'netfilter', at: 'node/node-a', packet: { src: '10.244.1.2', dst } });

  it('names the case, the hop and the field with both values', () => {
    const text = describeDifference(record([hop('a'), hop('b')]), record([hop('a'), hop('c')]));
    expect(text).toContain('case scenario/x/flannel-vxlan/iptables (trace)');
    expect(text).toContain('hops #1 (netfilter at node/node-a): hops[1].packet.dst');
    expect(text).toContain('before: "b"');
    expect(text).toContain('after:  "c"');
  });

  it('reports a hop added or removed, and a change of field order alone', () => {
    expect(describeDifference(record([hop('a')]), record([hop('a'), hop('b')]))).toContain(
      'hops[1]\n    before: "(absent)"',
    );
    const reordered: CorpusRecord = { ...record([]), output: { hops: [], verdict: 'delivered' } };
    expect(describeDifference(record([]), reordered)).toContain('same values, different field order');
  });

  it('returns null for the same record', () => {
    expect(describeDifference(record([hop('a')]), record([hop('a')]))).toBeNull();
  });
});
