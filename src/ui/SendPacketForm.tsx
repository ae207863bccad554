/**
 * Choose a source (a pod, a node, a client on the Internet) and a destination (a pod, a Service
 * by name or IP, a DNS name, a NodePort, a load balancer, an Ingress URL, an Internet host: any
 * text the CLI accepts, with suggestions) and send one packet; the trace is computed and played.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { useVizStore } from '../store/VizStoreProvider';
import {
  defaultPacketRequest,
  destinationSuggestions,
  selectCluster,
  selectRequestError,
  sourceChoices,
} from '../store/selectors';

export function SendPacketForm() {
  const cluster = useVizStore(selectCluster);
  // derived from the cluster only, so computed once per cluster rather than per store change
  const sources = useMemo(() => sourceChoices(cluster), [cluster]);
  // the suggestions (thousands on a large cluster) are built when the field is first focused:
  // a datalist shows nothing before that, and the first screen need not wait for them
  const [suggesting, setSuggesting] = useState(false);
  const suggestions = useMemo(() => (suggesting ? destinationSuggestions(cluster) : []), [cluster, suggesting]);
  const listId = useId();
  const initial = useMemo(() => defaultPacketRequest(cluster), [cluster]);
  const sendPacket = useVizStore((s) => s.sendPacket);
  const error = useVizStore(selectRequestError);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<'tcp' | 'udp' | 'icmp'>('tcp');
  // the form follows the request on screen (a scenario, a link, a pick on the diagram)
  const request = useVizStore((s) => s.request);
  useEffect(
    function followRequest() {
      if (!request) return;
      setFrom(request.from);
      setTo(request.to);
      setPort(request.port !== undefined ? String(request.port) : '');
      setProtocol(request.protocol ?? 'tcp');
    },
    [request],
  );
  const fromValue = from ?? initial?.from ?? '';
  const fromListed = sources.some((g) => g.choices.some((c) => c.value === fromValue));
  const toValue = to ?? initial?.to ?? '';
  const portNumber = useMemo(() => (port.trim() === '' ? undefined : Number(port)), [port]);

  const handleSend = (): void => {
    if (!fromValue || !toValue.trim()) return;
    sendPacket(
      {
        from: fromValue,
        to: toValue.trim(),
        protocol,
        ...(portNumber !== undefined ? { port: portNumber } : {}),
      },
      { byUser: true },
    );
  };

  const select =
    'max-w-[15rem] rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Send a packet">
      <label className="flex items-center gap-1 text-sm">
        From
        <select aria-label="Source" className={fieldClass} value={fromValue} onChange={(e) => setFrom(e.target.value)}>
          {fromListed ? null : <option value={fromValue}>{fromValue}</option>}
          {sources.map((g) => (
            <optgroup key={g.group} label={g.group}>
              {g.choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1 text-sm">
        To
        <input
          aria-label="Destination"
          className={fieldClass}
          list={listId}
          value={toValue}
          spellCheck={false}
          onFocus={() => setSuggesting(true)}
          onChange={(e) => setTo(e.target.value.slice(0, 300))}
          onKeyDown={(e) => {
            if (e.key === 'Enter') handleSend();
          }}
        />
        <datalist id={listId}>
          {suggestions.map((c) => (
            <option key={`${c.value} ${c.label}`} value={c.value}>
              {c.label}
            </option>
          ))}
        </datalist>
      </label>
      <select
        aria-label="Protocol"
        className={`${select} w-20`}
        value={protocol}
        onChange={(e) => setProtocol(e.target.value as typeof protocol)}
      >
        <option value="tcp">TCP</option>
        <option value="udp">UDP</option>
        <option value="icmp">ICMP (ping)</option>
      </select>
      <input
        aria-label="Port"
        className={`${select} w-16`}
        inputMode="numeric"
        placeholder="port"
        value={port}
        disabled={protocol === 'icmp'}
        onChange={(e) => setPort(e.target.value.replace(/[^0-9]/g, '').slice(0, 5))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') handleSend();
        }}
      />
      <button
        type="button"
        // orange-700: white text on orange-600 was 3.6:1, below the 4.5:1 that body text needs
        className="send-button rounded bg-orange-700 px-3 py-1 text-sm font-semibold text-white hover:bg-orange-800"
        onClick={handleSend}
      >
        Send packet
      </button>
      {error ? (
        <p role="alert" className="w-full text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const fieldClass =
  'w-[10rem] rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
