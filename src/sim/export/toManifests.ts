/**
 * The current cluster as the Kubernetes objects a real cluster would list: the configuration
 * objects its settings come from, Nodes, Namespaces, workloads, Pods with their addresses and
 * readiness, Services with their allocated IPs and ports, and the objects kept for later layers.
 * Loading the result again gives the same cluster (same names, IPs, ports), which is what
 * "export as YAML" promises.
 */
import type { Cluster, ClusterNode, Pod, Service } from '../model/types';
import type { ClusterSpec } from '../model/build';

type Obj = Record<string, unknown>;

function settingsObjects(cluster: Cluster): Obj[] {
  const s = cluster.settings;
  const cni = s.cni;
  // An EKS cluster has no kubeadm ClusterConfiguration: its Service range is the ServiceCIDR, and
  // the pod network is the VPC's (no podSubnet to write).
  const eks = cni.kind === 'aws-vpc';
  const out: Obj[] = eks
    ? [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'ServiceCIDR',
          metadata: { name: 'kubernetes' },
          spec: { cidrs: [s.serviceSubnet] },
        },
        ...(s.dnsDomain === 'cluster.local'
          ? []
          : [
              {
                apiVersion: 'kubeadm.k8s.io/v1beta4',
                kind: 'ClusterConfiguration',
                networking: { serviceSubnet: s.serviceSubnet, dnsDomain: s.dnsDomain },
              },
            ]),
      ]
    : [
        {
          apiVersion: 'kubeadm.k8s.io/v1beta4',
          kind: 'ClusterConfiguration',
          networking: { podSubnet: s.podSubnet, serviceSubnet: s.serviceSubnet, dnsDomain: s.dnsDomain },
        },
      ];
  if (s.proxyMode !== 'cilium') {
    out.push({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: s.proxyMode,
      ...(eks ? {} : { clusterCIDR: s.podSubnet }),
    });
  }
  if (cni.kind === 'flannel') {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-flannel-cfg', namespace: 'kube-flannel' },
      data: { 'net-conf.json': JSON.stringify({ Network: s.podSubnet, Backend: { Type: cni.backend } }, null, 2) },
    });
    if (!cni.ipMasq) {
      out.push({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'kube-flannel-ds', namespace: 'kube-flannel' },
        spec: {
          selector: { matchLabels: { app: 'flannel' } },
          template: {
            metadata: { labels: { app: 'flannel' } },
            spec: {
              hostNetwork: true,
              containers: [
                { name: 'kube-flannel', image: 'ghcr.io/flannel-io/flannel:v0.26.1', args: ['--kube-subnet-mgr'] },
              ],
            },
          },
        },
      });
    }
  } else if (cni.kind === 'calico') {
    out.push({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'default-ipv4-ippool' },
      spec: {
        cidr: s.podSubnet,
        ipipMode: cni.ipipMode,
        vxlanMode: cni.vxlanMode,
        natOutgoing: cni.natOutgoing,
        blockSize: cni.blockSize,
      },
    });
  } else if (cni.kind === 'kindnet') {
    out.push(kindnetDaemonSet(s.podSubnet));
  } else if (cni.kind === 'aws-vpc') {
    out.push(awsNodeDaemonSet(cni), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': String(s.policyEnforced) },
    });
  } else {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cilium-config', namespace: 'kube-system' },
      data: {
        'routing-mode': cni.routingMode,
        'tunnel-protocol': cni.tunnelProtocol,
        'kube-proxy-replacement': String(cni.kubeProxyReplacement),
        'enable-bpf-masquerade': String(cni.bpfMasquerade ?? false),
        ...(cni.gatewayApi === true ? { 'enable-gateway-api': 'true' } : {}),
      },
    });
  }
  const vpcCidrs = s.vpcCidrs ?? [];
  if (s.siteRoutesPodNetwork === true || vpcCidrs.length > 0 || s.vpcSubnetPrefix !== undefined) {
    // k8s-netviz's own ConfigMap: the site network is no Kubernetes object (src/sim/import/settings.ts)
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'k8s-netviz-site-network', namespace: 'kube-system' },
      data: {
        ...(s.siteRoutesPodNetwork === true ? { routesPodNetwork: 'true' } : {}),
        ...(vpcCidrs.length > 0 ? { vpcCIDRs: vpcCidrs.join(',') } : {}),
        ...(s.vpcSubnetPrefix !== undefined ? { vpcSubnetPrefix: String(s.vpcSubnetPrefix) } : {}),
      },
    });
  }
  return out;
}

