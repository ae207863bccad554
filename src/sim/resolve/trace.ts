/**
 * `trace(cluster, request, options)`: the path a packet really takes, hop by hop, with its reply.
 * Data in, data out: no clock, no global randomness (a seed drives every random choice).
 */
import { containerId, deviceId, nodeId, podEth0Id } from '../model/ids';
import { lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Container, Pod, Protocol } from '../model/types';
import { createRng } from '../model/rng';
import type { Packet, Trace, TraceRequest, Verdict } from '../trace/types';
import { PathWriter } from './pathWriter';
import { hostListener } from './hostPorts';
import { hostRoute, listenerOf, netnsIP, podNetns, sameNetns, walk, walkNatReply } from './podPath';
import type { Netns, WalkContext } from './podPath';
import { TraceRequestError, parseDestination, parseSource } from './request';

export interface TraceInput {
  /** `pod/<ns>/<name>[:container]`, `node/<name>` or `external/<ip>` */
  from: string;
  /** `pod/<ns>/<name>`, `node/<name>`, an IP, `ip:port` or `localhost:port` */
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
const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'icmp'];

const addr = (ip: string, port: number | null): string => (port === null ? ip : `${ip}:${port}`);

/** One end of the conversation: its namespace, where it is drawn, and how to name it in text. */
interface Party {
  ns: Netns;
  /** element id of the socket */
  at: string;
  node: string;
  label: string;
}

/** What answers at the destination: a listening socket, or nothing (the kernel refuses). */
interface Answer {
  at: string | null;
  name: string | null;
  /** `ns/name` of the pod that answers (or the pod addressed when nothing listens) */
  pod: string | null;
  /** where a refusal is drawn */
  rejectAt: string;
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
 *   asks for something the simulation does not resolve yet (Services, DNS, external sources).
 */
export function trace(cluster: Cluster, input: TraceInput, options: TraceOptions = {}): Trace {
  const protocol: Protocol = input.protocol ?? 'tcp';
  if (!PROTOCOLS.includes(protocol)) throw new TraceRequestError(`protocol: "${String(protocol)}" is not tcp, udp or icmp`, 'protocol');
  const seed = options.seed ?? 1;
  const request: TraceRequest = { from: input.from, to: input.to, protocol, seed, pick: [...(options.pick ?? [])] };
  if (input.port !== undefined) request.port = input.port;
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw new TraceRequestError(`port: ${input.port} is not a port number (1-65535)`, 'port');
  }
  const rng = createRng(seed);
  const source = parseSource(cluster, input.from);
  const destination = parseDestination(cluster, input.to, input.port);

  let client: Party;
  if (source.kind === 'external') {
    throw new TraceRequestError(`from: traffic from outside the cluster (${input.from}) is not simulated yet (issue 5); start from a pod or a node`, 'from');
  } else if (source.kind === 'node') {
    client = { ns: { kind: 'host', node: source.node }, at: nodeId(source.node.name), node: source.node.name, label: `A process on ${source.node.name}` };
  } else {
    const pod = source.pod;
    client = { ns: podNetns(cluster, pod), at: containerId(pod.namespace, pod.name, source.container.name), node: pod.node, label: `Container ${source.container.name}` };
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
    const what = dstPod ? `pod ${dstPod.namespace}/${dstPod.name} declares no ${protocol} port` : 'a node has no default port';
    throw new TraceRequestError(`port: ${what}; give one with --port`, 'port');
  }

  const samens = loopback || sameNetns(client.ns, server);
  const dstIP = loopback ? '127.0.0.1' : netnsIP(server);
  let srcIP: string;
  if (loopback) srcIP = '127.0.0.1';
  else if (samens) srcIP = dstIP;
  else if (client.ns.kind === 'pod') srcIP = client.ns.pod.ip;
  else srcIP = hostRoute(cluster, client.ns.node, server).src;

  const srcPort = protocol === 'icmp' ? null : rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX);
  const packet: Packet = { src: addr(srcIP, srcPort), dst: addr(dstIP, port), protocol, ttl: DEFAULT_TTL };
  const w = new PathWriter(packet);
  const ctx: WalkContext = { cluster, ephemeralPort: () => rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX), snat: null };
  w.hop('socket', client.at, client.node, openText(client.label, packet, protocol), socketRule(protocol, packet));

  const answer = answerOf(cluster, server, dstPod, port, protocol, samens);
  const serverNode = server.kind === 'pod' ? server.pod.node : server.node.name;
  const lo = loId(server);
  if (samens) {
    w.hop(
      'loopback',
      lo,
      serverNode,
      server.kind === 'pod'
        ? `${dstIP} is local to the pod's network namespace, which all its containers share: the packet goes through lo and never leaves the pod.`
        : `${dstIP} is local to ${serverNode}'s root network namespace: the packet goes through lo and never leaves the node.`,
      `local ${dstIP} dev lo table local proto kernel scope host src ${dstIP}`,
    );
  } else {
    walk(w, ctx, client.ns, server);
  }

  let verdict: Verdict;
  let reason: string;
  const proto = protocol.toUpperCase();
  if (answer.at !== null) {
    w.hop('deliver', answer.at, serverNode, deliverText(answer, port, protocol));
    verdict = 'delivered';
    reason = protocol === 'icmp' ? `${answer.label} answered the ping.` : `${answer.name ?? ''} in ${answer.label} accepted the ${proto} ${protocol === 'tcp' ? 'connection' : 'datagram'} on port ${port ?? ''}.`;
  } else {
    w.hop(
      'reject',
      answer.rejectAt,
      serverNode,
      `Nothing in ${answer.label} listens on ${proto} port ${port ?? ''}, so its kernel refuses the ${protocol === 'tcp' ? 'connection with a TCP RST' : 'datagram with ICMP port unreachable'}.`,
    );
    verdict = 'refused';
    reason = `Nothing in ${answer.label} listens on ${proto} port ${port ?? ''}.`;
  }

  const reply = replyPath(w.packet, client, server, answer, ctx, protocol, samens, lo, verdict);
  let endpoint: Trace['endpoint'] = null;
  if (answer.pod !== null) {
    // The endpoint's own address (the pod IP, the node IP for hostNetwork), even when it was
    // reached over 127.0.0.1.
    endpoint = { pod: answer.pod, ip: answer.ip ?? dstIP, port: port ?? 0 };
    if (answer.pod !== null && answer.at !== null && answer.at.startsWith('container/') && protocol !== 'icmp') endpoint.container = answer.name ?? '';
  }
  return { request, verdict, reason, endpoint, candidates: [], hops: w.hops, dns: null, reply, http: null };
}

