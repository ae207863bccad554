import type { ReactNode } from 'react';

/**
 * "Larger text" inside a panel of fixed size: the content is zoomed and scrolls, so the diagram
 * keeps its room (scaling the page's root font grew the toolbar and squeezed the diagram instead).
 */
export function LargerText({ on, children }: { on: boolean; children: ReactNode }) {
  return <div style={on ? { zoom: 1.25 } : undefined}>{children}</div>;
}
