/**
 * A modal dialog on the native `<dialog>`: Tab stays inside, Esc closes it, a click on the backdrop
 * closes it, and focus goes back to what had it before (the button that opened it).
 */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

export interface ModalDialogProps {
  label: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
}

export function ModalDialog({ label, onClose, children, className = '' }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(function openModally() {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const cancel = (e: Event): void => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={label}
      className={`m-auto rounded bg-white p-4 text-slate-900 shadow-lg backdrop:bg-black/40 dark:bg-slate-800 dark:text-slate-100 ${className}`}
      onClick={(e) => {
        // the dialog element itself is hit only on its backdrop (its content fills it)
        if (e.target === e.currentTarget) onClose();
      }}
    >
      {children}
    </dialog>
  );
}
