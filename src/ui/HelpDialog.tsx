/** The keyboard shortcuts, on `?` or from the settings menu (loaded on demand). */
import { KEYMAP } from './hooks/keymap';

export default function HelpDialog({ onClose }: { onClose(): void }) {
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label="Keyboard shortcuts"
      className="fixed inset-0 z-50 flex items-center justify-center bg-black/40"
      onClick={onClose}
    >
      <div className="rounded bg-white p-4 text-sm shadow-lg dark:bg-slate-800" onClick={(e) => e.stopPropagation()}>
        <h2 className="mb-2 font-semibold">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {KEYMAP.map(({ action, shown, does }) => (
              <tr key={action}>
                <td className="pr-4 font-mono">{shown}</td>
                <td>{does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="mt-3 rounded border border-slate-300 px-2 py-1" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
