/**
 * An HTTP request through ingress-nginx (docs/networking-model.md), as two TCP connections: the
 * client's to a controller pod, through the controller's Service the way kube-proxy serves it, and
 * NGINX's own to the backend pod's IP (or the ClusterIP with service-upstream), with the proxy's
 * decision between them. The client's verdict is about its connection to NGINX, which answers even
 * when no backend does (404, 503, 308).
 */
import type { ElementId } from '../model/ids';
import type { TraceWarning } from '../trace/warnings';
import { containerId, podEth0Id } from '../model/ids';
import { lookup } from '../model/lookup';
import { networkPolicies } from '../model/policy';
import type { Cluster, Pod } from '../model/types';
import type { Candidate, Hop, Trace, Verdict } from '../trace/types';
import { ingressHttp, ingressRuleText, matchIngress, pickUpstream } from './ingress';
import type { IngressMatch, IngressRequest } from './ingress';
import { PathWriter } from './pathWriter';
import { listenerOf, podNetns, sameNetns, walk } from './podPath';
import type { WalkContext } from './podPath';
import { traceService } from './serviceTrace';
import type { ServiceClient, ServiceTarget, ServiceTraceOptions } from './serviceTrace';

const DEFAULT_TTL = 64;

const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/** What trace() needs to assemble the Trace of an Ingress request. */
export interface IngressResult {
  verdict: Verdict;
  reason: string;
  endpoint: Trace['endpoint'];
  candidates: Candidate[];
  hops: Hop[];
  reply: Trace['reply'];
  http: Trace['http'];
  warnings: TraceWarning[];
}

/** The HTTP request as the client sends it. */
export interface HttpRequest extends IngressRequest {
  method: string;
}

/**
 * Traces `request` from `client` to the ingress-nginx controller reached through `target` (its
 * Service's LoadBalancer address or a NodePort), then NGINX's decision and its upstream connection.
 */
export function traceIngress(
  cluster: Cluster,
  client: ServiceClient,
  target: ServiceTarget,
  request: HttpRequest,
  opts: ServiceTraceOptions & { seed: number },
): IngressResult {
  const lk = lookup(cluster);
  // Picks name the controller pod for the first leg and the backend for NGINX's choice; each leg
  // sees only its own, so neither warns about the other's.
  const ctrlPicks = opts.pick.filter((p) => p.startsWith('node/') || p.startsWith(`${target.svc.namespace}/`));
  const leg1 = traceService(cluster, client, target, 'tcp', { ...opts, pick: ctrlPicks });
  const warnings = [...leg1.warnings];
  const ctrlKey = leg1.endpoint?.pod ?? null;
  const ctrl = ctrlKey === null ? undefined : lk.podByKey.get(ctrlKey);
  if (leg1.verdict !== 'delivered' || !ctrl) {
    // NGINX never saw the request: the client's connection failed on the way, as for any Service.
    return {
      verdict: leg1.verdict,
      reason: `The connection to the Ingress controller failed: ${leg1.reason}`,
      endpoint: leg1.endpoint,
      candidates: leg1.candidates,
      hops: leg1.hops,
      reply: leg1.reply,
      http: null,
      warnings,
    };
  }
  const arrived = leg1.hops[leg1.hops.length - 1] as Hop;
  // $remote_addr: whatever source reached NGINX, a node-side address when kube-proxy SNATed it.
  const remoteAddr = ipOf(arrived.packet.src);
  const match = matchIngress(cluster, request);
  const ctrlAt = arrived.at.startsWith('container/')
    ? arrived.at
    : containerId(ctrl.namespace, ctrl.name, ctrl.containers[0]?.name ?? 'controller');
  const hops: Hop[] = [...leg1.hops];
  const line = `${request.method} ${request.scheme}://${request.host}${request.path}`;
  hops.push({
    kind: 'proxy',
    at: ctrlAt,
    node: ctrl.node,
    devices: [],
    packet: { ...arrived.packet },
    rule: ingressRuleText(match),
    text: `NGINX in ${ctrl.name} ends the client's TCP connection and reads the request ${line} (Host ${request.host}) from ${remoteAddr}: ${match.text}`,
  });
  const http = ingressHttp(
    { ...request, port: leg1.endpoint?.port ?? (request.scheme === 'https' ? 443 : 80) },
    match,
    remoteAddr,
    opts.seed,
  );
  const leg2 =
    match.status === 200 || match.status === 502 ? upstream(cluster, ctrl, ctrlAt, match, opts, warnings) : null;
  if (leg2 !== null) {
    hops.push(...leg2.hops);
    if (leg2.status !== null) {
      http.status = leg2.status;
      http.headers = {};
    }
  }
  // The answer: the backend's reply to NGINX, NGINX relaying it, then the client's connection.
  const replyHops: Hop[] = [];
  if (leg2?.reply) {
    replyHops.push(...leg2.reply);
    const last = leg2.reply[leg2.reply.length - 1] as Hop;
    replyHops.push({
      kind: 'proxy',
      at: ctrlAt,
      node: ctrl.node,
      devices: [],
      packet: { ...last.packet },
      text: `NGINX relays the backend's ${http.status} answer to the client on the client's own connection.`,
    });
  }
  replyHops.push(...(leg1.reply?.hops ?? []));
  const backend = leg2?.endpoint ?? null;
  const endpoint = backend ?? leg1.endpoint;
  const answered =
    http.status === 200 ? `the backend ${backend?.pod ?? ''} answered 200` : `the client got ${http.status}`;
  const reason = `ingress-nginx (${ctrl.namespace}/${ctrl.name}) took the connection (${leg1.reason}) and ${answered}: ${leg2?.reason ?? match.text}`;
  return {
    verdict: 'delivered',
    reason,
    endpoint,
    candidates: leg2?.candidates ?? [],
    hops,
    reply: { verdict: leg1.reply?.verdict ?? 'delivered', hops: replyHops },
    http,
    warnings,
  };
}

