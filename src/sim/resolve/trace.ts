/**
 * `trace(cluster, request, options)`: the path a packet really takes, hop by hop, with its reply.
 * Data in, data out: no clock, no global randomness (a seed drives every random choice).
 */
import type { ElementId } from '../model/ids';
import {
  containerId,
  deviceId,
  externalId,
  INTERNET_ID,
  nodeId,
  parseElementId,
  podEth0Id,
  podLoId,
} from '../model/ids';
import { setWarnings } from '../trace/warnings';
import type { TraceWarning } from '../trace/warnings';
import { lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Container, Pod, Protocol, Service, ServicePort } from '../model/types';
import { createRng } from '../model/rng';
import type { Packet, Trace, TraceRequest, Verdict } from '../trace/types';
import { PathWriter } from './pathWriter';
import { hostListener } from './hostPorts';
import { hostRoute, listenerOf, netnsIP, podNetns, sameNetns, walk, walkNatReply } from './podPath';
import type { Netns, WalkContext } from './podPath';
import { TraceRequestError, parseDestination, parseSource } from './request';
import type { Destination, Source } from './request';
import { DroppedOutside, traceService } from './serviceTrace';
import type { ServiceClient, ServiceTarget } from './serviceTrace';
import { backendsOf } from '../proxy';
import { resolveDestination } from './dnsTrace';
import { freshPolicyState, policyDropReason, policyNote, traceToExternal } from './edgeTrace';
import { traceIngress } from './ingressTrace';
import { directConversation } from '../trace/conversation';
import { hasHostPort, traceHostPort } from './hostPortTrace';
import { resolveHostPort } from './hostPorts';
import { INGRESS_NGINX_NAME, INGRESS_NGINX_NAMESPACE, hostMatches } from './ingress';
import { l7Exposure, l7ProxyForService } from '../l7/registry';
import { ingresses, nginxIngresses } from '../model/ingressModel';
import type { HttpRequest } from './ingressTrace';
import { cidrContains } from '../model/ip';
import { parseCidr, parseIPv4 } from '../model/memo';
import { withLinkFrames } from './linkFrames';
import { GatewayRequestError, parseHeaderLine } from '../gateway/request';
import { gatewayApi } from '../gateway/model';
import { hostnameCovers } from '../gateway/hostname';
import { ENVOY_GATEWAY_NAMESPACE } from '../model/envoyGateway';

/** RFC 9110 token: what an HTTP method is made of. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface TraceInput {
  /** `pod/<ns>/<name>[:container]`, `node/<name>` or `external/<ip>` */
  from: string;
  /** `pod/<ns>/<name>`, `node/<name>`, an IP, `ip:port`, `localhost:port` or an http(s) URL */
  to: string;
  /** the HTTP Host header for a URL that carries an IP (the URL's host otherwise) */
  host?: string;
  /** the port the client dials */
  port?: number;
  protocol?: Protocol;
  /** the HTTP method of a URL request (default GET); Gateway API routes may match on it */
  method?: string;
  /** header lines `Name: value` of a URL request; a Host line replaces the URL's host */
  headers?: readonly string[];
}

export interface TraceOptions {
  /** drives every random choice (ephemeral ports, endpoint choice); default 1 */
  seed?: number;
  /** `ns/pod` names that pin a random choice among pods; `node/<name>` pins a load balancer's node */
  pick?: readonly string[];
  /**
   * IPVS round robin: how many connections the deciding node already scheduled to this virtual
   * server (default 0: a fresh node starts at the first real server in ipvsadm order).
   */
  rrOffset?: number;
}

/**
 * The Service a trace went through and the node whose proxy decided, for the distribution and
 * burst functions (returned beside the trace by `traceWithService`, not in the public format).
 */
export interface ServiceVia {
  service: Service;
  node: string;
}

/** Linux's default ip_local_port_range. */
const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;
const DEFAULT_TTL = 64;
const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'icmp'];

const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);

/** One end of the conversation: its namespace, where it is drawn, and how to name it in text. */
interface Party {
  ns: Netns;
  /** element id of the socket */
  at: ElementId;
  node: string;
  label: string;
}

/** What answers at the destination: a listening socket, or nothing (the kernel refuses). */
interface Answer {
  at: ElementId | null;
  name: string | null;
  /** `ns/name` of the pod that answers (or the pod addressed when nothing listens) */
  pod: string | null;
  /** where a refusal is drawn */
  rejectAt: ElementId;
  /** the answering pod's IP */
  ip: string | null;
  label: string;
}

/**
 * Resolves the path of one request through the cluster.
 *
 * @example
 * const t = trace(buildCluster(), { from: 'pod/default/client', to: 'pod/default/app-1', port: 8080 });
 * t.verdict; // 'delivered'
 * t.hops.map((h) => h.kind); // ['socket', 'route', 'arp', 'veth', 'bridge', 'veth', 'deliver']
 *
 * @throws TraceRequestError when the request names something the cluster lacks, is malformed, or
 *   asks for a path that does not touch the cluster (an external client to an external address).
 */
export function trace(cluster: Cluster, input: TraceInput, options: TraceOptions = {}): Trace {
  return withConversation(withLinkFrames(cluster, traceInto(cluster, input, options, { via: null })));
}

