/**
 * Challenge mode: at the steps that matter, the learner predicts before the step is shown (as
 * Packet Tracer's simulation mode asks for the next device). The questions are built from the
 * trace and the cluster it ran on: the wrong choices are real things of that cluster (its other
 * devices, nodes, endpoints), so a guess from the choices alone does not work.
 */
import type { Cluster } from '../model/types';
import type { Hop, Trace } from '../trace/types';
import { flattenHops } from '../trace/types';

export type QuestionKind =
  'route' | 'arp' | 'encap' | 'wire' | 'dnat' | 'snat' | 'conntrack' | 'policy' | 'http' | 'verdict';

export interface ChallengeQuestion {
  /** the playback step whose outcome is asked; the player stops just before it */
  step: number;
  kind: QuestionKind;
  prompt: string;
  /** three or four choices, in a fixed order (sorted), the right one among them */
  choices: readonly string[];
  answer: number;
  /** why, shown with the answer: the step's own sentence */
  why: string;
}

const ipOf = (addr: string): string => addr.replace(/:\d+$/, '');

/** Up to four distinct choices holding the right one, in sorted order (the order tells nothing). */
function choose(right: string, others: readonly string[]): { choices: string[]; answer: number } | null {
  const wrong = [...new Set(others.filter((o) => o !== right && o !== ''))].slice(0, 3);
  if (wrong.length < 2) return null;
  const choices = [right, ...wrong].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { choices, answer: choices.indexOf(right) };
}

const nodeOfId = (id: string): string | null => {
  const m = /^(?:node|dev|nodeport)\/([^/]+)/.exec(id);
  return m && m[1] !== 'pod' ? (m[1] as string) : null;
};

