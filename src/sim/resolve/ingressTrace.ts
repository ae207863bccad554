/**
 * An HTTP request through ingress-nginx (docs/networking-model.md), as two TCP connections: the
 * client's to a controller pod, through the controller's Service the way kube-proxy serves it, and
 * NGINX's own to the backend pod's IP (or the ClusterIP with service-upstream), with the proxy's
 * decision between them. The client's verdict is about its connection to NGINX, which answers even
 * when no backend does (404, 503, 308).
 */
import type { ElementId } from '../model/ids';
import type { TraceWarning } from '../trace/warnings';
import { containerId, deviceId, INTERNET_ID, podEth0Id, serviceId } from '../model/ids';
import { deviceOf } from '../model/memo';
import { CILIUM_ENVOY_DEVICE } from '../cni/cilium';
import { defaultGateway } from './egressPath';
import { lookup } from '../model/lookup';
import { networkPolicies } from '../model/policy';
import type { Cluster, ClusterNode } from '../model/types';
import type { Candidate, Exchange, Hop, Packet, Trace, Verdict } from '../trace/types';
import { openingExchanges } from '../trace/conversation';
import type { L7Decision, L7Place, L7Proxy } from '../l7/types';
import type { IngressRequest } from './ingress';
import { PathWriter } from './pathWriter';
import { listenerOf, podNetns, sameNetns, walk } from './podPath';
import type { Netns, WalkContext } from './podPath';
import { openText, reachFromOutside, traceService } from './serviceTrace';
import type { ServiceClient, ServiceResult, ServiceTarget, ServiceTraceOptions } from './serviceTrace';

const DEFAULT_TTL = 64;

const ipOf = (a: string): string => {
  const i = a.indexOf(':');
  return i < 0 ? a : a.slice(0, i);
};

/** Where the proxy that took the client's connection runs, as the trace draws and names it. */
interface ProxyPlace {
  /** where its hops are drawn: the proxy's container, or the node's Envoy */
  at: ElementId;
  node: string;
  /** the namespace its upstream connection leaves from */
  netns: Netns;
  /** `NGINX in ingress-nginx-controller-...`, `Envoy on worker-1` */
  name: string;
  /** `ns/pod`, or `Envoy on <node>` */
  who: string;
  proxy: L7Place;
  /** where a packet that stays in its namespace is drawn */
  lo: ElementId;
}

function placeOnNode(proxy: L7Proxy, node: ClusterNode): ProxyPlace {
  const name = `${proxy.label} on ${node.name}`;
  return {
    at: deviceId(node.name, CILIUM_ENVOY_DEVICE),
    node: node.name,
    netns: { kind: 'host', node },
    name,
    who: name,
    proxy: { kind: 'node', node },
    lo: deviceId(node.name, 'lo'),
  };
}

/**
 * The client's connection to a node's own proxy (Cilium's Envoy), from outside the cluster: to a
 * node through the Service's load balancer, where the eBPF service lookup finds an L7 load balancer
 * Service and hands the packet, unchanged, to the node's Envoy (TPROXY) instead of translating it
 * to a backend; Envoy answers from the address the client dialed.
 */