/** `trace`, and which Service's proxy decided on which node (null when no Service was involved). */
export function traceWithService(
  cluster: Cluster,
  input: TraceInput,
  options: TraceOptions = {},
): { trace: Trace; via: ServiceVia | null } {
  const out: { via: ServiceVia | null } = { via: null };
  const t = withConversation(withLinkFrames(cluster, traceInto(cluster, input, options, out)));
  return { trace: t, via: out.via };
}

/** Every trace holds its conversation; one no L7 proxy ended is the request, then its answer. */
function withConversation(t: Trace): Trace {
  if (t.conversation === undefined) t.conversation = directConversation(t);
  return t;
}

function traceInto(cluster: Cluster, input: TraceInput, options: TraceOptions, out: { via: ServiceVia | null }): Trace {
  const protocol: Protocol = input.protocol ?? 'tcp';
  if (!PROTOCOLS.includes(protocol))
    throw new TraceRequestError(`protocol: "${String(protocol)}" is not tcp, udp or icmp`, 'protocol');
  const seed = options.seed ?? 1;
  const request: TraceRequest = { from: input.from, to: input.to, protocol, seed, pick: [...(options.pick ?? [])] };
  if (input.port !== undefined) request.port = input.port;
  if (input.method !== undefined) request.method = input.method;
  if (input.headers !== undefined && input.headers.length > 0) request.headers = [...input.headers];
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw new TraceRequestError(`port: ${input.port} is not a port number (1-65535)`, 'port');
  }
  const rng = createRng(seed);
  const source = parseSource(cluster, input.from);
  let destination = parseDestination(cluster, input.to, input.port);
  const pick = request.pick;

  // A URL: the host is dialed like any destination; when that reaches ingress-nginx, NGINX proxies.
  let http: HttpIntent | null = null;
  if (destination.kind === 'url') {
    const url = destination;
    http = httpIntent(cluster, url, input);
    destination = http.dial;
  } else if (input.method !== undefined || (input.headers ?? []).length > 0) {
    throw new TraceRequestError(
      `${input.method !== undefined ? 'method' : 'header'}: a method and headers belong to an HTTP request; give an http:// or https:// URL as the destination`,
      input.method !== undefined ? 'method' : 'header',
    );
  }

  // A name is resolved first, as the client's resolver would; the DNS packet is traced too.
  let dns: Trace['dns'] = null;
  let headless: Trace['candidates'] = [];
  if (destination.kind === 'service' && destination.service.clusterIP === null) {
    const svc = destination.service;
    destination = {
      kind: 'name',
      name: `${svc.name}.${svc.namespace}.svc.${cluster.settings.dnsDomain}.`,
      port: destination.port,
    };
  }
  if (destination.kind === 'name') {
    const clientPod = source.kind === 'pod' ? source.pod : null;
    const nodeName = source.kind === 'pod' ? source.pod.node : source.kind === 'node' ? source.node.name : null;
    const resolved = resolveDestination(cluster, clientPod, nodeName, destination.name, rng, pick);
    dns = resolved.dns;
    if (resolved.ip === null) {
      return withWarnings(
        {
          request,
          verdict: 'unresolved',
          reason: resolved.reason,
          endpoint: null,
          candidates: [],
          hops: [],
          dns,
          reply: null,
          http: null,
        },
        pick,
      );
    }
    headless = resolved.candidates;
    let port = destination.port ?? resolved.port ?? null;
    // Headless: the client dials the pod itself, where the Service port means nothing; without a
    // port it uses the one the endpoint listens on.
    if (port === null && resolved.service)
      port =
        resolved.service.clusterIP === null
          ? (headless.find((c) => c.chosen)?.port ?? headlessPort(cluster, resolved.service, protocol))
          : firstPort(resolved.service, protocol);
    destination = { kind: 'ip', ip: resolved.ip, port };
  }

  const target = serviceTarget(cluster, source, destination, protocol);
  const l7 = target !== null && http !== null && protocol === 'tcp' ? l7ProxyForService(target.svc, cluster) : null;
  if (target !== null && http !== null && l7 !== null) {
    // A node's own proxy (Cilium's Envoy) is followed from outside the cluster, the way the
    // Internet reaches a Gateway; a pod's connection to it would start at its own node's Envoy.
    if (l7.placement === 'node' && source.kind !== 'external')
      throw new TraceRequestError(
        `from: ${input.from} is inside the cluster; the path through ${target.svc.namespace}/${target.svc.name} (Cilium's per-node Envoy) is traced from outside it (from: external/<ip>)`,
        'from',
      );
    const client = serviceClient(cluster, source, target);
    const r = traceIngress(cluster, l7, client, target, http.request, {
      random: () => rng.next(),
      ephemeralPort: () => rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
      pick,
      rrOffset: options.rrOffset ?? 0,
      seed,
    });
    const reason = http.note === null ? r.reason : `${http.note} ${r.reason}`;
    const t = withWarnings(
      {
        request,
        verdict: r.verdict,
        reason,
        endpoint: r.endpoint,
        candidates: r.candidates,
        hops: r.hops,
        dns,
        reply: r.reply,
        http: r.http,
      },
      pick,
    );
    // A pick of the controller pod pinned the first leg's choice, which the candidates (NGINX's) do not show.
    const delivered = new Set(
      t.hops.flatMap((h) => {
        const e = h.kind === 'deliver' ? parseElementId(h.at) : null;
        return e && (e.kind === 'container' || e.kind === 'pod') ? [`${e.namespace}/${e.pod}`] : [];
      }),
    );
    const warnings = [...r.warnings, ...pickWarnings(t, pick).filter((w) => !delivered.has(w.pick))];
    setWarnings(t, warnings);
    if (r.conversation !== null) t.conversation = r.conversation;
    return t;
  }
  if (target !== null) {
    const client = serviceClient(cluster, source, target);
    let result;
    try {
      result = traceService(cluster, client, target, protocol, {
        random: () => rng.next(),
        ephemeralPort: () => rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
        pick,
        rrOffset: options.rrOffset ?? 0,
      });
    } catch (error) {
      if (error instanceof DroppedOutside) {
        return withWarnings(
          {
            request,
            verdict: 'dropped',
            reason: `${target.dstIP} is a ClusterIP: it cannot be reached from outside the cluster.`,
            endpoint: null,
            candidates: [],
            hops: error.hops,
            dns,
            reply: null,
            http: null,
          },
          pick,
        );
      }
      throw error;
    }
    const t = withWarnings(
      {
        request,
        verdict: result.verdict,
        reason: result.reason,
        endpoint: result.endpoint,
        candidates: result.candidates,
        hops: result.hops,
        dns,
        reply: result.reply,
        http: null,
      },
      pick,
    );
    const decided = result.hops.find(
      (h) => h.kind === 'netfilter' || h.kind === 'ipvs' || (h.kind === 'socket' && h.rule?.startsWith('cgroup/')),
    );
    out.via = { service: target.svc, node: decided?.node ?? client.node ?? '' };
    return t;
  }

  let client: Party;
  if (destination.kind === 'service' || destination.kind === 'nodeport' || destination.kind === 'url') {
    throw new TraceRequestError(`to: ${input.to} is not a destination here`, 'to');
  }
  if (destination.kind === 'ip' && isOutside(cluster, destination.ip)) {
    // Egress (section 9): out by the node's default route, to a server the model only knows by address.
    if (source.kind === 'external')
      throw new TraceRequestError(
        `to: ${destination.ip} is outside the cluster, and so is ${input.from}: the path between them does not touch the cluster`,
        'to',
      );
    const port = protocol === 'icmp' ? null : destination.port;
    if (port === null && protocol !== 'icmp')
      throw new TraceRequestError(
        `port: ${destination.ip} is outside the cluster; give the port it listens on with --port (or ip:port)`,
        'port',
      );
    const from =
      source.kind === 'node'
        ? {
            ns: { kind: 'host' as const, node: source.node },
            at: nodeId(source.node.name),
            node: source.node.name,
            label: `A process on ${source.node.name}`,
            ip: source.node.internalIP,
          }
        : {
            ns: podNetns(cluster, source.pod),
            at: containerId(source.pod.namespace, source.pod.name, source.container.name),
            node: source.pod.node,
            label: `Container ${source.container.name}`,
            ip: source.pod.ip,
          };
    const r = traceToExternal(cluster, from, destination.ip, port, protocol, () =>
      rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
    );
    return withWarnings(
      {
        request,
        verdict: r.verdict,
        reason: r.reason,
        endpoint: null,
        candidates: headless,
        hops: r.hops,
        dns,
        reply: r.reply,
        http: null,
      },
      pick,
    );
  }
  if (source.kind === 'external') {
    return fromOutside(cluster, request, source.ip, destination, protocol, rng, dns, pick);
  } else if (source.kind === 'node') {
    client = {
      ns: { kind: 'host', node: source.node },
      at: nodeId(source.node.name),
      node: source.node.name,
      label: `A process on ${source.node.name}`,
    };
  } else {
    const pod = source.pod;
    client = {
      ns: podNetns(cluster, pod),
      at: containerId(pod.namespace, pod.name, source.container.name),
      node: pod.node,
      label: `Container ${source.container.name}`,
    };
  }

  // Where the packet goes: a namespace, and the address it is sent to.
  let server: Netns;
  let loopback = false;
  let dstPod: Pod | null = null;
  if (destination.kind === 'pod') {
    dstPod = destination.pod;
    server = podNetns(cluster, dstPod);
  } else if (destination.kind === 'node') {
    server = { kind: 'host', node: destination.node };
  } else if (destination.kind === 'loopback') {
    server = client.ns;
    loopback = true;
  } else {
    server = netnsForIP(cluster, destination.ip);
    if (server.kind === 'pod') dstPod = server.pod;
  }

  const port = protocol === 'icmp' ? null : (destination.port ?? defaultPort(dstPod, protocol));
  if (protocol !== 'icmp' && port === null) {
    const what = dstPod
      ? `pod ${dstPod.namespace}/${dstPod.name} declares no ${protocol} port`
      : 'a node has no default port';
    throw new TraceRequestError(`port: ${what}; give one with --port`, 'port');
  }

  const samens = loopback || sameNetns(client.ns, server);
  const dstIP = loopback ? '127.0.0.1' : netnsIP(server);
  let srcIP: string;
  if (loopback) srcIP = '127.0.0.1';
  else if (samens) srcIP = dstIP;
  else if (client.ns.kind === 'pod') srcIP = client.ns.pod.ip;
  else srcIP = hostRoute(cluster, client.ns.node, server).src;

  // A pod's hostPort on a node address: portmap's DNAT on the pod's own node (section 11).
  if (
    server.kind === 'host' &&
    !dstPod &&
    port !== null &&
    protocol !== 'icmp' &&
    hasHostPort(cluster, server.node.name, port, protocol)
  ) {
    const from = {
      ns: client.ns,
      at: client.at,
      node: client.node,
      label: client.label,
      ip: loopback
        ? '127.0.0.1'
        : client.ns.kind === 'pod'
          ? client.ns.pod.ip
          : samens
            ? dstIP
            : hostRoute(cluster, client.ns.node, server).src,
    };
    const r = traceHostPort(cluster, from, server.node, dstIP, port, protocol, () =>
      rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
    );
    if (r !== null)
      return withWarnings(
        {
          request,
          verdict: r.verdict,
          reason: r.reason,
          endpoint: r.endpoint,
          candidates: headless,
          hops: r.hops,
          dns,
          reply: r.reply,
          http: null,
        },
        pick,
      );
  }

  const srcPort = protocol === 'icmp' ? null : rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX);
  const packet: Packet = { src: addr(srcIP, srcPort), dst: addr(dstIP, port), protocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  // NetworkPolicy is evaluated on the walk (section 10) only when the cluster has policies at all.
  const ctx: WalkContext = {
    cluster,
    ephemeralPort: () => rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
    snat: null,
    policy: freshPolicyState(cluster),
  };
  w.hop({
    kind: 'socket',
    at: client.at,
    node: client.node,
    rule: socketRule(protocol, packet),
    text: openText(client.label, packet, protocol),
  });

  const answer = answerOf(cluster, server, dstPod, port, protocol, samens);
  const serverNode = server.kind === 'pod' ? server.pod.node : server.node.name;
  const lo = loId(server);
  if (samens) {
    w.hop({
      kind: 'loopback',
      at: lo,
      node: serverNode,
      rule: `local ${dstIP} dev lo table local proto kernel scope host src ${dstIP}`,
      text:
        server.kind === 'pod'
          ? `${dstIP} is local to the pod's network namespace, which all its containers share: the packet goes through lo and never leaves the pod.`
          : `${dstIP} is local to ${serverNode}'s root network namespace: the packet goes through lo and never leaves the node.`,
    });
  } else {
    walk(w, ctx, client.ns, server);
  }
  const dropped = policyDropReason(w, ctx.policy);
  if (dropped !== null) {
    return withWarnings(
      {
        request,
        verdict: 'dropped',
        reason: dropped,
        endpoint: null,
        candidates: headless,
        hops: w.hops,
        dns,
        reply: null,
        http: null,
      },
      pick,
    );
  }

  let verdict: Verdict;
  let reason: string;
  const proto = protocol.toUpperCase();
  if (answer.at !== null) {
    w.hop({ kind: 'deliver', at: answer.at, node: serverNode, text: deliverText(answer, port, protocol) });
    verdict = 'delivered';
    reason =
      protocol === 'icmp'
        ? `${answer.label} answered the ping.`
        : `${answer.name ?? ''} in ${answer.label} accepted the ${proto} ${protocol === 'tcp' ? 'connection' : 'datagram'} on port ${port ?? ''}.`;
  } else {
    w.hop({
      kind: 'reject',
      at: answer.rejectAt,
      node: serverNode,
      text: `Nothing in ${answer.label} listens on ${proto} port ${port ?? ''}, so its kernel refuses the ${protocol === 'tcp' ? 'connection with a TCP RST' : 'datagram with ICMP port unreachable'}.`,
    });
    verdict = 'refused';
    reason = `Nothing in ${answer.label} listens on ${proto} port ${port ?? ''}.`;
    // A hostPort published on another node: portmap's rule exists only there (section 11).
    if (server.kind === 'host' && port !== null && protocol !== 'icmp') {
      const hp = resolveHostPort(cluster, { node: server.node, port, protocol, srcIP });
      if (hp.kind === 'refused' && hp.text.includes('hostPort')) reason = hp.text;
    }
  }
  reason += policyNote(ctx.policy);
  // The reply of an allowed connection passes whatever the policies say (conntrack, section 10).
  if (ctx.policy) ctx.policy.reply = true;
  ctx.reply = true;

  const reply = replyPath(w.packet, client, server, answer, ctx, protocol, samens, lo, verdict);
  let endpoint: Trace['endpoint'] = null;
  if (answer.pod !== null) {
    // The endpoint's own address (the pod IP, the node IP for hostNetwork), even when it was
    // reached over 127.0.0.1.
    endpoint = { pod: answer.pod, ip: answer.ip ?? dstIP, port: port ?? 0 };
    if (answer.pod !== null && answer.at !== null && answer.at.startsWith('container/') && protocol !== 'icmp')
      endpoint.container = answer.name ?? '';
  }
  return withWarnings(
    { request, verdict, reason, endpoint, candidates: headless, hops: w.hops, dns, reply, http: null },
    pick,
  );
}

