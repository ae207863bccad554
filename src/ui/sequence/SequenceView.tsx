/**
 * The sequence view: the trace on screen as a ladder diagram (lanes across, time down), in step
 * with playback. The arrow of the current step is highlighted, the ones already played are drawn
 * solid, the ones to come faint. A click on an arrow plays to it; with the view focused, Up and
 * Down move between arrows. A list under the drawing says the same for screen readers.
 *
 * The drawing is an SVG with its colours as attributes (no stylesheet), so that the SVG and PNG
 * exports are the drawing itself.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Player } from '../../animation/player';
import { sequenceOf } from '../../sim';
import { useVizStore } from '../../store/VizStoreProvider';
import { selectStep, selectTheme, selectTrace } from '../../store/selectors';
import { download } from '../download';
import { stepLabel } from '../learnerText';
import { arrowAt, estimateWidth, keepInView, layoutSequence } from './layout';
import type { Measure } from './layout';
import { sequencePng, serializeSvg } from './exportSequence';

const PALETTES = {
  light: {
    paper: '#ffffff',
    ink: '#0f172a',
    muted: '#475569',
    lane: '#cbd5e1',
    head: '#f1f5f9',
    arrow: '#334155',
    current: '#c2410c',
    nat: '#6d28d9',
    title: '#0369a1',
  },
  dark: {
    paper: '#0f172a',
    ink: '#f1f5f9',
    muted: '#cbd5e1',
    lane: '#475569',
    head: '#1e293b',
    arrow: '#cbd5e1',
    current: '#fb923c',
    nat: '#c4b5fd',
    title: '#7dd3fc',
  },
} as const;

export interface SequenceViewProps {
  player(): Player | null;
  /** type size in CSS px: 13 in the app and the embed, larger on the presenter stage */
  font?: number;
  /** the export buttons (not on the presenter stage, where nobody downloads) */
  exports?: boolean;
}

const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** Widths measured in the type the drawing uses (the estimate where there is no canvas). */
function canvasMeasure(): Measure {
  const ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!ctx) return estimateWidth;
  return (text, size, bold) => {
    ctx.font = `${bold ? 700 : 400} ${size}px ${FONT_FAMILY}`;
    return ctx.measureText(text).width;
  };
}

/** Follows the width of an element (the drawing fills it). */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(640);
  useEffect(
    function followWidth() {
      const el = ref.current;
      if (!el) return;
      const measure = (): void => setWidth(Math.max(240, el.clientWidth));
      measure();
      const observer = new ResizeObserver(measure);
      observer.observe(el);
      return () => observer.disconnect();
    },
    [ref],
  );
  return width;
}

