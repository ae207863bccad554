/**
 * Element ids are built and read back in one module: every id a trace or the diagram uses parses
 * into its parts and formats back to itself, and strings that are not ids parse to null.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster } from './build';
import { formatElementId, gatewayId, httpRouteId, ingressId, kernelId, parseElementId, vethId, wireId } from './ids';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { SCENARIOS } from '../scenarios/catalog';
import { trace } from '../resolve/trace';
import { flattenHops } from '../trace/types';

describe('parseElementId', () => {
  it('reads the parts back', () => {
    expect(parseElementId(vethId('node-a', 'default', 'web'))).toEqual({
      kind: 'veth',
      node: 'node-a',
      namespace: 'default',
      pod: 'web',
    });
    expect(parseElementId(wireId('node-b', 'node-a'))).toEqual({ kind: 'wire', a: 'node-a', b: 'node-b' });
    expect(parseElementId(kernelId('cp'))).toEqual({ kind: 'kernel', node: 'cp' });
    expect(parseElementId('dev/pod/default/web/lo')).toEqual({
      kind: 'pod-device',
      namespace: 'default',
      pod: 'web',
      device: 'lo',
    });
    expect(parseElementId('nodeport/node-a/30080')).toEqual({ kind: 'nodeport', node: 'node-a', port: 30080 });
    expect(parseElementId(gatewayId('infra', 'web'))).toEqual({ kind: 'gateway', namespace: 'infra', name: 'web' });
    expect(parseElementId(httpRouteId('shop', 'api'))).toEqual({ kind: 'httproute', namespace: 'shop', name: 'api' });
    expect(parseElementId(ingressId('default', 'shop'))).toEqual({
      kind: 'ingress',
      namespace: 'default',
      name: 'shop',
    });
    for (const text of ['gw/infra/web', 'httproute/shop/api', 'ingress/default/shop'])
      expect(formatElementId(parseElementId(text)!)).toBe(text);
  });

  it.each([
    '',
    'web',
    'pod/default',
    'pod//web',
    'node/a/b',
    'nodeport/a/http',
    'dev/pod/a/b',
    'what/x',
    'gw/web',
    'gw/a/b/c',
    'httproute//api',
    'ingress/shop',
  ])('is null for %j', (text) => {
    expect(parseElementId(text)).toBeNull();
  });

  it('round-trips every hop of every scenario', () => {
    const seen = new Set<string>();
    for (const s of SCENARIOS) {
      const t = trace(buildCluster(s.spec), s.request, { pick: s.pick ?? [] });
      for (const hop of flattenHops(t)) {
        const parsed = parseElementId(hop.at);
        expect(parsed, hop.at).not.toBeNull();
        expect(formatElementId(parsed!)).toBe(hop.at);
        seen.add(parsed!.kind);
      }
    }
    // the scenarios cross most kinds of element
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('round-trips the ids of every node device of the built-in cluster', () => {
    for (const node of buildCluster(defaultClusterSpec).nodes)
      for (const d of node.devices) {
        const parsed = parseElementId(`dev/${node.name}/${d.name}`);
        expect(parsed).toEqual({ kind: 'device', node: node.name, device: d.name });
      }
  });
});