/**
 * A client outside the cluster to something that is not a Service: a node address (its own
 * sockets, or a pod's hostPort through portmap), or a pod address, which the Internet cannot route.
 */
function fromOutside(
  cluster: Cluster,
  request: TraceRequest,
  ip: string,
  destination: Destination,
  protocol: Protocol,
  rng: ReturnType<typeof createRng>,
  dns: Trace['dns'],
  pick: readonly string[],
): Trace {
  const lk = lookup(cluster);
  const client = { ns: null, at: externalId(ip), node: null, label: `A client at ${ip}`, ip };
  const dest =
    destination.kind === 'node'
      ? { ip: destination.node.internalIP, port: destination.port }
      : destination.kind === 'ip'
        ? { ip: destination.ip, port: destination.port }
        : destination.kind === 'pod'
          ? { ip: destination.pod.ip, port: destination.port }
          : null;
  const node = dest === null ? undefined : lk.nodeByIP.get(dest.ip);
  if (dest !== null && node && protocol !== 'icmp') {
    if (dest.port === null)
      throw new TraceRequestError('port: a node has no default port; give one with --port', 'port');
    const r = traceHostPort(cluster, client, node, dest.ip, dest.port, protocol, () =>
      rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX),
    );
    if (r !== null)
      return withWarnings(
        {
          request,
          verdict: r.verdict,
          reason: r.reason,
          endpoint: r.endpoint,
          candidates: [],
          hops: r.hops,
          dns,
          reply: r.reply,
          http: null,
        },
        pick,
      );
  }
  if (dest !== null && (lk.podByIP.has(dest.ip) || cidrContains(lk.podSubnet, parseIPv4(dest.ip) ?? 0))) {
    // Pod addresses are private to the cluster: nothing outside has a route to the pod network.
    const w = new PathWriter({
      src: `${ip}:${rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX)}`,
      dst: dest.port === null ? dest.ip : `${dest.ip}:${dest.port}`,
      protocol,
      ttl: DEFAULT_TTL,
    });
    w.hop({
      kind: 'socket',
      at: client.at,
      node: null,
      rule: `connect(${w.packet.dst}) ${protocol.toUpperCase()}`,
      text: `${client.label} sends a packet to ${w.packet.dst}, a pod address.`,
    });
    w.hop({
      kind: 'drop',
      at: INTERNET_ID,
      node: null,
      text: `${dest.ip} is in the cluster's pod network ${cluster.settings.podSubnet}, which no router outside the cluster knows: the packet is lost and the client times out. Pods are reached from outside through a NodePort, a load balancer or an Ingress.`,
    });
    return withWarnings(
      {
        request,
        verdict: 'dropped',
        reason: `${dest.ip} is a pod address: it is not routable from outside the cluster.`,
        endpoint: null,
        candidates: [],
        hops: w.hops,
        dns,
        reply: null,
        http: null,
      },
      pick,
    );
  }
  throw new TraceRequestError(
    `from: traffic from outside the cluster (${request.from}) to ${request.to} is not simulated: reach the cluster through a node address, a NodePort, a load balancer or an Ingress URL`,
    'from',
  );
}

