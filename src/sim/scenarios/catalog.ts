/**
 * The built-in scenarios: each a ready cluster and request with a framing sentence in plain words.
 * Their ids are public and stable (posts link `#example=<id>&step=<n>`); never rename one.
 */
import { buildCluster } from '../model/build';
import type { ClusterSpec, ServiceSpec } from '../model/build';
import type { Cluster, Pod, Service } from '../model/types';
import { defaultClusterSpec } from './defaultCluster';
import { addIngressController } from '../model/ingressController';
import { netpolTruthTableSpec } from '../matrix/netpolTruthTable';
import { CILIUM_GATEWAY_CLUSTER, GATEWAY_CLUSTER, GATEWAY_CLUSTER_GRANTED } from './gatewayCluster';
import { podEni } from '../cni/awsVpc';

/** The built-in cluster plus one more Service in front of the web pods. */
function withWebService(service: Omit<ServiceSpec, 'selector'>): ClusterSpec {
  return {
    ...defaultClusterSpec,
    services: [...(defaultClusterSpec.services ?? []), { ...service, selector: { app: 'web' } }],
  };
}

const NODEPORT_CLUSTER = withWebService({
  name: 'web-nodeport',
  type: 'NodePort',
  externalTrafficPolicy: 'Cluster',
  ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }],
});
const NODEPORT_LOCAL = withWebService({
  name: 'web-local',
  type: 'NodePort',
  externalTrafficPolicy: 'Local',
  ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30081 }],
});
const LOADBALANCER = withWebService({
  name: 'web-lb',
  type: 'LoadBalancer',
  ports: [{ name: 'http', port: 80, targetPort: 8080 }],
});

/**
 * A cluster the scenarios look names up in (pod names and Service IPs are derived), built the first
 * time a scenario's request or pick is read rather than when the app starts.
 */
function lazyCluster(spec: ClusterSpec): () => Cluster {
  let built: Cluster | null = null;
  return () => (built ??= buildCluster(spec));
}
const webPodOn = (cluster: () => Cluster, node: string): Pod | undefined =>
  cluster().pods.find((p) => p.owner === 'Deployment/web' && p.node === node);

/** The web pods of the built-in cluster, by node. */
const builtIn = lazyCluster(defaultClusterSpec);
const webPod = (node: string): string => {
  const pod = webPodOn(builtIn, node);
  return pod ? `${pod.namespace}/${pod.name}` : '';
};
const webService = (): Service | undefined => builtIn().services.find((s) => s.name === 'web');

/**
 * The shop: one Ingress for shop.example.com with /cart to the web pods and /admin to a Service
 * whose Deployment has no replica yet; ingress-nginx as its bare-metal manifest installs it.
 */
const INGRESS = addIngressController({
  ...defaultClusterSpec,
  services: [
    ...(defaultClusterSpec.services ?? []),
    {
      name: 'admin',
      type: 'ClusterIP',
      selector: { app: 'admin' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    },
  ],
  extras: [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'default' },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/cart', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
                { path: '/admin', pathType: 'Prefix', backend: { service: { name: 'admin', port: { name: 'http' } } } },
              ],
            },
          },
        ],
      },
    },
  ],
}).spec;
const ingressCluster = lazyCluster(INGRESS);
const ingressWeb = (node: string): string => {
  const pod = webPodOn(ingressCluster, node);
  return pod ? `${pod.namespace}/${pod.name}` : '';
};

/** Calico (IP-in-IP) enforcing NetworkPolicy, with a default-deny ingress policy in default. */
const POLICY: ClusterSpec = {
  ...defaultClusterSpec,
  settings: {
    cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
    policyEnforced: true,
  },
  extras: [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ],
};
const policyCluster = lazyCluster(POLICY);

/**
 * The same default-deny on the AWS VPC CNI with its network policy agent on (the amazon-vpc-cni
 * ConfigMap's enable-network-policy-controller: "true"; EKS ships it off).
 */
const AWS_POLICY: ClusterSpec = {
  ...POLICY,
  settings: { cni: { kind: 'aws-vpc', externalSnat: false, excludeSnatCidrs: [] }, policyEnforced: true },
};
const awsPolicyCluster = lazyCluster(AWS_POLICY);
/**
 * EKS with AWS_VPC_K8S_CNI_EXTERNALSNAT=true (nodes whose traffic out is translated by a NAT
 * gateway, or reaches peered networks and VPNs as it is), and a network beyond the VPC, peered or
 * over a VPN, that routes the VPC's addresses back: the site-network setting.
 */
