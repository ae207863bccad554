/**
 * The one setting no Kubernetes object holds: whether the site network routes the pod CIDRs back
 * to the nodes. Shown only under a trace whose answer depends on it (a pod's own address reached a
 * host outside the cluster on a private or on-link address).
 */
import { replyNeedsSiteRoute } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectTrace } from '../store/selectors';

export function SiteRoutesToggle() {
  const trace = useVizStore(selectTrace);
  const cluster = useVizStore((s) => s.cluster);
  const setSettings = useVizStore((s) => s.setSettings);
  const canSwitch = useVizStore((s) => s.spec !== null);
  if (!trace || !replyNeedsSiteRoute(cluster, trace.hops)) return null;
  const on = cluster.settings.siteRoutesPodNetwork === true;
  return (
    <label className="flex items-start gap-2 text-sm" data-testid="site-routes">
      <input
        type="checkbox"
        className="mt-1"
        checked={on}
        disabled={!canSwitch}
        onChange={(e) => setSettings({ siteRoutesPodNetwork: e.currentTarget.checked })}
      />
      <span>
        The site network routes pod CIDRs back to the nodes (static routes or BGP on its routers). Off by default: a
        host that sees a pod’s own address cannot answer it.
      </span>
    </label>
  );
}
