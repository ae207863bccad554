/**
 * What a Gateway API implementation (modelled on Envoy Gateway) does with one HTTP request at a
 * Gateway: which listener takes it, which HTTPRoute rule matches under the specification's
 * precedence, what the filters make of it, which backend the weights pick, and the outcome: the
 * request as the backend sees it and the response as the client sees it. Pure: the same cluster,
 * request and seed always give the same answer (docs/gateway-api.md).
 */
import type { Cluster } from '../model/types';
import { createRng } from '../model/rng';
import { hostnameCovers, hostnameRank, hostOf } from './hostname';
import { re2FullMatch } from './re2';
import { gatewayApiStatus, resolveBackend } from './status';
import type { Attachment, BackendResolution, Condition } from './status';
import type {
  BackendRef,
  GatewayModel,
  HeaderModifier,
  HTTPRouteModel,
  ListenerModel,
  PathModifier,
  RouteFilter,
  RouteMatch,
  RouteRule,
  ValueMatch,
} from './types';

export type Header = readonly [name: string, value: string];

/** An HTTP request as it reaches a Gateway listener. */
export interface GatewayRequest {
  readonly scheme: 'http' | 'https';
  /** the Host header (a port in it is ignored) */
  readonly host: string;
  /** the listener port the client connected to */
  readonly port: number;
  readonly method: string;
  /** the path without the query string, starting with `/` */
  readonly path: string;
  /** the query string's parameters in order, as written (Envoy matches them undecoded) */
  readonly query: readonly Header[];
  /** headers other than Host, in order */
  readonly headers: readonly Header[];
}

export interface RoutedBackend {
  readonly ref: BackendRef;
  readonly weight: number;
  /** weight / sum of the rule's weights, exactly (a 90/10 split gives 0.9 and 0.1) */
  readonly probability: number;
  readonly resolution: BackendResolution;
}

/** Why one (route, rule, match) did or did not take the request: for the explanation. */
export interface MatchVerdict {
  readonly route: string;
  readonly rule: number;
  readonly match: number;
  readonly matched: boolean;
  readonly reason: string;
}

export interface RouteDecision {
  /** the HTTP status the client gets: 200 when forwarded and the backend answers */
  readonly status: number;
  /** one sentence: why this outcome */
  readonly reason: string;
  readonly gateway: GatewayModel;
  readonly listener: ListenerModel | null;
  readonly matched: {
    readonly route: HTTPRouteModel;
    readonly ruleIndex: number;
    readonly matchIndex: number;
    /** the route hostname (after intersection with the listener's) that took the request; null: any */
    readonly hostname: string | null;
  } | null;
  /** every candidate in precedence order, matched or not, with the reason */
  readonly verdicts: readonly MatchVerdict[];
  /** the rule's backends with exact probabilities; empty for a redirect or no match */
  readonly backends: readonly RoutedBackend[];
  /** the backend the seeded draw picked, when the rule forwards */
  readonly picked: RoutedBackend | null;
  /** the request after the filters, as the backend sees it; null when nothing is forwarded */
  readonly upstream: GatewayRequest | null;
  /** the response headers the client sees from the gateway's side (Location, ResponseHeaderModifier) */
  readonly responseHeaders: readonly Header[];
  /** the Location of a redirect */
  readonly location: string | null;
  /** filters kept but not simulated (RequestMirror, CORS, ExtensionRef, …) */
  readonly ignoredFilters: readonly string[];
}

export class GatewayRouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayRouteError';
  }
}

const routeLabel = (r: HTTPRouteModel): string => `${r.namespace}/${r.name}`;

/** PathPrefix compares whole segments: `/foo` matches `/foo` and `/foo/bar`, never `/foobar`. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

function valueMatches(m: ValueMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.type === 'Exact') return value === m.value;
  return m.program !== null && re2FullMatch(m.program, value).matched;
}

/** A request header's value: repeated headers join with a comma, as HTTP folds them. */
function headerValue(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(',');
}

