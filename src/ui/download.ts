/** Saves text or a blob as a file the user downloads (works inside sandboxed frames with allow-downloads). */
export function download(content: Blob | string, name: string, type = 'application/octet-stream'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoked after the click has been handled, not before
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