export function SequenceView({ player, font = 13, exports = true }: SequenceViewProps) {
  const trace = useVizStore(selectTrace);
  const step = useVizStore(selectStep);
  const theme = useVizStore(selectTheme);
  const scrollRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const currentRef = useRef<SVGPathElement>(null);
  const headerRef = useRef<SVGGElement>(null);
  const width = useWidth(scrollRef) - 2;
  const measure = useMemo(canvasMeasure, []);
  const seq = useMemo(() => (trace ? sequenceOf(trace) : null), [trace]);
  const layout = useMemo(
    () => (seq ? layoutSequence(seq, { width, font, measure }) : null),
    [seq, width, font, measure],
  );
  // how far the drawing is scrolled sideways (a phone's is wider than the screen): the titles and
  // the arrows' labels move with it to stay in sight
  const [scrollX, setScrollX] = useState(0);
  const current = layout ? arrowAt(layout, step) : -1;
  const [message, setMessage] = useState<string | null>(null);
  const p = PALETTES[theme === 'dark' ? 'dark' : 'light'];
  const uid = useId();

  useEffect(function keepLaneNamesOnTop() {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const follow = (): void => {
      headerRef.current?.setAttribute('transform', `translate(0 ${el.scrollTop})`);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setScrollX(el.scrollLeft));
    };
    el.addEventListener('scroll', follow, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('scroll', follow);
    };
  }, []);

  useEffect(
    function keepCurrentArrowInView() {
      currentRef.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
      const top = scrollRef.current?.scrollTop ?? 0;
      headerRef.current?.setAttribute('transform', `translate(0 ${top})`);
    },
    [current],
  );

  const lanes = seq?.lanes ?? [];
  const goTo = (i: number): void => {
    const a = layout?.arrows[i];
    if (a) player()?.stepTo(a.arrow.firstStep);
  };
  const button =
    'rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  const titleId = `${uid}-title`;
  const helpId = `${uid}-help`;
  const laneName = (i: number): string => lanes[i]?.label ?? '';
  const fs = font;
  const lh = Math.round(fs * 1.25);
  const viewWidth = width;
  const dx = (a: { labelX: number; labelWidth: number }): number =>
    Math.round(keepInView(a.labelX, a.labelWidth, scrollX, viewWidth));
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="sequence">
      {exports && layout ? (
        <div className="flex shrink-0 items-center gap-1.5 border-b border-slate-200 px-2 py-1 dark:border-slate-700">
          <span className="text-sm font-semibold">Sequence</span>
          <span className="text-xs text-slate-600 dark:text-slate-300">time runs down; one row per packet</span>
          <span className="flex-1" />
          <div className="flex items-center gap-1" role="group" aria-label="Export the sequence">
            <button
              type="button"
              className={button}
              data-testid="sequence.export.png"
              onClick={() => {
                const svg = svgRef.current;
                if (!svg) return;
                setMessage(null);
                sequencePng(svg, p.paper).then(
                  (blob) => download(blob, 'k8s-netviz-sequence.png'),
                  (e: unknown) => setMessage(e instanceof Error ? e.message : 'The PNG export failed.'),
                );
              }}
            >
              PNG
            </button>
            <button
              type="button"
              className={button}
              data-testid="sequence.export.svg"
              onClick={() => {
                const svg = svgRef.current;
                if (svg) download(serializeSvg(svg), 'k8s-netviz-sequence.svg', 'image/svg+xml');
              }}
            >
              SVG
            </button>
          </div>
          {message ? (
            <span role="alert" className="text-xs text-red-700 dark:text-red-400">
              {message}
            </span>
          ) : null}
        </div>
      ) : null}
      <div
        ref={scrollRef}
        // one Tab stop: Up and Down move between arrows (Left and Right step, as everywhere)
        tabIndex={0}
        role="group"
        aria-labelledby={titleId}
        aria-describedby={helpId}
        data-testid="sequence.scroll"
        // a stable gutter: the width measured does not change when the vertical scrollbar comes
        className="min-h-0 flex-1 overflow-auto [scroll-padding-top:5rem] [scrollbar-gutter:stable] focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-sky-600"
        onKeyDown={(e) => {
          if (!layout || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
          e.preventDefault();
          e.stopPropagation();
          const from = current < 0 ? (e.key === 'ArrowDown' ? -1 : layout.arrows.length) : current;
          goTo(Math.max(0, Math.min(layout.arrows.length - 1, from + (e.key === 'ArrowDown' ? 1 : -1))));
        }}
      >
        <span id={helpId} className="sr-only">
          Up and Down move between packets’ arrows.
        </span>
        {!layout ? (
          <p className="p-3 text-sm" data-testid="sequence.empty">
            Send a packet to see the sequence of its packets here.
          </p>
        ) : (
          <svg
            ref={svgRef}
            xmlns="http://www.w3.org/2000/svg"
            width={layout.width}
            height={layout.height}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            fontFamily={FONT_FAMILY}
            aria-hidden="true"
            data-testid="sequence.svg"
            style={{ display: 'block' }}
          >
            <title id={titleId}>Sequence of the packets of this trace</title>
            <rect width={layout.width} height={layout.height} fill={p.paper} />
            <defs>
              {(['arrow', 'current'] as const).map((k) => (
                <marker
                  key={k}
                  id={`seq-head-${k}`}
                  viewBox="0 0 10 10"
                  refX="9"
                  refY="5"
                  markerUnits="userSpaceOnUse"
                  markerWidth={k === 'current' ? 12 : 9}
                  markerHeight={k === 'current' ? 12 : 9}
                  orient="auto-start-reverse"
                >
                  <path d="M0,0 L10,5 L0,10 z" fill={p[k]} />
                </marker>
              ))}
            </defs>
            {lanes.map((lane, i) => (
              <line
                key={lane.key}
                x1={layout.laneX[i] ?? 0}
                x2={layout.laneX[i] ?? 0}
                y1={layout.header}
                y2={layout.height - 4}
                stroke={p.lane}
                strokeDasharray="4 4"
              />
            ))}
            {layout.packets.map((box, i) => (
              // at the left edge of what is on screen (data-sticky: the exports put it back)
              <g key={`t${i}`} data-sticky="" transform={scrollX ? `translate(${scrollX} 0)` : undefined}>
                <rect
                  x={4}
                  y={box.y + fs * 0.2}
                  width={Math.max(...box.titleLines.map((l) => measure(l, fs, true))) + 8}
                  height={box.titleLines.length * Math.round(fs * 1.25) + fs * 0.4}
                  rx={3}
                  fill={p.paper}
                  opacity={0.9}
                />
                <text
                  x={8}
                  y={box.y + fs * 1.3}
                  fontSize={fs}
                  fontWeight={700}
                  fill={p.title}
                  data-testid="sequence.packet"
                >
                  {box.titleLines.map((line, k) => (
                    <tspan key={k} x={8} dy={k === 0 ? 0 : Math.round(fs * 1.25)}>
                      {/* a space between lines, so that the text reads whole (tests, exports) */}
                      {k < box.titleLines.length - 1 ? `${line} ` : line}
                    </tspan>
                  ))}
                </text>
              </g>
            ))}
            {layout.arrows.map((a, i) => {
              const now = i === current;
              const played = current >= 0 && i < current;
              const color = now ? p.current : p.arrow;
              const self = a.x1 === a.x2;
              const d = self
                ? `M${a.x1},${a.y - fs} h${layout.laneWidth / 3} v${fs} h${-layout.laneWidth / 3 + 4}`
                : `M${a.x1},${a.y} L${a.x2 + (a.x2 > a.x1 ? -3 : 3)},${a.y}`;
              return (
                <g
                  key={`a${i}`}
                  data-testid="sequence.arrow"
                  data-current={now ? 'true' : undefined}
                  data-first-step={a.arrow.firstStep}
                  data-last-step={a.arrow.lastStep}
                  opacity={now || played || current < 0 ? 1 : 0.45}
                  style={{ cursor: 'pointer' }}
                  onClick={() => goTo(i)}
                >
                  <path
                    ref={now ? currentRef : undefined}
                    d={d}
                    fill="none"
                    stroke={color}
                    strokeWidth={now ? 3 : 1.5}
                    markerEnd={`url(#seq-head-${now ? 'current' : 'arrow'})`}
                  />
                  {/* a wider invisible line: an easier target for a click or a tap */}
                  <path d={d} fill="none" stroke="transparent" strokeWidth={16} />
                  {a.label ? (
                    // kept on screen when the drawing is scrolled sideways (data-sticky: not in exports)
                    <g data-sticky="" transform={dx(a) ? `translate(${dx(a)} 0)` : undefined}>
                      <rect
                        x={a.labelX - a.labelWidth / 2 - 3}
                        y={a.y - fs * 0.3 - a.labelLines.length * lh}
                        width={a.labelWidth + 6}
                        height={a.labelLines.length * lh + fs * 0.05}
                        rx={3}
                        fill={p.paper}
                        opacity={0.9}
                      />
                      <text
                        x={a.labelX}
                        y={a.y - fs * 0.55 - (a.labelLines.length - 1) * lh}
                        textAnchor="middle"
                        fontSize={fs}
                        fill={a.arrow.nat.length > 0 || a.arrow.arrivalNat.length > 0 ? p.nat : color}
                        fontWeight={a.arrow.nat.length > 0 || now ? 600 : 400}
                      >
                        {a.labelLines.map((line, k) => (
                          <tspan key={k} x={a.labelX} dy={k === 0 ? 0 : lh}>
                            {line}
                          </tspan>
                        ))}
                      </text>
                    </g>
                  ) : null}
                </g>
              );
            })}
            {/* the lane names stay at the top while the arrows scroll under them (the scroll
                handler moves this group; the exports put it back at the top) */}
            <g ref={headerRef} data-sticky="">
              <rect width={layout.width} height={layout.header} fill={p.paper} opacity={0.96} />
              {lanes.map((lane, i) => {
                const x = layout.laneX[i] ?? 0;
                const w = layout.laneWidth - 8;
                const name = layout.laneNames[i] ?? { lines: [lane.label], size: fs + 1 };
                const lines = name.lines;
                const role = name.role ?? [];
                const line = layout.headerLine;
                // the name's lines and the role's, centred in the header box
                const rows = lines.length + role.length;
                const top = (layout.header - rows * line) / 2;
                return (
                  <g key={lane.key} data-lane={lane.key}>
                    <rect
                      x={x - w / 2}
                      y={4}
                      width={w}
                      height={layout.header - 8}
                      rx={6}
                      fill={p.head}
                      stroke={p.lane}
                    />
                    {lines.map((text, k) => (
                      <text
                        key={k}
                        x={x}
                        y={top + line * (k + 1) - 2}
                        textAnchor="middle"
                        fontSize={name.size}
                        fontWeight={700}
                        fill={p.ink}
                      >
                        {text}
                      </text>
                    ))}
                    {role.map((text, k) => (
                      <text
                        key={`r${k}`}
                        x={x}
                        y={top + line * (lines.length + k + 1) - 3}
                        textAnchor="middle"
                        fontSize={Math.max(12, fs - 1)}
                        fill={p.muted}
                      >
                        {text}
                      </text>
                    ))}
                  </g>
                );
              })}
            </g>
          </svg>
        )}
        {/* the same, as text */}
        {layout ? (
          <ol className="sr-only" data-testid="sequence.text">
            {layout.packets.map((box, i) => (
              <li key={i}>
                {box.title}
                <ol>
                  {layout.arrows
                    .map((a, j) => ({ a, j }))
                    .filter(({ a }) => a.packet === i)
                    .map(({ a, j }) => (
                      <li key={j} aria-current={j === current ? 'step' : undefined}>
                        {a.arrow.from === a.arrow.to
                          ? `inside ${laneName(a.arrow.from)}`
                          : `${laneName(a.arrow.from)} to ${laneName(a.arrow.to)}`}
                        {a.label ? `: ${a.label}` : ''} (step{' '}
                        {stepLabel(a.arrow.firstStep, layout.arrows.at(-1)!.arrow.lastStep + 1)})
                      </li>
                    ))}
                </ol>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </div>
  );
}