/** Why a match does not take the request, or null when it does. */
function mismatch(m: RouteMatch, req: GatewayRequest): string | null {
  const { path } = m;
  const pathOk =
    path.type === 'Exact'
      ? req.path === path.value
      : path.type === 'PathPrefix'
        ? prefixMatches(path.value, req.path)
        : path.program !== null && re2FullMatch(path.program, req.path).matched;
  if (!pathOk) return `path ${req.path} does not match ${path.type} ${path.value}`;
  if (m.method !== null && m.method !== req.method) return `method ${req.method} is not ${m.method}`;
  for (const h of m.headers)
    if (!valueMatches(h, headerValue(req.headers, h.name)))
      return `header ${h.name} ${headerValue(req.headers, h.name) === undefined ? 'is missing' : `is not ${h.type === 'Exact' ? '' : 'matched by '}${h.value}`}`;
  for (const q of m.queryParams) {
    // When a parameter repeats, the first value counts (Envoy's query_parameters matcher).
    const value = req.query.find(([n]) => n === q.name)?.[1];
    if (!valueMatches(q, value))
      return `query parameter ${q.name} ${value === undefined ? 'is missing' : `is not ${q.value}`}`;
  }
  return null;
}

interface Candidate {
  readonly route: HTTPRouteModel;
  readonly ruleIndex: number;
  readonly matchIndex: number;
  readonly rule: RouteRule;
  readonly match: RouteMatch;
}

const PATH_TYPE_RANK = { Exact: 2, RegularExpression: 1, PathPrefix: 0 } as const;

/**
 * The precedence key of a match (higher first): the specification's order across rules and
 * routes (Exact path; longest prefix; method; most header matches; most query matches), with
 * RegularExpression paths between Exact and PathPrefix as Envoy Gateway sorts them.
 */
function matchKey(c: Candidate): number[] {
  const p = c.match.path;
  return [
    PATH_TYPE_RANK[p.type],
    p.type === 'PathPrefix' && p.value !== '/' ? p.value.replace(/\/$/, '').length : p.value.length,
    c.match.method === null ? 0 : 1,
    c.match.headers.length,
    c.match.queryParams.length,
  ];
}

/**
 * Route age for the tie-break: the oldest route wins. Pasted YAML rarely carries a
 * creationTimestamp, so a route without one counts as created in document order after every
 * route that has one (docs/gateway-api.md).
 */
function ageKey(r: HTTPRouteModel): [number, number] {
  const t = r.creationTimestamp === null ? Number.NaN : Date.parse(r.creationTimestamp);
  return Number.isNaN(t) ? [Number.POSITIVE_INFINITY, r.order] : [t, r.order];
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const ka = matchKey(a);
  const kb = matchKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (kb[i] as number) - (ka[i] as number);
  if (a.route !== b.route) {
    const [ta, oa] = ageKey(a.route);
    const [tb, ob] = ageKey(b.route);
    if (ta !== tb) return ta < tb ? -1 : 1;
    // Neither has a timestamp: document order is the creation order (the stand-in).
    if (ta === Number.POSITIVE_INFINITY) return oa - ob;
    const na = routeLabel(a.route);
    const nb = routeLabel(b.route);
    if (na !== nb) return na < nb ? -1 : 1;
    return oa - ob;
  }
  return a.ruleIndex - b.ruleIndex || a.matchIndex - b.matchIndex;
}

/**
 * The listener of a Gateway that takes a request: on the port, of the scheme's protocol, and with
 * the most specific hostname covering the Host (an exact name before a wildcard, a longer wildcard
 * before a shorter one, a listener without hostname last).
 */
export function selectListener(
  gateway: GatewayModel,
  programmed: ReadonlySet<ListenerModel>,
  req: GatewayRequest,
): ListenerModel | null {
  const host = hostOf(req.host);
  const protocol = req.scheme === 'https' ? 'HTTPS' : 'HTTP';
  let best: ListenerModel | null = null;
  for (const l of gateway.listeners) {
    if (l.port !== req.port || l.protocol !== protocol || !programmed.has(l)) continue;
    if (l.hostname !== null && !hostnameCovers(l.hostname, host)) continue;
    if (best === null || compareRank(hostnameRank(l.hostname), hostnameRank(best.hostname)) > 0) best = l;
  }
  return best;
}

const compareRank = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

function applyModifier(headers: readonly Header[], m: HeaderModifier): Header[] {
  let out = [...headers];
  const lower = (n: string) => n.toLowerCase();
  for (const { name, value } of m.set) {
    // `set` replaces every value of the header, in the place of its first occurrence.
    const at = out.findIndex(([n]) => lower(n) === lower(name));
    if (at < 0) out.push([name, value]);
    else out = [...out.slice(0, at), [name, value], ...out.slice(at + 1).filter(([n]) => lower(n) !== lower(name))];
  }
  for (const { name, value } of m.add) {
    // `add` appends to an existing header's value (comma-separated), as the spec's example shows.
    const at = out.findIndex(([n]) => lower(n) === lower(name));
    if (at >= 0) out[at] = [out[at]![0], `${out[at]![1]},${value}`];
    else out.push([name, value]);
  }
  const removed = new Set(m.remove.map(lower));
  return out.filter(([n]) => !removed.has(lower(n)));
}

