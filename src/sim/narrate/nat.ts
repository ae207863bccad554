/**
 * Sentences for the CNI's NAT decisions: the decision (cni/) says which rule matched and why, the
 * narrator says it in words, so that every plugin's reasons read alike.
 */
import type { Postrouting } from '../cni/common';

/** The sentence of a POSTROUTING hop: the packet from a pod to `dst`, leaving through `dev`. */
export function postroutingText(decision: Extract<Postrouting, { kind: 'rule' }>, dev: string, dst: string): string {
  switch (decision.why) {
    case 'flannel-masq':
      return `POSTROUTING: flannel masquerades this packet, so it leaves with ${dev}'s address as its source and a random port.`;
    case 'flannel-return':
      return 'FORWARD accepts pod traffic and POSTROUTING returns without NAT: pod-to-pod traffic keeps its source address.';
    case 'nat-outgoing':
      return `POSTROUTING: the IP pool has natOutgoing and ${dst} is outside every pool, so Calico masquerades the packet to ${dev}'s address.`;
    case 'nat-outgoing-in-pool':
    case 'nat-outgoing-not-pod':
      return `POSTROUTING: Calico's natOutgoing applies only to pod traffic leaving every IP pool; this packet ${decision.why === 'nat-outgoing-in-pool' ? 'stays inside the pool' : 'does not come from a pod'}, so no NAT.`;
  }
}
