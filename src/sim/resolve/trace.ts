/**
 * `trace(cluster, request, options)`: the path a packet really takes, hop by hop, with its reply.
 * Data in, data out: no clock, no global randomness (a seed drives every random choice).
 */
import { containerId, podEth0Id } from '../model/ids';
import { lookup } from '../model/lookup';
import type { Cluster, Container, Pod, Protocol } from '../model/types';
import { createRng } from '../model/rng';
import type { Rng } from '../model/rng';
import type { Packet, Trace, TraceRequest, Verdict } from '../trace/types';
import { PathWriter } from './pathWriter';
import { listenerOf, podToPodPath } from './podPath';
import { TraceRequestError, parseDestination, parseSource } from './request';
import type { Source } from './request';

export interface TraceInput {
  /** `pod/<ns>/<name>[:container]`, `node/<name>` or `external/<ip>` */
  from: string;
  /** `pod/<ns>/<name>`, an IP, `ip:port` or `localhost:port` */
  to: string;
  /** the port the client dials */
  port?: number;
  protocol?: Protocol;
}

export interface TraceOptions {
  /** drives every random choice (ephemeral ports, endpoint choice); default 1 */
  seed?: number;
  /** `ns/pod` names that pin a random choice among pods */
  pick?: readonly string[];
}

/** Linux's default ip_local_port_range. */
const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;
const DEFAULT_TTL = 64;

const addr = (ip: string, port: number | null, protocol: Protocol): string => (protocol === 'icmp' || port === null ? ip : `${ip}:${port}`);

/**
 * Resolves the path of one request through the cluster.
 *
 * @example
 * const t = trace(buildCluster(), { from: 'pod/default/client', to: 'pod/default/app-1', port: 8080 });
 * t.verdict; // 'delivered'
 * t.hops.map((h) => h.kind); // ['socket', 'route', 'arp', 'veth', 'bridge', 'veth', 'deliver']
 *
 * @throws TraceRequestError when the request names something the cluster lacks or is malformed.
 */
export function trace(cluster: Cluster, input: TraceInput, options: TraceOptions = {}): Trace {
  const protocol: Protocol = input.protocol ?? 'tcp';
  const seed = options.seed ?? 1;
  const request: TraceRequest = { from: input.from, to: input.to, protocol, seed, pick: [...(options.pick ?? [])] };
  if (input.port !== undefined) request.port = input.port;
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw new TraceRequestError(`port: ${input.port} is not a port number (1-65535)`, 'port');
  }
  const rng = createRng(seed);
  const source = parseSource(cluster, input.from);
  const destination = parseDestination(cluster, input.to, input.port);
  if (source.kind !== 'pod') {
    throw new TraceRequestError(`from: traces from ${source.kind} sources are not simulated yet; start from a pod`, 'from');
  }
  const lk = lookup(cluster);
  let dstPod: Pod | null;
  let loopback = false;
  if (destination.kind === 'pod') dstPod = destination.pod;
  else if (destination.kind === 'loopback') {
    dstPod = source.pod;
    loopback = true;
  } else {
    dstPod = lk.podByIP.get(destination.ip) ?? null;
    if (!dstPod) throw new TraceRequestError(`to: ${destination.ip} is not a pod IP in this cluster`, 'to');
  }
  if (dstPod.hostNetwork || source.pod.hostNetwork) {
    throw new TraceRequestError('hostNetwork pods are not simulated yet', dstPod.hostNetwork ? 'to' : 'from');
  }
  const port = protocol === 'icmp' ? null : (destination.port ?? firstListeningPort(dstPod, protocol));
  if (protocol !== 'icmp' && port === null) {
    throw new TraceRequestError(`port: pod ${dstPod.namespace}/${dstPod.name} declares no ${protocol} port; give one`, 'port');
  }
  return podToPodTrace(cluster, request, source, dstPod, port, protocol, loopback || dstPod === source.pod, rng);
}

function firstListeningPort(pod: Pod, protocol: Protocol): number | null {
  for (const c of pod.containers) for (const p of c.listening) if (p.protocol === protocol) return p.containerPort;
  return null;
}

