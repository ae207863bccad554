import { describe, expect, it } from 'vitest';
import { loadManifests } from './index';
import { buildCluster } from '../model/build';
import { toManifests } from '../export/toManifests';
import { defaultClusterSpec } from '../scenarios/defaultCluster';

const configMap = (value: string): string => `apiVersion: v1
kind: ConfigMap
metadata: { name: k8s-netviz-site-network, namespace: kube-system }
data: { routesPodNetwork: "${value}" }
`;

describe('the site-network setting (k8s-netviz-site-network ConfigMap)', () => {
  it('is off without the ConfigMap and on with routesPodNetwork "true"', () => {
    const none = loadManifests([{ name: 'a', text: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n' }]);
    expect(none.ok && none.cluster.settings.siteRoutesPodNetwork).toBeFalsy();
    const on = loadManifests([{ name: 'a', text: configMap('true') }]);
    expect(on.ok && on.cluster.settings.siteRoutesPodNetwork).toBe(true);
    const off = loadManifests([{ name: 'a', text: configMap('false') }]);
    expect(off.ok && off.cluster.settings.siteRoutesPodNetwork).toBeFalsy();
  });

  it('a value other than "true" or "false" is an error placed at the field', () => {
    const r = loadManifests([{ name: 'a', text: configMap('yes') }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: 'data.routesPodNetwork', line: 4 });
  });

  it('is exported as that ConfigMap only when on, and re-imports the same', () => {
    const on = buildCluster({
      ...defaultClusterSpec,
      settings: { ...defaultClusterSpec.settings, siteRoutesPodNetwork: true },
    });
    const out = toManifests(on);
    expect(out.filter((o) => JSON.stringify(o).includes('k8s-netviz-site-network'))).toHaveLength(1);
    const again = loadManifests([{ name: 'export.json', text: JSON.stringify(out) }]);
    expect(again.ok && again.cluster.settings.siteRoutesPodNetwork).toBe(true);
    expect(JSON.stringify(toManifests(buildCluster(defaultClusterSpec)))).not.toContain('k8s-netviz-site-network');
  });
});
