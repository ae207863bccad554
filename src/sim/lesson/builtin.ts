/**
 * The built-in lessons (`#lesson=<id>&stop=<n>`). Their ids are public and stable, like the
 * scenarios'. Each caption is checked against docs/networking-model.md and the trace at its step
 * (builtin.test.ts traces every stop).
 */
import type { Lesson } from './format';

export const KUBERNETES_NETWORKING: Lesson = {
  v: 1,
  id: 'kubernetes-networking',
  title: 'Kubernetes networking in four steps',
  // One stop is one entry here: the tests and the e2e specs read the count and the order from this
  // list, so a Gateway stop is added by inserting its entry after the Ingress stop, nothing else.
  stops: [
    {
      scenario: 'pod-to-pod-cross-node',
      step: 0,
      camera: 'fit',
      caption:
        'The flat network. Every pod gets its own IP address, and every pod can reach every other pod at that address, on any node, with no NAT in between. Here the client pod (10.244.1.2, on node-a) opens a connection to a web pod (10.244.2.2, on node-b).',
      question: {
        text: 'When the packet arrives, which source address will the web pod see?',
        answer: 'The client’s own address, 10.244.1.2: nothing between two pods rewrites it.',
      },
    },
    {
      scenario: 'container-to-container',
      step: 0,
      to: 2,
      camera: 'follow',
      caption:
        'Container to container. The containers of one pod share one network namespace: one IP, one set of ports, one loopback. The sidecar reaches the web container at localhost:8080 — the packet never leaves the pod.',
      question: {
        text: 'Could the sidecar also listen on port 8080 in the same pod?',
        answer: 'No: the containers share one port space, so the second bind to 8080 fails.',
      },
    },
    {
      scenario: 'pod-to-pod-same-node',
      step: 1,
      to: 6,
      camera: 'follow',
      caption:
        'Pod to pod on one node. Each pod is wired to its node by a veth pair. The node’s bridge, cni0, switches the frame by MAC address to the other pod’s veth: one L2 segment, no router, no NAT.',
    },
    {
      scenario: 'pod-to-pod-cross-node',
      step: 5,
      to: 11,
      camera: 'follow',
      caption:
        'Pod to pod across nodes. node-a routes node-b’s pod subnet through flannel.1, which wraps the packet in VXLAN: an outer UDP packet from node-a’s address to node-b’s. node-b unwraps it and finds the original packet, addresses unchanged.',
      question: {
        text: 'Why is the pods’ MTU smaller than the nodes’?',
        answer: 'The VXLAN wrapping adds 50 bytes of headers to every packet that crosses between nodes.',
      },
    },
    {
      scenario: 'pod-to-pod-cross-node',
      step: 17,
      camera: 'follow',
      caption:
        'Delivered: the web pod sees the connection come from 10.244.1.2, the client pod’s real address. This is the flat network’s promise kept across nodes.',
    },
    {
      scenario: 'pod-to-service',
      step: 0,
      to: 8,
      camera: 'follow',
      caption:
        'Pod to Service. The Service web has a ClusterIP, a virtual address no interface holds. kube-proxy’s rules on the client’s own node match it and DNAT the packet to one of web’s pods, and conntrack remembers the choice.',
      question: {
        text: 'Which node chooses the web pod: the client’s or the web pod’s?',
        answer: 'The client’s node: kube-proxy’s rules run where the packet enters, before it is routed.',
      },
    },
    {
      scenario: 'pod-to-service',
      step: 33,
      camera: 'follow',
      caption:
        'The reply comes back from the pod’s address, and conntrack on node-a rewrites its source back to the ClusterIP (un-DNAT). The client only ever talks to the Service’s address.',
    },
    {
      scenario: 'pod-to-service',
      ops: [{ op: 'deletePod', pod: 'default/web-8rdbl7jt4z-w2bsc' }],
      step: 7,
      camera: ['svc/default/web', 'node/node-b'],
      caption:
        'A pod goes away. The web pod that answered before, on node-b, has been deleted; its Deployment made a new one there, with a new name and a new IP, 10.244.2.4. The ClusterIP is the same — only the endpoint list behind it changed, so the DNAT now draws from the new list: this time it lands on 10.244.1.4, a pod that was there all along.',
      question: {
        text: 'Did the client need to learn any new address?',
        answer: 'No: it still connects to the same ClusterIP (and DNS name); only the Service’s endpoints changed.',
      },
    },
    {
      scenario: 'nodeport-cluster',
      step: 2,
      to: 9,
      camera: 'follow',
      caption:
        'NodePort. Every node accepts the Service on port 30080 of its own address. With externalTrafficPolicy Cluster, node-a may send the connection to a pod on another node, so it also masquerades the source (SNAT) to make the reply come back through itself.',
      question: {
        text: 'What does the web pod see as the client’s address?',
        answer: 'Not the client’s: an address of node-a (here its flannel.1 address), because of the masquerade.',
      },
    },
    {
      scenario: 'loadbalancer',
      step: 1,
      to: 7,
      camera: 'follow',
      caption:
        'LoadBalancer. The cloud’s load balancer owns 198.51.100.1 and passes the packet, unchanged, to one of the nodes; kube-proxy on that node matches the load balancer’s address and DNATs it to a pod, as for a NodePort.',
    },
    {
      scenario: 'ingress',
      step: 53,
      to: 55,
      camera: 'follow',
      caption:
        'The way in from the Internet: an Ingress. The ingress controller (NGINX) is an HTTP proxy: it ends the client’s connection, reads the host and path, and opens its own connection to a backend pod’s IP. The Gateway API describes the same kind of entry with Gateways and Routes.',
      question: {
        text: 'Whose address does the web pod see as its peer?',
        answer:
          'The NGINX controller pod’s, 10.244.2.4: the proxy made the second connection. X-Forwarded-For carries the address NGINX saw, here node-a’s 10.244.1.0, because the NodePort in front of NGINX masqueraded the client.',
      },
    },
    {
      scenario: 'gateway',
      step: 34,
      to: 36,
      camera: 'follow',
      caption:
        'The way in today: the Gateway API, which replaces Ingress. A Gateway (the entrance, run here by Envoy Gateway) and an HTTPRoute (the rules, owned by the app’s team) say what the Ingress said. Envoy is a proxy too: it ends the client’s connection, matches the route and connects to a web pod’s own IP.',
      question: {
        text: 'What does X-Forwarded-For say this time, and why is it not a node’s address as with the Ingress?',
        answer:
          'The client itself, 203.0.113.10: Envoy’s LoadBalancer Service has externalTrafficPolicy Local, so the load balancer sends the packet to the node running Envoy and nothing masquerades it on the way in.',
      },
    },
    {
      scenario: 'egress',
      step: 5,
      to: 13,
      camera: 'follow',
      caption:
        'Egress. A pod address means nothing on the Internet, so node-a masquerades the packet to its own address on the way out. The server sees node-a, and conntrack on node-a sends the answer back to the pod.',
    },
  ],
};

export const BUILTIN_LESSONS: readonly Lesson[] = [KUBERNETES_NETWORKING];

export function findLesson(id: string): Lesson | null {
  return BUILTIN_LESSONS.find((l) => l.id === id) ?? null;
}