/** A path after ReplaceFullPath or ReplacePrefixMatch (the matched prefix swapped, segments kept). */
export function rewritePath(path: string, modifier: PathModifier, matchedPrefix: string | null): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value;
  const prefix = matchedPrefix === null || matchedPrefix === '/' ? '' : matchedPrefix.replace(/\/$/, '');
  const rest = path.slice(prefix.length);
  const replacement = modifier.value.replace(/\/$/, '');
  const joined = replacement + (rest === '' || rest.startsWith('/') ? rest : `/${rest}`);
  return joined === '' ? '/' : joined;
}

const WELL_KNOWN: Record<string, number> = { http: 80, https: 443 };

/** The query string as it came (raw pairs), for a redirect's Location. */
function queryString(query: readonly Header[]): string {
  if (query.length === 0) return '';
  return `?${query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`;
}

/** The Location of a RequestRedirect (HTTPRequestRedirectFilter: scheme, hostname, port, path). */
function redirectLocation(
  f: Extract<RouteFilter, { type: 'RequestRedirect' }>,
  req: GatewayRequest,
  matchedPrefix: string | null,
): string {
  const scheme = f.scheme ?? req.scheme;
  const host = f.hostname ?? hostOf(req.host);
  // No port given: the scheme's well-known port when the scheme is set, else the listener's port.
  const port = f.port ?? (f.scheme !== null ? (WELL_KNOWN[scheme] as number) : req.port);
  const shownPort = port === WELL_KNOWN[scheme] ? '' : `:${port}`;
  const path = f.path ? rewritePath(req.path, f.path, matchedPrefix) : req.path;
  return `${scheme}://${host}${shownPort}${path}${queryString(req.query)}`;
}

export interface RouteOptions {
  /** the seed of the weighted backend draw */
  readonly seed?: number;
  /** the client's address, for X-Forwarded-For */
  readonly clientIP?: string;
  /** the headers the backend answers with, before ResponseHeaderModifier (none by default) */
  readonly backendResponseHeaders?: readonly Header[];
}

/**
 * The Gateway a request reaches: the one named, or else the only Gateway with a listener of the
 * request's protocol on its port. An error message (listing the candidates) when there is none or
 * more than one.
 */
export function findGateway(
  cluster: Cluster,
  req: Pick<GatewayRequest, 'scheme' | 'port'>,
  named?: { readonly namespace: string; readonly name: string },
): { readonly ok: true; readonly gateway: GatewayModel } | { readonly ok: false; readonly message: string } {
  const gateways = gatewayApiStatus(cluster).gateways.map((g) => g.gateway);
  const list = (gs: readonly GatewayModel[]) => gs.map((g) => `${g.namespace}/${g.name}`).join(', ');
  if (gateways.length === 0) return { ok: false, message: 'the cluster has no Gateway (gateway.networking.k8s.io)' };
  if (named) {
    const found = gateways.find((g) => g.namespace === named.namespace && g.name === named.name);
    return found
      ? { ok: true, gateway: found }
      : { ok: false, message: `no Gateway ${named.namespace}/${named.name}; there are ${list(gateways)}` };
  }
  const protocol = req.scheme === 'https' ? 'HTTPS' : 'HTTP';
  const listening = gateways.filter((g) => g.listeners.some((l) => l.port === req.port && l.protocol === protocol));
  if (listening.length === 1) return { ok: true, gateway: listening[0] as GatewayModel };
  return {
    ok: false,
    message:
      listening.length === 0
        ? `no Gateway has an ${protocol} listener on port ${req.port}; there are ${list(gateways)}`
        : `several Gateways listen on ${protocol} port ${req.port} (${list(listening)}): name one`,
  };
}

/**
 * Routes one request at a Gateway, as the data plane programmed from the cluster's status would.
 *
 * @example
 * const d = routeRequest(cluster, { namespace: 'default', name: 'web' },
 *   { scheme: 'http', host: 'shop.example.com', port: 80, method: 'GET', path: '/', query: [], headers: [] });
 * d.status; // 200, 301, 404, 500 or 503
 */