/** An HTTP request: what the client dials, and the request NGINX reads if the connection reaches it. */
interface HttpIntent {
  dial: Destination;
  request: HttpRequest;
  /** how the host was resolved when that is not traced, for the reason */
  note: string | null;
}

/**
 * Where a URL's host takes the client: an IP as it is; a host an Ingress names resolves, as its
 * public DNS record would, to where the controller is exposed (ingressExposure); any other name
 * goes through the client's resolver like a plain destination.
 */
function httpIntent(cluster: Cluster, url: Extract<Destination, { kind: 'url' }>, input: TraceInput): HttpIntent {
  const defaultPort = url.scheme === 'https' ? 443 : 80;
  let host = input.host ?? (url.port !== null && url.port !== defaultPort ? `${url.host}:${url.port}` : url.host);
  const method = input.method ?? 'GET';
  if (!HTTP_TOKEN.test(method)) throw new TraceRequestError(`method: "${method}" is not an HTTP method`, 'method');
  const headers: Record<string, string> = {};
  for (const line of input.headers ?? []) {
    let name: string;
    let value: string;
    try {
      [name, value] = parseHeaderLine(line);
    } catch (error) {
      if (error instanceof GatewayRequestError) throw new TraceRequestError(`header: ${error.message}`, 'header');
      throw error;
    }
    if (name.toLowerCase() === 'host') {
      host = value;
      continue;
    }
    // a repeated header folds into one comma-separated value, as HTTP allows
    const same = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (same === undefined) headers[name] = value;
    else headers[same] = `${headers[same]},${value}`;
  }
  const request: HttpRequest = { method, scheme: url.scheme, host, path: url.path };
  if (url.query !== null) request.query = url.query;
  if (Object.keys(headers).length > 0) request.headers = headers;
  if (parseIPv4(url.host) !== null)
    return { dial: { kind: 'ip', ip: url.host, port: url.port ?? defaultPort }, request, note: null };
  const exposed = l7Exposure(cluster, url.host, url.scheme);
  if (exposed !== null) {
    const exposure = exposed.exposure;
    const where =
      exposure.via === 'load-balancer'
        ? `the ${exposed.proxy.id} load balancer ${exposure.ip}`
        : `${exposure.node ?? ''}'s address ${exposure.ip}, the ${url.scheme} NodePort ${exposure.port} of ${exposure.service}`;
    const kind = exposed.proxy.id === 'ingress-nginx' ? 'an Ingress host' : 'a Gateway host';
    return {
      dial: { kind: 'ip', ip: exposure.ip, port: url.port ?? exposure.port },
      request,
      note: `${url.host} is ${kind}: its DNS record points at ${where} (that lookup is not traced).`,
    };
  }
  const gateway = gatewayApi(cluster).routes.find((r) => r.hostnames.some((h) => hostnameCovers(h, url.host)));
  if (gateway)
    throw new TraceRequestError(
      `to: HTTPRoute ${gateway.namespace}/${gateway.name} names ${url.host}, but no Envoy Gateway proxy Service (in ${ENVOY_GATEWAY_NAMESPACE}) exposes it on an accepted ${url.scheme === 'https' ? 'HTTPS' : 'HTTP'} listener; check the route's status, or add the proxy (addEnvoyGateway)`,
      'to',
    );
  const named = ingresses(cluster).find((i) => i.rules.some((r) => r.host !== null && hostMatches(r.host, url.host)));
  if (named) {
    const served = nginxIngresses(cluster).includes(named);
    throw new TraceRequestError(
      served
        ? `to: Ingress ${named.namespace}/${named.name} names ${url.host}, but no ingress-nginx controller Service (${INGRESS_NGINX_NAMESPACE}/${INGRESS_NGINX_NAME}) exposes it; add the controller (addIngressController)`
        : `to: Ingress ${named.namespace}/${named.name} names ${url.host}, but its class (${named.className ?? 'none, and no default IngressClass'}) is not served by ingress-nginx, the only controller simulated`,
      'to',
    );
  }
  return { dial: { kind: 'name', name: url.host, port: url.port ?? defaultPort }, request, note: null };
}

