import { describe, expect, it } from 'vitest';
import { parseHead, serializeHead } from './format';
import { sampleHead } from '../../../test/sampleHead';

describe('head file', () => {
  it('round-trips weights, spec, classes and provenance', () => {
    const h = sampleHead();
    const back = parseHead(serializeHead(h));
    expect(back).toEqual(h);
  });
  it('records the conditioning the features were extracted under', () => {
    const h = {
      ...sampleHead(),
      conditioning: [
        { name: 'y', role: 'class', class: 3 },
        { name: 'ctx', role: 'context', context: 'prompt.npy', digest: 'ab'.repeat(32) },
      ],
    };
    const text = serializeHead(h);
    expect(JSON.parse(text).conditioning).toEqual(h.conditioning);
    expect(parseHead(text)).toEqual(h);
    expect(parseHead(serializeHead(sampleHead())).conditioning).toBeUndefined();
    const raw = JSON.parse(text);
    raw.conditioning = 'class 3';
    expect(() => parseHead(JSON.stringify(raw))).toThrow(/conditioning/);
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
