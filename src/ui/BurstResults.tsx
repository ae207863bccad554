/**
 * Load balancing made visible: how a burst of requests spread across a Service's endpoints, next
 * to the exact probability of each under the current proxy mode and policies.
 */
import { useVizStore } from '../store/VizStoreProvider';

export function BurstResults() {
  const burst = useVizStore((s) => s.burst);
  const clearBurst = useVizStore((s) => s.clearBurst);
  if (!burst) return null;
  const counts = new Map<string, number>();
  let undelivered = 0;
  for (const t of burst.traces) {
    if (t.endpoint && t.verdict === 'delivered') counts.set(t.endpoint.pod, (counts.get(t.endpoint.pod) ?? 0) + 1);
    else undelivered++;
  }
  const total = burst.traces.length;
  return (
    <div className="p-3 text-xs" data-testid="burst.results">
      <div className="mb-2 flex items-center gap-2">
        <h2 className="text-sm font-semibold">
          {total} requests from {burst.request.from} to {burst.request.to}
        </h2>
        <button
          type="button"
          className="ml-auto rounded border border-slate-300 px-2 py-0.5 dark:border-slate-600"
          onClick={clearBurst}
        >
          Close
        </button>
      </div>
      <p className="mb-2 text-slate-600 dark:text-slate-300">{burst.distribution.note}</p>
      <table className="w-full">
        <thead>
          <tr className="text-left">
            <th className="pr-2">endpoint</th>
            <th className="pr-2">requests</th>
            <th className="pr-2">share</th>
            <th className="pr-2">exact probability</th>
            <th className="w-1/3" />
          </tr>
        </thead>
        <tbody>
          {burst.distribution.endpoints.map((e) => {
            const n = counts.get(e.pod) ?? 0;
            return (
              <tr key={`${e.pod}/${e.ip}`} data-testid="burst.row">
                <td className="pr-2 font-mono">
                  {e.pod} ({e.ip}:{e.port}
                  {e.node ? `, ${e.node}` : ''})
                </td>
                <td className="pr-2 tabular-nums">{n}</td>
                <td className="pr-2 tabular-nums">{((n / total) * 100).toFixed(0)}%</td>
                <td className="pr-2 tabular-nums">{(e.probability * 100).toFixed(1)}%</td>
                <td>
                  <div className="relative h-3 rounded bg-slate-200 dark:bg-slate-700" aria-hidden="true">
                    <div
                      className="absolute inset-y-0 left-0 rounded bg-orange-500"
                      style={{ width: `${(n / total) * 100}%` }}
                    />
                    <div
                      className="absolute inset-y-0 w-0.5 bg-slate-900 dark:bg-white"
                      style={{ left: `${e.probability * 100}%` }}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {undelivered > 0 ? (
        <p className="mt-2 text-red-700 dark:text-red-400">{undelivered} requests were not delivered.</p>
      ) : null}
    </div>
  );
}
