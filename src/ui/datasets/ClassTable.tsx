import { useEffect, useState } from 'react';
import { classThumbnails, includeClass, renameClass } from '../../engine/app';
import type { ClassThumbnails, DatasetMeta } from '../../protocol/datasets';
import { Thumbnails } from './Thumbnails';

const PER_CLASS = 8;

/** Classes of a stored dataset: rename, leave out, counts and a few of its images. */
export function ClassTable({ meta }: { meta: DatasetMeta }) {
  const [thumbs, setThumbs] = useState<ClassThumbnails | null>(null);
  useEffect(() => {
    let live = true;
    classThumbnails(meta.id, PER_CLASS)
      .then((t) => live && setThumbs(t))
      .catch(() => live && setThumbs(null));
    return () => {
      live = false;
    };
  }, [meta.id, meta.count]);
  return (
    <table className="ds-classes">
      <thead>
        <tr>
          <th scope="col">Use</th>
          <th scope="col">Class</th>
          <th scope="col">Images</th>
          <th scope="col">Examples</th>
        </tr>
      </thead>
      <tbody>
        {meta.classes.map((c, i) => (
          <tr key={c.folder} className={c.included ? '' : 'ds-excluded'}>
            <td>
              <input
                type="checkbox"
                checked={c.included}
                aria-label={`Use class ${c.name}`}
                onChange={(e) => void includeClass(meta, i, e.target.checked)}
              />
            </td>
            <td>
              <input
                key={c.name}
                type="text"
                defaultValue={c.name}
                aria-label={`Name of class ${c.folder}`}
                onBlur={(e) => {
                  if (e.target.value !== c.name) void renameClass(meta, i, e.target.value);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') e.currentTarget.blur();
                }}
              />
            </td>
            <td>{c.count.toLocaleString('en')}</td>
            <td>
              {thumbs && (
                <Thumbnails
                  pixels={thumbs.classes[i]?.pixels ?? []}
                  size={thumbs.size}
                  channels={thumbs.channels}
                  label={`First images of ${c.name}`}
                />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
