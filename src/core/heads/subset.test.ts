import { describe, expect, it } from 'vitest';
import { stratifiedSubset } from './subset';

describe('stratified subset', () => {
  it('keeps the first n of every class in order', () => {
    expect(stratifiedSubset([0, 0, 0, 1, 1, 2], 2)).toEqual([0, 1, 3, 4, 5]);
    expect(stratifiedSubset([0, 1], 0)).toEqual([0, 1]);
  });
});
