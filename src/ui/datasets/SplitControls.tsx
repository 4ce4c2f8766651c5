import { useState } from 'react';
import { setSplit } from '../../engine/app';
import type { DatasetMeta } from '../../protocol/datasets';

/** The split of a dataset without its own: stratified by class, seeded, adjustable. */
export function SplitControls({ meta }: { meta: DatasetMeta }) {
  const [seed, setSeed] = useState(String(meta.split.seed));
  const [share, setShare] = useState(String(Math.round(meta.split.testFraction * 100)));
  const included = meta.classes.filter((c) => c.included);
  const total = included.reduce((s, c) => s + c.count, 0);
  if (meta.ownSplit) {
    return <p className="ds-hint">The dataset brings its own split (train/ and test/ folders).</p>;
  }
  return (
    <form
      className="ds-split"
      aria-label="Train/test split"
      onSubmit={(e) => {
        e.preventDefault();
        void setSplit(meta, Number(seed), Number(share) / 100);
      }}
    >
      <span>
        Stratified split of {total.toLocaleString('en')} images: {meta.split.testFraction * 100}% of
        each class to test, seed {meta.split.seed}.
      </span>
      <label>
        Test share (%){' '}
        <input
          type="number"
          min={5}
          max={50}
          value={share}
          onChange={(e) => setShare(e.target.value)}
        />
      </label>
      <label>
        Seed <input type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} />
      </label>
      <button type="submit">Apply split</button>
    </form>
  );
}
