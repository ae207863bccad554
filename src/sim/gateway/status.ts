/**
 * The status a Gateway API controller writes, derived from the objects alone: Accepted and
 * Programmed on Gateways and their listeners (with Conflicted and ResolvedRefs where they apply),
 * Accepted and ResolvedRefs on each HTTPRoute per parentRef, with the reasons the specification
 * names. The router (route.ts) uses the same answer, so a route the status calls not accepted never
 * takes traffic, and the reason is what explains it.
 */
import { namespaceLabels, selectorMatches } from '../model/policy';
import type { Cluster, Endpoint, Service, ServicePort } from '../model/types';
import { intersectHostnames } from './hostname';
import { gatewayApi } from './model';
import {
  GATEWAY_GROUP,
  type BackendRef,
  type GatewayApiModel,
  type GatewayModel,
  type HTTPRouteModel,
  type ListenerModel,
  type ParentRef,
  type RouteGroupKind,
} from './types';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface ListenerStatus {
  readonly listener: ListenerModel;
  readonly conditions: readonly Condition[];
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly attachedRoutes: number;
  /** Programmed True: the listener takes traffic */
  readonly programmed: boolean;
}

export interface GatewayStatus {
  readonly gateway: GatewayModel;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerStatus[];
  /** the GatewayClass exists, so a controller owns this Gateway */
  readonly owned: boolean;
}

/** A listener a route attached to, and the hostnames it serves there (null: any host). */
export interface Attachment {
  readonly gateway: GatewayModel;
  readonly listener: ListenerModel;
  readonly hostnames: readonly (string | null)[];
}

export interface RouteParentStatus {
  readonly parentRef: ParentRef;
  readonly conditions: readonly Condition[];
  readonly attachments: readonly Attachment[];
}

export type BackendResolution =
  | {
      readonly ok: true;
      readonly service: Service;
      readonly port: ServicePort;
      /** the Service's ready endpoints (Envoy Gateway sends straight to them) */
      readonly ready: readonly Endpoint[];
    }
  | {
      readonly ok: false;
      readonly reason: 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound';
      readonly message: string;
    };

export interface RouteStatus {
  readonly route: HTTPRouteModel;
  readonly parents: readonly RouteParentStatus[];
  /** ResolvedRefs, the same for every parent */
  readonly resolvedRefs: Condition;
}

export interface GatewayApiStatus {
  readonly model: GatewayApiModel;
  readonly gateways: readonly GatewayStatus[];
  readonly routes: readonly RouteStatus[];
}

const HTTP_KINDS: readonly RouteGroupKind[] = [
  { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
  { group: GATEWAY_GROUP, kind: 'GRPCRoute' },
];
const KINDS_BY_PROTOCOL: Record<string, readonly RouteGroupKind[]> = {
  HTTP: HTTP_KINDS,
  HTTPS: HTTP_KINDS,
  TLS: [{ group: GATEWAY_GROUP, kind: 'TLSRoute' }],
  TCP: [{ group: GATEWAY_GROUP, kind: 'TCPRoute' }],
  UDP: [{ group: GATEWAY_GROUP, kind: 'UDPRoute' }],
};

const cond = (type: string, ok: boolean | 'Unknown', reason: string, message: string): Condition => ({
  type,
  status: ok === 'Unknown' ? 'Unknown' : ok ? 'True' : 'False',
  reason,
  message,
});

const sameKind = (a: RouteGroupKind, b: RouteGroupKind): boolean => a.group === b.group && a.kind === b.kind;

/** Listeners that clash on one port: another protocol (ProtocolConflict) or the same hostname (HostnameConflict). */
function conflictOf(listener: ListenerModel, all: readonly ListenerModel[]): string | null {
  for (const other of all) {
    if (other === listener || other.port !== listener.port) continue;
    const http = (p: string) => (p === 'HTTP' ? 'HTTP' : p === 'HTTPS' || p === 'TLS' ? 'TLS' : p);
    if (http(other.protocol) !== http(listener.protocol)) return 'ProtocolConflict';
    if ((other.hostname ?? '') === (listener.hostname ?? '')) return 'HostnameConflict';
  }
  return null;
}

function listenerKinds(listener: ListenerModel): { kinds: RouteGroupKind[]; invalid: RouteGroupKind[] } {
  const possible = KINDS_BY_PROTOCOL[listener.protocol] ?? [];
  const asked = listener.allowedRoutes.kinds;
  if (asked === null) return { kinds: [...possible], invalid: [] };
  return {
    kinds: asked.filter((k) => possible.some((p) => sameKind(p, k))),
    invalid: asked.filter((k) => !possible.some((p) => sameKind(p, k))),
  };
}

/** Whether a listener lets a route of this namespace and kind attach (allowedRoutes). */
export function listenerAllows(
  cluster: Cluster,
  gateway: GatewayModel,
  listener: ListenerModel,
  routeNamespace: string,
  kind: RouteGroupKind = { group: GATEWAY_GROUP, kind: 'HTTPRoute' },
): boolean {
  if (!listenerKinds(listener).kinds.some((k) => sameKind(k, kind))) return false;
  const { from, selector } = listener.allowedRoutes;
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gateway.namespace;
  return selector !== null && selectorMatches(selector, namespaceLabels(cluster, routeNamespace));
}

/**
 * Whether a ReferenceGrant in the target's namespace lets an HTTPRoute in `fromNamespace` refer
 * to the Service `name` there (ReferenceGrant: the grant lives with what is referred to).
 */
export function referenceGranted(
  model: GatewayApiModel,
  fromNamespace: string,
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  if (fromNamespace === to.namespace) return true;
  return model.grants.some(
    (g) =>
      g.namespace === to.namespace &&
      g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === fromNamespace) &&
      g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === null || t.name === to.name)),
  );
}

