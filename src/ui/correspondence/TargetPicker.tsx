import { useEffect, useState } from 'react';
import type { Warp } from '../../core/correspondence/warp';
import type { LabeledImages } from '../../engine/datasets/access';
import { explorerDataset, openTargetFile } from '../../engine/app';
import { useAppStore } from '../../store';
import type { CorrespondenceTarget } from '../../store/slices/correspondence';
import { DropZone } from '../DropZone';
import { LiveNumberField } from '../heads/LiveNumberField';

/** Dataset items offered as targets: the first few test images of each class. */
const PER_CLASS = 3;

function targetValue(t: CorrespondenceTarget): string {
  return t.kind === 'warp' ? 'warp' : t.kind === 'item' ? `item:${t.id}` : `file:${t.name}`;
}

function WarpField(props: {
  label: string;
  field: keyof Warp;
  warp: Warp;
  step: number;
  min: number;
  max: number;
}) {
  const { field, warp, min, max } = props;
  return (
    <LiveNumberField
      label={props.label}
      value={warp[field]}
      step={props.step}
      min={min}
      max={max}
      onChange={(v) => {
        if (v < min || v > max || (field === 'scale' && v <= 0)) return;
        const s = useAppStore.getState();
        s.setCorrespondence({ warp: { ...s.correspondence.warp, [field]: v } });
      }}
    />
  );
}

/** The select labelled "Target", the warp of a shifted copy, and a drop zone for a file. */
export function TargetPicker({ S, C }: { S: number; C: 1 | 3 }) {
  const target = useAppStore((s) => s.correspondence.target);
  const warp = useAppStore((s) => s.correspondence.warp);
  const set = useAppStore((s) => s.setCorrespondence);
  const [ds, setDs] = useState<LabeledImages | null>(null);
  useEffect(() => {
    let live = true;
    explorerDataset(S, C).then(
      (d) => live && setDs(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [S, C]);

  const choose = (v: string) => {
    if (v === 'warp') set({ target: { kind: 'warp' } });
    else if (v.startsWith('item:')) set({ target: { kind: 'item', id: v.slice(5) } });
    else if (v.startsWith('file:')) set({ target: { kind: 'file', name: v.slice(5) } });
  };
  const onFile = (file: File | undefined) => file && openTargetFile(file);

  return (
    <div className="corr-target-picker">
      <label>
        Target{' '}
        <select value={targetValue(target)} onChange={(e) => choose(e.target.value)}>
          <option value="warp">a shifted copy of the source</option>
          {target.kind === 'file' && <option value={`file:${target.name}`}>{target.name}</option>}
          {ds &&
            ds.classes.map((cls, ci) => (
              <optgroup key={cls} label={`${ds.name}: ${cls}`}>
                {ds.test.items
                  .filter((_, i) => ds.test.labels[i] === ci)
                  .slice(0, PER_CLASS)
                  .map((it, k) => (
                    <option key={it.id} value={`item:${it.id}`}>
                      {cls} #{k + 1}
                    </option>
                  ))}
              </optgroup>
            ))}
        </select>
      </label>
      {target.kind === 'warp' && (
        <span className="corr-warp">
          <WarpField label="Shift x" field="dx" warp={warp} step={1} min={-S} max={S} />
          <WarpField label="Shift y" field="dy" warp={warp} step={1} min={-S} max={S} />
          <WarpField label="Scale" field="scale" warp={warp} step={0.05} min={0.25} max={4} />
          <WarpField label="Rotate (°)" field="rotate" warp={warp} step={5} min={-180} max={180} />
        </span>
      )}
      <DropZone
        className="corr-drop"
        label="Drop a target image here"
        onDrop={(d) => onFile(d.files[0])}
      >
        <label className="file-button">
          Open a target image…
          <input
            type="file"
            accept="image/*"
            aria-label="Open a target image file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              onFile(file);
            }}
          />
        </label>
        <span className="muted"> or drop one here</span>
      </DropZone>
    </div>
  );
}
