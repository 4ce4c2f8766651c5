/**
 * Files from a drop or a folder picker, with their paths inside what was dropped or picked.
 * A dropped folder is walked with webkitGetAsEntry (readEntries is called until it returns
 * nothing: it gives at most 100 entries per call); folders are listed too, so an empty class
 * folder can be reported.
 */

export interface PickedFiles {
  files: { path: string; file: File }[];
  dirs: string[];
  /** The name to give the dataset (the dropped folder's, or the zip's). */
  name: string;
  /** Files and folders the browser could not read (moved, deleted, no permission), and why. */
  unreadable: { path: string; reason: string }[];
}

/** Why the browser could not read an entry, in a few words. */
export function readFailure(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'NotFoundError') return 'it was moved or deleted';
  if (name === 'NotReadableError' || name === 'SecurityError' || name === 'NotAllowedError')
    return 'the browser may not read it (permissions)';
  return `it could not be read (${(e as Error | null)?.message || String(e)})`;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFiles): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  // One entry that cannot be read is listed with its reason; the walk goes on.
  if (entry.isFile) {
    try {
      out.files.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
    } catch (e) {
      out.unreadable.push({ path, reason: readFailure(e) });
    }
  } else if (entry.isDirectory) {
    out.dirs.push(path);
    let children: FileSystemEntry[];
    try {
      children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    } catch (e) {
      out.unreadable.push({ path: `${path}/`, reason: readFailure(e) });
      return;
    }
    for (const child of children) await walk(child, path, out);
  }
}

/** What was dropped: folders walked, loose files kept. Null when nothing was a file. */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFiles | null> {
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  const out: PickedFiles = { files: [], dirs: [], name: 'Dropped files', unreadable: [] };
  if (entries.length === 0) {
    for (const file of data.files) out.files.push({ path: file.name, file });
  } else {
    for (const entry of entries) await walk(entry, '', out);
  }
  if (entries.length === 1 && entries[0]!.isDirectory) out.name = entries[0]!.name;
  return out.files.length || out.dirs.length || out.unreadable.length ? out : null;
}

/** The files of an <input webkitdirectory> (their webkitRelativePath starts with the folder). */
export function filesFromInput(list: FileList): PickedFiles {
  const files = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const top = files[0]?.path.split('/')[0] ?? 'Folder';
  return { files, dirs: [], name: top, unreadable: [] };
}

/** showDirectoryPicker, where the browser has it (Chromium): walks the handle like a drop. */
export async function filesFromDirectoryHandle(
  dir: FileSystemDirectoryHandle,
  prefix = dir.name,
  out: PickedFiles = { files: [], dirs: [prefix], name: dir.name, unreadable: [] },
): Promise<PickedFiles> {
  try {
    for await (const handle of (
      dir as unknown as { values(): AsyncIterable<FileSystemHandle> }
    ).values()) {
      const path = `${prefix}/${handle.name}`;
      if (handle.kind === 'file') {
        try {
          out.files.push({ path, file: await (handle as FileSystemFileHandle).getFile() });
        } catch (e) {
          out.unreadable.push({ path, reason: readFailure(e) });
        }
      } else {
        out.dirs.push(path);
        await filesFromDirectoryHandle(handle as FileSystemDirectoryHandle, path, out);
      }
    }
  } catch (e) {
    out.unreadable.push({ path: `${prefix}/`, reason: readFailure(e) });
  }
  return out;
}

/** Whether a dropped single file is a zip (by name or type). */
export function isZip(file: File): boolean {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip';
}