/** What a backendRef resolves to: a Service port and its ready endpoints, or why not. */
export function resolveBackend(
  cluster: Cluster,
  model: GatewayApiModel,
  route: HTTPRouteModel,
  ref: BackendRef,
): BackendResolution {
  const label = `${ref.namespace}/${ref.name}`;
  if (ref.group !== '' || ref.kind !== 'Service')
    return {
      ok: false,
      reason: 'InvalidKind',
      message: `backendRef ${label} is a ${ref.group ? `${ref.group}/` : ''}${ref.kind}; only core Services are supported`,
    };
  if (
    !referenceGranted(model, route.namespace, { group: '', kind: 'Service', namespace: ref.namespace, name: ref.name })
  )
    return {
      ok: false,
      reason: 'RefNotPermitted',
      message: `backendRef ${label} is in another namespace and no ReferenceGrant in ${ref.namespace} allows HTTPRoutes from ${route.namespace}`,
    };
  const service = cluster.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
  if (!service) return { ok: false, reason: 'BackendNotFound', message: `Service ${label} does not exist` };
  const port = service.ports.find((p) => p.port === ref.port && p.protocol === 'tcp');
  if (!port)
    return {
      ok: false,
      reason: 'BackendNotFound',
      message: `Service ${label} has no TCP port ${ref.port ?? '(none given)'}`,
    };
  const set = cluster.endpoints.find((e) => e.service === label);
  return { ok: true, service, port, ready: (set?.endpoints ?? []).filter((e) => e.ready) };
}

function gatewayStatus(
  model: GatewayApiModel,
  gateway: GatewayModel,
  attached: Map<ListenerModel, number>,
): GatewayStatus {
  const owned = model.classes.some((c) => c.name === gateway.className);
  const listeners = gateway.listeners.map((listener): ListenerStatus => {
    const { kinds, invalid } = listenerKinds(listener);
    const conflict = conflictOf(listener, gateway.listeners);
    const conditions: Condition[] = [];
    if (!owned) {
      conditions.push(cond('Accepted', 'Unknown', 'Pending', 'waiting for a controller'));
      conditions.push(cond('Programmed', 'Unknown', 'Pending', 'waiting for a controller'));
      return { listener, conditions, supportedKinds: kinds, attachedRoutes: 0, programmed: false };
    }
    conditions.push(cond('Accepted', true, 'Accepted', 'the listener is valid'));
    conditions.push(
      conflict
        ? cond(
            'Conflicted',
            true,
            conflict,
            `another listener on port ${listener.port} ${conflict === 'ProtocolConflict' ? 'uses another protocol' : 'has the same hostname'}`,
          )
        : cond('Conflicted', false, 'NoConflicts', 'no other listener clashes with it'),
    );
    conditions.push(
      invalid.length > 0
        ? cond(
            'ResolvedRefs',
            false,
            'InvalidRouteKinds',
            `${invalid.map((k) => k.kind).join(', ')} cannot attach to a ${listener.protocol} listener`,
          )
        : cond('ResolvedRefs', true, 'ResolvedRefs', 'every reference resolved'),
    );
    const programmed = conflict === null;
    conditions.push(
      programmed
        ? cond('Programmed', true, 'Programmed', 'sent to the data plane')
        : cond('Programmed', false, 'Invalid', 'not programmed while it conflicts'),
    );
    return { listener, conditions, supportedKinds: kinds, attachedRoutes: attached.get(listener) ?? 0, programmed };
  });
  const conditions = owned
    ? [
        cond(
          'Accepted',
          true,
          listeners.every((l) => l.programmed) ? 'Accepted' : 'ListenersNotValid',
          listeners.every((l) => l.programmed) ? 'the Gateway is valid' : 'some listeners are not valid',
        ),
        cond(
          'Programmed',
          listeners.some((l) => l.programmed),
          listeners.some((l) => l.programmed) ? 'Programmed' : 'Invalid',
          'address assigned; listeners sent to the data plane',
        ),
      ]
    : [
        cond(
          'Accepted',
          'Unknown',
          'Pending',
          `GatewayClass ${gateway.className} does not exist, so no controller owns this Gateway`,
        ),
        cond('Programmed', 'Unknown', 'Pending', 'waiting for a controller'),
      ];
  return { gateway, conditions, listeners, owned };
}