/** The questions of one trace, in step order: each kind at most once (a challenge stays short). */
export function challengeQuestions(cluster: Cluster, trace: Trace): ChallengeQuestion[] {
  const steps = flattenHops(trace);
  const replyFrom = (trace.dns?.hops.length ?? 0) + trace.hops.length;
  const forwardEnd = replyFrom - 1;
  const asked = new Set<string>();
  const out: ChallengeQuestion[] = [];
  const nodeIPs = cluster.nodes.map((n) => n.internalIP);
  const add = (step: number, kind: QuestionKind, prompt: string, right: string, others: readonly string[]): void => {
    // un-DNAT and un-SNAT are both the reply's conntrack: one question; every kind once
    const key = kind;
    if (asked.has(key) || step === 0) return;
    const picked = choose(right, others);
    if (!picked) return;
    asked.add(key);
    out.push({ step, kind, prompt, ...picked, why: (steps[step] as Hop).text });
  };
  steps.forEach((hop, i) => {
    const node = nodeOfId(hop.at);
    switch (hop.kind) {
      case 'route': {
        // a node's routing decision: the device the packet leaves by comes next
        if (!hop.at.startsWith('node/') || !node) return;
        const next = steps.slice(i + 1).find((h) => h.at.startsWith(`dev/${node}/`));
        const devices = cluster.nodes.find((n) => n.name === node)?.devices.map((d) => d.name) ?? [];
        if (!next) return;
        const device = next.at.split('/')[2] as string;
        add(
          i,
          'route',
          `${node} routes the packet to ${ipOf(hop.packet.dst)}. Which of its devices does the packet go to next?`,
          device,
          devices.filter((d) => d !== 'lo'),
        );
        return;
      }
      case 'arp': {
        // a pod's ARP: its own subnet's neighbour, or its gateway
        const m = /^dev\/pod\/([^/]+)\/([^/]+)\/eth0$/.exec(hop.at);
        if (!m) return;
        const pod = cluster.pods.find((p) => p.namespace === m[1] && p.name === m[2]);
        const podNode = cluster.nodes.find((n) => n.name === pod?.node);
        const bridge = podNode?.devices.find((d) => d.kind === 'bridge' && d.address)?.address;
        if (!pod || !podNode || !bridge) return;
        const dst = ipOf(hop.packet.dst);
        const gateway = ipOf(bridge.replace(/\/\d+$/, ''));
        const right = hop.text.includes(`who has ${dst}`) ? dst : gateway;
        // the pod's routing step just before says which it is: ask before that step
        const routed = steps[i - 1]?.kind === 'route' && steps[i - 1]?.at === hop.at ? i - 1 : i;
        add(
          routed,
          'arp',
          `The pod ${pod.name} sends a packet to ${dst}. Which address does it ask for with ARP?`,
          right,
          [dst, gateway, podNode.internalIP, pod.ip],
        );
        return;
      }
      case 'encap': {
        if (!hop.packet.outer) return;
        add(
          i,
          'encap',
          `${hop.at.split('/')[2] ?? 'The tunnel'} wraps the packet for ${ipOf(hop.packet.dst)}. Where is the outer packet addressed?`,
          ipOf(hop.packet.outer.dst),
          [...nodeIPs, ipOf(hop.packet.dst)],
        );
        return;
      }
      case 'wire': {
        const m = /^wire\/([^/]+)\/([^/]+)$/.exec(hop.at);
        const nextNode = steps
          .slice(i + 1)
          .map((h) => h.node)
          .find((n) => n !== null && n !== hop.node);
        if (!m || !nextNode) return;
        add(
          i,
          'wire',
          'The packet crosses the network between the nodes. Which node receives it?',
          nextNode,
          cluster.nodes.map((n) => n.name),
        );
        return;
      }
      case 'netfilter':
      case 'ipvs':
      case 'conntrack':
      case 'load-balancer': {
        const nat = hop.nat;
        if (!nat) return;
        if (nat.type === 'DNAT') {
          const endpoints = trace.candidates.map((c) => `${c.ip}:${c.port}`);
          add(i, 'dnat', `The destination ${nat.before.dst} is rewritten (DNAT). To which address?`, nat.after.dst, [
            ...endpoints,
            nat.before.dst,
            ...nodeIPs.map((ip) => `${ip}:${nat.after.dst.split(':')[1] ?? ''}`),
          ]);
        } else if (nat.type === 'SNAT' || nat.type === 'MASQUERADE') {
          // the node's own addresses: which of them the masquerade takes is the point
          const own = cluster.nodes.find((n) => n.name === hop.node);
          const addrs = own
            ? [own.internalIP, ...own.devices.map((d) => (d.address ? d.address.replace(/\/\d+$/, '') : ''))]
            : nodeIPs;
          add(
            i,
            'snat',
            `The packet from ${ipOf(nat.before.src)} is source-NATed on ${hop.node ?? 'the node'}. Which source address does it leave with?`,
            ipOf(nat.after.src),
            [ipOf(nat.before.src), ...addrs.filter((a) => a !== '127.0.0.1')],
          );
        } else if (nat.type === 'un-DNAT') {
          add(
            i,
            'conntrack',
            `conntrack on ${hop.node ?? 'the node'} recognises the reply from ${nat.before.src}. Which source address does the client get to see?`,
            nat.after.src,
            [
              nat.before.src,
              ...trace.candidates.map((c) => `${c.ip}:${c.port}`),
              ...nodeIPs.map((ip) => `${ip}:${nat.after.src.split(':')[1] ?? ''}`),
            ],
          );
        } else {
          add(
            i,
            'conntrack',
            `conntrack on ${hop.node ?? 'the node'} recognises the reply to ${nat.before.dst}. Where does it send it?`,
            nat.after.dst,
            [nat.before.dst, ...nodeIPs.map((ip) => `${ip}:${nat.after.dst.split(':')[1] ?? ''}`)],
          );
        }
        return;
      }
      case 'policy': {
        const next = steps[i + 1];
        const right = next?.kind === 'drop' ? 'Dropped silently' : next?.kind === 'reject' ? 'Refused' : 'Allowed';
        add(
          i + 1 < steps.length ? i + 1 : i,
          'policy',
          'A NetworkPolicy is checked here. What happens to the packet?',
          right,
          ['Allowed', 'Dropped silently', 'Refused'],
        );
        return;
      }
      case 'proxy': {
        if (!trace.http || out.some((q) => q.kind === 'http')) return;
        const status = String(trace.http.status);
        add(
          i,
          'http',
          `The proxy reads the request for ${trace.http.host}${trace.http.path}. Which HTTP status will the client get?`,
          status,
          ['200', '404', '503', '308'],
        );
        return;
      }
      default:
        break;
    }
    if (i === forwardEnd && (hop.kind === 'deliver' || hop.kind === 'drop' || hop.kind === 'reject')) {
      const verdict = {
        delivered: 'Delivered',
        dropped: 'Dropped silently',
        refused: 'Refused',
        unresolved: 'Not sent',
      }[trace.verdict];
      add(i, 'verdict', 'Where does the packet’s journey end?', verdict, ['Delivered', 'Dropped silently', 'Refused']);
    }
  });
  return out.sort((a, b) => a.step - b.step);
}

export interface ChallengeAnswer {
  step: number;
  chosen: number;
  correct: boolean;
}

export interface ChallengeScore {
  right: number;
  total: number;
  /** the steps of the questions answered wrongly, to replay */
  missed: number[];
}

/** The score of the answers given so far (a question answered twice counts its first answer). */
export function scoreChallenge(
  questions: readonly ChallengeQuestion[],
  answers: readonly ChallengeAnswer[],
): ChallengeScore {
  const first = new Map<number, ChallengeAnswer>();
  for (const a of answers) if (!first.has(a.step)) first.set(a.step, a);
  let right = 0;
  const missed: number[] = [];
  for (const q of questions) {
    const a = first.get(q.step);
    if (a && a.chosen === q.answer) right++;
    else if (a) missed.push(q.step);
  }
  return { right, total: questions.length, missed };
}
