/**
 * The built-in scenarios: each a ready cluster and request with a short explanation in plain words.
 * Their ids are public and stable (posts link `#example=<id>&step=<n>`); never rename one.
 */
import type { ClusterSpec } from '../model/build';
import { defaultClusterSpec } from './defaultCluster';

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
];

export function findScenario(id: string): Scenario | null {
  return SCENARIOS.find((s) => s.id === id) ?? null;
}
