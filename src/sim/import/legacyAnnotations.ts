/**
 * Annotations that earlier releases of k8s-netviz invented to say how a Service's load balancer
 * behaves. No Kubernetes component reads them; what they meant is the real field
 * `status.loadBalancer.ingress[].ipMode` (KEP-1860, GA in 1.32), so manifests and links that still
 * carry them open with that field set instead, a warning saying so, and the annotation dropped
 * (an export never writes it again).
 *
 * - `netviz.io/ip-mode: Proxy | VIP` was the field under another name.
 * - `netviz.io/load-balancer-mode: nodeport-proxy` drew a load balancer that ends the client's
 *   connection and opens its own to `<nodeIP>:<nodePort>` (an AWS classic ELB). That is what
 *   ipMode Proxy tells kube-proxy: the LB does not deliver packets still addressed to its IP, so
 *   kube-proxy installs no rule for that IP. Any other value was the default pass-through LB.
 */
import type { Fields } from './read';

export const LEGACY_IP_MODE_ANNOTATION = 'netviz.io/ip-mode';
export const LEGACY_LB_MODE_ANNOTATION = 'netviz.io/load-balancer-mode';
const FIELD = 'status.loadBalancer.ingress[].ipMode';

type IpMode = 'VIP' | 'Proxy';

/**
 * Removes the legacy annotations from `annotations` and returns the ipMode the Service gets: the
 * status field when it gives one (as kube-proxy reads it), else what the annotations meant.
 */
export function translateLegacyLbAnnotations(
  f: Fields,
  annotations: Record<string, string>,
  statusIpMode: IpMode | undefined,
): IpMode | undefined {
  const ipModeText = annotations[LEGACY_IP_MODE_ANNOTATION];
  const lbModeText = annotations[LEGACY_LB_MODE_ANNOTATION];
  if (ipModeText === undefined && lbModeText === undefined) return statusIpMode;
  delete annotations[LEGACY_IP_MODE_ANNOTATION];
  delete annotations[LEGACY_LB_MODE_ANNOTATION];
  const at = (key: string) => ['metadata', 'annotations', key];
  let meant: IpMode | undefined;
  let from = '';
  if (ipModeText !== undefined) {
    if (ipModeText === 'Proxy' || ipModeText === 'VIP') {
      meant = ipModeText;
      from = LEGACY_IP_MODE_ANNOTATION;
    } else {
      f.warn(
        at(LEGACY_IP_MODE_ANNOTATION),
        `is no Kubernetes field and "${ipModeText}" is neither VIP nor Proxy: ignored (the real field is ${FIELD})`,
      );
    }
  }
  if (lbModeText !== undefined) {
    if (lbModeText === 'nodeport-proxy') {
      // Either annotation asking for the proxy made it one (the old reading); keep that.
      meant = 'Proxy';
      from = LEGACY_LB_MODE_ANNOTATION;
    } else {
      f.warn(
        at(LEGACY_LB_MODE_ANNOTATION),
        `is no Kubernetes field and "${lbModeText}" asks for nothing but the default pass-through load balancer: ignored`,
      );
    }
  }
  if (meant === undefined) return statusIpMode;
  if (statusIpMode !== undefined) {
    f.warn(
      at(from),
      `is no Kubernetes field (an annotation of earlier k8s-netviz releases): ignored, since ${FIELD} gives ${statusIpMode}`,
    );
    return statusIpMode;
  }
  f.warn(
    at(from),
    `is no Kubernetes field (an annotation of earlier k8s-netviz releases): read as ${FIELD}: ${meant}, the field kube-proxy reads`,
  );
  return meant;
}
