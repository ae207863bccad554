/**
 * What a user looks up about the selected element: a pod's IP, node, containers, labels and the
 * Services that select it; a Service's type, IPs, ports and endpoints with readiness; a node's
 * addresses, podCIDR and devices. Everything here is text (never HTML) from the model.
 */
import { useMemo, useState } from 'react';
import {
  cniPlugin,
  containerId,
  nodeId,
  podId,
  podIdOfKey,
  serviceId,
  describe,
  formatSelector,
  policyRuleText,
  proxyRules,
  proxyRulesCommand,
  routingTable,
} from '../sim';
import type { Cluster, Pod, Service } from '../sim';
import { defaultPacketRequest } from '../store/selectors';
import type { Described } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { GatewayBody, HttpRouteBody } from './GatewayInspector';
import { IngressBody } from './IngressInspector';
import { selectCluster, selectSelection } from '../store/selectors';

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div className="flex gap-2">
      <dt className="w-28 shrink-0 text-slate-500 dark:text-slate-400">{name}</dt>
      <dd className="min-w-0 font-mono break-words">{children}</dd>
    </div>
  );
}

function SelectButton({ id, children }: { id: string; children: React.ReactNode }) {
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

function Labels({ labels }: { labels: Readonly<Record<string, string>> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return <span className="text-slate-500">none</span>;
  return (
    <ul>
      {entries.map(([k, v]) => (
        <li key={k}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

const action =
  'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';

/** Pods come and go: the operations a user can make on what is selected. */
function PodActions({ pod }: { pod: Pod }) {
  const applyClusterOps = useVizStore((s) => s.applyClusterOps);
  const cluster = useVizStore(selectCluster);
  const key = `${pod.namespace}/${pod.name}`;
  const deployment = pod.owner?.startsWith('Deployment/') ? pod.owner.slice('Deployment/'.length) : null;
  const replicas = deployment
    ? cluster.pods.filter((p) => p.namespace === pod.namespace && p.owner === pod.owner).length
    : 0;
  return (
    <div className="mt-2 flex flex-wrap gap-1" role="group" aria-label="Change this pod">
      <button type="button" className={action} onClick={() => applyClusterOps([{ op: 'deletePod', pod: key }])}>
        Delete pod
      </button>
      <button
        type="button"
        className={action}
        onClick={() => applyClusterOps([{ op: 'setPodReady', pod: key, ready: !pod.ready }])}
      >
        {pod.ready ? 'Mark not ready' : 'Mark ready'}
      </button>
      {deployment ? (
        <>
          <button
            type="button"
            className={action}
            disabled={replicas === 0}
            onClick={() =>
              applyClusterOps([
                { op: 'scaleDeployment', deployment: `${pod.namespace}/${deployment}`, replicas: replicas - 1 },
              ])
            }
          >
            Scale {deployment} to {replicas - 1}
          </button>
          <button
            type="button"
            className={action}
            onClick={() =>
              applyClusterOps([
                { op: 'scaleDeployment', deployment: `${pod.namespace}/${deployment}`, replicas: replicas + 1 },
              ])
            }
          >
            Scale {deployment} to {replicas + 1}
          </button>
        </>
      ) : null}
    </div>
  );
}

/** Load balancing made visible: many requests to this Service at once. */
function BurstButton({ service }: { service: Service }) {
  const sendBurst = useVizStore((s) => s.sendBurst);
  const cluster = useVizStore(selectCluster);
  const request = useVizStore((s) => s.request);
  const trace = useVizStore((s) => s.trace);
  const from = request?.from ?? defaultPacketRequest(cluster)?.from ?? null;
  if (!from || service.clusterIP === null) return null;
  // The Service of an L7 proxy the current HTTP request went through: a burst of that request shows
  // how the proxy spreads it (a Gateway's weights), not how the Service spreads plain connections.
  const key = `${service.namespace}/${service.name}`;
  const viaProxy =
    request !== null && trace?.http != null && trace.hops.some((h) => h.at === `svc/${key}` || h.at === `lb/${key}`);
  return (
    <button
      type="button"
      className={`${action} mt-2`}
      onClick={() => sendBurst(viaProxy ? request : { from, to: `svc/${key}` }, 100)}
    >
      {viaProxy ? `Send 100 requests to ${request.to}` : `Send 100 requests from ${from}`}
    </button>
  );
}

function Body({ d, cluster }: { d: Described; cluster: Cluster }) {
  switch (d.kind) {
    case 'pod':
      return (
        <>
          <dl className="space-y-1">
            <Field name="pod">{`${d.pod.namespace}/${d.pod.name}`}</Field>
            <Field name="IP">
              {d.pod.ip}
              {d.pod.hostNetwork ? ' (hostNetwork: the node’s IP)' : ''}
            </Field>
            <Field name="node">
              <SelectButton id={nodeId(d.pod.node)}>{d.pod.node}</SelectButton>
            </Field>
            <Field name="ready">
              {d.pod.ready ? 'True' : 'False'}
              {d.pod.terminating ? ', terminating' : ''}
            </Field>
            <Field name="owner">{d.pod.owner ?? 'none (a bare pod)'}</Field>
            <Field name="host veth">{d.pod.veth ?? 'none'}</Field>
            <Field name="MTU">{d.pod.mtu}</Field>
            <Field name="containers">
              <ul>
                {d.pod.containers.map((c) => (
                  <li key={c.name}>
                    <SelectButton id={containerId(d.pod.namespace, d.pod.name, c.name)}>{c.name}</SelectButton>{' '}
                    {c.ports
                      .map((p) => `${p.containerPort}/${p.protocol.toUpperCase()}${p.name ? ` (${p.name})` : ''}`)
                      .join(', ') || 'no ports'}
                    {c.ready ? '' : ' — not ready'}
                  </li>
                ))}
              </ul>
            </Field>
            <Field name="labels">
              <Labels labels={d.pod.labels} />
            </Field>
          </dl>
          <PodActions pod={d.pod} />
          <dl className="mt-1 space-y-1">
            <Field name="selected by">
              {d.services.length === 0 ? (
                <span className="text-slate-500">no Service</span>
              ) : (
                <ul>
                  {d.services.map((s) => (
                    <li key={s.name}>
                      <SelectButton id={serviceId(s.namespace, s.name)}>{`${s.namespace}/${s.name}`}</SelectButton>
                    </li>
                  ))}
                </ul>
              )}
            </Field>
          </dl>
        </>
      );
    case 'container':
      return (
        <dl className="space-y-1">
          <Field name="container">{d.container.name}</Field>
          <Field name="pod">
            <SelectButton id={podId(d.pod.namespace, d.pod.name)}>{`${d.pod.namespace}/${d.pod.name}`}</SelectButton>
          </Field>
          <Field name="image">{d.container.image}</Field>
          <Field name="declared ports">
            {d.container.ports
              .map(
                (p) => `${p.containerPort}/${p.protocol.toUpperCase()}${p.hostPort ? ` hostPort ${p.hostPort}` : ''}`,
              )
              .join(', ') || 'none'}
          </Field>
          <Field name="listening">
            {d.container.listening.map((p) => `${p.containerPort}/${p.protocol.toUpperCase()}`).join(', ') || 'nothing'}
          </Field>
          <Field name="network">the pod’s namespace: IP {d.pod.ip}, shared with every container of the pod</Field>
          {d.container.problem ? <Field name="problem">{d.container.problem}</Field> : null}
        </dl>
      );
    case 'service':
      return (
        <>
          <dl className="space-y-1">
            <Field name="Service">{`${d.service.namespace}/${d.service.name}`}</Field>
            <Field name="type">{d.service.type}</Field>
            <Field name="ClusterIP">{d.service.clusterIP ?? 'None (headless)'}</Field>
            {d.service.loadBalancerIP ? <Field name="LB IP">{d.service.loadBalancerIP}</Field> : null}
            <Field name="ports">
              <ul>
                {d.service.ports.map((p, i) => (
                  <li key={i}>
                    {`${p.name ? `${p.name}: ` : ''}${p.port}/${p.protocol.toUpperCase()} → ${String(p.targetPort)}${p.nodePort ? `, nodePort ${p.nodePort}` : ''}`}
                  </li>
                ))}
              </ul>
            </Field>
            <Field name="selector">
              {d.service.selector ? <Labels labels={d.service.selector} /> : 'none (endpoints managed by hand)'}
            </Field>
            <Field name="traffic policy">{`internal ${d.service.internalTrafficPolicy}, external ${d.service.externalTrafficPolicy}`}</Field>
            <Field name="affinity">
              {d.service.sessionAffinity === 'ClientIP' ? `ClientIP, ${d.service.sessionAffinityTimeout} s` : 'None'}
            </Field>
            <Field name="endpoints">
              {d.endpoints && d.endpoints.endpoints.length > 0 ? (
                <table className="text-xs" data-testid="inspector.endpoints">
                  <tbody>
                    {d.endpoints.endpoints.map((e) => (
                      <tr key={`${e.ip}/${e.pod ?? ''}`}>
                        <td className="pr-2">{e.ports.map((p) => `${e.ip}:${p.port}`).join(', ') || e.ip}</td>
                        <td className="pr-2">
                          {e.pod ? <SelectButton id={podIdOfKey(e.pod)}>{e.pod}</SelectButton> : (e.node ?? '')}
                        </td>
                        <td>{e.ready ? 'ready' : e.serving ? 'serving, terminating' : 'not ready'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                'none'
              )}
            </Field>
          </dl>
          <BurstButton service={d.service} />
          <KubeProxyRulesView service={d.service} cluster={cluster} />
        </>
      );
    case 'node':
      return (
        <>
          <dl className="space-y-1">
            <Field name="node">{d.node.name}</Field>
            <Field name="role">{d.node.role}</Field>
            <Field name="InternalIP">{d.node.internalIP}</Field>
            <Field name="podCIDR">{d.node.podCIDR ?? 'none: pods take VPC subnet addresses'}</Field>
            <Field name="ready">{d.node.ready ? 'True' : 'False'}</Field>
            <Field name="devices">
              <ul>
                {d.node.devices.map((dev) => (
                  <li key={dev.name}>{`${dev.name}  ${dev.address ?? '(no address)'}  mtu ${dev.mtu}  ${dev.mac}`}</li>
                ))}
              </ul>
            </Field>
            <Field name="pods">{d.pods.length}</Field>
          </dl>
          <NodeActions node={d.node.name} ready={d.node.ready} />
          <div>
            <p className="mt-2 text-slate-500 dark:text-slate-400">
              <span className="font-mono">ip route</span> on {d.node.name}
            </p>
            <pre
              className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 font-mono dark:bg-slate-800"
              data-testid="inspector.routes"
            >
              {routingTable(cluster, d.node).join('\n')}
            </pre>
          </div>
        </>
      );
    case 'device':
      return (
        <dl className="space-y-1">
          <Field name="device">{`${d.device.name} (${d.device.kind})`}</Field>
          <Field name="node">
            <SelectButton id={nodeId(d.node.name)}>{d.node.name}</SelectButton>
          </Field>
          <Field name="address">{d.device.address ?? 'none'}</Field>
          <Field name="MAC">{d.device.mac}</Field>
          <Field name="MTU">{d.device.mtu}</Field>
        </dl>
      );
    case 'pod-device':
      return (
        <dl className="space-y-1">
          <Field name="device">{d.device === 'lo' ? 'lo (loopback)' : 'eth0'}</Field>
          <Field name="pod">
            <SelectButton id={podId(d.pod.namespace, d.pod.name)}>{`${d.pod.namespace}/${d.pod.name}`}</SelectButton>
          </Field>
          <Field name="address">{d.device === 'lo' ? '127.0.0.1/8' : d.pod.ip}</Field>
          {d.device === 'eth0' ? <Field name="MAC">{d.pod.mac}</Field> : null}
          {d.device === 'eth0' ? (
            <Field name="peer">{d.pod.veth ? `${d.pod.veth} on ${d.pod.node}` : 'none (hostNetwork)'}</Field>
          ) : null}
        </dl>
      );
    case 'veth':
      return (
        <dl className="space-y-1">
          <Field name="device">{d.pod.veth ?? ''}</Field>
          <Field name="node">{d.pod.node}</Field>
          <Field name="peer">{`eth0 of ${d.pod.namespace}/${d.pod.name} (${d.pod.ip})`}</Field>
        </dl>
      );
    case 'policy': {
      const rulesOf = (direction: 'ingress' | 'egress', type: 'Ingress' | 'Egress') => {
        const rules = direction === 'ingress' ? d.policy.ingress : d.policy.egress;
        if (!d.policy.policyTypes.includes(type)) return 'not restricted by this policy';
        if (rules.length === 0) return 'none: everything is denied (unless another policy allows it)';
        return (
          <ul className="space-y-1">
            {rules.map((rule, i) => (
              <li key={i}>{`spec.${direction}[${i}]: ${policyRuleText(rule, direction)}`}</li>
            ))}
          </ul>
        );
      };
      return (
        <dl className="space-y-1" data-testid="inspector.policy">
          <Field name="NetworkPolicy">{`${d.policy.namespace}/${d.policy.name}`}</Field>
          <Field name="policyTypes">{d.policy.policyTypes.join(', ')}</Field>
          <Field name="podSelector">{formatSelector(d.policy.podSelector)}</Field>
          <Field name="enforced">
            {d.enforced
              ? 'yes'
              : `no: ${cniPlugin(cluster).kind} does not implement NetworkPolicy, so nothing is blocked`}
          </Field>
          <Field name="isolates">
            {d.pods.length === 0 ? (
              'no pod (its selector matches none)'
            ) : (
              <ul>
                {d.pods.map((p) => (
                  <li key={`${p.namespace}/${p.name}`}>
                    <SelectButton id={podId(p.namespace, p.name)}>{`${p.namespace}/${p.name}`}</SelectButton>
                  </li>
                ))}
              </ul>
            )}
          </Field>
          <Field name="ingress">{rulesOf('ingress', 'Ingress')}</Field>
          <Field name="egress">{rulesOf('egress', 'Egress')}</Field>
        </dl>
      );
    }
    case 'gateway':
      return <GatewayBody gateway={d.gateway} routes={d.routes} />;
    case 'httproute':
      return <HttpRouteBody route={d.route} cluster={cluster} />;
    case 'ingress':
      return <IngressBody ingress={d.ingress} ingressClass={d.ingressClass} served={d.served} cluster={cluster} />;
  }
}

function NodeActions({ node, ready }: { node: string; ready: boolean }) {
  const applyClusterOps = useVizStore((s) => s.applyClusterOps);
  if (!ready) return <p className="text-red-700 dark:text-red-400">This node is down: its pods were rescheduled.</p>;
  return (
    <button type="button" className={`${action} mt-1`} onClick={() => applyClusterOps([{ op: 'nodeDown', node }])}>
      Take {node} down
    </button>
  );
}

/** kube-proxy's rules for one Service on one node, as the proxy mode's own tool prints them. */
function KubeProxyRulesView({ service, cluster }: { service: Service; cluster: Cluster }) {
  const [nodeName, setNodeName] = useState(
    cluster.nodes.find((n) => n.role === 'worker')?.name ?? cluster.nodes[0]?.name ?? '',
  );
  const node = cluster.nodes.find((n) => n.name === nodeName);
  const tool = proxyRulesCommand(cluster);
  return (
    <div className="mt-3">
      <label className="flex items-center gap-2 text-slate-500 dark:text-slate-400">
        <span className="font-mono">{tool}</span> on
        <select
          aria-label="Node for the kube-proxy rules"
          className="rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-800"
          value={nodeName}
          onChange={(e) => setNodeName(e.target.value)}
        >
          {cluster.nodes.map((n) => (
            <option key={n.name} value={n.name}>
              {n.name}
            </option>
          ))}
        </select>
      </label>
      <pre
        className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 font-mono dark:bg-slate-800"
        data-testid="inspector.kube-proxy-rules"
      >
        {node ? proxyRules(cluster, node, service).join('\n') : ''}
      </pre>
    </div>
  );
}

export function SelectionInspector() {
  const cluster = useVizStore(selectCluster);
  const selection = useVizStore(selectSelection);
  const described = useMemo(() => (selection ? describe(cluster, selection) : null), [cluster, selection]);
  if (!selection) {
    return (
      <p className="p-3 text-sm text-slate-600 dark:text-slate-300">
        Click anything on the diagram to see its details.
      </p>
    );
  }
  return (
    <div className="p-3 text-xs" data-testid="selection.inspector">
      <h2 className="mb-2 text-sm font-semibold">
        <span className="font-mono">{selection}</span>
      </h2>
      {described ? <Body d={described} cluster={cluster} /> : <p>This element has no details.</p>}
    </div>
  );
}
