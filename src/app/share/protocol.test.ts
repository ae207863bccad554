import { describe, expect, it } from 'vitest';
import { COMMANDS, MAX_PAYLOAD_CHARS, RATE_LIMIT, createRateLimiter, decide, eventTarget } from './protocol';
import type { ProtocolState } from './protocol';

const PARENT = 'https://blog.example.org';
const state = (over: Partial<ProtocolState> = {}): ProtocolState => ({
  parentOrigin: PARENT,
  ready: true,
  now: 0,
  limiter: createRateLimiter(),
  ...over,
});
const cmd = (name: string, payload?: unknown, extra: object = {}) => ({
  ns: 'k8s-netviz',
  v: 1,
  type: 'command',
  id: 1,
  name,
  payload,
  ...extra,
});
const from = (data: unknown, origin = PARENT, fromParent = true) => ({ data, origin, fromParent });

describe('postMessage protocol', () => {
  it('runs every known command from the parent window at parentOrigin', () => {
    for (const name of COMMANDS) expect(decide(from(cmd(name)), state()).kind, name).toBe('run');
  });

  it('ignores, without an answer, commands from another window or another origin', () => {
    expect(decide(from(cmd('play'), PARENT, false), state())).toMatchObject({ kind: 'ignore' });
    expect(decide(from(cmd('play'), 'https://evil.example'), state())).toMatchObject({ kind: 'ignore' });
    expect(decide(from(cmd('play'), 'https://blog.example.org.evil.example'), state())).toMatchObject({
      kind: 'ignore',
    });
  });

  it('refuses every command when no parentOrigin was given', () => {
    for (const name of COMMANDS)
      expect(decide(from(cmd(name), 'https://any.example'), state({ parentOrigin: null })).kind).toBe('ignore');
  });

  it('ignores what is not a k8s-netviz command (other widgets, our own events)', () => {
    for (const data of [
      null,
      'play',
      42,
      { type: 'command', name: 'play' },
      { ns: 'k8s-netviz', type: 'event', name: 'ready' },
      { ns: 'k8s-netviz', type: 'response', id: 1 },
    ]) {
      expect(decide(from(data), state()).kind).toBe('ignore');
    }
  });

  it('answers with an error: before ready, unknown, malformed, wrong version, too large, too many', () => {
    const code = (d: ReturnType<typeof decide>) => (d.kind === 'reject' ? d.response.error?.code : d.kind);
    expect(code(decide(from(cmd('play')), state({ ready: false })))).toBe('not-ready');
    expect(code(decide(from(cmd('selfDestruct')), state()))).toBe('unknown-command');
    expect(code(decide(from(cmd('play', undefined, { id: { x: 1 } })), state()))).toBe('bad-request');
    expect(code(decide(from(cmd('play', undefined, { v: 2 })), state()))).toBe('unsupported-version');
    expect(code(decide(from(cmd('loadManifests', 'x'.repeat(MAX_PAYLOAD_CHARS + 1))), state()))).toBe(
      'payload-too-large',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(code(decide(from(cmd('select', cyclic)), state()))).toBe('payload-too-large');
    const s = state();
    const results = Array.from({ length: RATE_LIMIT.max + 5 }, () => code(decide(from(cmd('getState')), s)));
    expect(results.filter((c) => c === 'run')).toHaveLength(RATE_LIMIT.max);
    expect(results.at(-1)).toBe('rate-limited');
    // the window slides: a second later commands run again
    expect(code(decide(from(cmd('getState')), { ...s, now: RATE_LIMIT.windowMs + 1 }))).toBe('run');
  });

  it('responses carry the command id and name', () => {
    const d = decide(from(cmd('nope', undefined, { id: 'abc' })), state());
    expect(d).toMatchObject({
      kind: 'reject',
      response: { ns: 'k8s-netviz', v: 1, type: 'response', id: 'abc', name: 'nope', ok: false },
    });
  });

  it('sends events with user data only to parentOrigin; ready and resize to anyone without one', () => {
    expect(eventTarget('ready', null)).toBe('*');
    expect(eventTarget('resize', null)).toBe('*');
    for (const name of ['loaded', 'stepChange', 'selectionChange', 'error'] as const) {
      expect(eventTarget(name, null)).toBeNull();
      expect(eventTarget(name, PARENT)).toBe(PARENT);
    }
    expect(eventTarget('ready', PARENT)).toBe(PARENT);
  });
});
