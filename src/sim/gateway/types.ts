/**
 * Gateway API (gateway.networking.k8s.io, standard channel) as typed data with the defaults the
 * CRDs apply: GatewayClass, Gateway, HTTPRoute and ReferenceGrant. Read from the raw objects the
 * importer keeps in `cluster.extras` (model.ts); nothing here knows about packets.
 */
import type { LabelSelector } from '../model/policy';
import type { Re2Program } from './re2';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A position in the input order of the objects: the stand-in for creationTimestamp (docs/gateway-api.md). */
export interface Ordered {
  /** metadata.creationTimestamp as given, or null (pasted YAML rarely has one) */
  readonly creationTimestamp: string | null;
  /** the object's index among the cluster's extras: document order */
  readonly order: number;
}

export interface GatewayClassModel {
  readonly name: string;
  /** spec.controllerName, e.g. `gateway.envoyproxy.io/gatewayclass-controller` */
  readonly controllerName: string;
}

export interface RouteGroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface ListenerModel {
  readonly name: string;
  /** HTTP and HTTPS are simulated; others (TLS, TCP, UDP) are kept and reported as unsupported */
  readonly protocol: string;
  readonly port: number;
  /** null: any hostname */
  readonly hostname: string | null;
  readonly allowedRoutes: {
    readonly from: 'Same' | 'All' | 'Selector';
    readonly selector: LabelSelector | null;
    /** null: the kinds the protocol implies (HTTPRoute for HTTP and HTTPS) */
    readonly kinds: readonly RouteGroupKind[] | null;
  };
  /**
   * spec.listeners[].tls.mode: `Terminate` (the default, and the only mode HTTPS allows: the
   * Gateway holds the certificate and reads the request) or `Passthrough`; null without a tls section
   */
  readonly tlsMode: 'Terminate' | 'Passthrough' | null;
  /** spec.listeners[].tls.certificateRefs names (`ns/name`); HTTPS needs at least one */
  readonly certificateRefs: readonly {
    readonly group: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
  }[];
}

export interface GatewayModel extends Ordered {
  readonly namespace: string;
  readonly name: string;
  readonly className: string;
  readonly listeners: readonly ListenerModel[];
}

export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName: string | null;
  readonly port: number | null;
}

export type StringMatchType = 'Exact' | 'RegularExpression';

export interface PathMatch {
  readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  readonly value: string;
  /** the compiled pattern for RegularExpression; null when it does not compile */
  readonly program: Re2Program | null;
}

export interface ValueMatch {
  readonly type: StringMatchType;
  readonly name: string;
  readonly value: string;
  readonly program: Re2Program | null;
}

export interface RouteMatch {
  readonly path: PathMatch;
  readonly headers: readonly ValueMatch[];
  readonly queryParams: readonly ValueMatch[];
  /** null: any method */
  readonly method: string | null;
}

export interface HeaderModifier {
  readonly set: readonly { readonly name: string; readonly value: string }[];
  readonly add: readonly { readonly name: string; readonly value: string }[];
  readonly remove: readonly string[];
}

export type PathModifier =
  | { readonly type: 'ReplaceFullPath'; readonly value: string }
  | { readonly type: 'ReplacePrefixMatch'; readonly value: string };

export type RouteFilter =
  | { readonly type: 'RequestHeaderModifier'; readonly modifier: HeaderModifier }
  | { readonly type: 'ResponseHeaderModifier'; readonly modifier: HeaderModifier }
  | {
      readonly type: 'RequestRedirect';
      readonly scheme: 'http' | 'https' | null;
      readonly hostname: string | null;
      readonly port: number | null;
      readonly path: PathModifier | null;
      readonly statusCode: 301 | 302 | 303 | 307 | 308;
    }
  | { readonly type: 'URLRewrite'; readonly hostname: string | null; readonly path: PathModifier | null }
  /** RequestMirror, CORS, ExtensionRef and the like: kept, not simulated */
  | { readonly type: 'Other'; readonly name: string };

export interface BackendRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port: number | null;
  readonly weight: number;
  readonly filters: readonly RouteFilter[];
}

export interface RouteRule {
  readonly name: string | null;
  readonly matches: readonly RouteMatch[];
  readonly filters: readonly RouteFilter[];
  readonly backendRefs: readonly BackendRef[];
}

export interface HTTPRouteModel extends Ordered {
  readonly namespace: string;
  readonly name: string;
  readonly parentRefs: readonly ParentRef[];
  readonly hostnames: readonly string[];
  readonly rules: readonly RouteRule[];
}

export interface ReferenceGrantModel {
  readonly namespace: string;
  readonly name: string;
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name: string | null }[];
}

export interface GatewayApiModel {
  readonly classes: readonly GatewayClassModel[];
  readonly gateways: readonly GatewayModel[];
  readonly routes: readonly HTTPRouteModel[];
  readonly grants: readonly ReferenceGrantModel[];
}
