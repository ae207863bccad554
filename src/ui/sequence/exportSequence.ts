/**
 * The sequence view's drawing as files: the SVG element as it is on screen (its colours are
 * attributes, so it stands alone), and a PNG of it at twice the size for slides and handouts.
 */

/** The drawing as an SVG document, without the view's click targets. */
export function serializeSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.removeAttribute('aria-hidden');
  copy.removeAttribute('style');
  copy.setAttribute('role', 'img');
  for (const el of copy.querySelectorAll('[stroke="transparent"]')) el.remove();
  // the lane names, which follow the view's scrolling, go back to the top of the drawing
  for (const el of copy.querySelectorAll('[data-sticky]')) el.removeAttribute('transform');
  for (const el of [copy, ...copy.querySelectorAll('*')])
    for (const name of [...el.getAttributeNames()]) if (name.startsWith('data-')) el.removeAttribute(name);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** Browsers refuse canvases much larger than this many pixels. */
const MAX_PIXELS = 16_000_000;

/** The drawing as a PNG, at 2x where that stays within what a canvas may hold. */
export function sequencePng(svg: SVGSVGElement, background: string): Promise<Blob> {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const scale = Math.min(2, Math.sqrt(MAX_PIXELS / Math.max(1, width * height)));
  const url = URL.createObjectURL(new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }));
  return new Promise<Blob>((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        reject(new Error('This browser could not draw the PNG.'));
        return;
      }
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.scale(scale, scale);
      ctx.drawImage(image, 0, 0, width, height);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be made.'))), 'image/png');
    };
    image.onerror = () => reject(new Error('The sequence could not be drawn as a PNG.'));
    image.src = url;
  }).finally(() => URL.revokeObjectURL(url));
}