function nodeProxyLeg(
  cluster: Cluster,
  proxy: L7Proxy,
  client: ServiceClient,
  target: ServiceTarget,
  opts: ServiceTraceOptions,
): { leg: ServiceResult; node: ClusterNode | null } {
  const svc = target.svc;
  const svcName = `${svc.namespace}/${svc.name}`;
  const warnings: TraceWarning[] = [];
  const dialed = `${target.dstIP}:${target.dstPort ?? 80}`;
  const w = new PathWriter({
    src: `${client.ip}:${opts.ephemeralPort()}`,
    dst: dialed,
    protocol: 'tcp',
    ttl: DEFAULT_TTL,
  });
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: `connect(${dialed}) TCP`,
    text: openText(client.label, w.packet, 'tcp', svcName),
  });
  const fail = (reason: string, verdict: ServiceResult['verdict'] = 'dropped') => ({
    leg: { verdict, reason, endpoint: null, candidates: [], hops: w.hops, reply: null, warnings },
    node: null,
  });
  if (client.ns !== null)
    throw new Error(`${proxy.label} of ${svcName} is traced for clients outside the cluster only`);
  const reached = reachFromOutside(w, cluster, client, target, opts, warnings, false);
  if (reached === null) return fail(`the load balancer of ${svcName} has no healthy node`);
  const node = reached.node;
  const envoy = deviceId(node.name, CILIUM_ENVOY_DEVICE);
  if (deviceOf(node, CILIUM_ENVOY_DEVICE) === undefined) return fail(`${node.name} runs no Envoy for ${svcName}`);
  const frontend = `${target.dstIP}:${target.dstPort ?? ''}`;
  w.hop({
    kind: 'netfilter',
    at: serviceId(svc.namespace, svc.name),
    node: node.name,
    rule: `tc ingress eth0 bpf_host.o:cil_from_netdev: lb4 ${frontend} LoadBalancer, L7 load balancer (CiliumEnvoyConfig ${svcName}) -> proxy redirect`,
    text: `Cilium's eBPF program on ${node.name}'s eth0 looks ${frontend} up in its service map: ${svcName} is an L7 load balancer Service, so there is no DNAT to a backend. The packet keeps its addresses (the client's source, the load balancer's destination) and is handed to the node's own Envoy.`,
  });
  // every packet of the connection meets this program and goes to Envoy (no translation to replay)
  w.hop({
    kind: 'deliver',
    at: envoy,
    node: node.name,
    rule: `TPROXY to Envoy's listener for ${svcName} (cilium-envoy, host network)`,
    text: `${proxy.label} on ${node.name} accepts the connection (the SYN) through TPROXY: its transparent listener takes a packet addressed to ${frontend}, and it sees the client ${client.ip} as its peer. No proxy pod: every node runs this Envoy.`,
  });
  const r = new PathWriter({ src: w.packet.dst, dst: w.packet.src, protocol: 'tcp', ttl: DEFAULT_TTL });
  r.hop({
    kind: 'socket',
    at: envoy,
    node: node.name,
    text: `${proxy.label} answers from ${r.packet.src}, the address the client dialed: the transparent socket keeps it, so no un-DNAT is needed.`,
  });
  r.hop({
    kind: 'route',
    at: deviceId(node.name, 'eth0'),
    node: node.name,
    rule: `default via ${defaultGateway(node)} dev eth0 proto static`,
    text: `${node.name} routes the answer to ${client.ip} out of eth0 (default route).`,
  });
  r.hop({
    kind: 'wire',
    at: INTERNET_ID,
    node: null,
    text: `The answer crosses the network back to ${client.ip}.`,
  });
  r.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text: `The client's socket receives the answer from ${r.packet.src}: the connection is established.`,
  });
  return {
    leg: {
      verdict: 'delivered',
      reason: `the load balancer sent the connection to ${node.name}, whose eBPF handed it to its Envoy`,
      endpoint: null,
      candidates: [],
      hops: w.hops,
      reply: { verdict: 'delivered', hops: r.hops },
      warnings,
    },
    node,
  };
}

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
  /** the packets of both connections in the order they happen */
  conversation: Exchange[];
}

