/** Head import: a real head file with values replaced or removed, and bytes of it mutated. */
import fc from 'fast-check';
import {
  HeadFileError,
  parseHead,
  serializeHead,
  type TrainedHead,
} from '../../../src/core/heads/format';
import { checkSpec, paramShapes, shapeSize } from '../../../src/core/heads/spec';
import { sampleHead } from '../../sampleHead';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedJson } from '../jsonMutate';
import { mutatedBytes } from '../mutate';

const files = (['linear', 'mlp'] as const).map((k) => serializeHead(sampleHead(k)));
const utf8 = new TextEncoder();

/** What an imported head must be: a spec that checks, weights of the shapes it needs. */
function validHead(h: TrainedHead): void {
  checkSpec(h.spec);
  ensure(Number.isSafeInteger(h.channels) && h.channels >= 1, `channels ${h.channels}`);
  const shapes = paramShapes(h.spec, h.channels, h.classes.length);
  ensure(h.params.length === shapes.length, 'wrong number of weight tensors');
  h.params.forEach((p, i) => {
    ensure(p.data.length === shapeSize(shapes[i]!.shape), `${p.name}: wrong size`);
    ensure(p.data.every(Number.isFinite), `${p.name}: non-finite weights`);
  });
  ensure(typeof h.train.lr === 'number' && typeof h.train.schedule === 'object', 'train settings');
}

export const headFile: FuzzTarget<string> = {
  name: 'head',
  arbitrary: fc.oneof(
    fc
      .constantFrom(...files)
      .chain((f) => mutatedJson(JSON.parse(f)))
      .map((j) => JSON.stringify(j)),
    mutatedBytes(files.map((f) => utf8.encode(f))).map((b) => new TextDecoder().decode(b)),
  ),
  async check(text) {
    const h = await parsedOrRefused(() => parseHead(text), HeadFileError);
    if (h) validHead(h);
  },
};