/** An address no part of the cluster owns: not a pod, a node, a Service, nor in the pod or Service ranges. */
function isOutside(cluster: Cluster, ip: string): boolean {
  const lk = lookup(cluster);
  if (lk.podByIP.has(ip) || lk.nodeByIP.has(ip) || lk.serviceByIP.has(ip)) return false;
  if (cluster.services.some((s) => s.loadBalancerIP === ip)) return false;
  if (cluster.nodes.some((n) => n.devices.some((d) => d.address !== null && d.address.startsWith(`${ip}/`))))
    return false;
  const value = parseIPv4(ip);
  if (value === null) return false;
  const svc = parseCidr(cluster.settings.serviceSubnet);
  return !cidrContains(lk.podSubnet, value) && !(svc !== null && cidrContains(svc, value)) && !ip.startsWith('127.');
}

/** Adds `warnings` for picks that pinned nothing: not a candidate, not a DNS server, not a load balancer's node. */
function withWarnings(t: Trace, pick: readonly string[]): Trace {
  setWarnings(t, pickWarnings(t, pick));
  return t;
}

/** The picks that pinned nothing in `t`. */
function pickWarnings(t: Trace, pick: readonly string[]): TraceWarning[] {
  const warnings: TraceWarning[] = [];
  for (const p of pick) {
    let matched = t.candidates.some((c) => c.pod === p && c.chosen);
    // A CoreDNS pod the query reached; the resolver's own container (where the DNS hops start and end) is no choice.
    const resolver = t.dns?.hops[0]?.at;
    if (!matched && t.dns) matched = t.dns.hops.some((h) => h.at !== resolver && h.at.startsWith(`container/${p}/`));
    if (!matched && p.startsWith('node/')) {
      const lb = t.hops.findIndex((h) => h.kind === 'load-balancer');
      matched = lb >= 0 && t.hops[lb + 1]?.node === p.slice(5);
    }
    if (!matched) warnings.push({ kind: 'pick-unmatched', pick: p });
  }
  return warnings;
}

