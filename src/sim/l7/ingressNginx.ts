/**
 * ingress-nginx behind the L7 seam: the matching of resolve/ingress.ts (server by Host, location by
 * path, the endpoints NGINX balances over, the headers it sets) turned into an L7Decision.
 */
import { nginxIngresses } from '../model/ingressModel';
import type { Cluster, Service } from '../model/types';
import {
  INGRESS_NGINX_NAME,
  INGRESS_NGINX_NAMESPACE,
  ingressExposure,
  ingressRuleText,
  matchIngress,
  pickUpstream,
  upstreamHeaders,
} from '../resolve/ingress';
import type { IngressMatch } from '../resolve/ingress';
import { lookup } from '../model/lookup';
import { proxyPodOf } from './types';
import type { L7Context, L7Decision, L7Proxy, L7Request, L7RouteRef, L7Upstream } from './types';

/** The reason phrases NGINX writes (its status line table), where they differ from RFC 9110's. */
const NGINX_REASONS: Record<number, string> = {
  200: 'OK',
  308: 'Permanent Redirect',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** The Ingress and the index of its rule that matched, as kubectl shows them. */
function routeOf(cluster: Cluster, match: IngressMatch): L7RouteRef | null {
  if (match.ingress === null) return null;
  const [namespace = '', name = ''] = match.ingress.split('/');
  if (match.rule === null) return { kind: 'Ingress', namespace, name, rule: null };
  const ing = nginxIngresses(cluster).find((i) => i.namespace === namespace && i.name === name);
  const matched = match.rule;
  const rule =
    ing?.rules.findIndex(
      (r) => r.host === matched.host && r.paths.some((p) => p.path === matched.path && p.pathType === matched.pathType),
    ) ?? -1;
  return { kind: 'Ingress', namespace, name, rule: rule < 0 ? null : rule };
}

function upstreamOf(cluster: Cluster, match: IngressMatch, ctx: L7Context): L7Upstream | null {
  const up = match.upstream;
  if (up === null) return null;
  if (up.kind === 'service') {
    const key = `${match.backend?.namespace ?? ''}/${match.backend?.service ?? ''}`;
    const service: Service | undefined = lookup(cluster).serviceByKey.get(key);
    return service ? { kind: 'service', service, ip: up.ip, port: up.port } : null;
  }
  const chosen = pickUpstream(up.endpoints, ctx.seed, ctx.pick);
  if (chosen === null) return null;
  const b = match.backend;
  return {
    kind: 'endpoint',
    endpoints: up.endpoints,
    chosen,
    probability: 1 / up.endpoints.length,
    // the upstream block the controller renders for the backend, named namespace-service-port
    rule: `upstream ${b?.namespace ?? ''}-${b?.service ?? ''}-${b?.port ?? ''} { server ${chosen.ip}:${chosen.port}; } (round_robin)`,
  };
}

function decide(cluster: Cluster, request: L7Request, ctx: L7Context): L7Decision {
  const match = matchIngress(cluster, { host: request.host, path: request.path, scheme: request.scheme });
  const upstream = upstreamOf(cluster, match, ctx);
  const headers =
    match.status === 200
      ? upstreamHeaders(
          request.headers
            ? { host: request.host, scheme: request.scheme, port: ctx.port, headers: request.headers }
            : { host: request.host, scheme: request.scheme, port: ctx.port },
          ctx.remoteAddr,
          ctx.seed,
        )
      : null;
  return {
    proxy: ingressNginx.id,
    listener: {
      name: match.server,
      port: ctx.port,
      protocol: request.scheme === 'https' ? 'HTTPS' : 'HTTP',
      hostname: match.server === '_' ? null : match.server,
    },
    route: routeOf(cluster, match),
    status: match.status,
    redirect: match.redirect,
    upstream,
    // NGINX passes the request line on unchanged, query string included (no rewrite annotations
    // are simulated)
    backendRequest:
      headers === null
        ? null
        : { method: request.method, path: request.query ? `${request.path}?${request.query}` : request.path, headers },
    upstreamSource: proxyPodOf(ctx, 'ingress-nginx').ip,
    rule: ingressRuleText(match),
    text: match.text,
    backendService: match.backend ? `${match.backend.namespace}/${match.backend.service}` : null,
  };
}

export const ingressNginx: L7Proxy = {
  id: 'ingress-nginx',
  placement: 'pod',
  label: 'NGINX',
  servesService: (svc) => svc.namespace === INGRESS_NGINX_NAMESPACE && svc.name === INGRESS_NGINX_NAME,
  exposure: (cluster, host, scheme) => ingressExposure(cluster, host, scheme),
  decide,
  statusLine(status) {
    const reason = NGINX_REASONS[status];
    return reason === undefined ? String(status) : `${status} ${reason}`;
  },
};
