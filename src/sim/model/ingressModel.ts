/**
 * Ingress and IngressClass (networking.k8s.io/v1) as typed, derived data, read from the raw objects
 * the importer keeps in `cluster.extras` (docs/networking-model.md). Reading is defensive: a
 * field of the wrong type counts as absent.
 */
import type { Cluster } from './types';
import { isRecord, list, str, stringMap } from './json';
import type { Json } from './json';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** An Ingress backend: a Service port by number or name, or a resource (not simulated). */
export type IngressBackend =
  | { readonly kind: 'service'; readonly service: string; readonly port: number | string }
  | {
      readonly kind: 'resource';
      readonly apiGroup: string | null;
      readonly resourceKind: string;
      readonly name: string;
    };

export interface IngressPath {
  /** `/` when the rule leaves it out (ImplementationSpecific without a path) */
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: IngressBackend;
}

export interface IngressRuleModel {
  /** null: the rule applies to every host */
  readonly host: string | null;
  readonly paths: readonly IngressPath[];
}

export interface IngressTLS {
  readonly hosts: readonly string[];
  readonly secretName: string | null;
}

export interface IngressModel {
  readonly namespace: string;
  readonly name: string;
  /** spec.ingressClassName, else the deprecated kubernetes.io/ingress.class annotation, else null */
  readonly className: string | null;
  readonly annotations: Readonly<Record<string, string>>;
  readonly defaultBackend: IngressBackend | null;
  readonly rules: readonly IngressRuleModel[];
  readonly tls: readonly IngressTLS[];
}

export interface IngressClassModel {
  readonly name: string;
  /** spec.controller, e.g. `k8s.io/ingress-nginx` */
  readonly controller: string;
  /** annotated ingressclass.kubernetes.io/is-default-class: "true" */
  readonly isDefault: boolean;
}

/** The controller name ingress-nginx registers its IngressClass with. */
export const INGRESS_NGINX_CONTROLLER = 'k8s.io/ingress-nginx';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The annotation Ingresses used before spec.ingressClassName (still honoured by ingress-nginx). */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const isV1 = (raw: Json, kind: string): boolean => raw['kind'] === kind && raw['apiVersion'] === 'networking.k8s.io/v1';

function readBackend(v: unknown): IngressBackend | null {
  if (!isRecord(v)) return null;
  if (isRecord(v['service'])) {
    const service = str(v['service']['name']);
    const port = isRecord(v['service']['port']) ? v['service']['port'] : {};
    const number = port['number'];
    const name = str(port['name']);
    if (service === null) return null;
    if (typeof number === 'number' && Number.isInteger(number)) return { kind: 'service', service, port: number };
    if (name !== null) return { kind: 'service', service, port: name };
    return null;
  }
  if (isRecord(v['resource'])) {
    const r = v['resource'];
    return {
      kind: 'resource',
      apiGroup: str(r['apiGroup']),
      resourceKind: str(r['kind']) ?? '',
      name: str(r['name']) ?? '',
    };
  }
  return null;
}

const PATH_TYPES: readonly string[] = ['Exact', 'Prefix', 'ImplementationSpecific'];

/** Reads one Ingress object, or null when it is not one. */
export function readIngress(raw: unknown): IngressModel | null {
  if (!isRecord(raw) || !isV1(raw, 'Ingress')) return null;
  const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
  const name = str(metadata['name']);
  if (name === null) return null;
  const annotations = stringMap(metadata['annotations']);
  const spec = isRecord(raw['spec']) ? raw['spec'] : {};
  const rules: IngressRuleModel[] = [];
  for (const r of list(spec['rules'])) {
    if (!isRecord(r)) continue;
    const host = str(r['host']);
    const http = isRecord(r['http']) ? r['http'] : {};
    const paths: IngressPath[] = [];
    for (const p of list(http['paths'])) {
      if (!isRecord(p)) continue;
      const backend = readBackend(p['backend']);
      const pathType = str(p['pathType']);
      if (backend === null || pathType === null || !PATH_TYPES.includes(pathType)) continue;
      paths.push({ path: str(p['path']) || '/', pathType: pathType as PathType, backend });
    }
    rules.push({ host: host ? host.toLowerCase() : null, paths });
  }
  const tls: IngressTLS[] = [];
  for (const t of list(spec['tls'])) {
    if (!isRecord(t)) continue;
    tls.push({
      hosts: list(t['hosts'])
        .filter((h): h is string => typeof h === 'string')
        .map((h) => h.toLowerCase()),
      secretName: str(t['secretName']),
    });
  }
  return {
    namespace: str(metadata['namespace']) || 'default',
    name,
    className: str(spec['ingressClassName']) ?? annotations[LEGACY_CLASS_ANNOTATION] ?? null,
    annotations,
    defaultBackend: readBackend(spec['defaultBackend']),
    rules,
    tls,
  };
}

/** Reads one IngressClass object, or null when it is not one. */
export function readIngressClass(raw: unknown): IngressClassModel | null {
  if (!isRecord(raw) || !isV1(raw, 'IngressClass')) return null;
  const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
  const name = str(metadata['name']);
  if (name === null) return null;
  const spec = isRecord(raw['spec']) ? raw['spec'] : {};
  return {
    name,
    controller: str(spec['controller']) ?? '',
    isDefault: stringMap(metadata['annotations'])[DEFAULT_CLASS_ANNOTATION] === 'true',
  };
}

interface Models {
  ingresses: readonly IngressModel[];
  classes: readonly IngressClassModel[];
}
const cache = new WeakMap<Cluster, Models>();

function models(cluster: Cluster): Models {
  let m = cache.get(cluster);
  if (!m) {
    m = {
      ingresses: cluster.extras.map(readIngress).filter((i): i is IngressModel => i !== null),
      classes: cluster.extras.map(readIngressClass).filter((c): c is IngressClassModel => c !== null),
    };
    cache.set(cluster, m);
  }
  return m;
}

/** Every Ingress of the cluster, in input order. */
export function ingresses(cluster: Cluster): readonly IngressModel[] {
  return models(cluster).ingresses;
}

/** Every IngressClass of the cluster. */
export function ingressClasses(cluster: Cluster): readonly IngressClassModel[] {
  return models(cluster).classes;
}

/**
 * The class an Ingress ends up with: its own, else the default IngressClass's (the admission
 * plugin fills in the default class for Ingresses created without one). When several classes claim
 * to be default, the API server refuses class-less Ingresses; the simulation then leaves them
 * without a class.
 */
export function effectiveClass(cluster: Cluster, ingress: IngressModel): IngressClassModel | null {
  const classes = ingressClasses(cluster);
  if (ingress.className !== null) return classes.find((c) => c.name === ingress.className) ?? null;
  const defaults = classes.filter((c) => c.isDefault);
  return defaults.length === 1 ? (defaults[0] as IngressClassModel) : null;
}

/**
 * The Ingresses ingress-nginx serves: those whose class (named or default) has the controller
 * `k8s.io/ingress-nginx`. For the legacy annotation ingress-nginx also accepts its class name
 * without an IngressClass object.
 */
export function nginxIngresses(cluster: Cluster): readonly IngressModel[] {
  return ingresses(cluster).filter((ing) => {
    const cls = effectiveClass(cluster, ing);
    if (cls !== null) return cls.controller === INGRESS_NGINX_CONTROLLER;
    return ing.className === null
      ? false
      : ing.annotations[LEGACY_CLASS_ANNOTATION] === 'nginx' && ing.className === 'nginx';
  });
}
