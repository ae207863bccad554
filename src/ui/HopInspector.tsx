/** The current hop opened up: narration, headers layer by layer, NAT, the rule that decided. */
import { httpRouteId, ingressId, outcomeOf, timeline } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCurrentHop, selectStep, selectSteps, selectTrace } from '../store/selectors';
import { forLearners, placeName, stepLabel } from './learnerText';
import { SiteRoutesToggle } from './SiteRoutesToggle';

function Row({ name, value }: { name: string; value: string | undefined }) {
  if (value === undefined || value === '') return null;
  return (
    <div className="flex gap-2">
      <dt className="w-24 shrink-0 text-slate-500 dark:text-slate-400">{name}</dt>
      <dd className="font-mono break-all">{value}</dd>
    </div>
  );
}

export function HopInspector() {
  const hop = useVizStore(selectCurrentHop);
  const trace = useVizStore(selectTrace);
  const step = useVizStore(selectStep);
  const steps = useVizStore(selectSteps);
  const select = useVizStore((s) => s.select);
  if (!trace) return null;
  const ingressRoute = trace.http?.route?.kind === 'Ingress' ? trace.http.route : null;
  const gatewayRoute = trace.http?.route?.kind === 'HTTPRoute' ? trace.http.route : null;
  // Envoy's container port behind a Gateway port below 1024 (80 -> 10080), read off the packet
  const dstPort = hop ? Number(hop.packet.dst.split(':').pop()) : NaN;
  const shiftedFrom = gatewayRoute && dstPort >= 10000 && dstPort < 11024 ? dstPort - 10000 : null;
  // the headers as the packet reached this hop: what the previous hop let out
  // (within one packet's exchange: the next exchange is another packet)
  const order = timeline(trace);
  const before =
    step > 0 && order[step - 1]?.exchange === order[step]?.exchange ? (steps[step - 1]?.packet ?? null) : null;
  // what the client got: an HTTP status through a proxy, a lost answer is no delivery for it
  const { label: outcome, good } = outcomeOf(trace);
  const verdictColor = good ? 'text-green-700 dark:text-green-400' : 'text-red-700 dark:text-red-400';
  return (
    <div className="space-y-3 p-3 text-sm" data-testid="hop.inspector">
      <p>
        <span className={`font-semibold ${verdictColor}`} data-testid="trace.verdict" data-verdict={trace.verdict}>
          {outcome}
        </span>{' '}
        — {trace.reason}
      </p>
      <SiteRoutesToggle />
      {hop ? (
        <>
          <h2 className="font-semibold">
            Step {stepLabel(step, steps.length)}: {hop.kind} at <span title={hop.at}>{placeName(hop.at)}</span>
          </h2>
          <p data-testid="hop.text">{forLearners(hop.text)}</p>
          <dl className="space-y-1 text-xs">
            <Row name="node" value={hop.node ?? 'off-cluster'} />
            <Row name="Ethernet" value={hop.packet.eth ? `${hop.packet.eth.src} → ${hop.packet.eth.dst}` : undefined} />
            <Row name="IP" value={`${hop.packet.src} → ${hop.packet.dst}`} />
            <Row
              name="protocol"
              value={`${hop.packet.protocol.toUpperCase()}${hop.packet.ttl !== undefined ? `, TTL ${hop.packet.ttl}` : ''}`}
            />
            <Row
              name="outer"
              value={
                hop.packet.outer
                  ? `${hop.packet.outer.protocol.toUpperCase()} ${hop.packet.outer.src} → ${hop.packet.outer.dst}${hop.packet.outer.vni !== undefined ? `, VNI ${hop.packet.outer.vni}` : ''}`
                  : undefined
              }
            />
            <Row
              name={hop.nat?.type ?? 'NAT'}
              value={
                hop.nat
                  ? `${hop.nat.before.src} → ${hop.nat.before.dst}  ⇒  ${hop.nat.after.src} → ${hop.nat.after.dst}`
                  : undefined
              }
            />
            <Row name="rule" value={hop.rule} />
            <Row
              name="arrived as"
              value={
                before &&
                (before.src !== hop.packet.src || before.dst !== hop.packet.dst || before.outer !== hop.packet.outer)
                  ? `${before.src} → ${before.dst}${before.outer ? ` (outer ${before.outer.src} → ${before.outer.dst})` : ''}`
                  : undefined
              }
            />
          </dl>
          {hop.kind === 'proxy' && trace.http ? (
            <div className="text-xs" data-testid="hop.http">
              <p className="font-semibold">
                HTTP {trace.http.method} {trace.http.path} · Host {trace.http.host} · answered {trace.http.status}
              </p>
              <dl className="mt-1 space-y-0.5">
                {Object.entries(trace.http.headers).map(([k, v]) => (
                  <Row key={k} name={k} value={v} />
                ))}
              </dl>
              {gatewayRoute ? (
                <div data-testid="hop.gateway" className="mt-1 space-y-0.5">
                  <button
                    type="button"
                    className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
                    onClick={() => select(httpRouteId(gatewayRoute.namespace, gatewayRoute.name))}
                  >
                    HTTPRoute {gatewayRoute.namespace}/{gatewayRoute.name}: its rules, and why rule{' '}
                    {gatewayRoute.rule ?? 0}
                  </button>
                  {shiftedFrom !== null ? (
                    <p>
                      Envoy listens on port {shiftedFrom + 10000} for the Gateway’s port {shiftedFrom}: Envoy Gateway
                      shifts ports below 1024 by 10000, so Envoy needs no privilege to bind them.
                    </p>
                  ) : null}
                  {trace.candidates.length > 0 ? (
                    <p>
                      Envoy connects to a pod IP it learns from the EndpointSlices (EDS), not to the ClusterIP;{' '}
                      {trace.candidates.length} endpoint{trace.candidates.length === 1 ? '' : 's'} share the requests
                      (each one’s chance is in the trace’s candidates).
                    </p>
                  ) : null}
                </div>
              ) : null}
              {ingressRoute ? (
                <button
                  type="button"
                  className="mt-1 rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
                  onClick={() => select(ingressId(ingressRoute.namespace, ingressRoute.name))}
                >
                  Ingress {ingressRoute.namespace}/{ingressRoute.name}, and as Gateway API
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
