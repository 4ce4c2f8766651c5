import { useRef, useState } from 'react';
import { deleteHead, exportHead, importHead } from '../../engine/app';
import type { HeadConflictChoice } from '../../engine/heads/library';
import { readFailure } from '../datasets/dropFiles';
import { useAppStore } from '../../store';
import { downloadJson } from './downloadJson';

interface Conflict {
  existing: string;
  incoming: string;
  resolve: (choice: HeadConflictChoice) => void;
}

/** Heads kept in this browser: pick one to classify with, export one file, import, delete. */
export function SavedHeads() {
  const saved = useAppStore((s) => s.heads.saved);
  const active = useAppStore((s) => s.heads.activeHeadId);
  const setHeads = useAppStore((s) => s.setHeads);
  const notify = useAppStore((s) => s.notify);
  const input = useRef<HTMLInputElement>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const ask = (existing: string, incoming: string) =>
    new Promise<HeadConflictChoice>((resolve) => setConflict({ existing, incoming, resolve }));
  const answer = (choice: HeadConflictChoice) => {
    conflict?.resolve(choice);
    setConflict(null);
  };
  return (
    <section className="heads-saved" aria-labelledby="heads-saved-heading">
      <h3 id="heads-saved-heading">Trained heads</h3>
      <div className="heads-actions">
        <button type="button" onClick={() => input.current?.click()}>
          Import head…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Import a head file"
          data-testid="head-import"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            file.text().then(
              (text) => importHead(text, file.name, ask),
              (err: unknown) =>
                notify('error', `${file.name} could not be read: ${readFailure(err)}.`),
            );
          }}
        />
      </div>
      {conflict && (
        <div role="dialog" aria-label="A head with this id is stored" className="heads-conflict">
          <p>
            “{conflict.incoming}” has the id of the stored head “{conflict.existing}”. Keep both
            (the imported one gets a new id), or replace the stored one?
          </p>
          <button type="button" onClick={() => answer('keep-both')}>
            Keep both
          </button>{' '}
          <button type="button" onClick={() => answer('replace')}>
            Replace
          </button>{' '}
          <button type="button" onClick={() => answer('cancel')}>
            Cancel import
          </button>
        </div>
      )}
      {saved.length === 0 ? (
        <p className="muted">No heads yet: train one, or import a head file.</p>
      ) : (
        <table data-testid="saved-heads">
          <thead>
            <tr>
              <th scope="col">Use</th>
              <th scope="col">Head</th>
              <th scope="col">Model</th>
              <th scope="col">Test accuracy</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {saved.map((h) => (
              <tr key={h.id}>
                <td>
                  <input
                    type="radio"
                    name="active-head"
                    checked={active === h.id}
                    aria-label={`Classify with ${h.name}`}
                    onChange={() => setHeads({ activeHeadId: h.id })}
                  />
                </td>
                <td>{h.name}</td>
                <td>{h.modelId}</td>
                <td>{(100 * h.testAcc).toFixed(2)}%</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Export ${h.name}`}
                    onClick={() =>
                      void exportHead(h.id).then((f) => f && downloadJson(f.name, f.text))
                    }
                  >
                    Export
                  </button>{' '}
                  <button
                    type="button"
                    aria-label={`Delete ${h.name}`}
                    onClick={() => void deleteHead(h.id)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
