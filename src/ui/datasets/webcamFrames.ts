/** A webcam frame as a square PNG (centre crop, `side` pixels), for the import pipeline. */
export async function captureFrame(video: HTMLVideoElement, side: number): Promise<Blob | null> {
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (!w || !h) return null;
  const m = Math.min(w, h);
  const canvas = new OffscreenCanvas(side, side);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(video, (w - m) / 2, (h - m) / 2, m, m, 0, 0, side, side);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Frames captured per second while the capture button is held. */
export const FRAMES_PER_SECOND = 8;
