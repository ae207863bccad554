/**
 * What the diagram draws of the Gateway API (src/sim/gateway): each Gateway as a box listing its
 * listeners (name, protocol, port, hostname), each HTTPRoute as a box listing its hostnames and
 * what each rule matches and where it sends, and the lines between them: Gateway to the routes
 * attached to it, route to the Services its backendRefs name. Gateways sit in a row above their
 * routes, the routes above the Services, so the picture reads top-down as a request travels.
 * Pure: labels and sizes only; layout.ts places the boxes, toElements.ts emits them.
 */
import type { Cluster } from '../sim';
import { gatewayId, httpRouteId, serviceId } from '../sim';
import { formatShare } from '../sim/gateway/route';
import { gatewayApiStatus, resolveBackend } from '../sim/gateway/status';
import type { GatewayStatus, RouteStatus } from '../sim/gateway/status';
import type { RouteMatch, RouteRule } from '../sim/gateway/types';

/**
 * Label lines of the boxes: as large as the nodes' titles (17 px), so that at fit-to-window the
 * Gateway and its routes read like the rest of the diagram and not at half its size.
 */
export const GATEWAY_FONT = 17;
const LINE_H = Math.round(GATEWAY_FONT * 1.25);
const PAD = 20;
const MIN_W = 270;
/** Past this a line is cut with `…`: the inspector says all of it. */
const MAX_CHARS = 46;
/** Rules listed in a route's box; more are counted on one line. */
const MAX_RULES = 4;

export interface GatewayBox {
  id: string;
  label: string;
  w: number;
  h: number;
  /** Accepted and Programmed (a Gateway), Accepted by some parent (a route) */
  ok: boolean;
  tooltip: string;
}

export interface GatewayLink {
  source: string;
  target: string;
  /** the attachment or reference does not carry traffic (not accepted, unresolved) */
  broken: boolean;
}

export interface GatewayDrawing {
  gateways: GatewayBox[];
  routes: GatewayBox[];
  links: GatewayLink[];
}

const cut = (line: string): string => (line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line);

function boxOf(id: string, lines: readonly string[], ok: boolean, tooltip: string): GatewayBox {
  const shown = lines.map(cut);
  // the same per-character advance as layout.textWidth for mono, rounded up
  const chars = Math.max(...shown.map((l) => l.length));
  return {
    id,
    label: shown.join('\n'),
    w: Math.max(MIN_W, Math.ceil(chars * GATEWAY_FONT * 0.62) + 24),
    h: shown.length * LINE_H + PAD,
    ok,
    tooltip,
  };
}

/** `http HTTP :80 *.example.com`: what a listener line says. */
function listenerLine(g: GatewayStatus, i: number): string {
  const ls = g.listeners[i];
  if (!ls) return '';
  const l = ls.listener;
  const note = g.owned && !ls.programmed ? ' (not programmed)' : '';
  return `${l.name} ${l.protocol} :${l.port}${l.hostname ? ` ${l.hostname}` : ''}${note}`;
}

/**
 * The TLS line under an HTTPS (or TLS) listener: `  TLS Terminate · cert shop-cert`. Terminate
 * means the Gateway holds the certificate, ends TLS and reads the request; Passthrough (TLS
 * listeners only) forwards the encrypted stream. Null for a listener without tls.
 */
export function tlsLine(g: GatewayStatus, i: number): string | null {
  const l = g.listeners[i]?.listener;
  if (!l || (l.tlsMode === null && l.protocol !== 'HTTPS')) return null;
  const certs = l.certificateRefs.map((c) =>
    c.namespace === g.gateway.namespace ? c.name : `${c.namespace}/${c.name}`,
  );
  return `  TLS ${l.tlsMode ?? 'Terminate'}${certs.length > 0 ? ` · cert ${certs.join(', ')}` : l.tlsMode === 'Passthrough' ? '' : ' · no cert'}`;
}

function gatewayBox(g: GatewayStatus): GatewayBox {
  const gw = g.gateway;
  const ok = g.conditions.every((c) => c.status === 'True');
  const lines = [
    `${gw.name} · Gateway · ${gw.className}`,
    ...gw.listeners.flatMap((_, i) => {
      const tls = tlsLine(g, i);
      return tls === null ? [listenerLine(g, i)] : [listenerLine(g, i), tls];
    }),
    ...(g.owned ? [] : [`no GatewayClass ${gw.className}: not accepted`]),
  ];
  const conditions = g.conditions.map((c) => `${c.type} ${c.status} (${c.reason})`).join(', ');
  return boxOf(
    gatewayId(gw.namespace, gw.name),
    lines,
    ok,
    `Gateway ${gw.namespace}/${gw.name} (class ${gw.className})\nlisteners: ${gw.listeners.map((_, i) => `${listenerLine(g, i)}${tlsLine(g, i)?.replace(/^ +/, ', ') ?? ''}`).join('; ') || 'none'}\n${conditions}`,
  );
}