function firstPort(svc: Service, protocol: Protocol): number | null {
  return (svc.ports.find((p) => p.protocol === protocol) ?? svc.ports[0])?.port ?? null;
}

/** A headless Service's port as its endpoints listen on it (the Service port is irrelevant for traffic). */
function headlessPort(cluster: Cluster, svc: Service, protocol: Protocol): number | null {
  const sp = svc.ports.find((p) => p.protocol === protocol) ?? svc.ports[0];
  if (!sp) return null;
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  const b = backendsOf(cluster, svc, sp)[0];
  return b ? b.port : sp.port;
}

/** Which Service (and which of its entries) a destination addresses, or null for plain pod/node traffic. */
function serviceTarget(cluster: Cluster, source: Source, dest: Destination, protocol: Protocol): ServiceTarget | null {
  const lk = lookup(cluster);
  const portOf = (svc: Service, port: number | null): ServicePort | null =>
    protocol === 'icmp' || port === null
      ? null
      : (svc.ports.find((p) => p.port === port && p.protocol === protocol) ?? null);
  if (dest.kind === 'service') {
    const svc = dest.service;
    if (svc.type === 'ExternalName' || svc.clusterIP === null) return null;
    const port = protocol === 'icmp' ? null : (dest.port ?? firstPort(svc, protocol));
    if (port === null && protocol !== 'icmp')
      throw new TraceRequestError(
        `port: Service ${svc.namespace}/${svc.name} has no ports; give one with --port`,
        'port',
      );
    return { svc, port: portOf(svc, port), entry: 'clusterIP', dstIP: svc.clusterIP, dstPort: port, node: null };
  }
  if (dest.kind === 'nodeport') {
    const found = nodePortService(cluster, dest.port, protocol);
    if (!found) throw new TraceRequestError(`to: no Service has ${protocol.toUpperCase()} NodePort ${dest.port}`, 'to');
    return {
      svc: found.svc,
      port: found.port,
      entry: 'nodePort',
      dstIP: dest.node.internalIP,
      dstPort: dest.port,
      node: dest.node,
    };
  }
  if (dest.kind === 'loopback') {
    // 127.0.0.1:<nodePort> from a host process: a localhost NodePort (section 6).
    if (source.kind === 'external' || dest.port === null) return null;
    const hostClient = source.kind === 'node' || source.pod.hostNetwork;
    const found = hostClient ? nodePortService(cluster, dest.port, protocol) : null;
    if (!found) return null;
    const node = source.kind === 'node' ? source.node : (lk.nodeByName.get(source.pod.node) as ClusterNode);
    return {
      svc: found.svc,
      port: found.port,
      entry: 'nodePort',
      dstIP: '127.0.0.1',
      dstPort: dest.port,
      node,
      localhost: true,
    };
  }
  if (dest.kind !== 'ip') return null;
  const ip = dest.ip;
  const svc = lk.serviceByIP.get(ip);
  if (svc) {
    const port = protocol === 'icmp' ? null : (dest.port ?? firstPort(svc, protocol));
    return { svc, port: portOf(svc, port), entry: 'clusterIP', dstIP: ip, dstPort: port, node: null };
  }
  const lb = cluster.services.find((s) => s.type === 'LoadBalancer' && s.loadBalancerIP === ip);
  if (lb) {
    const port = protocol === 'icmp' ? null : (dest.port ?? firstPort(lb, protocol));
    return { svc: lb, port: portOf(lb, port), entry: 'loadBalancer', dstIP: ip, dstPort: port, node: null };
  }
  if (dest.port !== null && protocol !== 'icmp') {
    const node = lk.nodeByIP.get(ip);
    const found = node ? nodePortService(cluster, dest.port, protocol) : null;
    if (node && found)
      return { svc: found.svc, port: found.port, entry: 'nodePort', dstIP: ip, dstPort: dest.port, node };
  }
  return null;
}

