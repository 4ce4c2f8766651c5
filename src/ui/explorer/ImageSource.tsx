import { useEffect, useState } from 'react';
import type { FitMode } from '../../core/image/prepare';
import type { ModelManifest } from '../../core/manifest/types';
import type { LabeledImages } from '../../engine/datasets/access';
import {
  explorerDataset,
  fileFitMode,
  openImageFile,
  refitImageFile,
  showImage,
} from '../../engine/app';
import { useAppStore } from '../../store';
import { DropZone } from '../DropZone';

/** Which image is explored: a demo/dataset item, a sample (see below), or a file the user drops. */
export function ImageSource({ manifest }: { manifest: ModelManifest }) {
  const image = useAppStore((s) => s.explorer.image);
  const imageError = useAppStore((s) => s.explorer.imageError);
  const [ds, setDs] = useState<LabeledImages | null>(null);
  const { size, channels } = manifest.image;
  useEffect(() => {
    let live = true;
    explorerDataset(size, channels).then(
      (d) => live && setDs(d),
      (err: unknown) =>
        useAppStore.getState().notify('error', `Dataset: ${(err as Error).message}`),
    );
    return () => {
      live = false;
    };
  }, [size, channels]);

  const ref = image?.ref;
  const itemId = ref?.kind === 'item' ? ref.id : '';
  const [split, cls] = itemId.split('/');
  const splitName = split === 'train' ? 'train' : 'test';
  const items = ds ? ds[splitName] : null;
  const classIndex = ds && cls ? ds.classes.indexOf(cls) : 0;
  const inClass = items
    ? items.items.filter((_, i) => items.labels[i] === Math.max(0, classIndex))
    : [];
  const pos = inClass.findIndex((it) => it.id === itemId);

  const pick = (sp: 'train' | 'test', c: number, k: number) => {
    if (!ds) return;
    const list = ds[sp].items.filter((_, i) => ds[sp].labels[i] === c);
    const it = list[Math.min(Math.max(0, k), list.length - 1)];
    if (it) void showImage({ kind: 'item', id: it.id });
  };
  const onDrop = (data: DataTransfer) => {
    const file = data.files[0];
    if (file) void openImageFile(file);
  };
  const fileName = ref?.kind === 'file' ? ref.name : null;

  return (
    <fieldset className="image-source">
      <legend>Image</legend>
      <p className="image-label" data-testid="image-label">
        {image ? image.label : 'Loading the image…'}
        {image?.fit && <span className="muted"> — {image.fit}</span>}
      </p>
      {imageError && (
        <p className="error-text" role="alert">
          {imageError}
        </p>
      )}
      {ds && (
        <div className="image-row">
          <span className="muted">{ds.name}:</span>
          <label>
            Split{' '}
            <select
              value={splitName}
              onChange={(e) => pick(e.target.value as 'train' | 'test', Math.max(0, classIndex), 0)}
            >
              <option value="test">test</option>
              <option value="train">train</option>
            </select>
          </label>
          <label>
            Class{' '}
            <select
              value={Math.max(0, classIndex)}
              onChange={(e) => pick(splitName, Number(e.target.value), 0)}
            >
              {ds.classes.map((c, i) => (
                <option key={c} value={i}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Image #{' '}
            <input
              type="number"
              min={1}
              max={Math.max(1, inClass.length)}
              value={pos >= 0 ? pos + 1 : 1}
              onChange={(e) => pick(splitName, Math.max(0, classIndex), Number(e.target.value) - 1)}
            />
          </label>
        </div>
      )}
      <DropZone className="image-drop" label="Drop an image file here" onDrop={onDrop}>
        <label className="file-button">
          Open an image…
          <input
            type="file"
            accept="image/*"
            aria-label="Open an image file to explore"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void openImageFile(file);
            }}
          />
        </label>
        <span className="muted">
          {' '}
          or drop one here: it is fitted to {size}×{size} {channels === 1 ? 'grey' : 'RGB'}
        </span>
        {fileName && (
          <label>
            {' '}
            Fit{' '}
            <select
              value={fileFitMode(fileName)}
              onChange={(e) => void refitImageFile(fileName, e.target.value as FitMode)}
            >
              <option value="crop">crop the centre</option>
              <option value="pad">pad to square</option>
            </select>
          </label>
        )}
      </DropZone>
    </fieldset>
  );
}
