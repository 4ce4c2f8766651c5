import { useState } from 'react';
import { decodePng } from '../../core/image/png';
import { prepareImage } from '../../core/image/prepare';
import type { PixelImage } from '../../core/image/prepare';
import type { ModelManifest } from '../../core/manifest/types';
import { classifyImage } from '../../engine/app';
import type { Classification } from '../../engine/heads/library';
import { useAppStore } from '../../store';
import { ImageThumb } from './ImageThumb';
import { DropZone } from '../DropZone';

async function decode(file: File): Promise<PixelImage> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return decodePng(bytes);
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw the image');
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: data.width, height: data.height, channels: 4, data: data.data };
}

/** Drop an image: the chosen head classifies it (top 3 with probabilities). */
export function LiveClassify({ manifest }: { manifest: ModelManifest | null }) {
  const active = useAppStore((s) => s.heads.activeHeadId);
  const notify = useAppStore((s) => s.notify);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<{
    x0: Float32Array;
    name: string;
    out: Classification;
  } | null>(null);
  const handle = async (file: File | undefined) => {
    if (!file) return;
    if (!manifest) return notify('error', 'Load a model first.');
    if (!active) return notify('error', 'Pick a trained head first.');
    setBusy(true);
    try {
      const x0 = prepareImage(await decode(file), {
        size: manifest.image.size,
        channels: manifest.image.channels,
      });
      const out = await classifyImage(active, x0);
      setShown({ x0, name: file.name, out });
    } catch (err) {
      notify('error', `${file.name} could not be classified: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="heads-live" aria-labelledby="heads-live-heading">
      <h3 id="heads-live-heading">Classify an image</h3>
      <DropZone as="label" className="heads-drop" onDrop={(data) => void handle(data.files[0])}>
        Drop an image here, or choose one{' '}
        <input
          type="file"
          accept="image/*"
          data-testid="classify-input"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void handle(file);
          }}
        />
      </DropZone>
      {busy && <p role="status">Classifying…</p>}
      {shown && (
        <div className="heads-live-result" data-testid="classify-result">
          <ImageThumb x0={shown.x0} label={shown.name} size={84} />
          <ol>
            {shown.out.ranked.map((r) => (
              <li key={r.label}>
                <strong>{r.label}</strong> {(100 * r.probability).toFixed(1)}%
                <meter
                  min={0}
                  max={1}
                  value={r.probability}
                  aria-label={`${r.label} probability`}
                />
              </li>
            ))}
          </ol>
          <p className="muted">{shown.out.head}</p>
        </div>
      )}
    </section>
  );
}
