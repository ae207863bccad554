/**
 * The setup of Kubernetes' NetworkPolicy end-to-end tests (test/e2e/network/netpol in
 * kubernetes/kubernetes), rebuilt as a cluster: namespaces x, y and z (labelled `ns=<name>`), pods
 * a, b and c in each (labelled `pod=<name>`), every pod serving ports 80 and 81 over TCP and UDP
 * under the upstream port names, each behind its own Service `s-<namespace>-<pod>`, on Calico so
 * that policy is enforced. SCTP is left out: the simulation has no SCTP path.
 */
import { DEFAULT_NODES } from '../model/build';
import type { ClusterSpec, PodSpec } from '../model/build';

export const NETPOL_NAMESPACES = ['x', 'y', 'z'] as const;
export const NETPOL_PODS = ['a', 'b', 'c'] as const;

/** The same cluster with these extra objects (NetworkPolicies, relabelled Namespaces) appended. */
export function netpolTruthTableSpec(
  extras: readonly unknown[] = [],
  podLabels: Readonly<Record<string, Record<string, string>>> = {},
): ClusterSpec {
  const workloads: ({ kind: 'Pod' } & PodSpec)[] = [];
  for (const ns of NETPOL_NAMESPACES) {
    NETPOL_PODS.forEach((pod, i) => {
      workloads.push({
        kind: 'Pod',
        namespace: ns,
        name: pod,
        // spread over both workers, as a scheduler would
        nodeName: i % 2 === 0 ? 'node-a' : 'node-b',
        labels: podLabels[`${ns}/${pod}`] ?? { pod },
        containers: [
          {
            name: 'cont',
            image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
            ports: [
              { name: 'serve-80-tcp', containerPort: 80, protocol: 'tcp' },
              { name: 'serve-80-udp', containerPort: 80, protocol: 'udp' },
              { name: 'serve-81-tcp', containerPort: 81, protocol: 'tcp' },
              { name: 'serve-81-udp', containerPort: 81, protocol: 'udp' },
            ],
          },
        ],
      });
    });
  }
  const namespaces = NETPOL_NAMESPACES.map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: { ns } },
  }));
  // a relabelled Namespace given in extras replaces the default one
  const given = new Set(
    extras
      .map((o) => o as { kind?: unknown; metadata?: { name?: unknown } })
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata?.name),
  );
  return {
    nodes: [...DEFAULT_NODES],
    settings: {
      cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
      policyEnforced: true,
    },
    namespaces: [...NETPOL_NAMESPACES],
    workloads,
    services: NETPOL_NAMESPACES.flatMap((ns) =>
      NETPOL_PODS.map((pod) => ({
        namespace: ns,
        name: `s-${ns}-${pod}`,
        type: 'ClusterIP' as const,
        selector: { pod },
        ports: [80, 81].flatMap((port) =>
          (['tcp', 'udp'] as const).map((protocol) => ({
            name: `service-port-${protocol}-${port}`,
            protocol,
            port,
            targetPort: port,
          })),
        ),
      })),
    ),
    extras: [...namespaces.filter((n) => !given.has(n.metadata.name)), ...extras],
  };
}
