/**
 * The built-in scenarios: each a ready cluster and request with a short explanation in plain words.
 * Their ids are public and stable (posts link `#example=<id>&step=<n>`); never rename one.
 */
import { buildCluster } from '../model/build';
import type { ClusterSpec, ServiceSpec } from '../model/build';
import type { Cluster, Pod, Service } from '../model/types';
import { defaultClusterSpec } from './defaultCluster';
import { addIngressController } from '../model/ingressController';

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
const policyWeb = (node: string): string => {
  const pod = webPodOn(policyCluster, node);
  return pod ? `pod/${pod.namespace}/${pod.name}` : '';
};

export interface ScenarioRequest {
  from: string;
  to: string;
  port?: number;
  protocol?: 'tcp' | 'udp' | 'icmp';
}

export interface Scenario {
  id: string;
  title: string;
  /** which of the four scenarios of the project it belongs to */
  group: 'Container to container' | 'Pod to pod' | 'Pod to Service' | 'Internet to Service';
  /** two or three plain sentences: what happens and why */
  explanation: string;
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
    explanation:
      'The containers of a pod share one network namespace: one IP, one set of ports, one lo. The sidecar reaches the web container at localhost:8080 and the packet never leaves the pod: no veth, no bridge, no iptables.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/app-1:sidecar', to: 'localhost:8080' },
  },
  {
    id: 'pod-to-pod-same-node',
    title: 'Pod to pod on the same node',
    group: 'Pod to pod',
    explanation:
      'Each pod has its own IP and is wired to its node by a veth pair plugged into the cni0 bridge. Two pods on one node are on one L2 segment: the bridge switches the frame from one veth to the other, with no routing and no NAT.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '10.244.1.3', port: 8080 },
  },
  {
    id: 'pod-to-pod-cross-node',
    title: 'Pod to pod across nodes (flannel VXLAN)',
    group: 'Pod to pod',
    explanation:
      'node-a routes the other node’s pod range to flannel.1, which wraps the packet in a VXLAN header (UDP 8472, VNI 1) addressed from node IP to node IP. node-b unwraps it and delivers it through its bridge. The pod IPs never change: Kubernetes’ flat network has no NAT between pods.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '10.244.2.2', port: 8080 },
  },
  {
    id: 'pod-to-service',
    title: 'Pod to Service by its ClusterIP',
    group: 'Pod to Service',
    explanation:
      'The Service web has a stable virtual IP that no interface holds. On the client’s own node, kube-proxy’s iptables rules pick one of the three web pods at random (1/3 each) and rewrite the destination to it (DNAT); conntrack remembers, and rewrites the reply’s source back to the ClusterIP. The client pod’s address is kept.',
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
    explanation:
      'The client asks for “web”. Its resolver appends the search domains and asks CoreDNS at 10.96.0.10 — itself a Service, so the query is DNATed to a CoreDNS pod. The answer is web’s ClusterIP, and the connection then goes through kube-proxy like any other.',
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
    explanation:
      'A client outside the cluster connects to node-a’s address on NodePort 30080. Any web pod may answer, here one on node-b: node-a DNATs to it and also SNATs the source to its own flannel.1 address, so that the reply comes back through node-a. The pod never sees the client’s IP.',
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
    explanation:
      'With externalTrafficPolicy Local, node-b sends the connection only to a web pod on node-b itself, without SNAT: the pod sees the real client address. A node without a local web pod would drop the packet silently.',
    spec: NODEPORT_LOCAL,
    request: { from: 'external/203.0.113.10', to: '192.168.10.12:30081' },
  },
  {
    id: 'loadbalancer',
    title: 'LoadBalancer Service from the Internet',
    group: 'Pod to Service',
    explanation:
      'The cloud’s load balancer owns 198.51.100.1 and passes the packet, still addressed to that IP, to one of the nodes. kube-proxy on that node matches the load-balancer IP and DNATs it to a web pod, masquerading it as for a NodePort with policy Cluster.',
    spec: LOADBALANCER,
    request: { from: 'external/203.0.113.10', to: '198.51.100.1:80' },
  },
  {
    id: 'ingress',
    title: 'Ingress: host and path to a backend',
    group: 'Internet to Service',
    explanation:
      'shop.example.com points at a node’s NodePort of the ingress-nginx controller; kube-proxy sends the connection to the controller pod, masqueraded, so NGINX sees a node address, not the client’s. NGINX matches the host and the /cart path of the Ingress and opens a second connection of its own straight to a web pod’s IP, which answers 200; the client’s address only travels in X-Forwarded-For, and here that holds the node-side address too.',
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
    explanation:
      'The host is known to the Ingress but no path of it matches /, so NGINX takes the implicit root location and its default backend answers 404 Not Found. The client’s connection to NGINX succeeded; no backend pod is contacted at all.',
    spec: INGRESS,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/' },
  },
  {
    id: 'ingress-503',
    title: 'Ingress: a backend without ready endpoints, 503',
    group: 'Internet to Service',
    explanation:
      'The /admin path sends to the Service admin, whose pods do not exist: its EndpointSlice is empty. NGINX has no upstream to connect to and answers 503 Service Temporarily Unavailable itself.',
    spec: INGRESS,
    request: { from: 'external/203.0.113.10', to: 'http://shop.example.com/admin' },
  },
  {
    id: 'egress',
    title: 'A pod reaches the Internet (egress masquerade)',
    group: 'Internet to Service',
    explanation:
      'The client pod connects to 93.184.216.34, outside the cluster. Its node routes the packet out of eth0 and flannel’s POSTROUTING rule masquerades it to the node’s address, because a pod address means nothing on the Internet. The answer comes back to the node, where conntrack restores the pod’s address (un-SNAT) and hands it to the pod.',
    spec: defaultClusterSpec,
    request: { from: 'pod/default/client', to: '93.184.216.34', port: 443 },
  },
  {
    id: 'network-policy-deny',
    title: 'NetworkPolicy: default-deny ingress drops the packet',
    group: 'Pod to pod',
    explanation:
      'With Calico, which enforces NetworkPolicy, the policy default-deny-ingress selects every pod of the namespace for ingress and allows nothing. The client’s packet crosses to the other node as usual and is dropped at the host side of the web pod’s veth, silently: no RST, no ICMP, the client just times out.',
    spec: POLICY,
    get request() {
      return { from: 'pod/default/client', to: policyWeb('node-b'), port: 8080 };
    },
  },
];

export function findScenario(id: string): Scenario | null {
  return SCENARIOS.find((s) => s.id === id) ?? null;
}
