/**
 * `k8s-netviz route URL`: what a Gateway does with one HTTP request (sim/gateway): the listener,
 * every candidate rule in precedence order with why it matched or not, the backends with their
 * exact shares, the outcome, the request as the backend sees it and the response headers the
 * client sees. Names come from manifests: everything printed goes through escape.ts.
 */
import { stringify } from 'yaml';
import type { Cluster } from '../sim/model/types';
import { findGateway, formatShare, routeRequest } from '../sim/gateway/route';
import type { GatewayRequest, RouteDecision } from '../sim/gateway/route';
import { GatewayRequestError, parseGatewayRequest } from '../sim/gateway/request';
import { gatewayApiStatus } from '../sim/gateway/status';
import type { GatewayStatus } from '../sim/gateway/status';
import type { RouteArgs } from './args';
import { escapeEncoded, escapeText } from './escape';
import type { Io } from './manifests';

/** The decision as plain data for -o json / yaml (no compiled patterns, no whole models). */
export function decisionData(d: RouteDecision, req: GatewayRequest, seed: number) {
  return {
    gateway: `${d.gateway.namespace}/${d.gateway.name}`,
    listener: d.listener?.name ?? null,
    request: req,
    status: d.status,
    reason: d.reason,
    matched: d.matched
      ? {
          kind: 'HTTPRoute',
          route: `${d.matched.route.namespace}/${d.matched.route.name}`,
          rule: d.matched.ruleIndex,
          match: d.matched.matchIndex,
          hostname: d.matched.hostname,
        }
      : null,
    candidates: d.verdicts,
    backends: d.backends.map((b) => ({
      kind: b.ref.kind,
      name: `${b.ref.namespace}/${b.ref.name}`,
      port: b.ref.port,
      weight: b.weight,
      probability: b.probability,
      resolved: b.resolution.ok ? true : b.resolution.reason,
      readyEndpoints: b.resolution.ok ? b.resolution.ready.length : 0,
    })),
    picked: d.picked ? `${d.picked.ref.namespace}/${d.picked.ref.name}` : null,
    seed,
    location: d.location,
    upstream: d.upstream,
    responseHeaders: d.responseHeaders,
    ignoredFilters: d.ignoredFilters,
  };
}

function target(r: GatewayRequest): string {
  const q = r.query.length > 0 ? `?${r.query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}` : '';
  return `${r.path}${q}`;
}

/** Routes that name this Gateway but are not accepted: the usual reason a request finds nothing. */
function refusedRoutes(cluster: Cluster, gs: GatewayStatus): string[] {
  const out: string[] = [];
  for (const r of gatewayApiStatus(cluster).routes)
    for (const p of r.parents) {
      const c = p.conditions[0];
      if (p.parentRef.namespace !== gs.gateway.namespace || p.parentRef.name !== gs.gateway.name || !c) continue;
      if (c.status !== 'True')
        out.push(`  HTTPRoute ${r.route.namespace}/${r.route.name}: Accepted ${c.status} (${c.reason}): ${c.message}`);
    }
  return out;
}

