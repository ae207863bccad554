/** The keyboard shortcuts, on `?` or from the settings menu (loaded on demand). */
import { KEYMAP } from './hooks/keymap';
import { ModalDialog } from './ModalDialog';

export default function HelpDialog({ onClose }: { onClose(): void }) {
  return (
    <ModalDialog label="Keyboard shortcuts" onClose={onClose} className="text-sm">
      <div>
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
    </ModalDialog>
  );
}