/**
 * kind's kindnet DaemonSet as kind installs it: kindnetd reads the cluster CIDR from POD_SUBNET.
 * Its image is one that bundles kube-network-policies (tags from v20240719 on), which the
 * importer reads as NetworkPolicy being enforced.
 */
function kindnetDaemonSet(podSubnet: string): Obj {
  const labels = { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' };
  const fieldEnv = (name: string, fieldPath: string): Obj => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kindnet', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: { app: 'kindnet' } },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: 'kindnet-cni',
              image: 'docker.io/kindest/kindnetd:v20250512-df8de77b',
              env: [
                fieldEnv('HOST_IP', 'status.hostIP'),
                fieldEnv('POD_IP', 'status.podIP'),
                { name: 'POD_SUBNET', value: podSubnet },
              ],
            },
          ],
        },
      },
    },
  };
}

/**
 * The aws-node DaemonSet as the EKS add-on installs it, with the env the simulation reads:
 * AWS_VPC_K8S_CNI_EXTERNALSNAT and AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS (and the defaults beside them).
 */
function awsNodeDaemonSet(cni: Extract<Cluster['settings']['cni'], { kind: 'aws-vpc' }>): Obj {
  const labels = { 'k8s-app': 'aws-node' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: 'aws-node',
              image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1',
              env: [
                { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', value: String(cni.externalSnat) },
                ...(cni.excludeSnatCidrs.length > 0
                  ? [{ name: 'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS', value: cni.excludeSnatCidrs.join(',') }]
                  : []),
                { name: 'AWS_VPC_K8S_CNI_RANDOMIZESNAT', value: 'prng' },
                { name: 'ENABLE_PREFIX_DELEGATION', value: 'false' },
                { name: 'WARM_ENI_TARGET', value: '1' },
              ],
            },
          ],
        },
      },
    },
  };
}

function nodeObject(node: ClusterNode): Obj {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': node.name, ...node.labels };
  if (node.role === 'control-plane') labels['node-role.kubernetes.io/control-plane'] = '';
  const spec: Obj = node.podCIDR === null ? {} : { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] };
  if (node.role === 'control-plane')
    spec['taints'] = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.name, labels },
    spec,
    status: {
      addresses: [
        { type: 'InternalIP', address: node.internalIP },
        { type: 'Hostname', address: node.name },
      ],
      conditions: [{ type: 'Ready', status: node.ready ? 'True' : 'False' }],
    },
  };
}

/** The pod-template-hash part of a Deployment pod's name (`web-7d4b9c8f6d-x2k9p`). */
function replicaSetOf(pod: Pod, deployment: string): string | null {
  const rest = pod.name.startsWith(`${deployment}-`) ? pod.name.slice(deployment.length + 1) : '';
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? `${deployment}-${rest.slice(0, dash)}` : null;
}

function podObject(pod: Pod): Obj {
  const metadata: Obj = { name: pod.name, namespace: pod.namespace, labels: { ...pod.labels } };
  if (pod.terminating) metadata['deletionTimestamp'] = '2026-01-01T00:00:00Z';
  if (pod.owner) {
    const [kind, name] = pod.owner.split('/') as [string, string];
    const rs = kind === 'Deployment' ? replicaSetOf(pod, name) : null;
    // the ReplicaSet controller labels its pods with the template hash, which links them back
    if (rs) (metadata['labels'] as Record<string, string>)['pod-template-hash'] = rs.slice(name.length + 1);
    metadata['ownerReferences'] = [
      rs
        ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, controller: true }
        : { apiVersion: 'apps/v1', kind, name, controller: true },
    ];
  }
  const spec: Obj = {
    nodeName: pod.node,
    containers: pod.containers.map((c) => {
      const container: Obj = { name: c.name, image: c.image };
      if (c.ports.length > 0) {
        container['ports'] = c.ports.map((p) => {
          const port: Obj = { containerPort: p.containerPort, protocol: p.protocol.toUpperCase() };
          if (p.name) port['name'] = p.name;
          if (p.hostPort !== null) port['hostPort'] = p.hostPort;
          return port;
        });
      }
      return container;
    }),
  };
  if (pod.hostNetwork) spec['hostNetwork'] = true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec,
    status: { phase: 'Running', podIP: pod.ip, conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }] },
  };
}

