/** The public surface of the simulation: a pure library, the same in the browser, a worker and Node. */
export * from './model/types';
export * from './model/ids';
export { buildCluster, ClusterBuildError, DEFAULT_NODES, DEFAULT_SETTINGS } from './model/build';
export type { ClusterSpec, NodeSpec, PodSpec, WorkloadSpec, ServiceSpec, ContainerSpec } from './model/build';
export { lookup, deviceIP } from './model/lookup';
export * from './trace/types';
export { trace } from './resolve/trace';
export type { TraceInput, TraceOptions } from './resolve/trace';
export { TraceRequestError } from './resolve/request';
export { UnsupportedPathError } from './resolve/podPath';
export { defaultClusterSpec } from './scenarios/defaultCluster';
export { describe, findElement, servicesSelecting } from './query/describe';
export type { Described } from './query/describe';
export { routingTable } from './query/routingTable';
export { SCENARIOS, findScenario } from './scenarios/catalog';
export type { Scenario, ScenarioRequest } from './scenarios/catalog';
export { toManifests } from './export/toManifests';