interface Upstream {
  hops: Hop[];
  reply: Hop[] | null;
  endpoint: Trace['endpoint'];
  candidates: Candidate[];
  /** the status the client gets instead of the match's when the upstream connection failed */
  status: number | null;
  reason: string | null;
}

/** NGINX's connection to the backend: a pod IP directly, or the ClusterIP with service-upstream. */
function upstream(
  cluster: Cluster,
  ctrl: Pod,
  ctrlAt: ElementId,
  match: IngressMatch,
  opts: ServiceTraceOptions & { seed: number },
  warnings: TraceWarning[],
): Upstream | null {
  const up = match.upstream;
  if (up === null) return null;
  const client: ServiceClient = {
    ns: podNetns(cluster, ctrl),
    at: ctrlAt,
    node: ctrl.node,
    label: `NGINX in ${ctrl.name}`,
    ip: ctrl.ip,
  };
  if (up.kind === 'service') {
    const svc = lookup(cluster).serviceByKey.get(`${match.backend?.namespace ?? ''}/${match.backend?.service ?? ''}`);
    if (!svc) return null;
    const port = match.backend?.servicePort ?? null;
    const leg = traceService(
      cluster,
      client,
      { svc, port, entry: 'clusterIP', dstIP: up.ip, dstPort: up.port, node: null },
      'tcp',
      opts,
    );
    warnings.push(...leg.warnings);
    const failed = leg.verdict === 'delivered' ? null : leg.verdict === 'dropped' ? 504 : 502;
    return {
      hops: leg.hops,
      reply: failed === null ? (leg.reply?.hops ?? null) : null,
      endpoint: leg.endpoint,
      candidates: leg.candidates,
      status: failed,
      reason:
        failed === null
          ? `with service-upstream NGINX connected to the ClusterIP ${up.ip}:${up.port} and ${leg.reason}`
          : `NGINX's connection to ${up.ip}:${up.port} failed (${leg.reason}): ${failed}.`,
    };
  }
  const chosen = pickUpstream(up.endpoints, opts.seed, opts.pick);
  if (chosen === null) return null;
  const candidates: Candidate[] = up.endpoints.map((e) => ({
    pod: e.pod ?? e.ip,
    ip: e.ip,
    port: e.port,
    probability: 1 / up.endpoints.length,
    chosen: e === chosen,
  }));
  const ep = chosen.pod === null ? undefined : lookup(cluster).podByKey.get(chosen.pod);
  if (!ep) return null;
  const dst = podNetns(cluster, ep);
  const src = podNetns(cluster, ctrl);
  const w = new PathWriter({
    src: `${ctrl.ip}:${opts.ephemeralPort()}`,
    dst: `${chosen.ip}:${chosen.port}`,
    protocol: 'tcp',
    ttl: DEFAULT_TTL,
  });
  w.hop({
    kind: 'socket',
    at: ctrlAt,
    node: ctrl.node,
    rule: `upstream ${match.backend?.namespace ?? ''}-${match.backend?.service ?? ''}-${match.backend?.port ?? ''} { server ${chosen.ip}:${chosen.port}; } (round_robin)`,
    text: `NGINX opens its own TCP connection, from ${w.packet.src} to the endpoint ${w.packet.dst} (${chosen.pod ?? ''}): a pod IP from the EndpointSlices, not the ClusterIP, so kube-proxy plays no part.`,
  });
  const ctx: WalkContext = {
    cluster,
    ephemeralPort: opts.ephemeralPort,
    snat: null,
    policy: networkPolicies(cluster).length > 0 ? { reply: false, verdict: null, dropped: null } : null,
  };
  const same = sameNetns(src, dst);
  if (same)
    w.hop({
      kind: 'loopback',
      at: podEth0Id(ctrl.namespace, ctrl.name),
      node: ctrl.node,
      text: 'The backend is the controller pod itself: the packet stays in its namespace.',
    });
  else walk(w, ctx, src, dst);
  const endpoint: NonNullable<Trace['endpoint']> = { pod: chosen.pod ?? '', ip: chosen.ip, port: chosen.port };
  if (ctx.policy?.dropped) {
    const last = w.hops[w.hops.length - 1] as Hop;
    if (last.kind !== 'drop')
      w.hop({
        kind: 'drop',
        at: last.at,
        node: last.node,
        text: 'The packet is dropped silently; NGINX waits for the upstream.',
      });
    return {
      hops: w.hops,
      reply: null,
      endpoint,
      candidates,
      status: 504,
      reason: `NetworkPolicy drops NGINX's connection to ${chosen.pod ?? chosen.ip} (${ctx.policy.verdict?.reason ?? ''}); NGINX gives up on the upstream: 504 Gateway Timeout.`,
    };
  }
  const listener = listenerOf(ep, chosen.port, 'tcp');
  if (listener === null) {
    w.hop({
      kind: 'reject',
      at: podEth0Id(ep.namespace, ep.name),
      node: ep.node,
      text: `Nothing in ${ep.name} listens on TCP port ${chosen.port}: its kernel answers with a TCP RST, and NGINX answers the client 502 Bad Gateway.`,
    });
    return {
      hops: w.hops,
      reply: null,
      endpoint,
      candidates,
      status: 502,
      reason: `nothing in ${chosen.pod ?? ''} listens on TCP port ${chosen.port}: 502 Bad Gateway.`,
    };
  }
  const name = listener.slice(listener.lastIndexOf('/') + 1);
  endpoint.container = name;
  w.hop({
    kind: 'deliver',
    at: listener,
    node: ep.node,
    text: `Container ${name} in ${ep.name} accepts NGINX's connection; it sees ${ipOf(w.packet.src)}, the controller pod, as its peer (the client is in X-Forwarded-For).`,
  });
  const r = new PathWriter({ src: w.packet.dst, dst: w.packet.src, protocol: 'tcp', ttl: DEFAULT_TTL });
  r.hop({ kind: 'socket', at: listener, node: ep.node, text: `${ep.name} answers NGINX at ${r.packet.dst}.` });
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;
  if (same)
    r.hop({
      kind: 'loopback',
      at: podEth0Id(ctrl.namespace, ctrl.name),
      node: ctrl.node,
      text: 'Back inside the namespace.',
    });
  else walk(r, ctx, dst, src);
  r.hop({
    kind: 'deliver',
    at: ctrlAt,
    node: ctrl.node,
    text: `NGINX receives the backend's answer from ${r.packet.src}.`,
  });
  const policy = ctx.policy?.verdict;
  const note = policy && (policy.egress.isolated || policy.ingress.isolated) ? ` ${policy.reason}` : '';
  return { hops: w.hops, reply: r.hops, endpoint, candidates, status: null, reason: `${match.text}${note}` };
}
