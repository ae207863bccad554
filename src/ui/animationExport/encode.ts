/**
 * An animation as a file: each scheduled frame is drawn from its SVG (the same exporter as the SVG
 * download: diagram, packet, caption) onto a canvas, then encoded as a GIF (gifenc) or a WebM
 * (WebCodecs' VideoEncoder, VP9 or else VP8, in webm-muxer's container). Loaded on demand: none of
 * this is in the first screen's code.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- gifenc has no types: every program that compiles this file (the tests too) needs its declaration
/// <reference path="./gifenc.d.ts" />
import { GIFEncoder, applyPalette, quantize } from 'gifenc';
import { ArrayBufferTarget, Muxer } from 'webm-muxer';

export type AnimationFormat = 'gif' | 'webm';

export interface AnimationJob {
  format: AnimationFormat;
  /** how many frames, and each frame's picture as an SVG document */
  count: number;
  svgOf(index: number): string;
  fps: number;
  /** pixels; even, as video encoders want */
  width: number;
  height: number;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}

/** WebM codecs in order of preference: the WebCodecs name and the container's. */
const WEBM_CODECS: readonly [string, string][] = [
  ['vp09.00.10.08', 'V_VP9'],
  ['vp8', 'V_VP8'],
];

/** A video bitrate that keeps text sharp: about 4 bits a pixel a second at 10 fps. */
export const bitrateFor = (width: number, height: number, fps: number): number =>
  Math.round(Math.min(8_000_000, Math.max(500_000, width * height * fps * 0.4)));

/** The WebM codec this browser can encode at this size, or why it cannot. */
export async function webmSupport(
  width: number,
  height: number,
  fps: number,
): Promise<{ ok: true; codec: string; container: string } | { ok: false; reason: string }> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined')
    return {
      ok: false,
      reason: 'This browser has no video encoder for web pages (WebCodecs), so the animation can be a GIF only.',
    };
  for (const [codec, container] of WEBM_CODECS) {
    try {
      const { supported } = await VideoEncoder.isConfigSupported({
        codec,
        width,
        height,
        framerate: fps,
        bitrate: bitrateFor(width, height, fps),
      });
      if (supported) return { ok: true, codec, container };
    } catch {
      // a codec string the browser does not know: try the next
    }
  }
  return {
    ok: false,
    reason: `This browser cannot encode VP9 or VP8 video at ${width} × ${height}, so the animation can be a GIF only.`,
  };
}

const aborted = (): DOMException => new DOMException('The animation export was cancelled.', 'AbortError');

/** Draws an SVG document onto the whole canvas. */
async function drawSvg(ctx: CanvasRenderingContext2D, svg: string, width: number, height: number): Promise<void> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The GIF frame delays in hundredths of a second (the format's unit), rounded so that their sum
 * stays on the video's clock: at 15 fps the delays run 7, 7, 6, … and not 7 every time.
 */
export function gifDelays(count: number, fps: number): number[] {
  const at = (i: number) => Math.round((i * 100) / fps);
  return Array.from({ length: count }, (_, i) => at(i + 1) - at(i));
}

export async function makeAnimation(job: AnimationJob): Promise<Blob> {
  const { width, height, count, fps, signal } = job;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: job.format === 'gif' });
  if (!ctx) throw new Error('The browser could not give a canvas to draw the frames on (it may be short of memory).');
  return job.format === 'gif' ? makeGif(job, ctx) : makeWebm(job, canvas, ctx);

  async function makeGif(j: AnimationJob, c: CanvasRenderingContext2D): Promise<Blob> {
    const gif = GIFEncoder();
    const delays = gifDelays(count, fps);
    for (let i = 0; i < count; i++) {
      if (signal.aborted) throw aborted();
      await drawSvg(c, j.svgOf(i), width, height);
      const { data } = c.getImageData(0, 0, width, height);
      // a palette per frame: the packet's colours come and go, and 256 is all a frame may have
      const palette = quantize(data, 256);
      gif.writeFrame(applyPalette(data, palette), width, height, { palette, delay: (delays[i] as number) * 10 });
      j.onProgress(i + 1, count);
    }
    gif.finish();
    return new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
  }

  async function makeWebm(j: AnimationJob, cv: HTMLCanvasElement, c: CanvasRenderingContext2D): Promise<Blob> {
    const support = await webmSupport(width, height, fps);
    if (!support.ok) throw new Error(support.reason);
    const muxer = new Muxer({
      target: new ArrayBufferTarget(),
      video: { codec: support.container, width, height, frameRate: fps },
    });
    let failure: unknown = null;
    const encoder = new VideoEncoder({
      output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
      error: (e) => {
        failure = e;
      },
    });
    encoder.configure({ codec: support.codec, width, height, framerate: fps, bitrate: bitrateFor(width, height, fps) });
    try {
      for (let i = 0; i < count; i++) {
        if (signal.aborted) throw aborted();
        if (failure) throw failure;
        await drawSvg(c, j.svgOf(i), width, height);
        const frame = new VideoFrame(cv, {
          timestamp: Math.round((i * 1_000_000) / fps),
          duration: Math.round(1_000_000 / fps),
        });
        // a key frame every two seconds, so that a player can seek
        encoder.encode(frame, { keyFrame: i % Math.max(1, Math.round(fps * 2)) === 0 });
        frame.close();
        // the encoder works behind: wait rather than queue every frame in memory
        while (encoder.encodeQueueSize > 3) await new Promise((resolve) => setTimeout(resolve, 5));
        j.onProgress(i + 1, count);
      }
      await encoder.flush();
      if (failure) throw failure;
    } finally {
      if (encoder.state !== 'closed') encoder.close();
    }
    muxer.finalize();
    return new Blob([muxer.target.buffer], { type: 'video/webm' });
  }
}
