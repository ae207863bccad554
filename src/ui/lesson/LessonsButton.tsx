/**
 * The Lessons button; its dialog (and the YAML reader it needs for files) loads on the first click.
 */
import { Suspense, lazy, useState } from 'react';
import type { LessonSession } from './useLessonSession';

const LessonDialog = lazy(() => import('./LessonDialog'));

const button =
  'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-700';

export function LessonsButton({ session }: { session: LessonSession }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={button} onClick={() => setOpen(true)} data-testid="lessons.open">
        Lessons
      </button>
      {open ? (
        <Suspense fallback={null}>
          <LessonDialog session={session} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