const AWS_EXTERNAL_SNAT: ClusterSpec = {
  ...defaultClusterSpec,
  settings: {
    cni: { kind: 'aws-vpc', externalSnat: true, excludeSnatCidrs: [] },
    siteRoutesPodNetwork: true,
  },
};
const awsExternalSnatCluster = lazyCluster(AWS_EXTERNAL_SNAT);

const policyWeb = (node: string): string => {
  const pod = webPodOn(policyCluster, node);
  return pod ? `pod/${pod.namespace}/${pod.name}` : '';
};

export interface ScenarioRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
  /** the HTTP method of a URL request (default GET) */
  method?: string;
  /** header lines `Name: value` of a URL request */
  headers?: string[];
}

export interface Scenario {
  id: string;
  title: string;
  /** which of the four scenarios of the project it belongs to */
  group: 'Container to container' | 'Pod to pod' | 'Pod to Service' | 'Internet to Service';
  /**
   * One or two plain sentences that set the scene and hold whatever CNI and proxy mode are chosen;
   * the mechanism itself is explained from the trace (`explainTrace`), so it always matches the hops.
   */
  framing: string;
  spec: ClusterSpec;
  request: ScenarioRequest;
  seed?: number;
  pick?: string[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'container-to-container',
    title: 'Container to container, over localhost',
    group: 'Container to container',
    framing:
      'The containers of a pod share one network namespace: one IP, one set of ports, one lo. The sidecar reaches the web container of its own pod at localhost:8080.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/app-1:sidecar', to: 'localhost:8080' },
  },
  {
    id: 'pod-to-pod-same-node',
    title: 'Pod to pod on the same node',
    group: 'Pod to pod',
    framing:
      'Each pod has its own IP in its own network namespace, wired to its node by a veth pair. Here the client talks to a pod on the same node, by that pod’s IP.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '10.244.1.3', port: 8080 },
  },
  {
    id: 'pod-to-pod-cross-node',
    title: 'Pod to pod across nodes',
    group: 'Pod to pod',
    framing:
      'Every pod has its own IP, and any pod reaches any other at that IP, whichever node it runs on: Kubernetes’ flat network has no NAT between pods. Here the client on node-a connects to a web pod on node-b.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '10.244.2.2', port: 8080 },
  },
  {
    id: 'pod-to-service',
    title: 'Pod to Service by its ClusterIP',
    group: 'Pod to Service',
    framing:
      'The Service web has a stable virtual IP, its ClusterIP, in front of three web pods that come and go; no interface holds that IP. The client connects to it, and something on its own node must turn it into one pod.',
    spec: defaultClusterSpec,
    get request() {
      return { from: 'pod/default/client', to: `${webService()?.clusterIP ?? ''}:80` };
    },
    get pick() {
      return [webPod('node-b')];
    },
  },
  {
    id: 'pod-to-service-dns',
    title: 'Pod to Service by name (DNS first)',
    group: 'Pod to Service',
    framing:
      'The client connects to “web” by name: its resolver appends the search domains and first asks the cluster DNS, CoreDNS, which is itself a Service. The answer is web’s ClusterIP, which the client then connects to like any other.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: 'web', port: 80 },
    get pick() {
      return [webPod('node-b')];
    },
  },
  {
    id: 'nodeport-cluster',
    title: 'NodePort, externalTrafficPolicy: Cluster',
    group: 'Pod to Service',
    framing:
      'A client outside the cluster connects to node-a’s address on NodePort 30080. With externalTrafficPolicy Cluster any web pod may answer, even one on another node, so node-a must make sure the reply comes back through itself.',
    spec: NODEPORT_CLUSTER,
    request: { from: 'external/203.0.113.10', to: '192.168.10.11:30080' },
    get pick() {
      return [webPod('node-b')];
    },
  },
  {
    id: 'nodeport-local',
    title: 'NodePort, externalTrafficPolicy: Local',
    group: 'Pod to Service',
    framing:
      'A client outside the cluster connects to node-b’s NodePort 30081. With externalTrafficPolicy Local, node-b sends the connection only to a web pod on node-b itself and keeps the client’s address; a node without a local web pod would drop the packet silently.',
    spec: NODEPORT_LOCAL,
    request: { from: 'external/203.0.113.10', to: '192.168.10.12:30081' },
  },
  {
    id: 'loadbalancer',
    title: 'LoadBalancer Service from the Internet',
    group: 'Pod to Service',
    framing:
      'A client on the Internet connects to the Service web-lb at 198.51.100.1, an address that belongs to the cloud’s load balancer in front of the nodes, not to any node or pod.',
    spec: LOADBALANCER,
    request: { from: 'external/203.0.113.10', to: '198.51.100.1:80' },
  },
  {
    id: 'ingress',
    title: 'Ingress: host and path to a backend',
    group: 'Internet to Service',
    framing:
      'shop.example.com points at a node’s NodePort of the ingress-nginx controller, an HTTP proxy: it reads the request and chooses a backend by host and path, here /cart for the Service web. The backend sees NGINX as its peer; NGINX passes on the client address it saw in X-Forwarded-For. SIG Network retired the ingress-nginx controller in March 2026 (the Ingress API stays); Gateway API replaces it.',
    spec: INGRESS,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/cart' },
    get pick() {
      return [ingressWeb('node-b')];
    },
  },
  {
    id: 'ingress-404',
    title: 'Ingress: no matching rule, 404',
    group: 'Internet to Service',
    framing:
      'The host is known to the Ingress, but none of its paths matches /, so NGINX has no backend for the request. The client’s connection to NGINX itself succeeds.',
    spec: INGRESS,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/' },
  },
  {
    id: 'ingress-503',
    title: 'Ingress: a backend without ready endpoints, 503',
    group: 'Internet to Service',
    framing:
      'The /admin path sends to the Service admin, whose pods do not exist: its EndpointSlice is empty, so NGINX has no upstream to connect to.',
    spec: INGRESS,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/admin' },
  },
  {
    id: 'gateway',
    title: 'Gateway API: an HTTPRoute to a backend',
    group: 'Internet to Service',
    framing:
      'Gateway API replaces Ingress. The Gateway eg is run by Envoy Gateway: a LoadBalancer Service in front of an Envoy pod in envoy-gateway-system. Envoy reads the request, the HTTPRoute shop sends shop.example.com/cart to the Service web, and Envoy connects to a web pod’s own IP; the pod sees Envoy as its peer and the client in X-Forwarded-For.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/cart' },
  },
  {
    id: 'gateway-split',
    title: 'Gateway API: a 90/10 canary by weights',
    group: 'Internet to Service',
    framing:
      'The HTTPRoute checkout lists two backends with weights 90 and 10: web and web-canary. For each request Envoy picks a backend by those weights, then one of its pods, so nine requests in ten reach web and one reaches the canary. To see the split, find the Envoy Service (envoy-default-eg-e41e7b31) and send 100 requests.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://checkout.example.com/' },
    // a draw that lands on a web pod other than the gateway scenario's, so the two do not look alike
    seed: 2,
  },
  {
    id: 'gateway-redirect',
    title: 'Gateway API: http redirected to https, 301',
    group: 'Internet to Service',
    framing:
      'The HTTPRoute secure-redirect answers every plain-http request for secure.example.com with a RequestRedirect to https. Envoy answers 301 with a Location header itself; no backend is contacted, and the browser comes back on port 443.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://secure.example.com/login' },
  },
  {
    id: 'gateway-header-match',
    title: 'Gateway API: a header chooses the backend',
    group: 'Internet to Service',
    framing:
      'The HTTPRoute api has two rules for api.example.com: one for requests carrying the header X-Canary: always, sent to web-canary, and one for everything else, sent to web. This request carries the header; a rule with more header matches wins over one with fewer.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://api.example.com/', headers: ['X-Canary: always'] },
  },
  {
    id: 'gateway-no-route',
    title: 'Gateway API: no rule matches, 404',
    group: 'Internet to Service',
    framing:
      'The HTTPRoute shop serves only /cart on shop.example.com, and the request asks for /. Envoy accepts the connection and reads the request, finds no rule that matches, and answers 404 itself.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/' },
  },
  {
    id: 'gateway-cross-namespace',
    title: 'Gateway API: a backend in another namespace, no ReferenceGrant, 500',
    group: 'Internet to Service',
    framing:
      'The HTTPRoute store in namespace store sends to the Service inventory in namespace backend. A route may only use a Service of another namespace when that namespace allows it with a ReferenceGrant, and backend has none: Envoy answers 500. The next scenario adds the ReferenceGrant.',
    spec: GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://store.example.com/' },
  },
  {
    id: 'gateway-cross-namespace-granted',
    title: 'Gateway API: the same, with a ReferenceGrant, 200',
    group: 'Internet to Service',
    framing:
      'The namespace backend now has the ReferenceGrant store-routes: HTTPRoutes from namespace store may use the Service inventory. The same request as in the previous scenario now reaches the inventory pod.',
    spec: GATEWAY_CLUSTER_GRANTED,
    request: { from: 'external/203.0.113.10', to: 'http://store.example.com/' },
  },
  {
    id: 'gateway-cilium',
    title: 'Gateway API without a proxy pod: each node’s own Envoy',
    group: 'Internet to Service',
    framing:
      'Here the Gateway shop gets no proxy pod (the CNI is Cilium, with its Gateway API on): its operator gives the Gateway a LoadBalancer Service, and every node runs an Envoy. The node the load balancer picks hands the connection to its own Envoy, without DNAT; Envoy matches the HTTPRoute shop and connects to a web pod from the node’s ingress address, which the pod sees as its peer, with the client in X-Forwarded-For.',
    spec: CILIUM_GATEWAY_CLUSTER,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/cart' },
    // a draw whose web pod is on the other node, so the upstream connection crosses the tunnel
    seed: 2,
  },
  {
    id: 'egress',
    title: 'A pod reaches the Internet (egress masquerade)',
    group: 'Internet to Service',
    framing:
      'The client pod connects to 93.184.216.34, a server outside the cluster, where a pod address means nothing: the answer must find its way back to the pod.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '93.184.216.34', port: 443 },
  },
  {
    id: 'egress-eks-external-snat',
    title: 'EKS without SNAT: out of the second ENI',
    group: 'Internet to Service',
    framing:
      'An EKS-style cluster with AWS_VPC_K8S_CNI_EXTERNALSNAT=true: the AWS VPC CNI leaves pod addresses alone, for a NAT gateway or a VPN to handle. A web pod whose address sits on its node’s second ENI (eth1) connects to 10.20.0.5, a server in a peered network that routes the VPC’s addresses back.',
    spec: AWS_EXTERNAL_SNAT,
    get request() {
      // a pod whose address ipamd took from the spare ENI, eth1
      const pod = awsExternalSnatCluster()
        .pods.filter((p) => p.namespace === 'default' && p.labels['app'] === 'web')
        .find((p) => podEni(p) === 'eth1');
      return { from: pod ? `pod/${pod.namespace}/${pod.name}` : '', to: '10.20.0.5', port: 5432 };
    },
  },
  {
    id: 'network-policy-deny',
    title: 'NetworkPolicy: default-deny ingress',
    group: 'Pod to pod',
    framing:
      'The NetworkPolicy default-deny-ingress selects every pod of the namespace for ingress and allows nothing, so a packet to a web pod is dropped where the network plugin enforces NetworkPolicy (Calico and Cilium do; flannel alone does not).',
    spec: POLICY,
    get request() {
      return { from: 'pod/default/client', to: policyWeb('node-b'), port: 8080 };
    },
  },
  {
    id: 'network-policy-deny-eks',
    title: 'NetworkPolicy on EKS: default-deny ingress',
    group: 'Pod to pod',
    framing:
      'An EKS-style cluster whose pods hold VPC addresses, with the network policy agent turned on (enable-network-policy-controller: "true" in the amazon-vpc-cni ConfigMap). default-deny-ingress allows nothing in, so the packet to a web pod on the other node is dropped (where the plugin enforces NetworkPolicy; with the agent off, as EKS ships it, the policy has no effect).',
    spec: AWS_POLICY,
    get request() {
      const pod = webPodOn(awsPolicyCluster, 'node-b');
      // by its VPC address: the request differs from network-policy-deny's, whose pod has the same name
      return { from: 'pod/default/client', to: pod?.ip ?? '', port: 8080 };
    },
  },
  {
    id: 'netpol-truth-table',
    title: 'NetworkPolicy truth table (Kubernetes e2e setup)',
    group: 'Pod to pod',
    framing:
      'Kubernetes’ own NetworkPolicy test setup: in x, deny-ingress isolates every pod and allow-from-y lets namespace y in on port 80 only (where the network plugin enforces NetworkPolicy, as Calico and Cilium do). The Matrix view shows every pair.',
    spec: netpolTruthTableSpec([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-ingress', namespace: 'x' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-from-y', namespace: 'x' },
        spec: {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 'serve-80-tcp' }] }],
        },
      },
    ]),
    request: { from: 'pod/y/a', to: 'svc/x/s-x-a', port: 80 },
  },
];

export function findScenario(id: string): Scenario | null {
  return SCENARIOS.find((s) => s.id === id) ?? null;
}