function nodePortService(
  cluster: Cluster,
  port: number,
  protocol: Protocol,
): { svc: Service; port: ServicePort } | null {
  for (const svc of cluster.services) {
    for (const sp of svc.ports) if (sp.nodePort === port && sp.protocol === protocol) return { svc, port: sp };
  }
  return null;
}

function serviceClient(cluster: Cluster, source: Source, target: ServiceTarget): ServiceClient {
  if (source.kind === 'external')
    return { ns: null, at: externalId(source.ip), node: null, label: `A client at ${source.ip}`, ip: source.ip };
  if (source.kind === 'node') {
    const ip = target.localhost ? '127.0.0.1' : source.node.internalIP;
    return {
      ns: { kind: 'host', node: source.node },
      at: nodeId(source.node.name),
      node: source.node.name,
      label: `A process on ${source.node.name}`,
      ip,
    };
  }
  const pod = source.pod;
  const at = containerId(pod.namespace, pod.name, source.container.name);
  if (pod.hostNetwork) {
    return {
      ns: { kind: 'host', node: lookup(cluster).nodeByName.get(pod.node) as ClusterNode },
      at,
      node: pod.node,
      label: `Container ${source.container.name} (hostNetwork)`,
      ip: target.localhost ? '127.0.0.1' : pod.ip,
    };
  }
  return { ns: { kind: 'pod', pod }, at, node: pod.node, label: `Container ${source.container.name}`, ip: pod.ip };
}

/** The namespace an IP belongs to: a pod, a node (its InternalIP or a CNI device address). */
function netnsForIP(cluster: Cluster, ip: string): Netns {
  const lk = lookup(cluster);
  const pod = lk.podByIP.get(ip);
  if (pod) return { kind: 'pod', pod };
  const node = lk.nodeByIP.get(ip);
  if (node) return { kind: 'host', node };
  for (const n of cluster.nodes) {
    for (const d of n.devices)
      if (d.address !== null && d.address.startsWith(`${ip}/`)) return { kind: 'host', node: n, ip };
  }
  if (lk.nodeForPodIP(ip)) throw new TraceRequestError(`to: no pod has the address ${ip} in this cluster`, 'to');
  // Addresses outside the cluster are egress (handled before); what is left is an unused in-cluster address.
  throw new TraceRequestError(
    `to: no pod, node or Service has the address ${ip} in this cluster (${cluster.settings.serviceSubnet} is the Service range, ${cluster.settings.podSubnet} the pod range)`,
    'to',
  );
}

function defaultPort(pod: Pod | null, protocol: Protocol): number | null {
  if (pod === null) return null;
  for (const c of pod.containers) for (const p of c.listening) if (p.protocol === protocol) return p.containerPort;
  return null;
}

function loId(ns: Netns): ElementId {
  return ns.kind === 'pod' ? podLoId(ns.pod.namespace, ns.pod.name) : deviceId(ns.node.name, 'lo');
}

