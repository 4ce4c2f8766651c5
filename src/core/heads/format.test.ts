import { describe, expect, it } from 'vitest';
import { parseHead, serializeHead } from './format';
import { sampleHead } from '../../../test/sampleHead';

describe('head file', () => {
  it('round-trips weights, spec, classes and provenance', () => {
    const h = sampleHead();
    const back = parseHead(serializeHead(h));
    expect(back).toEqual(h);
  });
  it('refuses other files with a reason', () => {
    expect(() => parseHead('nope')).toThrow(/not JSON/);
    expect(() => parseHead('{"format":"x"}')).toThrow(/format/);
    const raw = JSON.parse(serializeHead(sampleHead()));
    raw.params[0].shape = [1, 2];
    expect(() => parseHead(JSON.stringify(raw))).toThrow(/shape/);
    const raw2 = JSON.parse(serializeHead(sampleHead()));
    raw2.params.pop();
    expect(() => parseHead(JSON.stringify(raw2))).toThrow(/weight tensors/);
    const raw3 = JSON.parse(serializeHead(sampleHead()));
    raw3.classes = ['only'];
    expect(() => parseHead(JSON.stringify(raw3))).toThrow(/classes/);
  });
});
