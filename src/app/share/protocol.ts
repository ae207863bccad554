/**
 * The postMessage API of an embedded visualizer, as pure rules: which message is a command to
 * run, which gets an error response and which is ignored, and where each event may go. The window
 * glue (embed/messageBridge.ts) only moves messages; every decision is here and unit-tested.
 *
 * Envelope: `{ ns: 'k8s-netviz', v: 1, type: 'command' | 'response' | 'event', id, name, payload }`.
 */
export const NS = 'k8s-netviz';
export const PROTOCOL_VERSION = 1;

export const COMMANDS = [
  'loadManifests',
  'loadScenario',
  'setStep',
  'play',
  'pause',
  'reset',
  'select',
  'setOptions',
  'getState',
] as const;
export type CommandName = (typeof COMMANDS)[number];
export const EVENTS = ['ready', 'loaded', 'stepChange', 'selectionChange', 'error', 'resize'] as const;
export type EventName = (typeof EVENTS)[number];

export type ErrorCode =
  | 'not-ready'
  | 'unknown-command'
  | 'rate-limited'
  | 'payload-too-large'
  | 'bad-request'
  | 'unsupported-version'
  | 'failed';

export interface CommandMessage {
  ns: typeof NS;
  v: number;
  type: 'command';
  id: string | number;
  name: string;
  payload?: unknown;
}
export interface ResponseMessage {
  ns: typeof NS;
  v: typeof PROTOCOL_VERSION;
  type: 'response';
  id: string | number;
  name: string;
  ok: boolean;
  result?: unknown;
  error?: { code: ErrorCode; message: string };
}
export interface EventMessage {
  ns: typeof NS;
  v: typeof PROTOCOL_VERSION;
  type: 'event';
  id: null;
  name: EventName;
  payload: unknown;
}

/** Largest command payload accepted (a cluster's manifests as text fit well within it). */
export const MAX_PAYLOAD_CHARS = 2 * 1024 * 1024;
/** Commands per window of time: enough for a deck's clicker, not for a flood. */
export const RATE_LIMIT = { max: 30, windowMs: 1000 };

/** Events that carry no user data and may go to any origin when no parentOrigin is set. */
const PUBLIC_EVENTS: ReadonlySet<EventName> = new Set(['ready', 'resize']);

/**
 * Where an event may be posted: the parentOrigin when there is one; without one, only `ready` and
 * `resize` go out, to any origin; everything else stays in.
 */
export function eventTarget(name: EventName, parentOrigin: string | null): string | null {
  if (parentOrigin) return parentOrigin;
  return PUBLIC_EVENTS.has(name) ? '*' : null;
}

export function event(name: EventName, payload: unknown): EventMessage {
  return { ns: NS, v: PROTOCOL_VERSION, type: 'event', id: null, name, payload };
}

export function okResponse(command: { id: string | number; name: string }, result: unknown): ResponseMessage {
  return { ns: NS, v: PROTOCOL_VERSION, type: 'response', id: command.id, name: command.name, ok: true, result };
}

export function errorResponse(
  command: { id: string | number; name: string },
  code: ErrorCode,
  message: string,
): ResponseMessage {
  return {
    ns: NS,
    v: PROTOCOL_VERSION,
    type: 'response',
    id: command.id,
    name: command.name,
    ok: false,
    error: { code, message },
  };
}

/** A sliding-window counter; time comes in, so tests need no clock. */
export function createRateLimiter(max = RATE_LIMIT.max, windowMs = RATE_LIMIT.windowMs) {
  let times: number[] = [];
  return {
    allow(now: number): boolean {
      times = times.filter((t) => now - t < windowMs);
      if (times.length >= max) return false;
      times.push(now);
      return true;
    },
  };
}

export interface Incoming {
  data: unknown;
  origin: string;
  /** whether the message came from this frame's parent window (event.source === window.parent) */
  fromParent: boolean;
}

export interface ProtocolState {
  parentOrigin: string | null;
  ready: boolean;
  now: number;
  limiter: { allow(now: number): boolean };
}

export type Decision =
  /** not for us, or from someone who may not command: no answer at all (nothing leaks, nothing changes) */
  | { kind: 'ignore'; why: string }
  /** a command from the right window and origin that cannot run: answer with an error */
  | { kind: 'reject'; response: ResponseMessage }
  | { kind: 'run'; command: CommandMessage & { name: CommandName } };

function sizeOf(payload: unknown): number {
  if (payload === undefined) return 0;
  try {
    return JSON.stringify(payload)?.length ?? 0;
  } catch {
    // cycles and the like: not something a command may carry
    return Infinity;
  }
}

/** Decides what to do with one incoming message. */
export function decide(msg: Incoming, state: ProtocolState): Decision {
  const d = msg.data;
  if (typeof d !== 'object' || d === null || (d as { ns?: unknown }).ns !== NS)
    return { kind: 'ignore', why: 'not a k8s-netviz message' };
  const m = d as Partial<CommandMessage>;
  if (m.type !== 'command') return { kind: 'ignore', why: 'not a command' };
  // Authority first: only the parent, only from parentOrigin, and never without one.
  if (!msg.fromParent) return { kind: 'ignore', why: 'not from the parent window' };
  if (!state.parentOrigin) return { kind: 'ignore', why: 'no parentOrigin: commands are refused' };
  if (msg.origin !== state.parentOrigin) return { kind: 'ignore', why: `origin ${msg.origin} is not the parentOrigin` };
  const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : null;
  const name = typeof m.name === 'string' ? m.name.slice(0, 64) : '';
  const ref = { id: id ?? '', name };
  if (id === null)
    return {
      kind: 'reject',
      response: errorResponse(ref, 'bad-request', 'A command needs an id (a string or a number).'),
    };
  if (m.v !== PROTOCOL_VERSION)
    return {
      kind: 'reject',
      response: errorResponse(
        ref,
        'unsupported-version',
        `This app speaks version ${PROTOCOL_VERSION} of the protocol.`,
      ),
    };
  if (!state.limiter.allow(state.now)) {
    return {
      kind: 'reject',
      response: errorResponse(
        ref,
        'rate-limited',
        `Too many commands: at most ${RATE_LIMIT.max} per ${RATE_LIMIT.windowMs} ms.`,
      ),
    };
  }
  if (!state.ready)
    return {
      kind: 'reject',
      response: errorResponse(ref, 'not-ready', 'The visualizer is not ready yet: wait for the ready event.'),
    };
  if (!(COMMANDS as readonly string[]).includes(name)) {
    return {
      kind: 'reject',
      response: errorResponse(ref, 'unknown-command', `Unknown command “${name}”; known: ${COMMANDS.join(', ')}.`),
    };
  }
  if (sizeOf(m.payload) > MAX_PAYLOAD_CHARS) {
    return {
      kind: 'reject',
      response: errorResponse(
        ref,
        'payload-too-large',
        `The payload is larger than ${MAX_PAYLOAD_CHARS / 1024 / 1024} MB.`,
      ),
    };
  }
  return { kind: 'run', command: { ...(m as CommandMessage), id, name: name as CommandName } };
}