function podToPodTrace(
  cluster: Cluster,
  request: TraceRequest,
  source: Extract<Source, { kind: 'pod' }>,
  dst: Pod,
  port: number | null,
  protocol: Protocol,
  samePod: boolean,
  rng: Rng,
): Trace {
  const src = source.pod;
  const srcPort = protocol === 'icmp' ? null : rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX);
  const dstIP = samePod && request.to.match(/^(localhost|127\.0\.0\.1)/) ? '127.0.0.1' : dst.ip;
  const srcIP = dstIP === '127.0.0.1' ? '127.0.0.1' : src.ip;
  const packet: Packet = { src: addr(srcIP, srcPort, protocol), dst: addr(dstIP, port, protocol), protocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const srcContainer = containerId(src.namespace, src.name, source.container.name);
  w.hop('socket', srcContainer, src.node, openText(source.container, packet, protocol), socketRule(protocol, packet));

  const listener = port === null ? containerId(dst.namespace, dst.name, (dst.containers[0] as Container).name) : listenerOf(dst, port, protocol);
  if (samePod) {
    w.hop(
      'loopback',
      `dev/pod/${src.namespace}/${src.name}/lo`,
      src.node,
      `${dstIP} is local to the pod's network namespace, which all its containers share: the packet goes through lo and never leaves the pod.`,
      `local ${dstIP} dev lo table local proto kernel scope host src ${dstIP}`,
    );
  } else {
    podToPodPath(w, cluster, src, dst);
  }
  let verdict: Verdict;
  let reason: string;
  if (listener !== null) {
    const name = listener.slice(listener.lastIndexOf('/') + 1);
    w.hop('deliver', listener, dst.node, deliverText(name, dst, port, protocol));
    verdict = 'delivered';
    reason =
      protocol === 'icmp'
        ? `${dst.name} answered the ping.`
        : `Container ${name} in ${dst.name} accepted the ${protocol.toUpperCase()} connection on port ${port ?? ''}.`;
  } else {
    w.hop(
      'reject',
      samePod ? `dev/pod/${dst.namespace}/${dst.name}/lo` : podEth0Id(dst.namespace, dst.name),
      dst.node,
      `Nothing in ${dst.name} listens on ${protocol.toUpperCase()} port ${port ?? ''}, so its kernel refuses the ${protocol === 'tcp' ? 'connection with a TCP RST' : 'datagram with ICMP port unreachable'}.`,
    );
    verdict = 'refused';
    reason = `Nothing in ${dst.name} listens on ${protocol.toUpperCase()} port ${port ?? ''}.`;
  }
  const reply = replyPath(cluster, src, srcContainer, dst, listener, packet, protocol, samePod, verdict);
  const endpoint = { pod: `${dst.namespace}/${dst.name}`, ip: dst.ip, port: port ?? 0 } as Trace['endpoint'] & object;
  if (listener !== null) endpoint.container = listener.slice(listener.lastIndexOf('/') + 1);
  return { request, verdict, reason, endpoint, candidates: [], hops: w.hops, dns: null, reply, http: null };
}

function replyPath(
  cluster: Cluster,
  client: Pod,
  clientSocket: string,
  server: Pod,
  listener: string | null,
  request: Packet,
  protocol: Protocol,
  samePod: boolean,
  verdict: Verdict,
): { verdict: Verdict; hops: PathWriter['hops'] } {
  const refusedProtocol = protocol === 'tcp' ? 'tcp' : 'icmp';
  const replyProtocol = verdict === 'refused' ? refusedProtocol : protocol;
  const [serverIP] = request.dst.split(':');
  const [clientIP] = request.src.split(':');
  const packet: Packet =
    replyProtocol === 'icmp' && protocol !== 'icmp'
      ? { src: serverIP ?? '', dst: clientIP ?? '', protocol: 'icmp', ttl: DEFAULT_TTL }
      : { src: request.dst, dst: request.src, protocol: replyProtocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const from = listener ?? (samePod ? `dev/pod/${server.namespace}/${server.name}/lo` : podEth0Id(server.namespace, server.name));
  const what =
    verdict === 'refused'
      ? protocol === 'tcp'
        ? 'a TCP RST'
        : 'an ICMP port unreachable'
      : protocol === 'tcp'
        ? 'the SYN-ACK'
        : protocol === 'icmp'
          ? 'the echo reply'
          : 'the UDP answer';
  w.hop('socket', from, server.node, `${server.name} sends ${what} back to ${packet.dst}.`);
  if (samePod) {
    w.hop('loopback', `dev/pod/${server.namespace}/${server.name}/lo`, server.node, 'The answer stays inside the pod, through lo.');
  } else {
    podToPodPath(w, cluster, server, client);
  }
  w.hop(
    'deliver',
    clientSocket,
    client.node,
    verdict === 'refused'
      ? `The client's socket gets ${what}: connection refused, at once.`
      : `The client's socket receives ${what} from ${packet.src}: the ${protocol === 'tcp' ? 'connection is established' : 'exchange is complete'}.`,
  );
  return { verdict: verdict === 'refused' ? 'refused' : 'delivered', hops: w.hops };
}

function openText(container: Container, packet: Packet, protocol: Protocol): string {
  if (protocol === 'icmp') return `Container ${container.name} sends an ICMP echo request (ping) from ${packet.src} to ${packet.dst}.`;
  if (protocol === 'udp') return `Container ${container.name} sends a UDP datagram from ${packet.src} to ${packet.dst}.`;
  return `Container ${container.name} opens a TCP connection from ${packet.src} to ${packet.dst} (SYN).`;
}

function socketRule(protocol: Protocol, packet: Packet): string {
  return protocol === 'icmp' ? `ping ${packet.dst}` : `connect(${packet.dst}) ${protocol.toUpperCase()}`;
}

function deliverText(container: string, pod: Pod, port: number | null, protocol: Protocol): string {
  if (protocol === 'icmp') return `${pod.name}'s kernel answers the echo request.`;
  return `Container ${container} in ${pod.name} listens on ${protocol.toUpperCase()} port ${port ?? ''} and accepts the packet.`;
}
