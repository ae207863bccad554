import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec } from '../sim';
import type { ClusterSpec } from '../sim';
import { layoutCluster } from './layout';
import type { Box } from './layout';
import { toElements, underlayLabel } from './toElements';
import { createGeometry } from './geometry';

const overlaps = (a: Box, b: Box): boolean =>
  Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

describe('layoutCluster', () => {
  const cluster = buildCluster(defaultClusterSpec);
  const layout = layoutCluster(cluster);

  it('positions every pod, container, device and Service without overlaps', () => {
    const boxes = [...layout.positions.entries()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [ia, a] = boxes[i]!;
        const [ib, b] = boxes[j]!;
        expect(overlaps(a, b), `${ia} overlaps ${ib}`).toBe(false);
      }
    }
    for (const pod of cluster.pods)
      expect(layout.positions.has(`dev/pod/${pod.namespace}/${pod.name}/eth0`)).toBe(true);
  });

  it('draws nodes side by side, workers first, without overlapping boxes, and Services above them', () => {
    const boxes = [...layout.nodeBoxes.entries()];
    expect(boxes.map(([name]) => name)).toEqual(['node-a', 'node-b', 'cp']);
    for (let i = 1; i < boxes.length; i++)
      expect(boxes[i]![1].x).toBeGreaterThan(boxes[i - 1]![1].x + boxes[i - 1]![1].w);
    const svc = layout.positions.get('svc/default/web')!;
    for (const [, box] of boxes) expect(svc.y + svc.h / 2).toBeLessThan(box.y);
  });

  it('keeps every element inside its node box', () => {
    for (const pod of cluster.pods) {
      const node = layout.nodeBoxes.get(pod.node)!;
      const eth0 = layout.positions.get(`dev/pod/${pod.namespace}/${pod.name}/eth0`)!;
      expect(eth0.x - eth0.w / 2).toBeGreaterThanOrEqual(node.x);
      expect(eth0.x + eth0.w / 2).toBeLessThanOrEqual(node.x + node.w);
    }
  });

  it('is deterministic and stable: adding a pod on node-b moves nothing on node-a', () => {
    const spec: ClusterSpec = {
      ...defaultClusterSpec,
      workloads: [
        ...(defaultClusterSpec.workloads ?? []),
        { kind: 'Pod', name: 'extra', nodeName: 'node-b', containers: [{ name: 'extra' }] },
      ],
    };
    const grown = layoutCluster(buildCluster(spec));
    for (const [id, box] of layout.positions) {
      if (id.includes('node-a') || id.includes('/client') || id.includes('/app-1'))
        expect(grown.positions.get(id)).toEqual(box);
    }
    expect(JSON.stringify([...layoutCluster(cluster).positions])).toBe(JSON.stringify([...layout.positions]));
  });

  it('gives pod boxes room for their names and eth0 labels', () => {
    for (const pod of cluster.pods) {
      const eth0 = layout.positions.get(`dev/pod/${pod.namespace}/${pod.name}/eth0`)!;
      expect(eth0.w).toBeGreaterThanOrEqual(`eth0 ${pod.ip}`.length * 11 * 0.6);
    }
  });
});

