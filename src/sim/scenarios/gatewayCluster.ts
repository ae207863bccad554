/**
 * The cluster of the Gateway API scenarios: the built-in cluster plus what a Gateway API setup
 * with Envoy Gateway adds (a GatewayClass, the Gateway `eg` with an HTTP and an HTTPS listener,
 * HTTPRoutes for a few hosts, a canary Deployment, a backend in another namespace) and the Envoy
 * proxy Envoy Gateway creates for `eg`. Kept apart from the built-in cluster, whose first screen
 * must not change.
 */
import type { ClusterSpec } from '../model/build';
import { addEnvoyGateway } from '../model/envoyGateway';
import { addCiliumGateway } from '../model/ciliumGateway';
import { defaultClusterSpec } from './defaultCluster';

const GW = 'gateway.networking.k8s.io/v1';
const parent = (sectionName: string) => [{ name: 'eg', namespace: 'default', sectionName }];
const backend = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 80, ...extra });

/** The Gateway API objects, in the order `kubectl apply` would create them. */
function gatewayObjects(granted: boolean): Record<string, unknown>[] {
  return [
    {
      apiVersion: GW,
      kind: 'GatewayClass',
      metadata: { name: 'eg' },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
    },
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'eg', namespace: 'default' },
      spec: {
        gatewayClassName: 'eg',
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: 'secure.example.com',
            tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'secure-example-com' }] },
          },
        ],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: 'default' },
      spec: {
        parentRefs: parent('http'),
        hostnames: ['shop.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], backendRefs: [backend('web')] }],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: {
        parentRefs: parent('http'),
        hostnames: ['checkout.example.com'],
        rules: [{ backendRefs: [backend('web', { weight: 90 }), backend('web-canary', { weight: 10 })] }],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'api', namespace: 'default' },
      spec: {
        parentRefs: parent('http'),
        hostnames: ['api.example.com'],
        rules: [
          { matches: [{ headers: [{ name: 'X-Canary', value: 'always' }] }], backendRefs: [backend('web-canary')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backend('web')] },
        ],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'secure-redirect', namespace: 'default' },
      spec: {
        parentRefs: parent('http'),
        hostnames: ['secure.example.com'],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'secure', namespace: 'default' },
      spec: {
        parentRefs: parent('https'),
        hostnames: ['secure.example.com'],
        rules: [{ backendRefs: [backend('web')] }],
      },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'store', namespace: 'store' },
      spec: {
        parentRefs: parent('http'),
        hostnames: ['store.example.com'],
        rules: [{ backendRefs: [backend('inventory', { namespace: 'backend' })] }],
      },
    },
    ...(granted
      ? [
          {
            apiVersion: 'gateway.networking.k8s.io/v1beta1',
            kind: 'ReferenceGrant',
            metadata: { name: 'store-routes', namespace: 'backend' },
            spec: {
              from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'store' }],
              to: [{ group: '', kind: 'Service', name: 'inventory' }],
            },
          },
        ]
      : []),
  ];
}

function gatewaySpec(granted: boolean): ClusterSpec {
  return addEnvoyGateway({
    ...defaultClusterSpec,
    namespaces: [...new Set([...(defaultClusterSpec.namespaces ?? []), 'store', 'backend'])],
    workloads: [
      ...(defaultClusterSpec.workloads ?? []),
      {
        kind: 'Deployment',
        name: 'web-canary',
        replicas: 1,
        template: {
          labels: { app: 'web-canary' },
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
      {
        kind: 'Deployment',
        namespace: 'backend',
        name: 'inventory',
        replicas: 1,
        template: {
          labels: { app: 'inventory' },
          containers: [{ name: 'inventory', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
    ],
    services: [
      ...(defaultClusterSpec.services ?? []),
      {
        name: 'web-canary',
        type: 'ClusterIP',
        selector: { app: 'web-canary' },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
      {
        namespace: 'backend',
        name: 'inventory',
        type: 'ClusterIP',
        selector: { app: 'inventory' },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
    ],
    extras: [...(defaultClusterSpec.extras ?? []), ...gatewayObjects(granted)],
  }).spec;
}

/** Gateway `eg` with its routes and Envoy; the store route's cross-namespace backend not granted. */
export const GATEWAY_CLUSTER: ClusterSpec = gatewaySpec(false);
/** The same with the ReferenceGrant in `backend` that lets HTTPRoutes of `store` use Service inventory. */
export const GATEWAY_CLUSTER_GRANTED: ClusterSpec = gatewaySpec(true);

/**
 * The built-in cluster with Cilium as its CNI and kube-proxy replacement, Gateway API on
 * (cilium-config `enable-gateway-api: "true"`), a GatewayClass of Cilium's controller, the Gateway
 * `shop` with one HTTP listener, the HTTPRoute shop for shop.example.com/cart, and the Service
 * `cilium-gateway-shop` Cilium's operator creates for the Gateway. No proxy pod anywhere.
 */
export const CILIUM_GATEWAY_CLUSTER: ClusterSpec = addCiliumGateway({
  ...defaultClusterSpec,
  settings: {
    ...defaultClusterSpec.settings,
    cni: {
      kind: 'cilium',
      routingMode: 'tunnel',
      tunnelProtocol: 'vxlan',
      kubeProxyReplacement: true,
      gatewayApi: true,
    },
    proxyMode: 'cilium',
    policyEnforced: true,
  },
  extras: [
    ...(defaultClusterSpec.extras ?? []),
    {
      apiVersion: GW,
      kind: 'GatewayClass',
      metadata: { name: 'cilium' },
      spec: { controllerName: 'io.cilium/gateway-controller' },
    },
    {
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'shop', namespace: 'default' },
      spec: { gatewayClassName: 'cilium', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
    },
    {
      apiVersion: GW,
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'shop', sectionName: 'http' }],
        hostnames: ['shop.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], backendRefs: [backend('web')] }],
      },
    },
  ],
}).spec;
