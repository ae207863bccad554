/**
 * The inspector of a Gateway (its listeners and the status conditions a controller writes) and of
 * an HTTPRoute (its parentRefs, hostnames, rules with matches, filters and weighted backends, its
 * conditions and why it is ignored), with a request to try against it: why that request takes one
 * rule and not another (sim/gateway/explain.ts). Everything here is text from the model, never HTML.
 */
import { useMemo, useState } from 'react';
import { gatewayId, httpRouteId, serviceId } from '../sim';
import type { Cluster, Trace } from '../sim';
import { explainRequest } from '../sim/gateway/explain';
import type { MatchExplanation } from '../sim/gateway/explain';
import { GatewayRequestError, parseGatewayRequest } from '../sim/gateway/request';
import { findGateway, formatShare } from '../sim/gateway/route';
import type { Condition, GatewayStatus, RouteStatus } from '../sim/gateway/status';
import { gatewayApiStatus } from '../sim/gateway/status';
import type { HTTPRouteModel, RouteFilter, RouteMatch } from '../sim/gateway/types';
import { useVizStore } from '../store/VizStoreProvider';
import { selectTrace } from '../store/selectors';

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="w-28 shrink-0 text-slate-500 dark:text-slate-400">{name}</dt>
      <dd className="min-w-0 font-mono break-words">{children}</dd>
    </div>
  );
}

function Link({ id, children }: { id: string; children: React.ReactNode }) {
  const select = useVizStore((s) => s.select);
  return (
    <button
      type="button"
      className="text-left font-mono text-blue-700 underline-offset-2 hover:underline dark:text-sky-400"
      onClick={() => select(id)}
    >
      {children}
    </button>
  );
}

function Conditions({ list, testId }: { list: readonly Condition[]; testId?: string }) {
  return (
    <ul data-testid={testId}>
      {list.map((c) => (
        <li key={c.type} className={c.status === 'True' ? '' : 'text-red-800 dark:text-red-300'}>
          {`${c.type} ${c.status} (${c.reason}): ${c.message}`}
        </li>
      ))}
    </ul>
  );
}

export function GatewayBody({ gateway, routes }: { gateway: GatewayStatus; routes: readonly RouteStatus[] }) {
  const g = gateway.gateway;
  return (
    <dl className="space-y-1" data-testid="inspector.gateway">
      <Field name="Gateway">{`${g.namespace}/${g.name}`}</Field>
      <Field name="class">{`${g.className}${gateway.owned ? '' : ' (no such GatewayClass: no controller)'}`}</Field>
      <Field name="conditions">
        <Conditions list={gateway.conditions} testId="inspector.gateway.conditions" />
      </Field>
      <Field name="listeners">
        <ul className="space-y-1" data-testid="inspector.listeners">
          {gateway.listeners.map((ls) => {
            const l = ls.listener;
            return (
              <li key={l.name}>
                <div>{`${l.name}: ${l.protocol} port ${l.port}, ${l.hostname ? `hostname ${l.hostname}` : 'any hostname'}`}</div>
                {l.tlsMode !== null || l.protocol === 'HTTPS' ? (
                  <div data-testid="inspector.listener.tls">
                    {`TLS ${l.tlsMode ?? 'Terminate'}: ${(l.tlsMode ?? 'Terminate') === 'Terminate' ? 'the Gateway ends TLS with the certificate' : 'the encrypted stream is passed on; the Gateway reads no request'} ${l.certificateRefs.map((c) => `${c.kind} ${c.namespace}/${c.name}`).join(', ') || '(none given)'}`}
                  </div>
                ) : null}
                <div className="text-slate-600 dark:text-slate-300">
                  {`routes from ${l.allowedRoutes.from === 'Same' ? `namespace ${g.namespace}` : l.allowedRoutes.from === 'All' ? 'every namespace' : 'namespaces the selector picks'}; ${ls.attachedRoutes} attached`}
                </div>
                <Conditions list={ls.conditions} />
              </li>
            );
          })}
        </ul>
      </Field>
      <Field name="HTTPRoutes">
        {routes.length === 0 ? (
          'none names this Gateway'
        ) : (
          <ul>
            {routes.map((r) => {
              const p = r.parents.find((x) => x.parentRef.namespace === g.namespace && x.parentRef.name === g.name);
              const c = p?.conditions[0];
              return (
                <li key={`${r.route.namespace}/${r.route.name}`}>
                  <Link
                    id={httpRouteId(r.route.namespace, r.route.name)}
                  >{`${r.route.namespace}/${r.route.name}`}</Link>
                  {c ? ` Accepted ${c.status} (${c.reason})` : ''}
                </li>
              );
            })}
          </ul>
        )}
      </Field>
    </dl>
  );
}

