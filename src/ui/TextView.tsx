/**
 * The cluster as accessible text: everything the diagram draws, from the same elements the canvas
 * builds (toElements), so a device, a Service or a policy the diagram shows is never missing here.
 * Each item says whether the packet's path goes through it and whether the packet is there now,
 * in step with the canvas; selecting here selects there.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { containerId, nodeId, podId, serviceId } from '../sim';
import type { Hop } from '../sim';
import { ElementKind, toElements } from '../canvas/toElements';
import { UNDERLAY_ID } from '../canvas/layout';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCluster, selectCurrentHop, selectSelection, selectStep, selectSteps } from '../store/selectors';
import { placeName } from './learnerText';

/** One drawn element, as the canvas builds it. */
type ElementDefinition = ReturnType<typeof toElements>['elements'][number];

/** Above this many pods, nodes start collapsed so the list stays quick to render and to read. */
const OPEN_NODES_UP_TO = 60;

/** Where the path touches each drawn element: the 0-based steps at it or acting on its devices. */
type PathMarks = ReadonlyMap<string, readonly number[]>;

/** The drawn element a hop's place is: a wire between nodes is drawn as the node network. */
const drawnAt = (id: string): string => (id.startsWith('wire/') ? UNDERLAY_ID : id);

export function pathMarks(steps: readonly Hop[]): PathMarks {
  const marks = new Map<string, number[]>();
  const mark = (id: string, step: number) => {
    const list = marks.get(id) ?? [];
    if (list[list.length - 1] !== step) list.push(step);
    marks.set(id, list);
  };
  steps.forEach((hop, step) => {
    mark(drawnAt(hop.at), step);
    for (const device of hop.devices) if (device !== hop.at) mark(drawnAt(device), step);
  });
  return marks;
}

