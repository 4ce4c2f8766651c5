import { describe, expect, it } from 'vitest';
import { datasetMismatch, DEMO_DATASET, selectedDatasetRef } from './datasetRef';

const list = [
  { id: 'a1', name: 'Leaves' },
  { id: 'b2', name: 'Birds' },
];

describe('the dataset a sweep grid was computed on', () => {
  it('names the selected dataset: the demo without a selection, a stored one by its list name', () => {
    expect(selectedDatasetRef(null, list)).toEqual(DEMO_DATASET);
    expect(selectedDatasetRef('b2', list)).toEqual({ id: 'stored:b2', name: 'Birds' });
    // Not listed yet (the list is still loading): its id stands for the name.
    expect(selectedDatasetRef('c3', list)).toEqual({ id: 'stored:c3', name: 'c3' });
  });

  it('flags another dataset, naming both; the same one or a grid without an id is not flagged', () => {
    const grid = { id: 'stored:a1', source: 'Leaves' };
    expect(datasetMismatch(grid, selectedDatasetRef('a1', list))).toBeNull();
    const flag = datasetMismatch(grid, selectedDatasetRef('b2', list));
    expect(flag).toContain('“Leaves”');
    expect(flag).toContain('“Birds”');
    expect(flag).toMatch(/run the sweep again/i);
    expect(datasetMismatch(grid, DEMO_DATASET)).toContain('“Fashion-MNIST demo”');
    // Compared by id, not by name: a second import under the same name is another dataset.
    expect(datasetMismatch(grid, { id: 'stored:a9', name: 'Leaves' })).not.toBeNull();
    expect(datasetMismatch({ source: 'images/' }, DEMO_DATASET)).toBeNull();
    expect(datasetMismatch(null, DEMO_DATASET)).toBeNull();
  });
});
