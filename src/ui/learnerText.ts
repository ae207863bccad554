/**
 * What the screen says to a learner, as opposed to what the trace, links and the CLI say: steps
 * counted from 1, places named as a person reads them, no command-line jargon. The trace keeps its
 * own wording and 0-based steps (links, postMessage and the test handle use them); only the
 * display goes through here.
 */
import type { Hop } from '../sim';
import { parseElementId } from '../sim';

/** "step 3 of 34" for the 0-based playback step 2 of 34 steps. */
export function stepLabel(step: number, total: number): string {
  return `${Math.max(step, 0) + 1} of ${total}`;
}

/**
 * A hop's sentence as a learner reads it. The simulation says a choice was "pinned by --pick" (the
 * CLI's flag, which is how the CLI user made it); in the app a scenario made that choice.
 */
export function forLearners(text: string): string {
  return (
    text
      .replace(/ \(pinned by --pick\)/g, ' (chosen for this example)')
      .replace(/pinned by --pick to /g, 'chosen for this example: ')
      .replace(/pinned by --pick/g, 'chosen for this example')
      // kube-proxy's chain names end in a hash of the Service; a sentence names the chain's kind and
      // leaves the exact name to the rule column
      .replace(/\b(KUBE-[A-Z]+)-[A-Z0-9]{16}\b/g, "the Service's $1 chain")
      .replace(/(^|[.:;!?]\s+)the Service's/g, "$1The Service's")
      // "probability 0.3333333333" is what iptables stores; three digits say it to a person
      .replace(/\b0\.\d{4,}\b/g, (n) => String(Number(Number(n).toFixed(3))))
  );
}

const podName = (ns: string | undefined, name: string | undefined): string =>
  ns === 'default' || ns === undefined ? (name ?? '') : `${ns}/${name ?? ''}`;

/**
 * An element id as a person names the place: `container/default/client/main` -> `client / main`,
 * `dev/node-a/flannel.1` -> `node-a: flannel.1`, `veth/node-b/default/web-1` -> `node-b: web-1's veth`.
 * Pods of the default namespace go by their name alone. Unknown shapes come back as they are.
 */
export function placeName(id: string): string {
  const parts = id.split('/');
  const [kind, a, b, c, d] = parts;
  switch (kind) {
    case 'container':
      return parts.length >= 4 ? `${podName(a, b)} / ${c ?? ''}` : id;
    case 'pod':
      return parts.length >= 3 ? podName(a, parts.slice(2).join('/')) : id;
    case 'veth':
      return parts.length >= 4 ? `${a ?? ''}: ${podName(b, c)}’s veth` : id;
    case 'dev':
      if (a === 'pod') return parts.length >= 5 ? `${podName(b, c)}: ${d ?? ''}` : id;
      return parts.length >= 3 ? `${a ?? ''}: ${parts.slice(2).join('/')}` : id;
    case 'node':
      return parts.slice(1).join('/') || id;
    case 'svc':
      return parts.length >= 3 ? `Service ${podName(a, parts.slice(2).join('/'))}` : id;
    case 'nodeport':
      return parts.length >= 3 ? `${a ?? ''}: NodePort ${b ?? ''}` : id;
    case 'wire':
      return parts.length >= 3 ? `network ${a ?? ''} ↔ ${b ?? ''}` : id;
    case 'lb':
      return parts.length >= 3 ? `load balancer of ${podName(a, b)}` : id;
    case 'ext':
      return parts.slice(1).join('/') || id;
    case 'internet':
      return 'the Internet';
    case 'gw':
      return parts.length === 3 ? `Gateway ${podName(a, b)}` : id;
    case 'httproute':
      return parts.length === 3 ? `HTTPRoute ${podName(a, b)}` : id;
    case 'ingress':
      return parts.length === 3 ? `Ingress ${podName(a, b)}` : id;
    default:
      return id;
  }
}

/**
 * A name split into pieces that may wrap after `-`, `/`, `.`, `:` or a space, never inside a word:
 * the Where column is narrow, and `web-8rdbl7jt4z-w2bsc` should wrap at its dashes.
 */
export function wrapPoints(name: string): string[] {
  return name.split(/(?<=[-/.:\s])/);
}

/** The address part of `10.244.2.2:8080` (or the address itself). */
const hostOf = (addr: string): string => addr.replace(/:\d+$/, '');

/**
 * A hop in a few words, for a screen reader while the packet plays (one long sentence a second
 * cannot be spoken): where it is and what changed there.
 *
 * @example shortNarration(encapHop) // "node-a: flannel.1: wrapped in VXLAN to 192.168.10.12"
 */
export function shortNarration(hop: Hop): string {
  const place = placeName(hop.at);
  const outer = hop.packet.outer;
  let what: string;
  if (hop.nat) {
    const { type, before, after } = hop.nat;
    what = before.dst !== after.dst ? `${type} to ${after.dst}` : `${type} from ${after.src}`;
  } else if (hop.kind === 'encap' && outer) {
    const tunnel =
      outer.vni !== undefined ? 'VXLAN' : outer.protocol === 'ipip' ? 'IP-in-IP' : outer.protocol.toUpperCase();
    what = `wrapped in ${tunnel} to ${hostOf(outer.dst)}`;
  } else {
    const words: Partial<Record<Hop['kind'], string>> = {
      decap: 'unwrapped',
      deliver: 'delivered',
      drop: 'dropped',
      reject: 'refused',
      wire: 'on the wire',
      bridge: 'switched by the bridge',
      route: 'routed',
      arp: 'address resolved (ARP)',
      veth: 'through the veth pair',
      socket: 'sent from the socket',
      loopback: 'over loopback',
      proxy: 'at the proxy',
      'load-balancer': 'at the load balancer',
      dns: 'DNS',
      policy: 'NetworkPolicy checked',
      conntrack: 'conntrack',
      netfilter: 'netfilter',
      ipvs: 'IPVS',
    };
    what = words[hop.kind] ?? hop.kind;
  }
  return `${place}: ${what}`;
}

const KIND_WORDS: Record<string, string> = {
  node: 'node',
  device: 'device',
  'pod-device': 'pod device',
  pod: 'pod',
  veth: 'veth',
  container: 'container',
  policy: 'NetworkPolicy',
  nodeport: '',
  wire: '',
  'load-balancer': '',
  external: 'outside address',
  service: '',
  internet: '',
};

/**
 * What a screen reader says for an element of the diagram: its kind, then its place name
 * (`pod web-1`, `device node-a: cni0`, `Service web`). The place name alone says the kind where
 * it already does (Services, NodePorts, the node network, load balancers, the Internet).
 */
export function elementName(id: string): string {
  const parsed = parseElementId(id);
  if (!parsed) return id;
  if (parsed.kind === 'kernel') return `routing and iptables of ${parsed.node}`;
  const word = KIND_WORDS[parsed.kind] ?? '';
  return word ? `${word} ${placeName(id)}` : placeName(id);
}
