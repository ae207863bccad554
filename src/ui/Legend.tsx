/** What the shapes and colours mean, drawn with the diagram's own palette. */
import { useEffect, useState } from 'react';
import { PALETTES, contrastPalette, forcedPalette } from '../canvas/stylesheet';
import { CONTRAST_MORE_QUERY, FORCED_COLORS_QUERY, systemColor } from '../canvas/forcedColors';
import { TONES } from '../canvas/packetLayer';
import type { PacketSprite } from '../canvas/packetLayer';
import { packetDash, packetPath, packetShape } from '../canvas/packetShape';
import { useVizStore } from '../store/VizStoreProvider';
import { selectTheme } from '../store/selectors';

/** Whether a media query matches (forced colours, more contrast), followed live. */
function useMedia(media: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia?.(media).matches ?? false);
  useEffect(
    function followMedia() {
      const query = window.matchMedia?.(media);
      if (!query) return;
      const onChange = (): void => setMatches(query.matches);
      onChange();
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    [media],
  );
  return matches;
}

export function Legend() {
  const theme = useVizStore(selectTheme);
  const [open, setOpen] = useState(false);
  // in forced colours the swatches show the diagram's forced palette (their colours kept as drawn)
  const forced = useMedia(FORCED_COLORS_QUERY);
  const strong = useMedia(CONTRAST_MORE_QUERY);
  const p = forced ? forcedPalette(systemColor) : strong ? contrastPalette(theme) : PALETTES[theme];
  const items: { label: string; fill: string; border: string; dashed?: boolean; round?: boolean; double?: boolean }[] =
    [
      { label: 'Node (a machine)', fill: p.nodeFill, border: p.nodeBorder },
      { label: 'Pod (its own IP and network namespace)', fill: p.podFill, border: p.podBorder },
      { label: 'kube-system pod', fill: p.systemPodFill, border: p.podBorder, dashed: true },
      { label: 'Container (shares the pod’s IP)', fill: p.container, border: p.containerBorder },
      { label: 'Pod eth0 / lo', fill: p.eth, border: p.ethBorder },
      { label: 'veth (host end of the pod’s cable)', fill: p.veth, border: p.vethBorder },
      { label: 'Bridge (cni0)', fill: p.bridge, border: p.bridgeBorder },
      { label: 'Routing and iptables', fill: p.kernel, border: p.kernelBorder },
      { label: 'Node device (tunnel, eth0)', fill: p.root, border: p.rootBorder },
      {
        label: 'Service virtual IP (no interface holds it)',
        fill: p.service,
        border: p.serviceBorder,
        dashed: true,
        round: true,
      },
      { label: 'NetworkPolicy (octagon)', fill: p.policy, border: p.policyBorder },
      { label: 'Pod isolated by a NetworkPolicy', fill: p.podFill, border: p.policyBorder, double: true },
    ];
  const packets: { label: string; tone: PacketSprite['tone'] }[] = [
    { label: 'request', tone: 'request' },
    { label: 'reply', tone: 'reply' },
    { label: 'DNS', tone: 'dns' },
    { label: 'dropped / refused', tone: 'drop' },
  ];
  // in forced colours the packets are the highlight colour, as the packet layer draws them
  const highlight = forced ? systemColor('Highlight') : null;
  const plate = forced ? systemColor('Canvas') : theme === 'dark' ? '#0f172a' : '#ffffff';
  return (
    <aside
      aria-label="Legend"
      className="absolute bottom-2 left-2 z-10 max-w-xs rounded border border-slate-300 bg-white/90 p-2 text-xs shadow dark:border-slate-600 dark:bg-slate-900/90"
    >
      <button type="button" className="font-semibold" aria-expanded={open} onClick={() => setOpen(!open)}>
        Legend {open ? '▾' : '▸'}
      </button>
      {open ? (
        <ul className="mt-1 space-y-0.5">
          {items.map((it) => (
            <li key={it.label} className="flex items-center gap-2">
              <span
                aria-hidden="true"
                className="legend-swatch inline-block h-3 w-5 shrink-0"
                style={{
                  background: it.fill,
                  border: `${it.double ? 3 : 1.5}px ${it.double ? 'double' : it.dashed ? 'dashed' : 'solid'} ${it.border}`,
                  borderRadius: it.round ? 6 : 2,
                }}
              />
              {it.label}
            </li>
          ))}
          <li className="flex flex-wrap items-center gap-2 pt-1" data-testid="legend.packets">
            {packets.map((k) => (
              <span key={k.label} className="flex items-center gap-1" data-shape={packetShape(k.tone)}>
                {/* the packet's shape and its label's border, as drawn on the diagram */}
                <svg aria-hidden="true" width="36" height="18" viewBox="0 0 36 18" className="legend-swatch shrink-0">
                  <path
                    d={packetPath(packetShape(k.tone), 9, 9, 6)}
                    fill={highlight ?? TONES[k.tone]}
                    stroke={plate}
                    strokeWidth={1.5}
                    strokeLinejoin="round"
                  />
                  <rect
                    x={20}
                    y={3}
                    width={14}
                    height={12}
                    rx={2}
                    fill="none"
                    stroke={highlight ?? TONES[k.tone]}
                    strokeWidth={2}
                    strokeDasharray={packetDash(k.tone).join(' ') || undefined}
                  />
                </svg>
                {k.label} ({packetShape(k.tone)})
              </span>
            ))}
          </li>
        </ul>
      ) : null}
    </aside>
  );
}
