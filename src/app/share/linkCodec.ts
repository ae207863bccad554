/**
 * The content of a share link: `#s=z1.<base64url(deflate-raw(JSON))>` or `#s=j1.<base64url(JSON)>`.
 *
 * Format versions are forever: a link written today must open in every later release, so a new
 * format gets a new prefix (`z2.`) or a new `v`, and the readers of the old ones stay. A link is
 * untrusted input: the encoded text, the unpacked bytes and the JSON's shape are all bounded and
 * checked, and every failure is a message, never an exception.
 */
import type { ClusterOp, ClusterSettings } from '../../sim';
import { formatCount } from '../../sim';
import { fromBase64Url, toBase64Url } from './base64url';
import { InflateError, deflateRaw, inflateRaw } from './deflate';
import type { DeflateOptions, InflateOptions } from './deflate';

/** A packet's request in the CLI's syntax (`--from pod/default/client --to svc/default/web`). */
export interface ShareRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
  /** the HTTP method and header lines of a URL request (the trace checks their syntax) */
  method?: string;
  headers?: string[];
}

/** At most this many header lines in a shared request. */
const HEADERS_MAX = 32;

interface ShareCommon {
  v: 1;
  /** pod operations made since the manifests (pods deleted, Deployments scaled, nodes down), in order */
  ops: ClusterOp[];
  /** cluster settings over those the manifests give (CNI, proxy mode) */
  settings: Partial<ClusterSettings>;
  request: ShareRequest | null;
  seed: number;
  pick: string[];
  /** the playback step (the numbering of docs/trace-format.md), null for "not started" */
  step: number | null;
  /**
   * 3: `step` numbers the conversation's timeline. 2: the timeline before later packets skipped the
   * rules only a first packet meets. Absent: the link was written before traces held a conversation
   * (or its trace numbers steps the same either way). Older numberings are mapped to the same hop.
   */
  timeline?: 2 | 3;
  /** the selected element id */
  selection: string | null;
  /**
   * The built-in scenario the state was made from (its id), when it was: the reader sees its title
   * and explanation again. Added after v1 went out, so optional: older links have none, and an id
   * this release does not know is ignored.
   */
  scenario?: string;
}

/** The user's own cluster, as the objects they would write. */
export interface ManifestShare extends ShareCommon {
  manifests: Record<string, unknown>[];
}

/** A generated cluster: the recipe, not its thousand pods. */
export interface GeneratedShare extends ShareCommon {
  generate: string;
}

export type SharePayload = ManifestShare | GeneratedShare;

export type DecodeErrorCode = 'damaged' | 'oversized' | 'future' | 'invalid';
export type DecodeResult = { ok: true; payload: SharePayload } | { ok: false; code: DecodeErrorCode; message: string };

/** The longest `s=` value read (a URL of this size already strains every browser and server). */
export const MAX_ENCODED_CHARS = 1_500_000;
/** The most bytes a link may unpack to. */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;
/** Below this many bytes of JSON, compression costs more than it saves. */
export const PLAIN_BELOW_BYTES = 160;
export const CURRENT_VERSION = 1;

const MAX_OBJECTS = 5_000;
const MAX_OPS = 1_000;
const MAX_DEPTH = 40;
const MAX_STEP = 100_000;
const STRING_MAX = 2_000;

const fail = (code: DecodeErrorCode, detail: string): DecodeResult => ({
  ok: false,
  code,
  message: `This link’s scenario could not be opened: ${detail}.`,
});

/** Encodes a payload as the value of `s=`, compressed unless it is tiny. */
export async function encodeShare(payload: SharePayload, options: DeflateOptions = {}): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(payload));
  if (json.length < PLAIN_BELOW_BYTES) return `j1.${toBase64Url(json)}`;
  const packed = await deflateRaw(json, options);
  // incompressible (already tiny) content stays readable
  return packed.length < json.length ? `z1.${toBase64Url(packed)}` : `j1.${toBase64Url(json)}`;
}

/** Decodes the value of `s=` (the text after `s=`, already percent-decoded). */
export async function decodeShare(text: string, options: InflateOptions = {}): Promise<DecodeResult> {
  if (text.length > MAX_ENCODED_CHARS)
    return fail('oversized', `it is longer than ${formatCount(MAX_ENCODED_CHARS)} characters`);
  const match = /^([a-z])(\d{1,4})\.(.*)$/s.exec(text);
  if (!match) return fail('damaged', 'it does not start with a format (z1. or j1.)');
  const [, kind, versionText, body] = match as unknown as [string, string, string, string];
  const version = Number(versionText);
  if ((kind === 'z' || kind === 'j') && version > CURRENT_VERSION) {
    return fail(
      'future',
      `it was written by a newer version of k8s-netviz (format ${kind}${version}); open it in the current app`,
    );
  }
  if (!((kind === 'z' || kind === 'j') && version === 1))
    return fail('damaged', `it names an unknown format (${kind}${version})`);
  const bytes = fromBase64Url(body);
  if (!bytes) return fail('damaged', 'it is not valid base64url (was it cut or changed?)');
  let json: Uint8Array;
  if (kind === 'z') {
    try {
      json = await inflateRaw(bytes, MAX_DECODED_BYTES, options);
    } catch (error) {
      if (error instanceof InflateError) return fail(error.code, error.message);
      return fail('damaged', 'its compressed data is damaged or cut short');
    }
  } else {
    if (bytes.length > MAX_DECODED_BYTES)
      return fail('oversized', `it holds more than ${Math.round(MAX_DECODED_BYTES / 1024)} KB`);
    json = bytes;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return fail('damaged', 'its content is not valid JSON (was it cut short?)');
  }
  return validatePayload(value);
}