function parentStatus(
  cluster: Cluster,
  model: GatewayApiModel,
  route: HTTPRouteModel,
  ref: ParentRef,
): RouteParentStatus {
  const refused = (reason: string, message: string, status: boolean | 'Unknown' = false): RouteParentStatus => ({
    parentRef: ref,
    conditions: [cond('Accepted', status, reason, message)],
    attachments: [],
  });
  if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway')
    return refused('NoMatchingParent', `parentRef is a ${ref.kind}; only Gateways are simulated as parents`);
  const gateway = model.gateways.find((g) => g.namespace === ref.namespace && g.name === ref.name);
  if (!gateway) return refused('NoMatchingParent', `Gateway ${ref.namespace}/${ref.name} does not exist`);
  if (!model.classes.some((c) => c.name === gateway.className))
    return refused(
      'Pending',
      `Gateway ${ref.namespace}/${ref.name} has no controller (GatewayClass ${gateway.className} is missing)`,
      'Unknown',
    );
  const invalidRegex = route.rules.some((r) =>
    r.matches.some(
      (m) =>
        (m.path.type === 'RegularExpression' && m.path.program === null) ||
        [...m.headers, ...m.queryParams].some((v) => v.type === 'RegularExpression' && v.program === null),
    ),
  );
  if (invalidRegex) return refused('UnsupportedValue', 'a RegularExpression match is not valid RE2');
  const selected = gateway.listeners.filter(
    (l) => (ref.sectionName === null || l.name === ref.sectionName) && (ref.port === null || l.port === ref.port),
  );
  if (selected.length === 0)
    return refused(
      'NoMatchingParent',
      `Gateway ${gateway.namespace}/${gateway.name} has no listener${ref.sectionName !== null ? ` named ${ref.sectionName}` : ''}${ref.port !== null ? ` on port ${ref.port}` : ''}`,
    );
  const allowed = selected.filter((l) => listenerAllows(cluster, gateway, l, route.namespace));
  if (allowed.length === 0)
    return refused(
      'NotAllowedByListeners',
      `no listener of ${gateway.namespace}/${gateway.name} allows HTTPRoutes from namespace ${route.namespace}`,
    );
  const attachments: Attachment[] = [];
  for (const listener of allowed) {
    const hostnames = intersectHostnames(listener.hostname, route.hostnames);
    if (hostnames.length > 0) attachments.push({ gateway, listener, hostnames });
  }
  if (attachments.length === 0)
    return refused(
      'NoMatchingListenerHostname',
      `no hostname of the route falls under a listener's hostname (${allowed.map((l) => l.hostname ?? 'any').join(', ')})`,
    );
  return {
    parentRef: ref,
    conditions: [
      cond('Accepted', true, 'Accepted', `attached to ${attachments.map((a) => a.listener.name).join(', ')}`),
    ],
    attachments,
  };
}

function resolvedRefs(cluster: Cluster, model: GatewayApiModel, route: HTTPRouteModel): Condition {
  for (const rule of route.rules)
    for (const ref of rule.backendRefs) {
      const r = resolveBackend(cluster, model, route, ref);
      if (!r.ok) return cond('ResolvedRefs', false, r.reason, r.message);
    }
  return cond('ResolvedRefs', true, 'ResolvedRefs', 'every backendRef resolved');
}

const cache = new WeakMap<Cluster, GatewayApiStatus>();

/** Every Gateway's and HTTPRoute's status, as a controller would write it (memoised per cluster). */
export function gatewayApiStatus(cluster: Cluster): GatewayApiStatus {
  const cached = cache.get(cluster);
  if (cached) return cached;
  const model = gatewayApi(cluster);
  const routes = model.routes.map((route): RouteStatus => ({
    route,
    parents: route.parentRefs.map((ref) => parentStatus(cluster, model, route, ref)),
    resolvedRefs: resolvedRefs(cluster, model, route),
  }));
  const attached = new Map<ListenerModel, number>();
  for (const r of routes)
    for (const p of r.parents)
      for (const a of p.attachments) attached.set(a.listener, (attached.get(a.listener) ?? 0) + 1);
  const status: GatewayApiStatus = {
    model,
    gateways: model.gateways.map((g) => gatewayStatus(model, g, attached)),
    routes,
  };
  cache.set(cluster, status);
  return status;
}
