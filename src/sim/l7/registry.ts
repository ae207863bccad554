/**
 * The L7 proxies the simulation knows (docs/architecture.md). Each implementation (ingress-nginx,
 * Envoy Gateway, Cilium's Gateway API) is one module in this list.
 */
import type { Cluster, Service } from '../model/types';
import { ciliumGateway } from './ciliumGateway';
import { envoyGateway } from './envoyGateway';
import { ingressNginx } from './ingressNginx';
import type { L7Exposure, L7Proxy } from './types';

export const L7_PROXIES: readonly L7Proxy[] = [ingressNginx, envoyGateway, ciliumGateway];

/** The proxy that connections to `svc` reach, or null for an ordinary Service. */
export function l7ProxyForService(svc: Service, cluster: Cluster): L7Proxy | null {
  return L7_PROXIES.find((p) => p.servesService(svc, cluster)) ?? null;
}

/** The proxy and address a URL's host name reaches from outside the cluster, or null. */
export function l7Exposure(
  cluster: Cluster,
  host: string,
  scheme: 'http' | 'https',
): { proxy: L7Proxy; exposure: L7Exposure } | null {
  for (const proxy of L7_PROXIES) {
    const exposure = proxy.exposure(cluster, host, scheme);
    if (exposure !== null) return { proxy, exposure };
  }
  return null;
}