/** "steps 3, 4 and 31" (1-based, as the screen counts), shortened past a handful. */
function stepList(steps: readonly number[]): string {
  const shown = steps.slice(0, 6).map((s) => String(s + 1));
  if (steps.length > 6) return `steps ${shown.join(', ')} and ${steps.length - 6} more`;
  if (shown.length === 1) return `step ${shown[0]}`;
  return `steps ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function PathNote({ id, marks }: { id: string; marks: PathMarks }) {
  const step = useVizStore(selectStep);
  const steps = marks.get(id);
  if (!steps) return null;
  const here = steps.includes(step);
  return (
    <span
      className={here ? 'font-semibold text-orange-700 dark:text-orange-300' : 'text-slate-600 dark:text-slate-300'}
    >
      {here ? ' · the packet is here' : ''} · on the path at {stepList(steps)}
    </span>
  );
}

function Item({ id, marks, children }: { id: string; marks: PathMarks; children: React.ReactNode }) {
  const selection = useVizStore(selectSelection);
  const select = useVizStore((s) => s.select);
  const hop = useVizStore(selectCurrentHop);
  const selected = selection === id;
  const here = hop !== null && (drawnAt(hop.at) === id || hop.devices.some((d) => drawnAt(d) === id));
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
      {...(here ? { 'aria-current': 'location' as const } : {})}
      onClick={() => select(id)}
      // min-h-6: a 24 px target (WCAG 2.2 target size)
      className={`min-h-6 rounded px-1 text-left font-mono hover:bg-slate-100 dark:hover:bg-slate-800 ${selected ? 'bg-blue-100 ring-1 ring-blue-500 dark:bg-blue-900/50' : ''} ${here ? 'outline-2 outline-orange-500' : ''}`}
    >
      {children}
      <PathNote id={id} marks={marks} />
    </button>
  );
}

/**
 * A node's contents behind a show/hide button beside the node's own button: a `<summary>` around
 * the node's button nested one control in another (axe `nested-interactive`), which screen readers
 * read as one.
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

/**
 * What a drawn element says of itself, on one line: its tooltip, which describes it, after its
 * label where the tooltip does not name it ("Internet · The world outside the cluster").
 */
function describe(el: ElementDefinition): string {
  const label = String(el.data['label'] ?? '').split('\n')[0] ?? '';
  const tooltip = String(el.data['tooltip'] ?? '');
  const name = label.split(/\s/)[0] ?? '';
  const text = tooltip === '' ? label : name !== '' && !tooltip.includes(name) ? `${label}\n${tooltip}` : tooltip;
  return text
    .split('\n')
    .filter((line) => line !== '')
    .join(' · ');
}

/** The diagram's elements grouped as the text reads them. */
function useDrawn() {
  const cluster = useVizStore(selectCluster);
  const steps = useVizStore(selectSteps);
  const extras = useMemo(() => [...new Set(steps.map((h) => h.at).filter((id) => id.startsWith('ext/')))], [steps]);
  const extrasKey = extras.join();
  return useMemo(
    () => {
      const elements = toElements(cluster, extras).elements.filter((el) => el.group !== 'edges');
      const children = new Map<string, ElementDefinition[]>();
      const top: ElementDefinition[] = [];
      for (const el of elements) {
        const parent = el.data.parent;
        if (parent) children.set(parent, [...(children.get(parent) ?? []), el]);
        else top.push(el);
      }
      const ofKind = (list: readonly ElementDefinition[], ...kinds: string[]) =>
        list.filter((el) => kinds.includes(String(el.data['kind'])));
      return { children, top, ofKind };
    },
    // extras change with the trace; the list only when its contents do
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cluster, extrasKey],
  );
}

function Devices({ list, marks }: { list: readonly ElementDefinition[]; marks: PathMarks }) {
  if (list.length === 0) return null;
  return (
    <>
      {list.map((el) => (
        <li key={String(el.data.id)}>
          <Item id={String(el.data.id)} marks={marks}>
            {describe(el)}
          </Item>
        </li>
      ))}
    </>
  );
}

export function TextView() {
  const cluster = useVizStore(selectCluster);
  const steps = useVizStore(selectSteps);
  const step = useVizStore(selectStep);
  const hop = useVizStore(selectCurrentHop);
  const marks = useMemo(() => pathMarks(steps), [steps]);
  const { children, top, ofKind } = useDrawn();
  const podsByNode = useMemo(() => {
    const map = new Map<string, typeof cluster.pods>();
    for (const pod of cluster.pods) map.set(pod.node, [...(map.get(pod.node) ?? []), pod]);
    return map;
  }, [cluster]);
  const open = cluster.pods.length <= OPEN_NODES_UP_TO;
  const outside = ofKind(top, ElementKind.internet, ElementKind.loadBalancer, ElementKind.external);
  const network = ofKind(top, ElementKind.underlay).filter((el) => el.data.id === UNDERLAY_ID);
  const policies = ofKind(top, ElementKind.policy);
  const gateways = ofKind(top, ElementKind.gateway, ElementKind.httpRoute);
  return (
    <nav aria-label="Cluster as text" className="h-full overflow-auto p-3 text-xs" data-testid="textview">
      <h2 className="mb-1 text-sm font-semibold">The packet</h2>
      <p className="mb-2" data-testid="textview.packet">
        {hop
          ? `Step ${step + 1} of ${steps.length}: at ${placeName(hop.at)}. Items on its path say at which steps; the item it is at now says “the packet is here”.`
          : 'No packet yet: send one, or choose a scenario.'}
      </p>
      {outside.length > 0 ? (
        <>
          <h2 className="mb-1 text-sm font-semibold">Outside the cluster</h2>
          <ul className="space-y-1">
            <Devices list={outside} marks={marks} />
          </ul>
        </>
      ) : null}
      <h2 className="mt-3 mb-1 text-sm font-semibold">Nodes</h2>
      <ul className="space-y-1">
        {cluster.nodes.map((node) => {
          const nid = nodeId(node.name);
          const inNode = children.get(nid) ?? [];
          const devices = ofKind(inNode, ElementKind.kernel, ElementKind.bridge, ElementKind.rootDevice);
          const nodePorts = ofKind(inNode, ElementKind.nodePort);
          const veths = ofKind(inNode, ElementKind.veth);
          return (
            <li key={node.name}>
              <Disclosure
                initiallyOpen={open}
                label={`devices and pods of ${node.name}`}
                head={
                  <Item id={nid} marks={marks}>
                    {node.name} ({node.role}) {node.internalIP} · podCIDR {node.podCIDR ?? 'none (VPC subnet)'} ·{' '}
                    {(podsByNode.get(node.name) ?? []).length} pods
                  </Item>
                }
              >
                <ul className="ml-4 space-y-0.5" aria-label={`${node.name}'s devices`}>
                  <Devices list={devices} marks={marks} />
                  <Devices list={nodePorts} marks={marks} />
                  <Devices list={veths} marks={marks} />
                </ul>
                <ul className="ml-4 space-y-0.5" aria-label={`pods on ${node.name}`}>
                  {(podsByNode.get(node.name) ?? []).map((pod) => {
                    const pid = podId(pod.namespace, pod.name);
                    const podDevices = ofKind(children.get(pid) ?? [], ElementKind.podDevice);
                    return (
                      <li key={`${pod.namespace}/${pod.name}`}>
                        <Item id={pid} marks={marks}>
                          pod {pod.namespace}/{pod.name} {pod.ip}
                          {pod.ready ? '' : ' (not ready)'}
                        </Item>
                        <ul className="ml-4">
                          {pod.containers.map((c) => (
                            <li key={c.name}>
                              <Item id={containerId(pod.namespace, pod.name, c.name)} marks={marks}>
                                container {c.name}
                                {c.ports.length > 0
                                  ? ` ${c.ports.map((p) => `${p.containerPort}/${p.protocol.toUpperCase()}`).join(', ')}`
                                  : ''}
                              </Item>
                            </li>
                          ))}
                          <Devices list={podDevices} marks={marks} />
                        </ul>
                      </li>
                    );
                  })}
                </ul>
              </Disclosure>
            </li>
          );
        })}
      </ul>
      {network.length > 0 ? (
        <>
          <h2 className="mt-3 mb-1 text-sm font-semibold">Between the nodes</h2>
          <ul className="space-y-1">
            <Devices list={network} marks={marks} />
          </ul>
        </>
      ) : null}
      <h2 className="mt-3 mb-1 text-sm font-semibold">Services</h2>
      <ul className="space-y-1">
        {cluster.services.map((svc) => {
          const eps = cluster.endpoints.find((e) => e.service === `${svc.namespace}/${svc.name}`)?.endpoints ?? [];
          return (
            <li key={`${svc.namespace}/${svc.name}`}>
              <Item id={serviceId(svc.namespace, svc.name)} marks={marks}>
                Service {svc.namespace}/{svc.name} {svc.type} {svc.clusterIP ?? 'headless'}{' '}
                {svc.ports
                  .map(
                    (p) =>
                      `${p.port}→${String(p.targetPort)}/${p.protocol.toUpperCase()}${p.nodePort ? ` (NodePort ${p.nodePort})` : ''}`,
                  )
                  .join(', ')}
                {svc.loadBalancerIP ? ` · load balancer ${svc.loadBalancerIP}` : ''}
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
      {gateways.length > 0 ? (
        <>
          <h2 className="mt-3 mb-1 text-sm font-semibold">Gateway API</h2>
          <ul className="space-y-1" data-testid="textview.gateways">
            <Devices list={gateways} marks={marks} />
          </ul>
        </>
      ) : null}
      {policies.length > 0 ? (
        <>
          <h2 className="mt-3 mb-1 text-sm font-semibold">NetworkPolicies</h2>
          <ul className="space-y-1">
            <Devices list={policies} marks={marks} />
          </ul>
        </>
      ) : null}
    </nav>
  );
}
