/**
 * Why a request at a Gateway took one HTTPRoute rule and not another, criterion by criterion:
 * whether each route's hostnames serve the Host, and for each match of each rule whether the path,
 * the method, each header and each query parameter match; then, among the matches that do, the
 * precedence the specification orders them by and which step of it decided. The winner is
 * routeRequest's (route.ts): this module explains that decision, it does not make another.
 */
import type { Cluster } from '../model/types';
import { hostnameCovers, hostnameRank, hostOf } from './hostname';
import { re2FullMatch } from './re2';
import { prefixMatches, routeRequest } from './route';
import type { GatewayRequest, Header, RouteDecision } from './route';
import { gatewayApiStatus } from './status';
import type { HTTPRouteModel, RouteMatch, ValueMatch } from './types';

export interface Check {
  readonly what: 'hostname' | 'path' | 'method' | 'header' | 'query';
  readonly ok: boolean;
  readonly text: string;
}

export type RuleOutcome =
  /** this match took the request */
  | 'won'
  /** every criterion matched, but a match of higher precedence took the request */
  | 'outranked'
  /** some criterion did not match */
  | 'no-match'
  /** the route never saw the request: not attached to the listener, or its hostnames do not serve the Host */
  | 'not-considered';

export interface MatchExplanation {
  /** `ns/name` of the route */
  readonly route: string;
  readonly rule: number;
  /** the index in the rule's matches; null when the route was not considered at all */
  readonly match: number | null;
  readonly outcome: RuleOutcome;
  readonly checks: readonly Check[];
  /** for `outranked`: the step of the precedence at which the winner comes first */
  readonly precedence: string | null;
}

export interface RequestExplanation {
  readonly decision: RouteDecision;
  /** every rule match of every route that names the Gateway: considered ones in precedence order first */
  readonly matches: readonly MatchExplanation[];
}

const label = (r: HTTPRouteModel): string => `${r.namespace}/${r.name}`;

function headerValue(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(',');
}

function valueOk(m: ValueMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.type === 'Exact') return value === m.value;
  return m.program !== null && re2FullMatch(m.program, value).matched;
}

const PATH_WORDS = {
  Exact: 'is exactly',
  PathPrefix: 'starts with the segments',
  RegularExpression: 'matches the RE2',
};

/** Each criterion of one match against the request, in the order the specification lists them. */
export function checkMatch(m: RouteMatch, req: GatewayRequest): Check[] {
  const p = m.path;
  const pathOk =
    p.type === 'Exact'
      ? req.path === p.value
      : p.type === 'PathPrefix'
        ? prefixMatches(p.value, req.path)
        : p.program !== null && re2FullMatch(p.program, req.path).matched;
  const checks: Check[] = [
    {
      what: 'path',
      ok: pathOk,
      text: `path ${req.path} ${pathOk ? '' : 'not '}${PATH_WORDS[p.type]} ${p.value}${p.type === 'PathPrefix' && !pathOk && req.path.startsWith(p.value.replace(/\/$/, '')) ? ' (a prefix matches whole segments only)' : ''}`,
    },
  ];
  if (m.method !== null)
    checks.push({
      what: 'method',
      ok: m.method === req.method,
      text: `method ${req.method} ${m.method === req.method ? 'is' : 'is not'} ${m.method}`,
    });
  for (const h of m.headers) {
    const value = headerValue(req.headers, h.name);
    const ok = valueOk(h, value);
    const want = h.type === 'Exact' ? `= ${h.value}` : `~ ${h.value} (RE2)`;
    checks.push({
      what: 'header',
      ok,
      text: `header ${h.name} ${want}: ${value === undefined ? 'not sent' : `sent as ${value}`}`,
    });
  }
  for (const q of m.queryParams) {
    // the first value of a repeated parameter counts, as in route.ts
    const value = req.query.find(([n]) => n === q.name)?.[1];
    const ok = valueOk(q, value);
    const want = q.type === 'Exact' ? `= ${q.value}` : `~ ${q.value} (RE2)`;
    checks.push({
      what: 'query',
      ok,
      text: `query ${q.name} ${want}: ${value === undefined ? 'not sent' : `sent as ${value}`}`,
    });
  }
  return checks;
}

const TYPE_RANK = { Exact: 2, RegularExpression: 1, PathPrefix: 0 } as const;
const prefixLength = (m: RouteMatch): number =>
  m.path.type === 'PathPrefix' && m.path.value !== '/' ? m.path.value.replace(/\/$/, '').length : m.path.value.length;

function ageText(r: HTTPRouteModel): string {
  return r.creationTimestamp ? `created ${r.creationTimestamp}` : `no creationTimestamp, so its place in the input`;
}

/**
 * Why the winner's match comes before another matching one: the first step of the precedence
 * (Exact path, then RegularExpression, then PathPrefix; the longer path; a method; more header
 * matches; more query matches; the older route; the route's name; the earlier rule) where they differ.
 */
export function precedenceReason(
  winner: { route: HTTPRouteModel; rule: number; match: RouteMatch },
  other: { route: HTTPRouteModel; rule: number; match: RouteMatch },
): string {
  const w = winner.match;
  const o = other.match;
  if (TYPE_RANK[w.path.type] !== TYPE_RANK[o.path.type])
    return `${w.path.type === 'Exact' ? 'an' : 'a'} ${w.path.type} path comes before ${o.path.type === 'Exact' ? 'an' : 'a'} ${o.path.type} path`;
  if (prefixLength(w) !== prefixLength(o))
    return `the longer path ${w.path.value} (${prefixLength(w)} characters) comes before ${o.path.value} (${prefixLength(o)})`;
  if ((w.method !== null) !== (o.method !== null)) return 'a match with a method comes before one without';
  if (w.headers.length !== o.headers.length)
    return `more header matches come first (${w.headers.length} against ${o.headers.length})`;
  if (w.queryParams.length !== o.queryParams.length)
    return `more query parameter matches come first (${w.queryParams.length} against ${o.queryParams.length})`;
  if (winner.route !== other.route)
    return `equal matches: the older route comes first; ${label(winner.route)} (${ageText(winner.route)}) is before ${label(other.route)} (${ageText(other.route)})`;
  if (winner.rule !== other.rule)
    return `equal matches in one route: rule ${winner.rule} comes before rule ${other.rule}`;
  return 'equal matches in one rule: the earlier match is used';
}