/** A match in a few words: `/api* GET x-env`, `/` for the default PathPrefix `/`. */
export function matchSummary(m: RouteMatch): string {
  const p = m.path;
  const path =
    p.type === 'Exact'
      ? `=${p.value}`
      : p.type === 'PathPrefix'
        ? p.value === '/'
          ? '/'
          : `${p.value}*`
        : `~${p.value}`;
  const parts = [path];
  if (m.method) parts.push(m.method);
  for (const h of m.headers) parts.push(`${h.name}${h.type === 'Exact' ? `=${h.value}` : '~'}`);
  for (const q of m.queryParams) parts.push(`?${q.name}`);
  return parts.join(' ');
}

/** Where a rule sends: its backends with exact shares, or the redirect it answers with. */
export function ruleTarget(rule: RouteRule): string {
  const redirect = rule.filters.find((f) => f.type === 'RequestRedirect');
  if (redirect && redirect.type === 'RequestRedirect')
    return `redirect ${redirect.statusCode}${redirect.scheme ? ` ${redirect.scheme}` : ''}${redirect.hostname ? ` ${redirect.hostname}` : ''}`;
  if (rule.backendRefs.length === 0) return 'no backend (500)';
  const total = rule.backendRefs.reduce((n, b) => n + b.weight, 0);
  if (rule.backendRefs.length === 1) return rule.backendRefs[0]?.name ?? '';
  return rule.backendRefs.map((b) => `${b.name} ${total === 0 ? '0%' : formatShare(b.weight / total)}`).join(' · ');
}

function ruleLine(rule: RouteRule): string {
  const first = rule.matches[0];
  const more = rule.matches.length > 1 ? ` +${rule.matches.length - 1}` : '';
  return `${first ? matchSummary(first) : '/'}${more} → ${ruleTarget(rule)}`;
}

function routeBox(r: RouteStatus): GatewayBox {
  const route = r.route;
  const accepted = r.parents.some((p) => p.conditions[0]?.status === 'True');
  const refused = r.parents.find((p) => p.conditions[0]?.status !== 'True')?.conditions[0];
  const rules = route.rules.slice(0, MAX_RULES).map(ruleLine);
  const lines = [
    `${route.name} · HTTPRoute`,
    route.hostnames.length > 0 ? route.hostnames.join(', ') : 'any host',
    ...rules,
    ...(route.rules.length > MAX_RULES ? [`+ ${route.rules.length - MAX_RULES} more rules`] : []),
    ...(accepted ? [] : [`not accepted: ${refused?.reason ?? 'no parentRef'}`]),
    ...(r.resolvedRefs.status === 'True' ? [] : [`ResolvedRefs False: ${r.resolvedRefs.reason}`]),
  ];
  return boxOf(
    httpRouteId(route.namespace, route.name),
    lines,
    accepted && r.resolvedRefs.status === 'True',
    `HTTPRoute ${route.namespace}/${route.name} for ${route.hostnames.join(', ') || 'any host'}\nrules: ${route.rules.map(ruleLine).join('; ')}\n${r.parents.map((p) => `${p.parentRef.namespace}/${p.parentRef.name}: Accepted ${p.conditions[0]?.status ?? 'Unknown'} (${p.conditions[0]?.reason ?? ''})`).join('\n')}\nResolvedRefs ${r.resolvedRefs.status} (${r.resolvedRefs.reason})`,
  );
}

/**
 * The boxes and lines of the cluster's Gateway API objects; empty when it has none (the built-in
 * cluster), so that it is drawn exactly as before. Routes come in the order of the first Gateway
 * they name, so that lines from a Gateway to its routes cross as little as they can.
 */
export function gatewayDrawing(cluster: Cluster): GatewayDrawing {
  if (cluster.extras.length === 0) return { gateways: [], routes: [], links: [] };
  const status = gatewayApiStatus(cluster);
  if (status.gateways.length === 0 && status.routes.length === 0) return { gateways: [], routes: [], links: [] };
  const gwIndex = new Map(status.gateways.map((g, i) => [`${g.gateway.namespace}/${g.gateway.name}`, i]));
  const firstParent = (r: RouteStatus): number =>
    Math.min(
      ...r.parents.map((p) => gwIndex.get(`${p.parentRef.namespace}/${p.parentRef.name}`) ?? status.gateways.length),
      status.gateways.length,
    );
  const routes = status.routes
    .map((r, i) => ({ r, i, at: firstParent(r) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ r }) => r);
  const links: GatewayLink[] = [];
  for (const r of routes) {
    const rid = httpRouteId(r.route.namespace, r.route.name);
    for (const p of r.parents) {
      if (!gwIndex.has(`${p.parentRef.namespace}/${p.parentRef.name}`)) continue;
      const source = gatewayId(p.parentRef.namespace, p.parentRef.name);
      if (links.some((l) => l.source === source && l.target === rid)) continue;
      links.push({ source, target: rid, broken: p.conditions[0]?.status !== 'True' });
    }
    for (const rule of r.route.rules)
      for (const ref of rule.backendRefs) {
        if (ref.group !== '' || ref.kind !== 'Service') continue;
        const target = serviceId(ref.namespace, ref.name);
        if (links.some((l) => l.source === rid && l.target === target)) continue;
        const resolved = resolveBackend(cluster, status.model, r.route, ref).ok;
        links.push({ source: rid, target, broken: !resolved });
      }
  }
  return { gateways: status.gateways.map(gatewayBox), routes: routes.map(routeBox), links };
}