describe('toElements', () => {
  const cluster = buildCluster(defaultClusterSpec);
  const { elements } = toElements(cluster);
  const ids = new Set(elements.map((e) => e.data.id));

  it('uses the simulation ids so trace hops name drawn elements', () => {
    for (const id of [
      'node/node-a',
      'dev/node-a/cni0',
      'dev/node-a/flannel.1',
      'dev/node-a/eth0',
      'pod/default/client',
      'container/default/app-1/sidecar',
      'svc/kube-system/kube-dns',
      'dev/pod/default/client/eth0',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('nests containers in pods and pods in nodes', () => {
    const byId = new Map(elements.map((e) => [e.data.id, e]));
    expect(byId.get('container/default/app-1/web')!.data.parent).toBe('pod/default/app-1');
    expect(byId.get('pod/default/app-1')!.data.parent).toBe('node/node-a');
    expect(byId.get('dev/node-b/cni0')!.data.parent).toBe('node/node-b');
  });

  it('links every edge to existing elements', () => {
    for (const e of elements.filter((el) => el.group === 'edges')) {
      expect(ids.has(e.data.source as string), `${e.data.id} source`).toBe(true);
      expect(ids.has(e.data.target as string), `${e.data.id} target`).toBe(true);
    }
  });

  it("names the node network under the nodes: the smallest network holding every node's /24", () => {
    expect(elements.find((e) => e.data.id === 'underlay')!.data.label).toBe('node network 192.168.10.0/24');
    const spread = buildCluster({
      nodes: [
        { name: 'a', role: 'control-plane', internalIP: '10.0.0.10' },
        { name: 'b', role: 'worker', internalIP: '10.0.3.7' },
      ],
    });
    expect(underlayLabel(spread)).toBe('10.0.0.0/22');
  });
});

describe('hostNetwork pods', () => {
  it("are drawn as using the node's eth0, with no veth of their own", () => {
    const cluster = buildCluster({
      ...defaultClusterSpec,
      workloads: [
        ...(defaultClusterSpec.workloads ?? []),
        {
          kind: 'Pod',
          name: 'agent',
          nodeName: 'node-b',
          hostNetwork: true,
          containers: [{ name: 'agent', ports: [{ containerPort: 9100 }] }],
        },
      ],
    });
    const { elements } = toElements(cluster);
    const pod = elements.find((e) => e.data.id === 'pod/default/agent')!;
    expect(pod.classes).toContain('host-network');
    expect(String(pod.data['label'])).toContain('hostNetwork');
    expect(elements.find((e) => e.data.id === 'dev/pod/default/agent/eth0')!.data['label']).toBe(
      "node's eth0 192.168.10.12",
    );
    expect(elements.some((e) => e.data.id === 'veth/node-b/default/agent')).toBe(false);
  });
});

describe('NetworkPolicy', () => {
  const policy = (podSelector: Record<string, unknown>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-from-client', namespace: 'default' },
    spec: {
      podSelector,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }],
    },
  });
  const calico = {
    cni: {
      kind: 'calico' as const,
      ipipMode: 'Always' as const,
      vxlanMode: 'Never' as const,
      natOutgoing: true,
      blockSize: 26,
    },
    policyEnforced: true,
  };

  it('draws each policy as an octagon above the Services, clear of them, naming what it selects', () => {
    const cluster = buildCluster({
      ...defaultClusterSpec,
      settings: calico,
      extras: [policy({ matchLabels: { app: 'web' } })],
    });
    const { elements, layout } = toElements(cluster);
    const octagon = elements.find((e) => e.data.id === 'netpol/default/web-from-client')!;
    expect(octagon.data['kind']).toBe('network-policy');
    expect(octagon.data['label']).toBe('web-from-client · Ingress\nselects app=web');
    const box = layout.positions.get('netpol/default/web-from-client')!;
    for (const [id, other] of layout.positions) {
      if (id !== 'netpol/default/web-from-client') expect(overlaps(box, other), id).toBe(false);
    }
    expect(box.y).toBeLessThan(layout.positions.get('svc/default/web')!.y);
  });

  it('marks the pods a policy isolates where the CNI enforces it, and only those', () => {
    const spec = { ...defaultClusterSpec, extras: [policy({ matchLabels: { app: 'web' } })] };
    const isolated = (settings: ClusterSpec['settings']) =>
      toElements(buildCluster({ ...spec, ...(settings ? { settings } : {}) }))
        .elements.filter((e) => String(e.classes).split(' ').includes('isolated'))
        .map((e) => e.data.id);
    const web = buildCluster(spec)
      .pods.filter((p) => p.owner === 'Deployment/web')
      .map((p) => `pod/default/${p.name}`);
    expect(isolated(calico).sort()).toEqual(web.sort());
    // flannel does not enforce NetworkPolicy: the policy is drawn, nothing is isolated
    expect(isolated(undefined)).toEqual([]);
    const flannel = toElements(buildCluster(spec)).elements.find(
      (e) => e.data.id === 'netpol/default/web-from-client',
    )!;
    expect(flannel.data['enforced']).toBe(false);
    expect(String(flannel.data['tooltip'])).toContain('not enforced');
  });

  it('an empty podSelector selects every pod of its namespace', () => {
    const cluster = buildCluster({ ...defaultClusterSpec, settings: calico, extras: [policy({})] });
    const octagon = toElements(cluster).elements.find((e) => e.data.id === 'netpol/default/web-from-client')!;
    expect(String(octagon.data['label'])).toContain('selects every pod in default');
  });
});

describe('many NodePorts and load balancers', () => {
  const many = buildCluster({
    ...defaultClusterSpec,
    services: [
      ...(defaultClusterSpec.services ?? []),
      ...Array.from({ length: 13 }, (_, i) => ({
        name: `lb-${i}`,
        type: 'LoadBalancer' as const,
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 8080 }],
      })),
    ],
  });
  const { elements, layout, summarisedIn } = toElements(many);
  const ids = new Set(elements.map((e) => e.data.id as string));

  it('marks a node with one marker counting its NodePorts when they are too many to mark one by one', () => {
    const ports = many.services.flatMap((s) => s.ports.map((p) => p.nodePort)).filter((p) => p !== null);
    expect(ports.length).toBeGreaterThan(6);
    const marker = elements.find((e) => e.data.id === 'nodeports/node-a')!;
    expect(marker.data['label']).toBe(`${ports.length} NodePorts`);
    expect(marker.data.parent).toBe('node/node-a');
    expect(summarisedIn.get(`nodeport/node-a/${ports[0]}`)).toBe('nodeports/node-a');
    expect([...ids].some((id) => id.startsWith('nodeport/'))).toBe(false);
  });

  it('counts the load balancers in one box at the edge when they are too many to draw', () => {
    expect(elements.find((e) => e.data.id === 'lb-summary')!.data['label']).toBe('13 load balancers');
    expect(ids.has('link/internet--lb-summary')).toBe(true);
    expect(summarisedIn.get('lb/default/lb-3')).toBe('lb-summary');
    expect([...ids].some((id) => id.startsWith('lb/'))).toBe(false);
  });

  it('sends packets to the counting marker and box, resting on their top-left corner', () => {
    const geometry = createGeometry(layout);
    const port = many.services.find((s) => s.name === 'lb-0')!.ports[0]!.nodePort!;
    const corner = (id: string) => {
      const b = layout.positions.get(id)!;
      return { x: b.x - b.w / 2 + 4, y: b.y - b.h / 2 + 4 };
    };
    expect(geometry.pointOf(`nodeport/node-b/${port}`)).toEqual(corner('nodeports/node-b'));
    expect(geometry.pointOf('lb/default/lb-0')).toEqual(corner('lb-summary'));
  });
});