const key = (route: string, rule: number, match: number): string => `${route}#${rule}#${match}`;

/**
 * Routes the request (routeRequest) and explains it: for each route that names the Gateway, why it
 * was or was not considered, and for each match of its rules which criteria held, in precedence
 * order, and why the winner beat every other match that held.
 *
 * @example
 * const e = explainRequest(cluster, { namespace: 'default', name: 'web' }, request);
 * e.matches.find((m) => m.outcome === 'won'); // { route: 'default/web', rule: 0, checks: [...] }
 */
export function explainRequest(
  cluster: Cluster,
  gateway: { readonly namespace: string; readonly name: string },
  req: GatewayRequest,
): RequestExplanation {
  const decision = routeRequest(cluster, gateway, req);
  const status = gatewayApiStatus(cluster);
  const host = hostOf(req.host);
  const listener = decision.listener;
  const naming = status.routes.filter((r) =>
    r.parents.some((p) => p.parentRef.namespace === gateway.namespace && p.parentRef.name === gateway.name),
  );
  // The hostnames each route serves on the listener, and the most specific covering the Host:
  // Envoy chooses that virtual host first and matches only its routes (as route.ts does).
  const served = new Map<HTTPRouteModel, (string | null)[]>();
  for (const r of naming) {
    if (listener === null) break;
    for (const p of r.parents) {
      if (p.conditions[0]?.status !== 'True') continue;
      for (const a of p.attachments.filter((x) => x.listener === listener))
        served.set(r.route, [...(served.get(r.route) ?? []), ...a.hostnames]);
    }
  }
  const covering = [...served.values()].flat().filter((h) => h === null || hostnameCovers(h, host));
  let best: string | null | undefined;
  for (const h of covering) {
    const [a, b] = [hostnameRank(h), best === undefined ? null : hostnameRank(best)];
    if (b === null || a[0] - b[0] > 0 || (a[0] === b[0] && a[1] > b[1])) best = h;
  }

  const byKey = new Map(decision.verdicts.map((v, i) => [key(v.route, v.rule, v.match), i]));
  const winner = decision.matched
    ? {
        route: decision.matched.route,
        rule: decision.matched.ruleIndex,
        match: decision.matched.route.rules[decision.matched.ruleIndex]?.matches[decision.matched.matchIndex],
      }
    : null;
  const considered: { order: number; e: MatchExplanation }[] = [];
  const others: MatchExplanation[] = [];
  for (const r of naming) {
    const route = r.route;
    const name = label(route);
    const hostnames = served.get(route);
    const hostCheck = (): Check => {
      const list = route.hostnames.length > 0 ? route.hostnames.join(', ') : 'any host';
      if (!hostnames) {
        const refused = r.parents.find(
          (p) => p.parentRef.namespace === gateway.namespace && p.parentRef.name === gateway.name,
        )?.conditions[0];
        const why =
          listener === null
            ? 'no listener took the request'
            : refused && refused.status !== 'True'
              ? `the route is not accepted (${refused.reason}: ${refused.message})`
              : `the route is not attached to listener ${listener.name}`;
        return { what: 'hostname', ok: false, text: why };
      }
      const covers = hostnames.filter((h) => h === null || hostnameCovers(h, host));
      if (covers.length === 0)
        return { what: 'hostname', ok: false, text: `host ${host} is not among the route's hostnames (${list})` };
      if (!covers.includes(best ?? null))
        return {
          what: 'hostname',
          ok: false,
          text: `host ${host} is covered by ${covers.map((h) => h ?? 'any host').join(', ')}, but another route's more specific hostname ${best ?? 'any host'} takes it first`,
        };
      return { what: 'hostname', ok: true, text: `host ${host} is served by ${best ?? 'any host'} (${list})` };
    };
    const hc = hostCheck();
    route.rules.forEach((rule, ri) => {
      if (!hc.ok) {
        others.push({ route: name, rule: ri, match: null, outcome: 'not-considered', checks: [hc], precedence: null });
        return;
      }
      rule.matches.forEach((m, mi) => {
        const checks = [hc, ...checkMatch(m, req)];
        const isWinner =
          winner !== null && winner.route === route && winner.rule === ri && decision.matched?.matchIndex === mi;
        const allOk = checks.every((c) => c.ok);
        const outcome: RuleOutcome = isWinner ? 'won' : allOk ? 'outranked' : 'no-match';
        const precedence =
          outcome === 'outranked' && winner?.match
            ? precedenceReason(
                { route: winner.route, rule: winner.rule, match: winner.match },
                { route, rule: ri, match: m },
              )
            : null;
        considered.push({
          order: byKey.get(key(name, ri, mi)) ?? Number.MAX_SAFE_INTEGER,
          e: { route: name, rule: ri, match: mi, outcome, checks, precedence },
        });
      });
    });
  }
  considered.sort((a, b) => a.order - b.order);
  return { decision, matches: [...considered.map((c) => c.e), ...others] };
}