export function routeRequest(
  cluster: Cluster,
  gatewayRef: { readonly namespace: string; readonly name: string },
  req: GatewayRequest,
  options: RouteOptions = {},
): RouteDecision {
  const status = gatewayApiStatus(cluster);
  const gs = status.gateways.find(
    (g) => g.gateway.namespace === gatewayRef.namespace && g.gateway.name === gatewayRef.name,
  );
  if (!gs) throw new GatewayRouteError(`Gateway ${gatewayRef.namespace}/${gatewayRef.name} does not exist`);
  const gateway = gs.gateway;
  const base = {
    gateway,
    verdicts: [] as MatchVerdict[],
    backends: [],
    picked: null,
    upstream: null,
    responseHeaders: [] as Header[],
    location: null,
    ignoredFilters: [] as string[],
    matched: null,
  };
  if (!gs.owned)
    return {
      ...base,
      status: 0,
      reason: `no controller serves Gateway ${gatewayRef.namespace}/${gatewayRef.name} (GatewayClass ${gateway.className} is missing)`,
      listener: null,
    };
  const programmed = new Set(gs.listeners.filter((l) => l.programmed).map((l) => l.listener));
  const listener = selectListener(gateway, programmed, req);
  if (!listener) {
    const onPort = gateway.listeners.filter((l) => l.port === req.port);
    const protocol = req.scheme === 'https' ? 'HTTPS' : 'HTTP';
    const speaks = onPort.some((l) => l.protocol === protocol);
    return {
      ...base,
      // No listener on the port refuses the connection; one of another protocol fails the handshake.
      status: speaks ? 404 : 0,
      listener: null,
      reason: speaks
        ? `no listener on port ${req.port} covers the host ${hostOf(req.host)}`
        : onPort.length > 0
          ? `port ${req.port} of Gateway ${gateway.namespace}/${gateway.name} speaks ${onPort[0]?.protocol ?? ''}, not ${protocol}: no HTTP answer`
          : `Gateway ${gateway.namespace}/${gateway.name} has no listener on port ${req.port} (the connection is refused)`,
    };
  }

  // The attachments to this listener; Envoy gives each hostname its own virtual host, so the most
  // specific hostname covering the Host is chosen first and only its routes are matched.
  const host = hostOf(req.host);
  const attached: { route: HTTPRouteModel; hostname: string | null }[] = [];
  for (const rs of status.routes) {
    if (!rs.parents.some((p) => p.conditions[0]?.status === 'True')) continue;
    const atts: Attachment[] = rs.parents.flatMap((p) => p.attachments.filter((a) => a.listener === listener));
    for (const a of atts)
      for (const h of a.hostnames)
        if (h === null || hostnameCovers(h, host)) attached.push({ route: rs.route, hostname: h });
  }
  if (attached.length === 0)
    return {
      ...base,
      status: 404,
      listener,
      reason: `no HTTPRoute attached to listener ${listener.name} serves the host ${host}`,
    };
  const bestHost = attached.reduce((a, b) =>
    compareRank(hostnameRank(b.hostname), hostnameRank(a.hostname)) > 0 ? b : a,
  ).hostname;
  const routes = [...new Set(attached.filter((a) => a.hostname === bestHost).map((a) => a.route))];

  const candidates: Candidate[] = [];
  for (const route of routes)
    route.rules.forEach((rule, ruleIndex) =>
      rule.matches.forEach((match, matchIndex) => candidates.push({ route, ruleIndex, matchIndex, rule, match })),
    );
  candidates.sort(compareCandidates);
  const verdicts: MatchVerdict[] = [];
  let winner: Candidate | null = null;
  for (const c of candidates) {
    const why = mismatch(c.match, req);
    const matched = why === null && winner === null;
    verdicts.push({
      route: routeLabel(c.route),
      rule: c.ruleIndex,
      match: c.matchIndex,
      matched,
      reason:
        why ??
        (matched
          ? 'matches, and nothing of higher precedence does'
          : 'matches, but a match of higher precedence took the request'),
    });
    if (matched) winner = c;
  }
  const withVerdicts = { ...base, verdicts, listener };
  if (!winner)
    return {
      ...withVerdicts,
      status: 404,
      reason: `no rule of the routes for ${bestHost ?? 'any host'} matches the request`,
    };

  const matched = {
    route: winner.route,
    ruleIndex: winner.ruleIndex,
    matchIndex: winner.matchIndex,
    hostname: bestHost,
  };
  const prefix = winner.match.path.type === 'PathPrefix' ? winner.match.path.value : null;
  const ignoredFilters = winner.rule.filters.filter((f) => f.type === 'Other').map((f) => (f as { name: string }).name);
  // The response headers: the backend's (when it answered), then the ResponseHeaderModifiers.
  const respond = (base: readonly Header[], extra: readonly RouteFilter[] = []): Header[] => {
    let out = [...base];
    for (const f of [...winner.rule.filters, ...extra])
      if (f.type === 'ResponseHeaderModifier') out = applyModifier(out, f.modifier);
    return out;
  };
  const responseHeaders = respond([]);
  const redirect = winner.rule.filters.find((f) => f.type === 'RequestRedirect');
  const where = `rule ${winner.ruleIndex} of HTTPRoute ${routeLabel(winner.route)}`;
  if (redirect) {
    const location = redirectLocation(redirect, req, prefix);
    return {
      ...withVerdicts,
      matched,
      ignoredFilters,
      status: redirect.statusCode,
      location,
      responseHeaders: [...responseHeaders, ['location', location]],
      reason: `${where} redirects with ${redirect.statusCode} to ${location}`,
    };
  }

  // The request as the backend sees it: rule filters, then the picked backend's own filters.
  let upstream: GatewayRequest = { ...req, host: hostOf(req.host) };
  const apply = (filters: readonly RouteFilter[]) => {
    for (const f of filters) {
      if (f.type === 'RequestHeaderModifier')
        upstream = { ...upstream, headers: applyModifier(upstream.headers, f.modifier) };
      if (f.type === 'URLRewrite')
        upstream = {
          ...upstream,
          host: f.hostname ?? upstream.host,
          path: f.path ? rewritePath(upstream.path, f.path, prefix) : upstream.path,
        };
    }
  };
  apply(winner.rule.filters);

  const route = winner.route;
  const total = winner.rule.backendRefs.reduce((n, b) => n + b.weight, 0);
  const backends: RoutedBackend[] = winner.rule.backendRefs.map((ref) => ({
    ref,
    weight: ref.weight,
    probability: total === 0 ? 0 : ref.weight / total,
    resolution: resolveBackend(cluster, status.model, route, ref),
  }));
  const forwarded = { ...withVerdicts, matched, ignoredFilters, backends, responseHeaders };
  if (backends.length === 0)
    return { ...forwarded, status: 500, reason: `${where} has no backendRefs and no filter that answers` };
  if (total === 0) return { ...forwarded, status: 500, reason: `every backendRef of ${where} has weight 0` };
  // The weighted draw: one uniform number against the cumulative weights.
  const draw = createRng(options.seed ?? 1).next() * total;
  let acc = 0;
  let picked = backends[backends.length - 1] as RoutedBackend;
  for (const b of backends) {
    acc += b.weight;
    if (b.weight > 0 && draw < acc) {
      picked = b;
      break;
    }
  }
  apply(picked.ref.filters);
  const r = picked.resolution;
  const label = `${picked.ref.namespace}/${picked.ref.name}`;
  if (!r.ok)
    return {
      ...forwarded,
      picked,
      status: 500,
      reason: `the backendRef ${label} is not usable (${r.reason}): ${r.message}`,
    };
  if (r.ready.length === 0)
    return { ...forwarded, picked, status: 503, reason: `Service ${label} has no ready endpoint` };
  // Envoy, with use_remote_address as Envoy Gateway sets it, appends the client to X-Forwarded-For.
  const xff = headerValue(upstream.headers, 'x-forwarded-for');
  const extra: Header[] = [['x-forwarded-proto', req.scheme]];
  if (options.clientIP) extra.push(['x-forwarded-for', xff ? `${xff}, ${options.clientIP}` : options.clientIP]);
  upstream = {
    ...upstream,
    headers: [
      ...upstream.headers.filter(([n]) => !['x-forwarded-for', 'x-forwarded-proto'].includes(n.toLowerCase())),
      ...extra,
    ],
  };
  return {
    ...forwarded,
    picked,
    upstream,
    responseHeaders: respond(options.backendResponseHeaders ?? [], picked.ref.filters),
    status: 200,
    reason: `${where} matches; Service ${label} port ${r.port.port} picked (${formatShare(picked.probability)}), forwarded to ${r.ready.length === 1 ? 'its one ready endpoint' : `one of ${r.ready.length} ready endpoints`}`,
  };
}

/** A probability as a percentage with up to two decimals: 0.9 -> `90%`. */
export function formatShare(p: number): string {
  return `${Math.round(p * 10000) / 100}%`;
}

export type { Condition };