/** A match in words: `PathPrefix /api, method GET, header x-env = prod, query v = 2`. */
export function matchText(m: RouteMatch): string {
  const parts = [`path ${m.path.type} ${m.path.value}`];
  if (m.method) parts.push(`method ${m.method}`);
  for (const h of m.headers) parts.push(`header ${h.name} ${h.type === 'Exact' ? '=' : '~'} ${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name} ${q.type === 'Exact' ? '=' : '~'} ${q.value}`);
  return parts.join(', ');
}

function modifierText(m: Extract<RouteFilter, { type: 'RequestHeaderModifier' }>['modifier']): string {
  return [
    ...m.set.map((h) => `set ${h.name}: ${h.value}`),
    ...m.add.map((h) => `add ${h.name}: ${h.value}`),
    ...m.remove.map((n) => `remove ${n}`),
  ].join('; ');
}

export function filterText(f: RouteFilter): string {
  switch (f.type) {
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier':
      return `${f.type}: ${modifierText(f.modifier)}`;
    case 'RequestRedirect':
      return `RequestRedirect ${f.statusCode}${f.scheme ? ` scheme ${f.scheme}` : ''}${f.hostname ? ` hostname ${f.hostname}` : ''}${f.port ? ` port ${f.port}` : ''}${f.path ? ` ${f.path.type} ${f.path.value}` : ''}`;
    case 'URLRewrite':
      return `URLRewrite${f.hostname ? ` hostname ${f.hostname}` : ''}${f.path ? ` ${f.path.type} ${f.path.value}` : ''}`;
    case 'Other':
      return `${f.name} (kept, not simulated)`;
  }
}

/** Why nothing routes through this route, in one sentence; null when some parent accepts it. */
function ignoredBecause(r: RouteStatus): string | null {
  if (r.parents.length === 0) return 'it names no parent Gateway';
  if (r.parents.some((p) => p.conditions[0]?.status === 'True')) return null;
  return r.parents
    .map(
      (p) =>
        `${p.parentRef.namespace}/${p.parentRef.name}: ${p.conditions[0]?.reason ?? ''} (${p.conditions[0]?.message ?? ''})`,
    )
    .join('; ');
}