function serviceObject(svc: Service): Obj {
  const spec: Obj = { type: svc.type };
  if (svc.type === 'ExternalName') spec['externalName'] = svc.externalName;
  else spec['clusterIP'] = svc.clusterIP ?? 'None';
  if (svc.selector) spec['selector'] = { ...svc.selector };
  if (svc.ports.length > 0) {
    spec['ports'] = svc.ports.map((p) => {
      const port: Obj = { port: p.port, targetPort: p.targetPort, protocol: p.protocol.toUpperCase() };
      if (p.name) port['name'] = p.name;
      if (p.nodePort !== null) port['nodePort'] = p.nodePort;
      return port;
    });
  }
  if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') spec['externalTrafficPolicy'] = svc.externalTrafficPolicy;
  if (svc.internalTrafficPolicy !== 'Cluster') spec['internalTrafficPolicy'] = svc.internalTrafficPolicy;
  if (svc.sessionAffinity === 'ClientIP') {
    spec['sessionAffinity'] = 'ClientIP';
    spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: svc.sessionAffinityTimeout } };
  }
  if (svc.publishNotReadyAddresses) spec['publishNotReadyAddresses'] = true;
  const metadata: Obj = { name: svc.name, namespace: svc.namespace };
  if (Object.keys(svc.annotations).length > 0) metadata['annotations'] = { ...svc.annotations };
  const obj: Obj = { apiVersion: 'v1', kind: 'Service', metadata, spec };
  if (svc.type === 'LoadBalancer' && svc.loadBalancerIP)
    obj['status'] = {
      loadBalancer: {
        ingress: [
          svc.loadBalancerIPMode === null
            ? { ip: svc.loadBalancerIP }
            : { ip: svc.loadBalancerIP, ipMode: svc.loadBalancerIPMode },
        ],
      },
    };
  return obj;
}

/**
 * The cluster as Kubernetes objects, in an order that re-imports to the same cluster.
 *
 * @param spec - the description the cluster was built from, when known: its workloads are kept
 *   (with their replica counts) so that the exported YAML still scales like the original
 */
