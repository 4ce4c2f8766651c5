import { useRef, useState } from 'react';
import { modelFilesOfFolder } from '../../core/explorer/modelFolder';
import { classifyPickedFiles } from '../../core/explorer/scheduleInput';
import type { NoiseSchedule } from '../../core/schedule';
import { loadModelFiles, reviewModelFiles, userMessage } from '../../engine/app';
import type { BlockNames } from '../../protocol/proposal';
import { useAppStore } from '../../store';
import { filesFromDrop, readFailure } from '../datasets/dropFiles';
import { DropZone } from '../DropZone';
import { BlockReview, type ReviewState } from './BlockReview';
import { ScheduleForm } from './ScheduleForm';

/**
 * "Open your own": a file picker and a drop zone for an .onnx, with or without its manifest.
 * A dropped folder (a converter's output) gives its model files: graph, manifest, weights.
 */
export function OpenModel({ disabled }: { disabled: boolean }) {
  const [pending, setPending] = useState<File[] | null>(null);
  const [review, setReview] = useState<ReviewState>({ status: 'loading' });
  const [names, setNames] = useState<BlockNames>({});
  const picks = useRef(0);

  const take = (files: File[]) => {
    const picked = classifyPickedFiles(files.map((f) => f.name));
    if (!picked.ok) {
      useAppStore.getState().notify('error', picked.error);
      return;
    }
    if (picked.manifest !== null) {
      void loadModelFiles(files);
      return;
    }
    // Without a manifest the schedule and the proposed blocks are the user's to confirm (and
    // rename) before anything loads.
    const pick = ++picks.current;
    setPending(files);
    setNames({});
    setReview({ status: 'loading' });
    reviewModelFiles(files).then(
      (r) => {
        if (pick === picks.current) setReview({ status: 'ready', review: r });
      },
      (err: unknown) => {
        if (pick === picks.current) setReview({ status: 'error', message: userMessage(err) });
      },
    );
  };
  const onDrop = (data: DataTransfer) => {
    const folder = [...data.items].some((i) => i.webkitGetAsEntry()?.isDirectory);
    if (!folder) {
      take([...data.files]);
      return;
    }
    // Entries are read now (the DataTransfer empties after this handler); files after.
    void filesFromDrop(data).then(
      (dropped) => {
        const files = dropped?.files ?? [];
        const keep = new Set(modelFilesOfFolder(files.map((f) => f.path)));
        // A model file the browser could not read is named; nothing is loaded without it.
        const lost = (dropped?.unreadable ?? []).filter((u) => modelFilesOfFolder([u.path]).length);
        if (lost.length) {
          const names = lost.map((u) => `${u.path}: ${u.reason}`).join('; ');
          return useAppStore.getState().notify('error', `The model folder: ${names}.`);
        }
        take(files.filter((f) => keep.has(f.path)).map((f) => f.file));
      },
      (e: unknown) =>
        useAppStore.getState().notify('error', `The dropped folder: ${readFailure(e)}.`),
    );
  };
  const confirm = (schedule: NoiseSchedule) => {
    const files = pending;
    setPending(null);
    picks.current++;
    // Only the names the user changed go with the load.
    const proposed = new Map(
      review.status === 'ready' ? review.review.blocks.map((b) => [b.output, b.name]) : [],
    );
    const given = Object.fromEntries(
      Object.entries(names).filter(([o, n]) => n.trim() !== '' && n.trim() !== proposed.get(o)),
    );
    if (files) void loadModelFiles(files, schedule, Object.keys(given).length ? given : undefined);
  };

  return (
    <>
      <DropZone
        className="model-drop"
        label="Drop an .onnx model here"
        testId="model-drop"
        onDrop={onDrop}
      >
        <label className="file-button">
          Open your own model…
          <input
            type="file"
            accept=".onnx,.json,.data"
            multiple
            disabled={disabled}
            aria-label="Open your own model (.onnx, with its manifest.json if you have it)"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) take(files);
            }}
          />
        </label>
        <span className="muted">
          {' '}
          or drop an .onnx (and its manifest.json), or the model&apos;s folder, here
        </span>
      </DropZone>
      {pending && (
        <ScheduleForm
          fileName={pending.find((f) => f.name.toLowerCase().endsWith('.onnx'))?.name ?? ''}
          onConfirm={confirm}
          onCancel={() => {
            picks.current++;
            setPending(null);
          }}
        >
          <BlockReview
            state={review}
            names={names}
            onRename={(output, name) => setNames((prev) => ({ ...prev, [output]: name }))}
          />
        </ScheduleForm>
      )}
    </>
  );
}
