/**
 * The trace engine: everything that resolves packets (routing, kube-proxy, DNS, Ingress, policy).
 * The app loads it on demand, right after the first screen, because drawing a cluster needs only
 * the model; `sim/index.ts` still exports the same functions for the CLI and tests.
 */
import { trace } from './resolve/trace';
import { endpointDistribution, traceBurst } from './resolve/distribution';

export { trace, endpointDistribution, traceBurst };

/** What the app's store needs of the engine. */
export interface TraceEngine {
  trace: typeof trace;
  traceBurst: typeof traceBurst;
  endpointDistribution: typeof endpointDistribution;
}
