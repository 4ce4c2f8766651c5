import { useRef } from 'react';
import { importDataset } from '../../engine/app';
import type { DatasetMeta } from '../../protocol/datasets';
import { filesFromInput } from './dropFiles';

/**
 * "Resume…" for a dataset whose import stopped (the tab was closed, the storage filled, it was
 * cancelled): the user picks the same zip or folder again and only what is missing is read.
 */
export function ResumeImport({ meta, disabled }: { meta: DatasetMeta; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  if (meta.status === 'complete' || (meta.origin !== 'zip' && meta.origin !== 'folder'))
    return null;
  const zip = meta.origin === 'zip';
  return (
    <>
      <button
        type="button"
        disabled={disabled}
        aria-label={`Resume ${meta.name}`}
        title={`Choose the same ${zip ? 'zip' : 'folder'} again: the images not stored yet are imported`}
        onClick={() => input.current?.click()}
      >
        Resume…
      </button>
      <input
        ref={input}
        className="ds-hidden-input"
        type="file"
        aria-label={`The ${zip ? 'zip' : 'folder'} to resume ${meta.name} from`}
        disabled={disabled}
        {...(zip ? { accept: '.zip,application/zip' } : { multiple: true, webkitdirectory: '' })}
        onChange={(e) => {
          // Read the list before clearing the input: clearing it empties the list too.
          const list = e.target.files;
          if (!list || list.length === 0) return;
          const first = list[0]!;
          const picked = zip ? null : filesFromInput(list);
          e.target.value = '';
          if (!picked) void importDataset({ kind: 'zip', name: meta.name, file: first }, meta);
          else {
            void importDataset(
              { kind: 'files', origin: 'folder', ...picked, name: meta.name },
              meta,
            );
          }
        }}
      />
    </>
  );
}