export function HttpRouteBody({ route: r, cluster }: { route: RouteStatus; cluster: Cluster }) {
  const route = r.route;
  const ignored = ignoredBecause(r);
  const trace = useVizStore(selectTrace);
  // a new route or a new traced request starts the form afresh
  const tryKey = `${route.namespace}/${route.name}|${traceRequest(trace)?.url ?? ''}`;
  return (
    <>
      <dl className="space-y-1" data-testid="inspector.httproute">
        <Field name="HTTPRoute">{`${route.namespace}/${route.name}`}</Field>
        {ignored ? (
          <Field name="ignored">
            <span className="text-red-800 dark:text-red-300" data-testid="inspector.httproute.ignored">
              {`No traffic uses this route: ${ignored}`}
            </span>
          </Field>
        ) : null}
        <Field name="parentRefs">
          <ul className="space-y-1" data-testid="inspector.httproute.parents">
            {r.parents.map((p, i) => (
              <li key={i}>
                {p.parentRef.kind === 'Gateway' ? (
                  <Link id={gatewayId(p.parentRef.namespace, p.parentRef.name)}>
                    {`${p.parentRef.namespace}/${p.parentRef.name}`}
                  </Link>
                ) : (
                  `${p.parentRef.kind} ${p.parentRef.namespace}/${p.parentRef.name}`
                )}
                {p.parentRef.sectionName ? ` sectionName ${p.parentRef.sectionName}` : ''}
                {p.parentRef.port ? ` port ${p.parentRef.port}` : ''}
                <Conditions list={p.conditions} />
              </li>
            ))}
          </ul>
        </Field>
        <Field name="ResolvedRefs">
          <Conditions list={[r.resolvedRefs]} />
        </Field>
        <Field name="hostnames">
          {route.hostnames.length > 0 ? route.hostnames.join(', ') : 'any (the listener’s)'}
        </Field>
        <Field name="rules">
          <ol className="space-y-2" data-testid="inspector.httproute.rules">
            {route.rules.map((rule, i) => {
              const total = rule.backendRefs.reduce((n, b) => n + b.weight, 0);
              return (
                <li key={i}>
                  <div className="font-semibold">{`rule ${i}${rule.name ? ` (${rule.name})` : ''}`}</div>
                  <ul className="ml-2">
                    {rule.matches.map((m, j) => (
                      <li key={`m${j}`}>{`match ${j}: ${matchText(m)}`}</li>
                    ))}
                    {rule.filters.map((f, j) => (
                      <li key={`f${j}`}>{`filter: ${filterText(f)}`}</li>
                    ))}
                    {rule.backendRefs.map((b, j) => (
                      <li key={`b${j}`}>
                        {'backend: '}
                        {b.kind === 'Service' && b.group === '' ? (
                          <Link id={serviceId(b.namespace, b.name)}>{`${b.namespace}/${b.name}`}</Link>
                        ) : (
                          `${b.kind} ${b.namespace}/${b.name}`
                        )}
                        {`${b.port !== null ? ` port ${b.port}` : ''}, weight ${b.weight} = ${total === 0 ? '0%' : formatShare(b.weight / total)}`}
                        {b.filters.length > 0 ? `; ${b.filters.map(filterText).join('; ')}` : ''}
                      </li>
                    ))}
                    {rule.backendRefs.length === 0 && !rule.filters.some((f) => f.type === 'RequestRedirect') ? (
                      <li>no backendRefs: the Gateway answers 500</li>
                    ) : null}
                  </ul>
                </li>
              );
            })}
          </ol>
        </Field>
      </dl>
      <TryRequest key={tryKey} route={route} cluster={cluster} />
    </>
  );
}

