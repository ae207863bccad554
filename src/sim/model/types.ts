/**
 * The simulation's model of a cluster: plain, immutable data, derived from Kubernetes objects (or a
 * bundled scenario) by `buildCluster`. Nothing here knows about drawing.
 */

export type Protocol = 'tcp' | 'udp' | 'icmp';
export type ProxyMode = 'iptables' | 'nftables' | 'ipvs' | 'cilium';

/** The CNI plugin and how it moves packets between nodes (docs/networking-model.md). */
export type CniConfig =
  | { readonly kind: 'flannel'; readonly backend: 'vxlan' | 'host-gw'; readonly ipMasq: boolean }
  | {
      readonly kind: 'calico';
      readonly ipipMode: 'Always' | 'CrossSubnet' | 'Never';
      readonly vxlanMode: 'Always' | 'CrossSubnet' | 'Never';
      readonly natOutgoing: boolean;
      readonly blockSize: number;
    }
  /** kind's kindnetd: ptp veths, host-local from the node's podCIDR, plain routes between nodes */
  | { readonly kind: 'kindnet' }
  /**
   * The AWS VPC CNI (aws-node, EKS's default): pods take secondary addresses of the node's ENIs
   * from its VPC subnet, no podCIDR, no overlay; settings from the aws-node DaemonSet's env
   */
  | {
      readonly kind: 'aws-vpc';
      /** AWS_VPC_K8S_CNI_EXTERNALSNAT: true leaves SNAT to a NAT gateway (no AWS-SNAT-CHAIN-0 rules) */
      readonly externalSnat: boolean;
      /** AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: destinations outside the VPC that are not SNATed either */
      readonly excludeSnatCidrs: readonly string[];
    }
  | {
      readonly kind: 'cilium';
      readonly routingMode: 'tunnel' | 'native';
      readonly tunnelProtocol: 'vxlan' | 'geneve';
      readonly kubeProxyReplacement: boolean;
      /** cilium-config `enable-bpf-masquerade`: pod egress SNAT in eBPF instead of Cilium's
       * iptables rule in CILIUM_POST_nat; absent means false, Cilium's default */
      readonly bpfMasquerade?: boolean;
      /** cilium-config `enable-gateway-api`: Cilium's operator programs Gateways of its class into
       * the per-node Envoy (needs kube-proxy-replacement); absent (a preset, no ConfigMap): on when a
       * GatewayClass names Cilium's controller (model/ciliumGateway.ts) */
      readonly gatewayApi?: boolean;
    };

export interface ClusterSettings {
  /** kubeadm networking.podSubnet: the cluster CIDR */
  readonly podSubnet: string;
  /** kubeadm networking.serviceSubnet */
  readonly serviceSubnet: string;
  /** kubeadm networking.dnsDomain */
  readonly dnsDomain: string;
  readonly proxyMode: ProxyMode;
  readonly cni: CniConfig;
  /** whether NetworkPolicy is enforced (only some CNIs do it) */
  readonly policyEnforced: boolean;
  /** MTU of the underlay (eth0) */
  readonly underlayMtu: number;
  /**
   * The network around the nodes (its routers) routes the pod CIDRs to the nodes that hold them,
   * so a host that saw a pod's unmasqueraded address can answer it. Nothing in Kubernetes says so;
   * absent means false, the usual case (docs/networking-model.md, section 6).
   */
  readonly siteRoutesPodNetwork?: boolean;
  /**
   * The VPC's CIDRs, which the AWS VPC CNI learns from instance metadata and no manifest holds.
   * Absent: the smallest CIDR holding every node's subnet, an assumption the trace states.
   */
  readonly vpcCidrs?: readonly string[];
  /**
   * The prefix length of the nodes' VPC subnets (the AWS VPC CNI), which no manifest holds either.
   * Absent: the longest, up to /24, whose subnet around each node holds its pods' given addresses.
   */
  readonly vpcSubnetPrefix?: number;
}

/** A network device in a node's root namespace. */
export interface Device {
  readonly name: string;
  /** `10.244.1.1/24`, or null for a device without an address */
  readonly address: string | null;
  readonly mac: string;
  readonly mtu: number;
  readonly kind: 'ethernet' | 'bridge' | 'vxlan' | 'ipip' | 'dummy' | 'loopback' | 'cilium';
}

