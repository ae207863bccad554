/**
 * An Ingress in the inspector: its class, rules, TLS and default backend, and "As Gateway API":
 * the Gateway and HTTPRoutes the ingress2gateway tool would write for it (src/sim/gateway/fromIngress.ts)
 * as YAML text to copy or download, with what does not carry over and why. Everything is text.
 */
import { useMemo, useState } from 'react';
import { conversionOf, conversionYaml, serviceId } from '../sim';
import type { Cluster, IngressClassModel, IngressModel } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { copyText, downloadText } from './ShareDialog';

type IngressBackend = NonNullable<IngressModel['defaultBackend']>;

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="w-28 shrink-0 text-slate-500 dark:text-slate-400">{name}</dt>
      <dd className="min-w-0 font-mono break-words">{children}</dd>
    </div>
  );
}

const backendText = (b: IngressBackend): string =>
  b.kind === 'service' ? `${b.service}:${b.port}` : `${b.resourceKind} ${b.name}`;

const action =
  'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';

export function IngressBody({
  ingress,
  ingressClass,
  served,
  cluster,
}: {
  ingress: IngressModel;
  ingressClass: IngressClassModel | null;
  served: boolean;
  cluster: Cluster;
}) {
  const select = useVizStore((s) => s.select);
  const svcButton = (b: IngressBackend) =>
    b.kind === 'service' ? (
      <button
        type="button"
        className="font-mono text-blue-700 underline-offset-2 hover:underline dark:text-sky-400"
        onClick={() => select(serviceId(ingress.namespace, b.service))}
      >
        {backendText(b)}
      </button>
    ) : (
      backendText(b)
    );
  return (
    <>
      <dl className="space-y-1" data-testid="inspector.ingress">
        <Field name="Ingress">{`${ingress.namespace}/${ingress.name}`}</Field>
        <Field name="class">
          {ingressClass
            ? `${ingressClass.name} (${ingressClass.controller})`
            : (ingress.className ?? 'none, and no default IngressClass')}
        </Field>
        <Field name="served by">
          {served
            ? 'ingress-nginx (retired by SIG Network in March 2026; Gateway API replaces it)'
            : 'no controller in this cluster'}
        </Field>
        <Field name="rules">
          {ingress.rules.length === 0 ? (
            'none'
          ) : (
            <ul className="space-y-0.5">
              {ingress.rules.flatMap((r, i) =>
                r.paths.map((p, j) => (
                  <li key={`${i}/${j}`}>
                    {`${r.host ?? '*'} ${p.path} (${p.pathType}) → `}
                    {svcButton(p.backend)}
                  </li>
                )),
              )}
            </ul>
          )}
        </Field>
        {ingress.tls.length > 0 ? (
          <Field name="tls">
            <ul>
              {ingress.tls.map((t, i) => (
                <li
                  key={i}
                >{`${t.hosts.join(', ') || 'every host'} → Secret ${t.secretName ?? '(default certificate)'}`}</li>
              ))}
            </ul>
          </Field>
        ) : null}
        {ingress.defaultBackend ? <Field name="defaultBackend">{svcButton(ingress.defaultBackend)}</Field> : null}
      </dl>
      {served ? <AsGatewayApi ingress={ingress} cluster={cluster} /> : null}
    </>
  );
}

function AsGatewayApi({ ingress, cluster }: { ingress: IngressModel; cluster: Cluster }) {
  const conversion = useMemo(() => conversionOf(cluster, ingress), [cluster, ingress]);
  const yaml = useMemo(() => (conversion ? conversionYaml(conversion.objects) : ''), [conversion]);
  const [copied, setCopied] = useState<string>('');
  if (!conversion) return null;
  const file = `${ingress.namespace}-${ingress.name}-gateway-api.yaml`;
  return (
    <details
      open
      className="mt-3 rounded border border-slate-200 p-2 dark:border-slate-700"
      data-testid="ingress.as-gateway"
    >
      <summary className="cursor-pointer text-sm font-semibold">As Gateway API</summary>
      <p className="mt-1 text-slate-600 dark:text-slate-300">
        What the ingress2gateway tool would write for ingress-nginx:{' '}
        {conversion.objects.map((o) => `${o.kind} ${o.name}`).join(', ')}.
      </p>
      <div className="mt-1 flex flex-wrap items-center gap-1">
        <button
          type="button"
          className={action}
          onClick={() => {
            void copyText(yaml).then((ok) => setCopied(ok ? 'Copied.' : 'Copying failed: select the text instead.'));
          }}
        >
          Copy YAML
        </button>
        <button type="button" className={action} onClick={() => downloadText(yaml, file, 'application/yaml')}>
          Download {file}
        </button>
        <span role="status" className="text-slate-600 dark:text-slate-300">
          {copied}
        </span>
      </div>
      <pre
        className="mt-1 max-h-72 overflow-auto rounded bg-slate-100 p-2 font-mono dark:bg-slate-800"
        data-testid="ingress.gateway-yaml"
        tabIndex={0}
        aria-label="The Gateway API objects as YAML"
      >
        {yaml}
      </pre>
      <h3 className="mt-2 font-semibold">What does not carry over</h3>
      {conversion.notes.length === 0 ? (
        <p data-testid="ingress.not-converted">Nothing: the routes send every request where the Ingress did.</p>
      ) : (
        <ul className="mt-1 list-disc space-y-1 pl-4" data-testid="ingress.not-converted">
          {conversion.notes.map((n, i) => (
            <li key={i}>
              <span className="font-mono break-all">{n.subject}</span>: {n.reason}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