/** The request of the current trace, when it is HTTP, as URL, method and header lines. */
function traceRequest(trace: Trace | null): { url: string; method: string; headers: string } | null {
  if (!trace?.http) return null;
  const to = /^(https?):\/\/[^/?#]+(:\d+)?/i.exec(trace.request.to);
  const scheme = to?.[1]?.toLowerCase() ?? 'http';
  const port = to?.[2] ?? '';
  return {
    url: `${scheme}://${trace.http.host}${port}${trace.http.path}`,
    method: trace.http.method,
    headers: Object.entries(trace.http.headers)
      .filter(([n]) => n.toLowerCase() !== 'host')
      .map(([n, v]) => `${n}: ${v}`)
      .join('\n'),
  };
}

/** A request this route could take: its first hostname on its first listener, its first rule's path. */
function sampleRequest(cluster: Cluster, route: HTTPRouteModel): { url: string; method: string; headers: string } {
  const status = gatewayApiStatus(cluster).routes.find((r) => r.route === route);
  const att = status?.parents.flatMap((p) => p.attachments)[0];
  const host = (att?.hostnames[0] ?? route.hostnames[0] ?? att?.listener.hostname ?? 'example.com').replace(
    /^\*\./,
    'www.',
  );
  const scheme = att?.listener.protocol === 'HTTPS' ? 'https' : 'http';
  const port = att ? att.listener.port : 80;
  const shownPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? '' : `:${port}`;
  const m = route.rules[0]?.matches[0];
  const path = m && m.path.type !== 'RegularExpression' ? m.path.value : '/';
  return {
    url: `${scheme}://${host}${shownPort}${path}`,
    method: m?.method ?? 'GET',
    headers: (m?.headers ?? [])
      .filter((h) => h.type === 'Exact')
      .map((h) => `${h.name}: ${h.value}`)
      .join('\n'),
  };
}

const OUTCOME: Record<MatchExplanation['outcome'], string> = {
  won: 'took the request',
  outranked: 'matches, but lost on precedence',
  'no-match': 'does not match',
  'not-considered': 'not considered',
};

/**
 * A request to try against the route's Gateway: the current trace's when it is HTTP, else one this
 * route would take; and, rule by rule, why it matched one and not another.
 */
function TryRequest({ route, cluster }: { route: HTTPRouteModel; cluster: Cluster }) {
  const trace = useVizStore(selectTrace);
  const fromTrace = useMemo(() => traceRequest(trace), [trace]);
  const initial = fromTrace ?? sampleRequest(cluster, route);
  const [url, setUrl] = useState(initial.url);
  const [method, setMethod] = useState(initial.method);
  const [headers, setHeaders] = useState(initial.headers);
  const result = useMemo(() => {
    try {
      const req = parseGatewayRequest({
        url: url.trim(),
        method: method.trim() || 'GET',
        headers: headers
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== ''),
      });
      const named = route.parentRefs.filter((p) => p.kind === 'Gateway');
      // the Gateway the request reaches: one this route names with a listener on the port, else any
      const found =
        named
          .map((p) => findGateway(cluster, req, { namespace: p.namespace, name: p.name }))
          .find((f) => f.ok && f.gateway.listeners.some((l) => l.port === req.port)) ?? findGateway(cluster, req);
      if (!found.ok) return { error: found.message };
      return { explanation: explainRequest(cluster, found.gateway, req), gateway: found.gateway };
    } catch (e) {
      if (e instanceof GatewayRequestError) return { error: `${e.field}: ${e.message}` };
      throw e;
    }
  }, [cluster, route, url, method, headers]);
  const name = `${route.namespace}/${route.name}`;
  const shown = result.explanation?.matches.filter((m) => m.outcome !== 'not-considered' || m.route === name) ?? [];
  const input =
    'min-h-6 w-full rounded border border-slate-300 bg-white px-1 font-mono dark:border-slate-600 dark:bg-slate-800';
  return (
    <section className="mt-3" aria-label="Why this rule" data-testid="inspector.why">
      <h3 className="text-sm font-semibold">Why this rule?</h3>
      <p className="text-slate-600 dark:text-slate-300">
        {fromTrace ? 'The current request' : 'A request to try'}; change it to see another rule match.
      </p>
      <div className="mt-1 grid grid-cols-[auto_1fr] items-center gap-1">
        <label htmlFor="why-url">URL</label>
        <input id="why-url" className={input} value={url} onChange={(e) => setUrl(e.target.value)} />
        <label htmlFor="why-method">method</label>
        <input id="why-method" className={input} value={method} onChange={(e) => setMethod(e.target.value)} />
        <label htmlFor="why-headers">headers</label>
        <textarea
          id="why-headers"
          className={input}
          rows={2}
          placeholder="Name: value, one a line"
          value={headers}
          onChange={(e) => setHeaders(e.target.value)}
        />
      </div>
      {'error' in result ? (
        <p role="alert" className="mt-1 text-red-800 dark:text-red-300" data-testid="inspector.why.error">
          {result.error}
        </p>
      ) : result.explanation ? (
        <>
          <p className="mt-1 font-semibold" data-testid="inspector.why.outcome">
            {`${result.explanation.decision.status === 0 ? 'no answer' : result.explanation.decision.status} at Gateway ${result.gateway?.namespace ?? ''}/${result.gateway?.name ?? ''}: ${result.explanation.decision.reason}`}
          </p>
          <ol className="mt-1 space-y-1" data-testid="inspector.why.rules">
            {shown.map((m) => (
              <li
                key={`${m.route}#${m.rule}#${m.match ?? '-'}`}
                data-outcome={m.outcome}
                className={m.outcome === 'won' ? 'rounded bg-green-50 p-1 dark:bg-green-950' : 'p-1'}
              >
                <div className={m.route === name ? 'font-semibold' : ''}>
                  {`${m.route} rule ${m.rule}${m.match !== null ? ` match ${m.match}` : ''}: ${OUTCOME[m.outcome]}`}
                </div>
                <ul className="ml-2">
                  {m.checks.map((c, i) => (
                    <li key={i}>
                      <span aria-hidden="true">{c.ok ? '✓ ' : '✗ '}</span>
                      <span className="sr-only">{c.ok ? 'holds: ' : 'fails: '}</span>
                      {c.text}
                    </li>
                  ))}
                  {m.precedence ? <li>{`precedence: ${m.precedence}`}</li> : null}
                </ul>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
