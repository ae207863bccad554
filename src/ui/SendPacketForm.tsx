/** Choose a source and destination pod and send one packet; the trace is computed and played. */
import { useMemo, useState } from 'react';
import { useVizStore } from '../store/VizStoreProvider';
import { defaultPacketRequest, podChoices, selectCluster, selectRequestError } from '../store/selectors';

export function SendPacketForm() {
  const cluster = useVizStore(selectCluster);
  // derived from the cluster only, so computed once per cluster rather than per store change
  const choices = useMemo(() => podChoices(cluster), [cluster]);
  const initial = useMemo(() => defaultPacketRequest(cluster), [cluster]);
  const sendPacket = useVizStore((s) => s.sendPacket);
  const error = useVizStore(selectRequestError);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<'tcp' | 'udp' | 'icmp'>('tcp');
  const fromValue = from ?? initial?.from ?? '';
  const toValue = to ?? initial?.to ?? '';
  const portNumber = useMemo(() => (port.trim() === '' ? undefined : Number(port)), [port]);

  const handleSend = (): void => {
    if (!fromValue || !toValue) return;
    sendPacket({ from: fromValue, to: toValue, protocol, ...(portNumber !== undefined ? { port: portNumber } : {}) });
  };

  const select = 'max-w-[15rem] rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Send a packet">
      <PodSelect label="From" name="Source pod" value={fromValue} choices={choices} onChange={setFrom} />
      <PodSelect label="To" name="Destination pod" value={toValue} choices={choices} onChange={setTo} />
      <select aria-label="Protocol" className={`${select} w-24`} value={protocol} onChange={(e) => setProtocol(e.target.value as typeof protocol)}>
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
        className="rounded bg-orange-600 px-3 py-1 text-sm font-semibold text-white hover:bg-orange-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-600"
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

const podSelectClass = 'max-w-[11rem] rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800';

function PodSelect(props: { label: string; name: string; value: string; choices: { value: string; label: string }[]; onChange(value: string): void }) {
  return (
    <label className="flex items-center gap-1 text-sm">
      {props.label}
      <select aria-label={props.name} className={podSelectClass} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