export function toManifests(
  cluster: Cluster,
  spec: ClusterSpec | null = null,
  options: { style?: 'listed' | 'authored' } = {},
): Obj[] {
  if (options.style === 'authored') return authored(cluster, spec);
  const out = settingsObjects(cluster);
  for (const node of cluster.nodes) out.push(nodeObject(node));
  for (const ns of cluster.namespaces) {
    if (ns === 'default' || ns === 'kube-system') continue;
    out.push(namespaceObject(cluster, ns));
  }
  for (const w of spec?.workloads ?? []) {
    if (w.kind !== 'Deployment') continue;
    const namespace = w.namespace ?? 'default';
    const replicas = cluster.pods.filter((p) => p.namespace === namespace && p.owner === `Deployment/${w.name}`).length;
    const labels = w.template.labels ?? {};
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...(w.template.hostNetwork ? { hostNetwork: true } : {}),
            containers: w.template.containers.map((c) => ({
              name: c.name,
              image: c.image ?? `${c.name}:latest`,
              ...(c.ports && c.ports.length > 0
                ? {
                    ports: c.ports.map((p) => ({
                      containerPort: p.containerPort,
                      protocol: (p.protocol ?? 'tcp').toUpperCase(),
                      ...(p.name ? { name: p.name } : {}),
                    })),
                  }
                : {}),
            })),
          },
        },
      },
    });
  }
  for (const pod of cluster.pods) out.push(podObject(pod));
  for (const svc of cluster.services) out.push(serviceObject(svc));
  for (const e of cluster.endpoints) {
    if (!e.fromInput) continue;
    const [namespace, name] = e.service.split('/') as [string, string];
    out.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-manual`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: (e.endpoints[0]?.ports ?? []).map((p) => ({
        name: p.name ?? '',
        port: p.port,
        protocol: p.protocol.toUpperCase(),
      })),
      endpoints: e.endpoints.map((ep) => ({
        addresses: [ep.ip],
        conditions: { ready: ep.ready, serving: ep.serving, terminating: ep.terminating },
        ...(ep.node ? { nodeName: ep.node } : {}),
        ...(ep.pod ? { targetRef: { kind: 'Pod', namespace: ep.pod.split('/')[0], name: ep.pod.split('/')[1] } } : {}),
      })),
    });
  }
  for (const extra of cluster.extras) if (keptExtra(cluster, extra)) out.push(extra as Obj);
  return out;
}

/** A labelled Namespace as the input gave it (kept in extras), else one with only its name. */
function namespaceObject(cluster: Cluster, name: string): Obj {
  return namespaceExtra(cluster, name) ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function namespaceExtra(cluster: Cluster, name: string): Obj | undefined {
  return cluster.extras.find(
    (e): e is Obj =>
      typeof e === 'object' &&
      e !== null &&
      (e as Obj)['kind'] === 'Namespace' &&
      ((e as Obj)['metadata'] as Obj | undefined)?.['name'] === name,
  );
}

/** Extras to write after the rest: all but the Namespaces already written in their place. */
function keptExtra(cluster: Cluster, extra: unknown): boolean {
  if (typeof extra !== 'object' || extra === null) return false;
  const obj = extra as Obj;
  if (obj['kind'] !== 'Namespace') return true;
  const name = (obj['metadata'] as Obj | undefined)?.['name'];
  return name === 'default' || name === 'kube-system' || typeof name !== 'string' || !cluster.namespaces.includes(name);
}

const SYSTEM_SERVICES = new Set(['default/kubernetes', 'kube-system/kube-dns']);

/**
 * The cluster as a person would write it: the settings objects, the Nodes, the workloads and bare
 * pods without status, and the Services without allocated addresses; what kubeadm adds (CoreDNS,
 * kube-dns, the `kubernetes` Service) is left for the importer to add back. A starting point to edit.
 */
function authored(cluster: Cluster, spec: ClusterSpec | null): Obj[] {
  const out = settingsObjects(cluster);
  for (const node of cluster.nodes) {
    const obj = nodeObject(node);
    delete (obj['spec'] as Obj)['podCIDRs'];
    out.push(obj);
  }
  for (const ns of cluster.namespaces) {
    if (ns !== 'default' && ns !== 'kube-system') out.push(namespaceObject(cluster, ns));
  }
  const listed = toManifests(cluster, spec);
  const keyOf = (obj: Obj): string => {
    const meta = obj['metadata'] as Obj | undefined;
    return `${String(meta?.['namespace'] ?? '')}/${String(meta?.['name'] ?? '')}`;
  };
  // Workloads in creation order (it decides scheduling and addresses), as the spec had them.
  const workloads = new Map<string, Obj>();
  for (const obj of listed) {
    const meta = obj['metadata'] as Obj | undefined;
    if (obj['kind'] === 'Deployment') workloads.set(`Deployment ${keyOf(obj)}`, obj);
    if (obj['kind'] === 'Pod' && !meta?.['ownerReferences']) {
      const { status: _status, ...rest } = obj;
      workloads.set(`Pod ${keyOf(obj)}`, rest);
    }
  }
  const order = (spec?.workloads ?? []).map((w) => `${w.kind} ${w.namespace ?? 'default'}/${w.name}`);
  for (const key of [...order, ...workloads.keys()]) {
    const obj = workloads.get(key);
    if (obj) out.push(obj);
    workloads.delete(key);
  }
  for (const obj of listed) {
    const kind = obj['kind'];
    const key = keyOf(obj);
    if (kind === 'Service' && !SYSTEM_SERVICES.has(key)) {
      const { status: _status, ...rest } = obj;
      const svcSpec = { ...(rest['spec'] as Obj) };
      delete svcSpec['clusterIP'];
      if (Array.isArray(svcSpec['ports']))
        svcSpec['ports'] = (svcSpec['ports'] as Obj[]).map(({ nodePort: _n, ...p }) => p);
      out.push({ ...rest, spec: svcSpec });
    }
  }
  for (const extra of cluster.extras) if (keptExtra(cluster, extra)) out.push(extra as Obj);
  return out;
}