export interface ClusterNode {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  readonly internalIP: string;
  /**
   * spec.podCIDR, e.g. `10.244.1.0/24`; null for a node without one, as with the AWS VPC CNI, whose
   * pods take addresses from the node's VPC subnet instead
   */
  readonly podCIDR: string | null;
  readonly ready: boolean;
  readonly devices: readonly Device[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The ranges this node's pods take addresses from: its podCIDR with host-local (flannel, Cilium),
   * the /26 blocks it claimed from the IP pool with Calico (a second block once the first is full).
   * Set by `buildCluster`.
   */
  readonly podRanges?: readonly string[];
}

export interface ContainerPort {
  readonly name: string | null;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostPort: number | null;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly ContainerPort[];
  /**
   * Ports a process really listens on. A port another container of the pod bound first is missing
   * here (EADDRINUSE), and such a container is not ready (docs/networking-model.md).
   */
  readonly listening: readonly ContainerPort[];
  readonly ready: boolean;
  /** why the container is not ready, when it is not */
  readonly problem: string | null;
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  /** status.podIP: the node's IP for hostNetwork pods */
  readonly ip: string;
  readonly hostNetwork: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly Container[];
  /** the pod's Ready condition */
  readonly ready: boolean;
  /** metadata.deletionTimestamp is set */
  readonly terminating: boolean;
  /** the owning workload, `Deployment/web`, or null for a bare pod */
  readonly owner: string | null;
  /** MAC of the pod's eth0 */
  readonly mac: string;
  /** host-side veth name (`veth1a2b3c4d`), or null for hostNetwork pods */
  readonly veth: string | null;
  readonly mtu: number;
  /** tolerates the control plane's NoSchedule taint (absent when it does not) */
  readonly tolerateControlPlane?: true;
}

export interface ServicePort {
  readonly name: string | null;
  readonly protocol: Protocol;
  readonly port: number;
  /** a number, or a container port name resolved per pod */
  readonly targetPort: number | string;
  readonly nodePort: number | null;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface Service {
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  /** null for headless Services and ExternalName */
  readonly clusterIP: string | null;
  readonly ports: readonly ServicePort[];
  /** null for a Service without a selector (its endpoints are managed by hand) */
  readonly selector: Readonly<Record<string, string>> | null;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly internalTrafficPolicy: 'Cluster' | 'Local';
  readonly sessionAffinity: 'None' | 'ClientIP';
  readonly sessionAffinityTimeout: number;
  readonly loadBalancerIP: string | null;
  /** `status.loadBalancer.ingress[].ipMode` of that address (VIP or Proxy); null when the status gives none */
  readonly loadBalancerIPMode: 'VIP' | 'Proxy' | null;
  readonly externalName: string | null;
  readonly publishNotReadyAddresses: boolean;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One endpoint of an EndpointSlice, as the controller (or the input) gives it. */
export interface Endpoint {
  readonly ip: string;
  /** `ns/name` of the pod, or null when the endpoint is not a pod (the API server) */
  readonly pod: string | null;
  readonly node: string | null;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** port name -> port number for this endpoint */
  readonly ports: readonly { readonly name: string | null; readonly port: number; readonly protocol: Protocol }[];
}

export interface EndpointSet {
  /** `ns/name` of the Service */
  readonly service: string;
  readonly endpoints: readonly Endpoint[];
  /** true when the endpoints came from the input rather than from the selector */
  readonly fromInput: boolean;
}

export interface Cluster {
  readonly settings: ClusterSettings;
  readonly nodes: readonly ClusterNode[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly endpoints: readonly EndpointSet[];
  readonly namespaces: readonly string[];
  /** Kubernetes objects kept as given for later layers (Ingress, IngressClass, NetworkPolicy) */
  readonly extras: readonly unknown[];
  /**
   * What the pod operations (sim/ops) remember between operations: host-local's last address per
   * node (it hands out the next one) and how many pods they created (for new pod names). Absent
   * on a freshly built cluster, where it is derived from the pods.
   */
  readonly ipam?: ClusterIpam;
}

export interface ClusterIpam {
  /** node name -> the last address host-local handed out there */
  readonly last: Readonly<Record<string, string>>;
  /** pods the operations created so far */
  readonly created: number;
}
