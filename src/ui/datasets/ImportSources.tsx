import { useRef } from 'react';
import { DEMO_DATASET_URL } from '../../engine/datasets/access';
import { importDataset } from '../../engine/app';
import { useAppStore } from '../../store';
import { DropZone } from '../DropZone';
import {
  filesFromDirectoryHandle,
  filesFromDrop,
  filesFromInput,
  isZip,
  readFailure,
} from './dropFiles';
import type { PickedFiles } from './dropFiles';

function importPicked(picked: PickedFiles): void {
  void importDataset({
    kind: 'files',
    origin: 'folder',
    name: picked.name,
    files: picked.files,
    dirs: picked.dirs,
    unreadable: picked.unreadable,
  });
}

function importZip(file: File): void {
  void importDataset({ kind: 'zip', name: file.name.replace(/\.zip$/i, ''), file });
}

/** The ways in: drop a folder or zip, pick a folder, open a zip, the demo set. */
export function ImportSources() {
  const busy = useAppStore((s) => s.datasets.importing !== null);
  const notify = useAppStore((s) => s.notify);
  const folderInput = useRef<HTMLInputElement>(null);

  const onDrop = async (data: DataTransfer) => {
    if (busy) return notify('warning', 'An import is running: wait for it or cancel it first.');
    const single = data.files.length === 1 ? data.files[0]! : null;
    const entry = data.items[0]?.webkitGetAsEntry?.() ?? null;
    if (single && isZip(single) && (!entry || entry.isFile)) return importZip(single);
    let picked: PickedFiles | null;
    try {
      picked = await filesFromDrop(data);
    } catch (e) {
      return notify('error', `The dropped folder could not be read: ${readFailure(e)}.`);
    }
    if (!picked) return notify('error', 'Nothing to import was dropped: drop a folder or a .zip.');
    if (picked.files.length === 0 && picked.unreadable.length > 0) {
      const first = picked.unreadable[0]!;
      return notify(
        'error',
        `Nothing in “${picked.name}” could be read: ${first.path}: ${first.reason}${picked.unreadable.length > 1 ? ` (and ${picked.unreadable.length - 1} more)` : ''}.`,
      );
    }
    importPicked(picked);
  };

  const pickFolder = async () => {
    const picker = (window as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> })
      .showDirectoryPicker;
    if (!picker) return folderInput.current?.click();
    try {
      importPicked(await filesFromDirectoryHandle(await picker()));
    } catch (e) {
      if ((e as DOMException).name !== 'AbortError') {
        notify('error', `The folder could not be read: ${readFailure(e)}.`);
      }
    }
  };

  return (
    <section className="ds-sources" aria-label="Add a dataset">
      <DropZone className="ds-drop" testId="dataset-drop" onDrop={(data) => void onDrop(data)}>
        <p>
          Drop a folder here (one subfolder per class, or <code>train/</code> and <code>test/</code>{' '}
          with class folders), or a <code>.zip</code> laid out the same way.
        </p>
        <div className="ds-buttons">
          <button type="button" disabled={busy} onClick={() => void pickFolder()}>
            Choose a folder…
          </button>
          <label className="ds-file-button">
            Open a .zip…
            <input
              type="file"
              accept=".zip,application/zip"
              aria-label="Open a zip file"
              disabled={busy}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) importZip(file);
              }}
            />
          </label>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void importDataset({
                kind: 'url',
                name: 'Fashion-MNIST demo',
                url: new URL(DEMO_DATASET_URL, location.href).href,
              })
            }
          >
            Import the demo set
          </button>
        </div>
        <input
          ref={folderInput}
          className="ds-hidden-input"
          type="file"
          multiple
          aria-label="Choose a folder of class folders"
          disabled={busy}
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            const list = e.target.files;
            if (list && list.length > 0) importPicked(filesFromInput(list));
            e.target.value = '';
          }}
        />
      </DropZone>
    </section>
  );
}