/** The namespace an IP belongs to: a pod, a node (its InternalIP or a CNI device address). */
function netnsForIP(cluster: Cluster, ip: string): Netns {
  const lk = lookup(cluster);
  const pod = lk.podByIP.get(ip);
  if (pod) return { kind: 'pod', pod };
  const node = lk.nodeByIP.get(ip);
  if (node) return { kind: 'host', node };
  for (const n of cluster.nodes) {
    for (const d of n.devices) if (d.address !== null && d.address.startsWith(`${ip}/`)) return { kind: 'host', node: n, ip };
  }
  if (lk.serviceByIP.has(ip)) throw new TraceRequestError(`to: ${ip} is a Service ClusterIP; Services are not simulated yet (issue 4)`, 'to');
  if (lk.nodeForPodIP(ip)) throw new TraceRequestError(`to: no pod has the address ${ip} in this cluster`, 'to');
  throw new TraceRequestError(`to: ${ip} is outside the cluster; traffic leaving the cluster (egress) is not simulated yet (issue 5)`, 'to');
}

function defaultPort(pod: Pod | null, protocol: Protocol): number | null {
  if (pod === null) return null;
  for (const c of pod.containers) for (const p of c.listening) if (p.protocol === protocol) return p.containerPort;
  return null;
}

function loId(ns: Netns): string {
  return ns.kind === 'pod' ? `dev/pod/${ns.pod.namespace}/${ns.pod.name}/lo` : deviceId(ns.node.name, 'lo');
}

function answerOf(cluster: Cluster, server: Netns, dstPod: Pod | null, port: number | null, protocol: Protocol, samens: boolean): Answer {
  if (server.kind === 'pod') {
    const pod = server.pod;
    const key = `${pod.namespace}/${pod.name}`;
    const rejectAt = samens ? loId(server) : podEth0Id(pod.namespace, pod.name);
    if (port === null) {
      // The kernel answers pings; the pod is drawn at its first container.
      return { at: containerId(pod.namespace, pod.name, (pod.containers[0] as Container).name), name: null, pod: key, rejectAt, label: pod.name, ip: pod.ip };
    }
    const at = listenerOf(pod, port, protocol);
    return { at, name: at === null ? null : at.slice(at.lastIndexOf('/') + 1), pod: key, rejectAt, label: pod.name, ip: pod.ip };
  }
  const node: ClusterNode = server.node;
  const key = dstPod ? `${dstPod.namespace}/${dstPod.name}` : null;
  if (port === null) return { at: nodeId(node.name), name: null, pod: key, rejectAt: nodeId(node.name), label: node.name, ip: node.internalIP };
  const listener = hostListener(cluster, node, port, protocol);
  if (listener === null) return { at: null, name: null, pod: key, rejectAt: nodeId(node.name), label: `${node.name}'s root network namespace`, ip: node.internalIP };
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
  lo: string,
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
  const what = refused ? (protocol === 'tcp' ? 'a TCP RST' : 'an ICMP port unreachable') : protocol === 'tcp' ? 'the SYN-ACK' : protocol === 'icmp' ? 'the echo reply' : 'the UDP answer';
  const serverNode = server.kind === 'pod' ? server.pod.node : server.node.name;
  w.hop('socket', answer.at ?? answer.rejectAt, serverNode, `${answer.label} sends ${what} back to ${packet.dst}.`);
  const snat = ctx.snat;
  ctx.snat = null;
  if (samens) {
    w.hop('loopback', lo, serverNode, 'The answer stays inside the namespace, through lo.');
  } else if (snat !== null) {
    walkNatReply(w, ctx, server, client.ns, snat);
  } else {
    const back: Netns = client.ns.kind === 'host' ? { kind: 'host', node: client.ns.node, ip: clientIP } : client.ns;
    walk(w, ctx, server, back);
  }
  w.hop(
    'deliver',
    client.at,
    client.node,
    refused
      ? `The client's socket gets ${what}: connection refused, at once.`
      : `The client's socket receives ${what} from ${w.packet.src}: the ${protocol === 'tcp' ? 'connection is established' : 'exchange is complete'}.`,
  );
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
  const who = answer.at !== null && answer.at.startsWith('container/') ? `Container ${answer.name ?? ''} in ${answer.label}` : `${answer.name ?? ''} on ${answer.label}`;
  return `${who} listens on ${protocol.toUpperCase()} port ${port ?? ''} and accepts the packet.`;
}