function answerOf(
  cluster: Cluster,
  server: Netns,
  dstPod: Pod | null,
  port: number | null,
  protocol: Protocol,
  samens: boolean,
): Answer {
  if (server.kind === 'pod') {
    const pod = server.pod;
    const key = `${pod.namespace}/${pod.name}`;
    const rejectAt = samens ? loId(server) : podEth0Id(pod.namespace, pod.name);
    if (port === null) {
      // The kernel answers pings; the pod is drawn at its first container.
      return {
        at: containerId(pod.namespace, pod.name, (pod.containers[0] as Container).name),
        name: null,
        pod: key,
        rejectAt,
        label: pod.name,
        ip: pod.ip,
      };
    }
    const at = listenerOf(pod, port, protocol);
    return {
      at,
      name: at === null ? null : at.slice(at.lastIndexOf('/') + 1),
      pod: key,
      rejectAt,
      label: pod.name,
      ip: pod.ip,
    };
  }
  const node: ClusterNode = server.node;
  const key = dstPod ? `${dstPod.namespace}/${dstPod.name}` : null;
  if (port === null)
    return {
      at: nodeId(node.name),
      name: null,
      pod: key,
      rejectAt: nodeId(node.name),
      label: node.name,
      ip: node.internalIP,
    };
  const listener = hostListener(cluster, node, port, protocol);
  if (listener === null)
    return {
      at: null,
      name: null,
      pod: key,
      rejectAt: nodeId(node.name),
      label: `${node.name}'s root network namespace`,
      ip: node.internalIP,
    };
  const pod = listener.pod ? `${listener.pod.namespace}/${listener.pod.name}` : null;
  const label = listener.pod ? `${listener.pod.name} (hostNetwork, on ${node.name})` : node.name;
  return { at: listener.at, name: listener.name, pod, rejectAt: nodeId(node.name), label, ip: node.internalIP };
}

function replyPath(
  request: Packet,
  client: Party,
  server: Netns,
  answer: Answer,
  ctx: WalkContext,
  protocol: Protocol,
  samens: boolean,
  lo: ElementId,
  verdict: Verdict,
): { verdict: Verdict; hops: PathWriter['hops'] } {
  const refused = verdict === 'refused';
  const replyProtocol = refused ? (protocol === 'tcp' ? 'tcp' : 'icmp') : protocol;
  const serverIP = request.dst.split(':')[0] ?? '';
  const clientIP = request.src.split(':')[0] ?? '';
  const packet: Packet =
    replyProtocol === 'icmp' && protocol !== 'icmp'
      ? { src: serverIP, dst: clientIP, protocol: 'icmp', ttl: DEFAULT_TTL }
      : { src: request.dst, dst: request.src, protocol: replyProtocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const what = refused
    ? protocol === 'tcp'
      ? 'a TCP RST'
      : 'an ICMP port unreachable'
    : protocol === 'tcp'
      ? 'the SYN-ACK'
      : protocol === 'icmp'
        ? 'the echo reply'
        : 'the UDP answer';
  const serverNode = server.kind === 'pod' ? server.pod.node : server.node.name;
  w.hop({
    kind: 'socket',
    at: answer.at ?? answer.rejectAt,
    node: serverNode,
    text: `${answer.label} sends ${what} back to ${packet.dst}.`,
  });
  const snat = ctx.snat;
  ctx.snat = null;
  if (samens) {
    w.hop({ kind: 'loopback', at: lo, node: serverNode, text: 'The answer stays inside the namespace, through lo.' });
  } else if (snat !== null) {
    walkNatReply(w, ctx, server, client.ns, snat);
  } else {
    const back: Netns = client.ns.kind === 'host' ? { kind: 'host', node: client.ns.node, ip: clientIP } : client.ns;
    walk(w, ctx, server, back);
  }
  w.hop({
    kind: 'deliver',
    at: client.at,
    node: client.node,
    text: refused
      ? `The client's socket gets ${what}: connection refused, at once.`
      : `The client's socket receives ${what} from ${w.packet.src}: the ${protocol === 'tcp' ? 'connection is established' : 'exchange is complete'}.`,
  });
  return { verdict: refused ? 'refused' : 'delivered', hops: w.hops };
}

function openText(who: string, packet: Packet, protocol: Protocol): string {
  if (protocol === 'icmp') return `${who} sends an ICMP echo request (ping) from ${packet.src} to ${packet.dst}.`;
  if (protocol === 'udp') return `${who} sends a UDP datagram from ${packet.src} to ${packet.dst}.`;
  return `${who} opens a TCP connection from ${packet.src} to ${packet.dst} (SYN).`;
}

function socketRule(protocol: Protocol, packet: Packet): string {
  return protocol === 'icmp' ? `ping ${packet.dst}` : `connect(${packet.dst}) ${protocol.toUpperCase()}`;
}

function deliverText(answer: Answer, port: number | null, protocol: Protocol): string {
  if (protocol === 'icmp') return `${answer.label}'s kernel answers the echo request.`;
  const who =
    answer.at !== null && answer.at.startsWith('container/')
      ? `Container ${answer.name ?? ''} in ${answer.label}`
      : `${answer.name ?? ''} on ${answer.label}`;
  return `${who} listens on ${protocol.toUpperCase()} port ${port ?? ''} and accepts the packet.`;
}
