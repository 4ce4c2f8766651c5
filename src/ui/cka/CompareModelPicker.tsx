import { useState } from 'react';
import { COMPARE_BUILTINS, keepCompareFiles, openedCompareName } from '../../engine/cka/compare';
import { userMessage } from '../../engine/app';
import { useAppStore } from '../../store';

const FILES_PREFIX = 'files:';

/**
 * Which model the U-Net's blocks are compared with: a shipped one, or a model the user opens
 * (its .onnx with its manifest.json, and its .data file when the weights are external).
 */
export function CompareModelPicker() {
  const choice = useAppStore((s) => s.cka.settings.compareWith);
  const set = useAppStore((s) => s.setCkaSettings);
  const notify = useAppStore((s) => s.notify);
  const [opened, setOpened] = useState(openedCompareName());
  const value = choice.kind === 'builtin' ? choice.id : `${FILES_PREFIX}${choice.name}`;

  const open = (files: File[]) => {
    if (files.length === 0) return;
    try {
      const name = keepCompareFiles(files);
      setOpened(name);
      set({ compareWith: { kind: 'files', name } });
    } catch (err) {
      notify('error', userMessage(err));
    }
  };

  return (
    <>
      <label>
        with{' '}
        <select
          aria-label="model to compare with"
          value={value}
          onChange={(e) => {
            const v = e.target.value;
            set({
              compareWith: v.startsWith(FILES_PREFIX)
                ? { kind: 'files', name: v.slice(FILES_PREFIX.length) }
                : { kind: 'builtin', id: v },
            });
          }}
        >
          {COMPARE_BUILTINS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
          {opened && <option value={`${FILES_PREFIX}${opened}`}>{opened} (opened)</option>}
        </select>
      </label>
      <label className="file-button">
        Open a model to compare with…
        <input
          type="file"
          multiple
          accept=".onnx,.json,.data"
          aria-label="open a model to compare with (.onnx with its manifest.json)"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            open(files);
          }}
        />
      </label>
    </>
  );
}
