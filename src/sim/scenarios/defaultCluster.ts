/**
 * The built-in cluster: the reference of docs/networking-model.md (kubeadm, flannel VXLAN, kube-proxy in
 * iptables mode). A control plane and two workers, a client pod, a two-container pod, a Deployment
 * behind a Service, and what kubeadm adds (CoreDNS behind kube-dns, the `kubernetes` Service).
 */
import { DEFAULT_NODES } from '../model/build';
import type { ClusterSpec } from '../model/build';

export const defaultClusterSpec: ClusterSpec = {
  nodes: [...DEFAULT_NODES],
  workloads: [
    {
      kind: 'Pod',
      name: 'client',
      nodeName: 'node-a',
      labels: { app: 'client' },
      containers: [{ name: 'client', image: 'curlimages/curl:8.11.0' }],
    },
    {
      kind: 'Pod',
      name: 'app-1',
      nodeName: 'node-a',
      labels: { app: 'app-1' },
      containers: [
        { name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] },
        { name: 'sidecar', image: 'busybox:1.37' },
      ],
    },
    {
      kind: 'Deployment',
      name: 'web',
      replicas: 3,
      template: {
        labels: { app: 'web' },
        containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
      },
    },
  ],
  services: [
    {
      name: 'web',
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    },
  ],
};
