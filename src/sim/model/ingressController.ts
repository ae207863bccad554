/**
 * ingress-nginx as its manifests install it, added to a cluster description whose Ingresses have
 * no controller (docs/networking-model.md). A change to the description, not to packets: the
 * importer and the scenarios use it without loading the trace engine.
 */
import type { ClusterSpec, ServiceSpec, WorkloadSpec } from './build';
import { DEFAULT_CLASS_ANNOTATION, INGRESS_NGINX_CONTROLLER, readIngress, readIngressClass } from './ingressModel';
import type { IngressModel } from './ingressModel';

export const INGRESS_NGINX_NAMESPACE = 'ingress-nginx';
export const INGRESS_NGINX_NAME = 'ingress-nginx-controller';
const CONTROLLER_IMAGE = 'registry.k8s.io/ingress-nginx/controller:v1.12.1';
const CONTROLLER_LABELS = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/instance': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
};

export type IngressLayout = 'bare-metal' | 'cloud';

/** Whether a cluster description runs ingress-nginx already (its Deployment/DaemonSet or a pod of its image). */
function hasController(spec: ClusterSpec): boolean {
  return (spec.workloads ?? []).some((w) => {
    if (w.name === INGRESS_NGINX_NAME) return true;
    const containers = 'template' in w ? w.template.containers : w.containers;
    return containers.some((c) => (c.image ?? '').includes('ingress-nginx/controller'));
  });
}

/** The controller's Service as the deploy manifests ship it: NodePort on bare metal, LoadBalancer with eTP Local in the cloud. */
export function ingressNginxService(layout: IngressLayout): ServiceSpec {
  return {
    namespace: INGRESS_NGINX_NAMESPACE,
    name: INGRESS_NGINX_NAME,
    type: layout === 'cloud' ? 'LoadBalancer' : 'NodePort',
    ...(layout === 'cloud' ? { externalTrafficPolicy: 'Local' as const } : {}),
    selector: { ...CONTROLLER_LABELS },
    ports: [
      { name: 'http', protocol: 'tcp', port: 80, targetPort: 'http' },
      { name: 'https', protocol: 'tcp', port: 443, targetPort: 'https' },
    ],
  };
}

/** The controller's Deployment (one replica, as the deploy manifests have it). */
export function ingressNginxDeployment(): WorkloadSpec {
  return {
    kind: 'Deployment',
    namespace: INGRESS_NGINX_NAMESPACE,
    name: INGRESS_NGINX_NAME,
    replicas: 1,
    template: {
      labels: { ...CONTROLLER_LABELS },
      containers: [
        {
          name: 'controller',
          image: CONTROLLER_IMAGE,
          ports: [
            { name: 'http', containerPort: 80, protocol: 'tcp' },
            { name: 'https', containerPort: 443, protocol: 'tcp' },
            { name: 'webhook', containerPort: 8443, protocol: 'tcp' },
          ],
        },
      ],
    },
  };
}

/** The IngressClass `nginx` of the deploy manifests (not marked default there). */
export function ingressNginxClass(): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx', labels: { ...CONTROLLER_LABELS } },
    spec: { controller: INGRESS_NGINX_CONTROLLER },
  };
}

/**
 * Adds ingress-nginx (namespace ingress-nginx, Deployment and Service ingress-nginx-controller,
 * IngressClass nginx) to a description that has Ingresses but no controller, as the bare-metal or
 * cloud deploy manifest would. Returns the description unchanged and no note when there is nothing
 * to add. The input is not modified.
 */
export function addIngressController(
  spec: ClusterSpec,
  layout: IngressLayout = 'bare-metal',
): { spec: ClusterSpec; note: string | null } {
  const extras = spec.extras ?? [];
  const ings = extras.map(readIngress).filter((i): i is IngressModel => i !== null);
  if (ings.length === 0 || hasController(spec)) return { spec, note: null };
  const classes = extras.map(readIngressClass).filter((c) => c !== null);
  const addClass = !classes.some((c) => c.name === 'nginx');
  const next: ClusterSpec = {
    ...spec,
    workloads: [...(spec.workloads ?? []), ingressNginxDeployment()],
    services: [...(spec.services ?? []), ingressNginxService(layout)],
    namespaces: [...new Set([...(spec.namespaces ?? []), INGRESS_NGINX_NAMESPACE])],
    extras: addClass ? [...extras, ingressNginxClass()] : [...extras],
  };
  const exposed =
    layout === 'cloud' ? 'a LoadBalancer Service with externalTrafficPolicy: Local' : 'a NodePort Service';
  let note = `The input has ${ings.length} Ingress${ings.length === 1 ? '' : 'es'} but no Ingress controller: the simulation adds ingress-nginx as its ${layout} manifest installs it (Deployment ${INGRESS_NGINX_NAMESPACE}/${INGRESS_NGINX_NAME} behind ${exposed}${addClass ? ', IngressClass nginx' : ''}).`;
  const hasDefault = classes.some((c) => c.isDefault);
  const classless = ings.filter((i) => i.className === null);
  if (classless.length > 0 && !hasDefault) {
    note += ` ${classless.map((i) => `${i.namespace}/${i.name}`).join(', ')} name${classless.length === 1 ? 's' : ''} no ingressClassName and no IngressClass is marked ${DEFAULT_CLASS_ANNOTATION}, so ingress-nginx ignores ${classless.length === 1 ? 'it' : 'them'}.`;
  }
  return { spec: next, note };
}
