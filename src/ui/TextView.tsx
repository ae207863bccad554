/**
 * The cluster as accessible text: nodes with their pods and containers, Services with their
 * endpoints. Everything the diagram shows is reachable here, and selecting here selects there.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { containerId, nodeId, podId, serviceId } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCluster, selectSelection } from '../store/selectors';

/** Above this many pods, nodes start collapsed so the list stays quick to render and to read. */
const OPEN_NODES_UP_TO = 60;

function Item({ id, children }: { id: string; children: React.ReactNode }) {
  const selection = useVizStore(selectSelection);
  const select = useVizStore((s) => s.select);
  const selected = selection === id;
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(
    function revealSelected() {
      if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
    },
    [selected],
  );
  return (
    <button
      ref={ref}
      type="button"
      data-id={id}
      aria-pressed={selected}
      onClick={() => select(id)}
      // min-h-6: a 24 px target (WCAG 2.2 target size)
      className={`min-h-6 rounded px-1 text-left font-mono hover:bg-slate-100 dark:hover:bg-slate-800 ${selected ? 'bg-blue-100 ring-1 ring-blue-500 dark:bg-blue-900/50' : ''}`}
    >
      {children}
    </button>
  );
}

/**
 * A node's pods behind a show/hide button beside the node's own button: a `<summary>` around the
 * node's button nested one control in another (axe `nested-interactive`), which screen readers read
 * as one.
 */
function Disclosure({
  initiallyOpen,
  label,
  head,
  children,
}: {
  initiallyOpen: boolean;
  label: string;
  head: React.ReactNode;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <>
      <div className="flex items-start gap-1">
        <button
          type="button"
          className="min-h-6 min-w-6 rounded hover:bg-slate-100 dark:hover:bg-slate-800"
          aria-expanded={open}
          aria-label={label}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'}
        </button>
        {head}
      </div>
      {open ? children : null}
    </>
  );
}

export function TextView() {
  const cluster = useVizStore(selectCluster);
  const podsByNode = useMemo(() => {
    const map = new Map<string, typeof cluster.pods>();
    for (const pod of cluster.pods) map.set(pod.node, [...(map.get(pod.node) ?? []), pod]);
    return map;
  }, [cluster]);
  const open = cluster.pods.length <= OPEN_NODES_UP_TO;
  return (
    <nav aria-label="Cluster as text" className="h-full overflow-auto p-3 text-xs" data-testid="textview">
      <h2 className="mb-1 text-sm font-semibold">Nodes</h2>
      <ul className="space-y-1">
        {cluster.nodes.map((node) => (
          <li key={node.name}>
            <Disclosure
              initiallyOpen={open}
              label={`pods of ${node.name}`}
              head={
                <Item id={nodeId(node.name)}>
                  {node.name} ({node.role}) {node.internalIP} · podCIDR {node.podCIDR} ·{' '}
                  {(podsByNode.get(node.name) ?? []).length} pods
                </Item>
              }
            >
              <ul className="ml-4 space-y-0.5">
                {(podsByNode.get(node.name) ?? []).map((pod) => (
                  <li key={`${pod.namespace}/${pod.name}`}>
                    <Item id={podId(pod.namespace, pod.name)}>
                      pod {pod.namespace}/{pod.name} {pod.ip}
                      {pod.ready ? '' : ' (not ready)'}
                    </Item>
                    <ul className="ml-4">
                      {pod.containers.map((c) => (
                        <li key={c.name}>
                          <Item id={containerId(pod.namespace, pod.name, c.name)}>
                            container {c.name}
                            {c.ports.length > 0
                              ? ` ${c.ports.map((p) => `${p.containerPort}/${p.protocol.toUpperCase()}`).join(', ')}`
                              : ''}
                          </Item>
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            </Disclosure>
          </li>
        ))}
      </ul>
      <h2 className="mt-3 mb-1 text-sm font-semibold">Services</h2>
      <ul className="space-y-1">
        {cluster.services.map((svc) => {
          const eps = cluster.endpoints.find((e) => e.service === `${svc.namespace}/${svc.name}`)?.endpoints ?? [];
          return (
            <li key={`${svc.namespace}/${svc.name}`}>
              <Item id={serviceId(svc.namespace, svc.name)}>
                Service {svc.namespace}/{svc.name} {svc.type} {svc.clusterIP ?? 'headless'}{' '}
                {svc.ports.map((p) => `${p.port}→${String(p.targetPort)}/${p.protocol.toUpperCase()}`).join(', ')}
              </Item>
              <ul className="ml-4">
                {eps.map((e) => (
                  <li key={`${e.ip}/${e.pod ?? ''}`} className="font-mono">
                    endpoint {e.ports.map((p) => `${e.ip}:${p.port}`).join(', ') || e.ip} {e.pod ?? e.node ?? ''}{' '}
                    {e.ready ? 'ready' : 'not ready'}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