export function formatDecision(
  cluster: Cluster,
  gs: GatewayStatus,
  d: RouteDecision,
  req: GatewayRequest,
  seed: number,
): string {
  const lines: string[] = [];
  const l = d.listener;
  lines.push(
    `gateway:  ${d.gateway.namespace}/${d.gateway.name}${l ? `, listener ${l.name} (${l.protocol} ${l.port}${l.hostname ? `, ${l.hostname}` : ''})` : ''}`,
  );
  lines.push(`request:  ${req.method} ${req.scheme}://${req.host}:${req.port}${target(req)}`);
  for (const [n, v] of req.headers) lines.push(`          ${n}: ${v}`);
  if (d.matched)
    lines.push(
      `matched:  HTTPRoute ${d.matched.route.namespace}/${d.matched.route.name} rule ${d.matched.ruleIndex} match ${d.matched.matchIndex} (hostname ${d.matched.hostname ?? 'any'})`,
    );
  if (d.verdicts.length > 0) {
    lines.push('candidates, in precedence order:');
    for (const v of d.verdicts)
      lines.push(`  ${v.matched ? '*' : '-'} ${v.route} rule ${v.rule} match ${v.match}: ${v.reason}`);
  }
  if (d.backends.length > 0) {
    lines.push('backends:');
    for (const b of d.backends) {
      const r = b.resolution;
      const state = r.ok
        ? `${r.ready.length} ready endpoint${r.ready.length === 1 ? '' : 's'}`
        : `${r.reason}: ${r.message}`;
      const mark = d.picked === b ? '*' : ' ';
      lines.push(
        `  ${mark} ${b.ref.namespace}/${b.ref.name}:${b.ref.port ?? '-'}  weight ${b.weight}  ${formatShare(b.probability)}  ${state}`,
      );
    }
    if (d.picked) lines.push(`  (* picked with seed ${seed})`);
  }
  if (d.ignoredFilters.length > 0) lines.push(`not simulated: ${d.ignoredFilters.join(', ')}`);
  if (d.upstream) {
    lines.push('the backend sees:');
    lines.push(`  ${d.upstream.method} ${target(d.upstream)}`);
    lines.push(`  Host: ${d.upstream.host}`);
    for (const [n, v] of d.upstream.headers) lines.push(`  ${n}: ${v}`);
  }
  if (d.responseHeaders.length > 0) {
    lines.push('the client gets, besides the body:');
    for (const [n, v] of d.responseHeaders) lines.push(`  ${n}: ${v}`);
  }
  const refused = d.status === 200 ? [] : refusedRoutes(cluster, gs);
  if (refused.length > 0) lines.push('routes on this Gateway that are not accepted:', ...refused);
  lines.push(`outcome:  ${d.status === 0 ? 'no HTTP response' : d.status}: ${d.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `route`; returns the exit status. */
export function runRoute(cluster: Cluster, args: RouteArgs, io: Io): number {
  let req: GatewayRequest;
  try {
    req = parseGatewayRequest({ url: args.url, method: args.method, headers: args.headers });
  } catch (error) {
    if (!(error instanceof GatewayRequestError)) throw error;
    const flag = error.field === 'url' ? 'URL' : `--${error.field}`;
    io.err(escapeText(`k8s-netviz: ${flag}: ${error.message}\n`, true));
    return 2;
  }
  let named: { namespace: string; name: string } | undefined;
  if (args.gateway !== undefined) {
    const slash = args.gateway.indexOf('/');
    named =
      slash < 0
        ? { namespace: args.namespace, name: args.gateway }
        : { namespace: args.gateway.slice(0, slash), name: args.gateway.slice(slash + 1) };
  }
  const found = findGateway(cluster, req, named);
  if (!found.ok) {
    io.err(
      escapeText(
        `k8s-netviz: ${named ? '--gateway: ' : ''}${found.message}${found.message.startsWith('several') ? ' with --gateway' : ''}\n`,
        true,
      ),
    );
    return 2;
  }
  const gs = gatewayApiStatus(cluster).gateways.find((g) => g.gateway === found.gateway) as GatewayStatus;
  const d = routeRequest(cluster, gs.gateway, req, { seed: args.seed });
  if (args.output === 'json') io.out(escapeEncoded(`${JSON.stringify(decisionData(d, req, args.seed), null, 2)}\n`));
  else if (args.output === 'yaml')
    io.out(
      escapeEncoded(
        stringify(decisionData(d, req, args.seed), {
          defaultStringType: 'QUOTE_DOUBLE',
          defaultKeyType: 'PLAIN',
          lineWidth: 0,
        }),
      ),
    );
  else io.out(escapeText(formatDecision(cluster, gs, d, req, args.seed), true));
  return 0;
}