/** The HTTP request as the client sends it. */
export interface HttpRequest extends IngressRequest {
  method: string;
  /** the query string as written, without `?` */
  query?: string;
  /** headers the client sent beyond Host */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Traces `request` from `client` to the L7 proxy reached through `target` (ingress-nginx: its
 * Service's LoadBalancer address or a NodePort), then the proxy's decision and its upstream
 * connection, and orders the packets of both connections as they happen.
 */
export function traceIngress(
  cluster: Cluster,
  proxy: L7Proxy,
  client: ServiceClient,
  target: ServiceTarget,
  request: HttpRequest,
  opts: ServiceTraceOptions & { seed: number },
): IngressResult {
  const lk = lookup(cluster);
  // Picks name the controller pod for the first leg and the backend for the proxy's choice; each
  // leg sees only its own, so neither warns about the other's.
  const ctrlPicks = opts.pick.filter((p) => p.startsWith('node/') || p.startsWith(`${target.svc.namespace}/`));
  const first =
    proxy.placement === 'node' ? nodeProxyLeg(cluster, proxy, client, target, { ...opts, pick: ctrlPicks }) : null;
  const leg1 = first?.leg ?? traceService(cluster, client, target, 'tcp', { ...opts, pick: ctrlPicks });
  const warnings = [...leg1.warnings];
  const ctrlKey = leg1.endpoint?.pod ?? null;
  const ctrl = ctrlKey === null ? undefined : lk.podByKey.get(ctrlKey);
  const place: ProxyPlace | null =
    first !== null
      ? first.node && placeOnNode(proxy, first.node)
      : ctrl
        ? {
            at: leg1.hops[leg1.hops.length - 1]?.at.startsWith('container/')
              ? (leg1.hops[leg1.hops.length - 1] as Hop).at
              : containerId(ctrl.namespace, ctrl.name, ctrl.containers[0]?.name ?? 'controller'),
            node: ctrl.node,
            netns: podNetns(cluster, ctrl),
            name: `${proxy.label} in ${ctrl.name}`,
            who: `${ctrl.namespace}/${ctrl.name}`,
            proxy: { kind: 'pod', pod: ctrl },
            lo: podEth0Id(ctrl.namespace, ctrl.name),
          }
        : null;
  if (leg1.verdict !== 'delivered' || !place) {
    // The proxy never saw the request: the client's connection failed on the way, as for any Service.
    return {
      verdict: leg1.verdict,
      reason: `The connection to the ${proxy.id === 'ingress-nginx' ? 'Ingress controller' : `${proxy.label} proxy`} failed: ${leg1.reason}`,
      endpoint: leg1.endpoint,
      candidates: leg1.candidates,
      hops: leg1.hops,
      reply: leg1.reply,
      http: null,
      warnings,
      conversation: openingExchanges('tcp', leg1.hops, leg1.reply, 'client-proxy'),
    };
  }
  const arrived = leg1.hops[leg1.hops.length - 1] as Hop;
  // $remote_addr: whatever source reached the proxy, a node-side address when kube-proxy SNATed it.
  const remoteAddr = ipOf(arrived.packet.src);
  const port = leg1.endpoint?.port ?? target.dstPort ?? (request.scheme === 'https' ? 443 : 80);
  const decision = proxy.decide(cluster, request, {
    proxy: place.proxy,
    remoteAddr,
    port,
    service: target.svc,
    seed: opts.seed,
    pick: opts.pick,
  });
  const ctrlAt = place.at;
  const name = place.name;
  const hops: Hop[] = [...leg1.hops];
  const query = request.query !== undefined && request.query !== '' ? `?${request.query}` : '';
  const line = `${request.method} ${request.scheme}://${request.host}${request.path}${query}`;
  hops.push({
    kind: 'proxy',
    at: ctrlAt,
    node: place.node,
    devices: [],
    packet: { ...arrived.packet },
    rule: decision.rule,
    text: `${name} ends the client's TCP connection and reads the request ${line} (Host ${request.host}) from ${remoteAddr}: ${decision.text}`,
  });
  const http: NonNullable<Trace['http']> = {
    method: request.method,
    host: request.host,
    path: request.path,
    status: decision.status,
    headers: decision.backendRequest ? { ...decision.backendRequest.headers } : {},
    route: decision.route ? { ...decision.route } : null,
    location: decision.redirect,
    backend: decision.backendRequest
      ? {
          method: decision.backendRequest.method,
          path: decision.backendRequest.path,
          headers: { ...decision.backendRequest.headers },
        }
      : null,
  };
  if (query !== '') http.query = request.query as string;
  const leg2 =
    decision.upstream !== null && (decision.status === 200 || decision.status === 502)
      ? upstream(cluster, proxy, place, decision, opts, warnings)
      : null;
  const legTwoFrom = hops.length;
  if (leg2 !== null) {
    hops.push(...leg2.hops);
    if (leg2.status !== null) {
      // the backend never got the request: the proxy answered 502 or 504 itself
      http.status = leg2.status;
      http.headers = {};
      http.backend = null;
    }
  }
  const status = proxy.statusLine(http.status);
  // The answers: the backend's to the proxy and the proxy relaying it, then the client's
  // connection back. When the proxy answers by itself (404, 503, 308, 502, 504) the reply is that
  // connection's path alone, as it has always been (old links' steps index it).
  const leg1Reply = leg1.reply?.hops ?? [];
  const replyHops: Hop[] = [];
  let relayAt: number | null = null;
  if (leg2?.reply) {
    replyHops.push(...leg2.reply);
    relayAt = replyHops.length;
    replyHops.push({
      kind: 'proxy',
      at: ctrlAt,
      node: place.node,
      devices: [],
      packet: { ...((leg1Reply[0] ?? arrived).packet as Packet) },
      text: `${proxy.label} relays the backend's ${status} to the client on the client's own connection.`,
    });
  }
  replyHops.push(...leg1Reply);
  const backend = leg2?.endpoint ?? null;
  const endpoint = backend ?? leg1.endpoint;
  const answered = http.status === 200 ? `the backend ${backend?.pod ?? ''} answered 200` : `the client got ${status}`;
  const reason = `${proxy.id} (${place.who}) took the connection (${leg1.reason}) and ${answered}: ${leg2?.reason ?? decision.text}`;
  const conversation = converse({
    client,
    name,
    line,
    status,
    leg1: { hops: leg1.hops.length, reply: leg1Reply.length },
    legTwoFrom,
    leg2,
    relayAt,
    why: answerWhy(decision, leg2),
    hops,
    replyHops,
    decision,
  });
  return {
    verdict: 'delivered',
    reason,
    endpoint,
    candidates: leg2?.candidates ?? [],
    hops,
    reply: { verdict: leg1.reply?.verdict ?? 'delivered', hops: replyHops },
    http,
    warnings,
    conversation,
  };
}

/** Why the proxy answered by itself, for its answer hop. */
function answerWhy(decision: L7Decision, leg2: Upstream | null): string {
  if (leg2 !== null && leg2.reason !== null) return leg2.reason;
  return decision.text;
}

/**
 * Retold conntrack hops for a later packet of a connection: the entry the SYN created is found,
 * not created again (kube-proxy's NAT rules see only a connection's first packet).
 */
function established(hops: readonly Hop[], from: number, to: number): NonNullable<Exchange['retell']> {
  const out: NonNullable<Exchange['retell']> = [];
  for (let index = from; index < to; index++) {
    const hop = hops[index] as Hop;
    if (hop.kind === 'conntrack' && hop.nat === undefined)
      out.push({
        index,
        text: `conntrack on ${hop.node ?? 'the node'} finds the connection it recorded for the SYN and gives this packet the same translation: the NAT rules are consulted only for a connection's first packet.`,
        // the entry has seen the reply by now (conntrackLine's replied form)
        ...(hop.rule === undefined ? {} : { rule: hop.rule.replace(' [UNREPLIED]', '') }),
      });
    else if (hop.nat?.type === 'MASQUERADE' || hop.nat?.type === 'SNAT')
      out.push({
        index,
        text: `conntrack on ${hop.node ?? 'the node'} gives this packet the source ${hop.nat.after.src} it recorded for the SYN; POSTROUTING's rules are not consulted again.`,
        rule: `conntrack: ${hop.nat.type} to ${hop.nat.after.src}, recorded for the SYN`,
      });
  }
  return out;
}

/** The hops a later packet of a connection does not meet: rules only its first packet consults. */
function skipped(hops: readonly Hop[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let index = from; index < to; index++) if (hops[index]?.firstPacketOnly) out.push(index);
  return out;
}

/**
 * The two connections in the order their packets go: the client's handshake with the proxy, the
 * request, the proxy's own handshake with the backend, its request and the backend's response,
 * then the response to the client. Later packets replay the path their connection's SYN (or
 * SYN-ACK) took, conntrack applying the translations it recorded; where a hop's sentence names the
 * first packet, the exchange retells it.
 */
function converse(p: {
  client: ServiceClient;
  name: string;
  line: string;
  status: string;
  leg1: { hops: number; reply: number };
  legTwoFrom: number;
  leg2: Upstream | null;
  /** the hop where the proxy relays the backend's answer; null when it answers by itself */
  relayAt: number | null;
  why: string;
  hops: readonly Hop[];
  replyHops: readonly Hop[];
  decision: L7Decision;
}): Exchange[] {
  const { leg1, legTwoFrom, relayAt, hops, replyHops, name } = p;
  const out: Exchange[] = [];
  const leg1Back = { from: relayAt === null ? 0 : relayAt + 1, to: replyHops.length };
  const arrived = hops[leg1.hops - 1] as Hop;
  out.push({
    leg: 'client-proxy',
    direction: 'to-server',
    carries: ['SYN'],
    path: 'hops',
    from: 0,
    to: leg1.hops,
    text: `The client opens a TCP connection to the proxy: its SYN travels to ${name}.`,
  });
  if (leg1.reply > 0) {
    out.push({
      leg: 'client-proxy',
      direction: 'to-client',
      carries: ['SYN-ACK'],
      path: 'reply',
      ...leg1Back,
      text: `${name} accepts: its SYN-ACK travels back, and the client's connection is established.`,
    });
  }
  out.push({
    leg: 'client-proxy',
    direction: 'to-server',
    carries: ['ACK', 'request'],
    path: 'hops',
    from: 0,
    to: legTwoFrom,
    text: `The client's ACK completes the handshake and its request ${p.line} follows on the same connection.`,
    skip: skipped(hops, 0, legTwoFrom),
    retell: [
      ...established(hops, 1, leg1.hops - 1),
      {
        index: 0,
        text: `${p.client.label} sends the ACK that completes the handshake, then the HTTP request ${p.line}, on the connection it opened: they follow the SYN's path, and conntrack applies the translations it recorded for it.`,
      },
      {
        index: leg1.hops - 1,
        text: `${name} receives the ACK, then the request, from ${arrived.packet.src} on the connection it accepted.`,
      },
    ],
  });
  const leg2 = p.leg2;
  if (leg2 !== null) {
    const legTwo = { from: legTwoFrom, to: hops.length };
    const backend = leg2.endpoint?.pod ?? leg2.endpoint?.ip ?? 'the backend';
    out.push({
      leg: 'proxy-backend',
      direction: 'to-server',
      carries: ['SYN'],
      path: 'hops',
      ...legTwo,
      text: `${name} opens its own TCP connection to the backend: its SYN travels to ${backend}.`,
    });
    const back = leg2.reply?.length ?? 0;
    if (back > 0) {
      const req = p.decision.backendRequest;
      const xff = Object.entries(req?.headers ?? {}).find(([n]) => n.toLowerCase() === 'x-forwarded-for')?.[1];
      const head = hops[legTwoFrom] as Hop;
      out.push(
        {
          leg: 'proxy-backend',
          direction: 'to-client',
          carries: ['SYN-ACK'],
          path: 'reply',
          from: 0,
          to: back,
          text: `${backend} accepts: its SYN-ACK travels back to ${name}.`,
        },
        {
          leg: 'proxy-backend',
          direction: 'to-server',
          carries: ['ACK', 'request'],
          path: 'hops',
          ...legTwo,
          text: `${name}'s ACK completes its handshake with the backend, and the request follows.`,
          skip: skipped(hops, legTwoFrom, hops.length),
          retell: [
            ...established(hops, legTwoFrom + 1, hops.length - 1),
            {
              index: legTwoFrom,
              text: `${name} sends the ACK, then the request ${req?.method ?? 'GET'} ${req?.path ?? '/'} from ${head.packet.src}${xff !== undefined ? `, with X-Forwarded-For: ${xff}` : ''}.`,
            },
            {
              index: hops.length - 1,
              text: `${backend} receives the request from ${head.packet.src}, the proxy${xff !== undefined ? `; X-Forwarded-For says the client was ${xff}` : ''}.`,
            },
          ],
        },
        {
          leg: 'proxy-backend',
          direction: 'to-client',
          carries: ['response'],
          path: 'reply',
          from: 0,
          to: back,
          text: `${backend} answers the request: ${p.status} travels back to ${name}.`,
          retell: [
            { index: 0, text: `${backend} writes its response, ${p.status}, on the proxy's connection.` },
            { index: back - 1, text: `${name} receives the backend's ${p.status}.` },
          ],
        },
      );
    }
  }
  const answer = replyHops[leg1Back.from];
  const last = replyHops[leg1Back.to - 1];
  out.push({
    leg: 'client-proxy',
    direction: 'to-client',
    carries: ['response'],
    path: 'reply',
    from: relayAt ?? 0,
    to: replyHops.length,
    text: `${name}'s response, ${p.status}, travels back to the client on the client's connection.`,
    retell:
      answer && last && leg1Back.to > leg1Back.from
        ? [
            {
              index: leg1Back.from,
              text:
                relayAt === null
                  ? `${name} answers the request itself, ${p.status}, and sends it to ${answer.packet.dst} along the SYN-ACK's path: ${p.why}`
                  : `${name} sends the response, ${p.status}, to ${answer.packet.dst}: it follows the SYN-ACK's path, and conntrack applies the translations it recorded.`,
            },
            { index: leg1Back.to - 1, text: `The client receives ${p.status} from ${last.packet.src}.` },
          ]
        : [],
  });
  return out;
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
  proxy: L7Proxy,
  place: ProxyPlace,
  decision: L7Decision,
  opts: ServiceTraceOptions & { seed: number },
  warnings: TraceWarning[],
): Upstream | null {
  const up = decision.upstream;
  if (up === null) return null;
  const label = proxy.label;
  const ctrlAt = place.at;
  const client: ServiceClient = {
    ns: place.netns,
    at: ctrlAt,
    node: place.node,
    label: place.name,
    ip: decision.upstreamSource,
  };
  if (up.kind === 'service') {
    const svc = up.service;
    const port = svc.ports.find((p) => p.port === up.port && p.protocol === 'tcp') ?? null;
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
          ? `with service-upstream ${label} connected to the ClusterIP ${up.ip}:${up.port} and ${leg.reason}`
          : `${label}'s connection to ${up.ip}:${up.port} failed (${leg.reason}): ${failed}.`,
    };
  }
  const chosen = up.chosen;
  const candidates: Candidate[] = up.endpoints.map((e) => ({
    pod: e.pod ?? e.ip,
    ip: e.ip,
    port: e.port,
    probability: e.probability ?? up.probability,
    chosen: e === chosen,
  }));
  const ep = chosen.pod === null ? undefined : lookup(cluster).podByKey.get(chosen.pod);
  if (!ep) return null;
  const dst = podNetns(cluster, ep);
  // A node's proxy answers at the address it bound (the ingress address, in the pod range): the
  // backend's answer is routed there like a pod's, through the tunnel when the nodes differ.
  const src: Netns = place.netns.kind === 'host' ? { ...place.netns, ip: decision.upstreamSource } : place.netns;
  const w = new PathWriter({
    src: `${decision.upstreamSource}:${opts.ephemeralPort()}`,
    dst: `${chosen.ip}:${chosen.port}`,
    protocol: 'tcp',
    ttl: DEFAULT_TTL,
  });
  w.hop({
    kind: 'socket',
    at: ctrlAt,
    node: place.node,
    rule: up.rule,
    text:
      place.proxy.kind === 'pod'
        ? `${label} opens its own TCP connection (SYN), from ${w.packet.src} to the endpoint ${w.packet.dst} (${chosen.pod ?? ''}): a pod IP from the EndpointSlices, not the ClusterIP, so kube-proxy plays no part.`
        : `${place.name} opens its own TCP connection (SYN) to the endpoint ${w.packet.dst} (${chosen.pod ?? ''}), a pod IP from the EndpointSlices, not the ClusterIP. It binds the node's ingress address ${ipOf(w.packet.src)}${decision.upstreamIdentity === undefined ? '' : `, which Cilium's ipcache maps to the reserved identity ingress (${decision.upstreamIdentity})`}: the backend's policy sees that source, not the client.`,
  });
  const ctx: WalkContext = {
    cluster,
    ephemeralPort: opts.ephemeralPort,
    snat: null,
    policy: networkPolicies(cluster).length > 0 ? { reply: false, verdict: null, dropped: null } : null,
    ...(decision.upstreamIdentity === undefined
      ? {}
      : { srcIdentity: decision.upstreamIdentity, boundSrc: decision.upstreamSource }),
  };
  const same = sameNetns(src, dst);
  if (same)
    w.hop({
      kind: 'loopback',
      at: place.lo,
      node: place.node,
      text:
        place.proxy.kind === 'pod'
          ? 'The backend is the controller pod itself: the packet stays in its namespace.'
          : `The backend is a hostNetwork pod of ${place.node}: the packet stays in the node's namespace.`,
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
        text: `The packet is dropped silently; ${label} waits for the upstream.`,
      });
    return {
      hops: w.hops,
      reply: null,
      endpoint,
      candidates,
      status: 504,
      reason: `NetworkPolicy drops ${label}'s connection to ${chosen.pod ?? chosen.ip} (${ctx.policy.verdict?.reason ?? ''}); ${label} gives up on the upstream: ${proxy.statusLine(504)}.`,
    };
  }
  const listener = listenerOf(ep, chosen.port, 'tcp');
  if (listener === null) {
    w.hop({
      kind: 'reject',
      at: podEth0Id(ep.namespace, ep.name),
      node: ep.node,
      text: `Nothing in ${ep.name} listens on TCP port ${chosen.port}: its kernel answers with a TCP RST, and ${label} answers the client ${proxy.statusLine(502)}.`,
    });
    return {
      hops: w.hops,
      reply: null,
      endpoint,
      candidates,
      status: 502,
      reason: `nothing in ${chosen.pod ?? ''} listens on TCP port ${chosen.port}: ${proxy.statusLine(502)}.`,
    };
  }
  const name = listener.slice(listener.lastIndexOf('/') + 1);
  endpoint.container = name;
  w.hop({
    kind: 'deliver',
    at: listener,
    node: ep.node,
    text:
      place.proxy.kind === 'pod'
        ? `Container ${name} in ${ep.name} accepts ${label}'s connection (the SYN); it sees ${ipOf(w.packet.src)}, the ${proxy.id === 'ingress-nginx' ? 'controller' : `${label}`} pod, as its peer (the client is in X-Forwarded-For).`
        : `Container ${name} in ${ep.name} accepts ${label}'s connection (the SYN); it sees ${ipOf(w.packet.src)}, ${place.node}'s ingress address, as its peer (the client is in X-Forwarded-For).`,
  });
  const r = new PathWriter({ src: w.packet.dst, dst: w.packet.src, protocol: 'tcp', ttl: DEFAULT_TTL });
  r.hop({
    kind: 'socket',
    at: listener,
    node: ep.node,
    text: `${ep.name} accepts: its SYN-ACK goes back to ${label} at ${r.packet.dst}.`,
  });
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;
  if (same)
    r.hop({
      kind: 'loopback',
      at: place.lo,
      node: place.node,
      text: 'Back inside the namespace.',
    });
  else walk(r, ctx, dst, src);
  r.hop({
    kind: 'deliver',
    at: ctrlAt,
    node: place.node,
    text: `${label} receives the SYN-ACK from ${r.packet.src}: its connection to the backend is established.`,
  });
  const policy = ctx.policy?.verdict;
  const note = policy && (policy.egress.isolated || policy.ingress.isolated) ? ` ${policy.reason}` : '';
  return { hops: w.hops, reply: r.hops, endpoint, candidates, status: null, reason: `${decision.text}${note}` };
}
