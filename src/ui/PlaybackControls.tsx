/**
 * Play / pause, step back and forward, reset, speed, and where playback stands. Compact, it is back,
 * play and next as icons with the position (the stages' one row); `big` makes them 44 px targets.
 */
import type { Player } from '../animation/player';
import { useVizStore } from '../store/VizStoreProvider';
import { selectPlaying, selectSpeed, selectStep, selectSteps } from '../store/selectors';
import { stepLabel } from './learnerText';
import { focusPlayback } from './focusPlayback';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export interface PlaybackControlsProps {
  player(): Player | null;
  compact?: boolean;
  big?: boolean;
}

export function PlaybackControls({ player, compact = false, big = false }: PlaybackControlsProps) {
  const steps = useVizStore(selectSteps);
  const step = useVizStore(selectStep);
  const playing = useVizStore(selectPlaying);
  const speed = useVizStore(selectSpeed);
  const setSpeed = useVizStore((s) => s.setSpeed);
  const disabled = steps.length === 0;
  const size = compact
    ? big
      ? 'h-11 min-w-11 px-2'
      : 'h-8 min-w-8 px-2 pointer-coarse:h-11 pointer-coarse:min-w-11'
    : 'px-2 py-1';
  const button = `${size} rounded border border-slate-300 text-sm hover:bg-slate-100 disabled:opacity-40 dark:border-slate-600 dark:hover:bg-slate-700`;
  return (
    <div className={`flex items-center gap-1 ${compact ? 'shrink-0' : ''}`} role="group" aria-label="Playback">
      {compact ? null : (
        <button
          type="button"
          className={button}
          disabled={disabled}
          onClick={() => player()?.reset()}
          aria-label="Reset"
        >
          Reset
        </button>
      )}
      <button
        type="button"
        className={button}
        disabled={disabled || step <= 0}
        onClick={() => player()?.prev()}
        // named by what it shows (voice control users say what they see); icons get a word
        aria-label={compact ? 'Back' : undefined}
        title="Back (←, PageUp)"
      >
        {compact ? '◀' : '◀ Back'}
      </button>
      <button
        type="button"
        className={`${button} ${compact ? '' : 'w-20'}`}
        disabled={disabled}
        onClick={() => (playing ? player()?.pause() : player()?.play())}
        aria-label={playing ? 'Pause' : 'Play'}
        title="Play or pause (K)"
      >
        {compact ? (
          // drawn by CSS: the text-style ▶ needs a variation selector, which axe's
          // label-content-name-mismatch reads as text that the name "Play" lacks
          <span aria-hidden="true" className={playing ? 'glyph-pause' : 'glyph-play'} />
        ) : playing ? (
          'Pause'
        ) : (
          'Play'
        )}
      </button>
      <button
        type="button"
        className={button}
        disabled={disabled || step >= steps.length - 1}
        onClick={() => player()?.next()}
        aria-label={compact ? 'Next' : undefined}
        data-playback="next"
        title="Next (→, PageDown)"
      >
        {compact ? '▶▶' : 'Next ▶'}
      </button>
      {compact ? null : (
        <label className="ml-2 flex items-center gap-1 text-sm">
          Speed
          <select
            aria-label="Speed"
            className="rounded border border-slate-300 bg-white px-1 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
            value={speed}
            onChange={(e) => {
              setSpeed(Number(e.target.value));
              focusPlayback(e.currentTarget);
            }}
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      )}
      <span
        className={`${compact ? 'ml-1 whitespace-nowrap' : 'ml-2 min-w-24'} text-sm tabular-nums text-slate-600 dark:text-slate-300`}
        data-testid="playback.position"
      >
        {disabled
          ? 'no packet yet'
          : compact
            ? `${Math.max(step, 0) + 1} / ${steps.length}`
            : `step ${stepLabel(step, steps.length)}`}
      </span>
    </div>
  );
}
