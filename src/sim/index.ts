/** The public surface of the simulation: a pure library, the same in the browser, a worker and Node. */
export * from './model/types';
export * from './model/ids';
export { buildCluster, ClusterBuildError, DEFAULT_NODES, DEFAULT_SETTINGS } from './model/build';
export type { ClusterSpec, NodeSpec, PodSpec, WorkloadSpec, ServiceSpec, ContainerSpec } from './model/build';
export { lookup, deviceIP } from './model/lookup';
export { formatCount, visibleText } from './model/format';
export * from './trace/types';
export {
  conversationOf,
  directConversation,
  renumbered,
  stepFromLegacy,
  stepFromTimeline2,
  timeline,
} from './trace/conversation';
export type { StepPhase, TimelineStep } from './trace/conversation';
export { L7_PROXIES, l7ProxyForService } from './l7/registry';
export type { L7Decision, L7Proxy, L7Request, L7RouteRef, L7Upstream } from './l7/types';
export { statusLine as httpStatusLine } from './l7/types';
export { outcomeOf } from './trace/outcome';
export { trace } from './resolve/trace';
export type { TraceInput, TraceOptions } from './resolve/trace';
export { TraceRequestError } from './resolve/request';
export { UnsupportedPathError } from './resolve/podPath';
export { defaultClusterSpec } from './scenarios/defaultCluster';
export { describe, findElement, findElements, servicesSelecting } from './query/describe';
export type { Described } from './query/describe';
export { routingTable } from './query/routingTable';
export { SCENARIOS, findScenario } from './scenarios/catalog';
export type { Scenario, ScenarioRequest } from './scenarios/catalog';
export { explainTrace } from './explain/explainTrace';
export type { ExplainSettings } from './explain/explainTrace';
export { toManifests } from './export/toManifests';
// The cluster's edge (issue 5): NetworkPolicy, Ingress, egress masquerade, hostPort.
export { evaluatePolicy } from './resolve/networkPolicy';
export type { PolicyQuery, PolicyVerdict, SideVerdict, PolicyAllow, PolicyExemption } from './resolve/networkPolicy';
export {
  describePolicyRule,
  formatSelector,
  networkPolicies,
  podsIsolatedBy,
  policyRuleText,
  selectorIsEmpty,
} from './model/policy';
export type { NetworkPolicyModel } from './model/policy';
export { ingresses, ingressClasses, nginxIngresses } from './model/ingressModel';
export type { IngressModel, IngressClassModel } from './model/ingressModel';
export { addIngressController, ingressExposure, matchIngress, upstreamHeaders } from './resolve/ingress';
export type { IngressExposure, IngressMatch, IngressRequest, UpstreamRequest } from './resolve/ingress';
export { egressMasquerade, ipMasqAgent, ipMasqAgentRules } from './resolve/egress';
export { replyNeedsSiteRoute } from './resolve/egressPath';
export type { EgressDecision, IpMasqAgentConfig } from './resolve/egress';
export { portmapRules, resolveHostPort } from './resolve/hostPorts';
export type { HostPortResolution } from './resolve/hostPorts';
export { endpointDistribution, traceBurst } from './resolve/distribution';
export type { Distribution, EndpointShare } from './resolve/distribution';
export { proxyRules, proxyRulesCommand } from './proxy';
export { CNI_PRESETS, cniPlugin, cniPresetId, serviceProxy, switchCni } from './registry';
export type { CniPreset } from './registry';
export type { CniPlugin } from './cni/common';
export type { ServiceProxy } from './proxy/common';
export { resolveName, resolvConf, srvRecords } from './resolve/dns';
export type { Resolution, ResolvConf } from './resolve/dns';
export { healthCheckNodePort, lbIpMode } from './resolve/serviceTrace';
export { applyOp, applyOps, deletePod, scaleDeployment, setPodReady, nodeDown, ClusterOpError } from './ops/index';
export type { ClusterOp } from './ops/index';
// Who can reach whom (issue 22): the reachability matrix on the same policy evaluation as trace.
export {
  computeMatrix,
  declaredPorts,
  defaultVia,
  matrixCell,
  MATRIX_VERDICTS,
  MATRIX_VIAS,
  MatrixRequestError,
  parseLabelSelector,
  selectPods,
  serviceProbe,
} from './matrix/matrix';
export type {
  Matrix,
  MatrixCell,
  MatrixPort,
  MatrixProtocol,
  MatrixRequest,
  MatrixServiceProbe,
  MatrixSide,
  MatrixSkip,
  MatrixVerdict,
  MatrixVia,
  PodSelection,
} from './matrix/matrix';
export { netpolTruthTableSpec } from './matrix/netpolTruthTable';
export { sequenceOf } from './sequence/sequence';
export type { Arrow, Lane, LaneRole, Sequence, SequencePacket } from './sequence/sequence';
export { conversionOf, conversionYaml, ingressToGateway, nameFromHost } from './gateway/fromIngress';
export type { ConversionNote, ConvertedObject, IngressConversion } from './gateway/fromIngress';
