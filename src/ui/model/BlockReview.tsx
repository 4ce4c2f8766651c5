import type { BlockNames, BlockReview as Review } from '../../protocol/proposal';

export type ReviewState =
  | { status: 'loading' }
  | { status: 'ready'; review: Review }
  | { status: 'error'; message: string };

/** How the blocks were found, in words. */
function foundBy(r: Review): string {
  if (r.source === 'outputs') return 'the graph’s block_<n> outputs';
  if (r.source === 'skips') return 'the skip connections alone (node names carry no module paths)';
  if (r.style === 'adm') return 'guided-diffusion module names';
  if (r.style === 'diffusers') return 'diffusers module names';
  return 'the numbered module lists in node names and the skip connections';
}

/** A block's resolution relative to the input: full, 1/2, 1/4, 2×; ? when unknown. */
export function resolutionText(level: number | null | undefined): string {
  if (level === null || level === undefined) return '?';
  if (level === 0) return 'full';
  return level < 0 ? `1/${2 ** -level}` : `${2 ** level}×`;
}

/**
 * The blocks diffprobe proposes for an .onnx without a manifest: stage, resolution and skip
 * pairs, each name editable before the model loads (the names go into its manifest).
 */
export function BlockReview({
  state,
  names,
  onRename,
}: {
  state: ReviewState;
  names: BlockNames;
  onRename: (output: string, name: string) => void;
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted" role="status">
        Finding the blocks…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <p className="error-text" role="alert">
        {state.message}
      </p>
    );
  }
  const r = state.review;
  if (!r.blocks.length) {
    return (
      <p className="error-text" role="alert">
        No blocks found in {r.file}: {r.reason ?? 'it does not look like a diffusion U-Net'}.
      </p>
    );
  }
  return (
    <fieldset className="block-review">
      <legend>
        Blocks: {r.blocks.length}, found from {foundBy(r)}
      </legend>
      <p className="muted">
        Encoder, middle, decoder, numbered as in the paper. Rename any block before loading; the
        names show in the explorer.
      </p>
      <div className="block-review-scroll">
        <table aria-label="Proposed blocks">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Stage</th>
              <th scope="col">Name</th>
              <th scope="col">Resolution</th>
              <th scope="col">Skip from</th>
            </tr>
          </thead>
          <tbody>
            {r.blocks.map((b) => (
              <tr key={b.index} data-block={b.index}>
                <td>{b.index}</td>
                <td>{b.stage}</td>
                <td>
                  <input
                    type="text"
                    aria-label={`Name of block ${b.index}`}
                    title={`Tensor ${b.output}`}
                    value={names[b.output] ?? b.name}
                    maxLength={80}
                    onChange={(e) => onRename(b.output, e.target.value)}
                  />
                </td>
                <td>{resolutionText(b.level)}</td>
                <td>{b.mirror !== undefined ? `block ${b.mirror}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