function depthOf(value: unknown, limit: number): number {
  // iterative, so that a hostile nesting cannot overflow the stack
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max > limit) return max;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shortString = (v: unknown): v is string => typeof v === 'string' && v.length <= STRING_MAX;

function readRequest(v: unknown): ShareRequest | null | undefined {
  if (v === null || v === undefined) return null;
  if (!isRecord(v) || !shortString(v['from']) || !shortString(v['to'])) return undefined;
  const request: ShareRequest = { from: v['from'], to: v['to'] };
  const port = v['port'];
  if (port !== undefined) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    request.port = port;
  }
  const protocol = v['protocol'];
  if (protocol !== undefined) {
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') return undefined;
    request.protocol = protocol;
  }
  const method = v['method'];
  if (method !== undefined) {
    if (!shortString(method)) return undefined;
    request.method = method;
  }
  const headers = v['headers'];
  if (headers !== undefined) {
    if (!Array.isArray(headers) || headers.length > HEADERS_MAX || !headers.every(shortString)) return undefined;
    request.headers = [...headers];
  }
  return request;
}

function readOp(v: unknown): ClusterOp | null {
  if (!isRecord(v)) return null;
  switch (v['op']) {
    case 'deletePod':
      if (!shortString(v['pod'])) return null;
      return v['graceful'] === true
        ? { op: 'deletePod', pod: v['pod'], graceful: true }
        : { op: 'deletePod', pod: v['pod'] };
    case 'scaleDeployment': {
      const replicas = v['replicas'];
      if (
        !shortString(v['deployment']) ||
        typeof replicas !== 'number' ||
        !Number.isInteger(replicas) ||
        replicas < 0 ||
        replicas > 1000
      )
        return null;
      return { op: 'scaleDeployment', deployment: v['deployment'], replicas };
    }
    case 'setPodReady':
      if (!shortString(v['pod']) || typeof v['ready'] !== 'boolean') return null;
      return { op: 'setPodReady', pod: v['pod'], ready: v['ready'] };
    case 'nodeDown':
      if (!shortString(v['node'])) return null;
      return { op: 'nodeDown', node: v['node'] };
    default:
      return null;
  }
}

/** Checks a parsed payload's shape: the link format's one gate (the JSON file import uses it too). */
export function validatePayload(value: unknown): DecodeResult {
  if (!isRecord(value)) return fail('invalid', 'its content is not a scenario');
  const v = value['v'];
  if (typeof v === 'number' && Number.isInteger(v) && v > CURRENT_VERSION) {
    return fail(
      'future',
      `it was written by a newer version of k8s-netviz (scenario version ${v}); open it in the current app`,
    );
  }
  if (v !== 1) return fail('invalid', 'its content has no known version');
  if (depthOf(value, MAX_DEPTH) > MAX_DEPTH)
    return fail('invalid', `its content is nested more than ${MAX_DEPTH} levels deep`);

  const opsRaw = value['ops'] ?? [];
  if (!Array.isArray(opsRaw) || opsRaw.length > MAX_OPS)
    return fail('invalid', 'its list of pod operations is malformed');
  const ops: ClusterOp[] = [];
  for (const raw of opsRaw) {
    const op = readOp(raw);
    if (!op) return fail('invalid', 'one of its pod operations is malformed');
    ops.push(op);
  }
  const settings = value['settings'] ?? {};
  if (!isRecord(settings)) return fail('invalid', 'its settings are malformed');
  const request = readRequest(value['request']);
  if (request === undefined) return fail('invalid', 'its packet request is malformed');
  const seed = value['seed'] ?? 1;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) return fail('invalid', 'its seed is not a whole number');
  const pick = value['pick'] ?? [];
  if (!Array.isArray(pick) || pick.length > 100 || !pick.every(shortString))
    return fail('invalid', 'its pick list is malformed');
  const step = value['step'] ?? null;
  if (step !== null && (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > MAX_STEP))
    return fail('invalid', 'its step is not a step number');
  const timeline = value['timeline'];
  if (timeline !== undefined && timeline !== 2 && timeline !== 3)
    return fail('invalid', 'its step numbering is not one this release knows');
  const selection = value['selection'] ?? null;
  if (selection !== null && !shortString(selection)) return fail('invalid', 'its selection is malformed');
  const scenario = value['scenario'];
  if (scenario !== undefined && (typeof scenario !== 'string' || !/^[a-z0-9-]{1,100}$/.test(scenario)))
    return fail('invalid', 'its scenario id is malformed');
  const common: ShareCommon = {
    v: 1,
    ops,
    settings: settings as Partial<ClusterSettings>,
    request,
    seed,
    pick: pick as string[],
    step: step as number | null,
    ...(timeline === 2 || timeline === 3 ? { timeline } : {}),
    selection: selection as string | null,
    ...(scenario !== undefined ? { scenario } : {}),
  };

  if (typeof value['generate'] === 'string') {
    if (!/^\d{1,4}x\d{1,4}(&policies=\d{1,4})?$/.test(value['generate']))
      return fail('invalid', 'its generated-cluster size is not <nodes>x<podsPerNode>');
    return { ok: true, payload: { ...common, generate: value['generate'] } };
  }
  const manifests = value['manifests'];
  if (!Array.isArray(manifests) || manifests.length > MAX_OBJECTS || !manifests.every(isRecord)) {
    return fail('invalid', 'it holds no list of Kubernetes objects');
  }
  return { ok: true, payload: { ...common, manifests: manifests as Record<string, unknown>[] } };
}

export const isGenerated = (p: SharePayload): p is GeneratedShare => 'generate' in p;

/** Reads `s=` from a location hash (`#s=z1....`); null when the hash holds no `s=`. */
export function shareParamOf(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get('s');
}
