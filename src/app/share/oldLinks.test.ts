/**
 * Links written before traces held a conversation keep opening at the same hop. The stored corpus
 * (fixtures/links-before-conversation.json) is every step of seven built-in scenarios as the app
 * numbered them then (dns, hops, reply), with the hop each showed: its kind, place and addresses.
 * Links written now for an Ingress trace carry `tl=3` and open at the step they name; `tl=2` links,
 * numbered before later packets skipped the rules only a first packet meets, open at the same hop.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as engine from '../../sim/engine';
import { findScenario } from '../../sim';
import { createVizStore } from '../../store/createVizStore';
import { decodeShare, encodeShare } from './linkCodec';
import { hashFor, openHash, snippets } from './shareService';
import { contentOf } from './snapshot';

interface OldLink {
  link: string;
  kind: string;
  at: string;
  src: string;
  dst: string;
}

const corpus = JSON.parse(
  readFileSync(new URL('./fixtures/links-before-conversation.json', import.meta.url), 'utf8'),
) as OldLink[];

async function open(hash: string) {
  const store = createVizStore({ engine });
  const result = await openHash(store, hash, { generated: null }, { examples: true, defaultStep: null });
  expect(result.kind, hash).toBe('ok');
  const s = store.getState();
  return { store, step: s.startStep as number, hop: s.steps[s.startStep as number] };
}

describe('links written before conversations', () => {
  it('the corpus covers Ingress and other scenarios', () => {
    const ids = new Set(corpus.map((c) => new URLSearchParams(c.link.slice(1)).get('example')));
    expect(ids).toEqual(
      new Set([
        'ingress',
        'ingress-404',
        'ingress-503',
        'pod-to-pod-cross-node',
        'pod-to-service-dns',
        'nodeport-cluster',
        'network-policy-deny',
        'nodeport-local',
      ]),
    );
  });

  it('open at the same hop: the same step without a proxy, the same hop (mapped) through ingress-nginx', async () => {
    for (const old of corpus) {
      const { step, hop } = await open(old.link);
      const n = Number(new URLSearchParams(old.link.slice(1)).get('step'));
      const ingress = old.link.includes('example=ingress');
      expect(hop?.kind, old.link).toBe(old.kind);
      expect(hop?.at, old.link).toBe(old.at);
      if (!ingress) {
        expect(step, old.link).toBe(n);
        expect([hop?.packet.src, hop?.packet.dst], old.link).toEqual([old.src, old.dst]);
      }
    }
  });

  it('an old Ingress link to the client receiving the answer opens at the end of the response, not the SYN-ACK', async () => {
    const ends = corpus.filter(
      (c) => c.link.includes('example=ingress') && c.kind === 'deliver' && c.at === 'ext/203.0.113.10',
    );
    expect(ends.length).toBe(3);
    for (const old of ends) {
      const { store, step } = await open(old.link);
      expect(step, old.link).toBe(store.getState().steps.length - 1);
    }
  });
});

describe('links written now', () => {
  it('an Ingress step carries tl=3 and reopens at that step; other scenarios need no marker', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('ingress-404')!, 40);
    store.getState().setPlayback(40, false);
    const hash = await hashFor(store, { generated: null });
    expect(hash).toBe('#example=ingress-404&step=40&tl=3');
    expect(snippets('https://example.org/', hash).element).toContain('example="ingress-404" step="40" tl="3"');
    const again = await open(hash);
    expect(again.step).toBe(40);
    expect(again.hop).toEqual(store.getState().steps[40]);

    const plain = createVizStore({ engine });
    plain.getState().loadScenario(findScenario('pod-to-pod-cross-node')!, 5);
    plain.getState().setPlayback(5, false);
    expect(await hashFor(plain, { generated: null })).toBe('#example=pod-to-pod-cross-node&step=5');
  });

  it('a shared state of an Ingress trace says "timeline": 3 and reopens at its step', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('ingress')!, 60);
    store.getState().setPlayback(60, false);
    const content = contentOf(store.getState(), { generated: null }, { forcePayload: true });
    expect(content.kind === 'payload' && content.payload.timeline).toBe(3);
    if (content.kind !== 'payload') return;
    const decoded = await decodeShare(await encodeShare(content.payload));
    expect(decoded.ok && decoded.payload.timeline).toBe(3);
    const hash = `#s=${await encodeShare(content.payload)}`;
    const again = await open(hash);
    expect(again.step).toBe(60);
    // the same payload without the marker is an old link: its step 60 is mapped
    const { timeline: _, ...old } = content.payload;
    const before = await open(`#s=${await encodeShare(old)}`);
    expect(before.step).not.toBe(60);
  });
});

describe('links written with tl=2', () => {
  // The Ingress timeline as tl=2 numbered it: the client's ACK and request (exchange 2) replayed
  // kube-proxy's rules at steps 40 to 43; now it skips them and conntrack translates the packet.
  it('open at the same hop; a rule the later packet no longer meets opens at the conntrack hop after it', async () => {
    const now = await open('#example=ingress&step=40&tl=3');
    expect(now.hop?.kind).toBe('conntrack');
    expect(now.hop?.text).toMatch(/finds the connection it recorded for the SYN/);
    for (const skipped of [40, 41, 42, 43]) {
      const old = await open(`#example=ingress&step=${skipped}&tl=2`);
      expect(old.step, `tl=2 step ${skipped}`).toBe(40);
    }
    // the conntrack hop itself was step 44 under tl=2; NGINX reading the request was 58, now 54
    expect((await open('#example=ingress&step=44&tl=2')).step).toBe(40);
    const proxy = await open('#example=ingress&step=58&tl=2');
    expect(proxy.step).toBe(54);
    expect(proxy.hop?.kind).toBe('proxy');
    // before the replay the numbering is the same
    expect((await open('#example=ingress&step=20&tl=2')).step).toBe(20);
  });

  it('a shared state with "timeline": 2 is mapped the same way', async () => {
    const store = createVizStore({ engine });
    store.getState().loadScenario(findScenario('ingress')!, 54);
    store.getState().setPlayback(54, false);
    const content = contentOf(store.getState(), { generated: null }, { forcePayload: true });
    if (content.kind !== 'payload') throw new Error('expected a payload');
    const again = await open(`#s=${await encodeShare({ ...content.payload, step: 58, timeline: 2 })}`);
    expect(again.step).toBe(54);
  });
});
