/** Head import: a real head file with values replaced or removed, and bytes of it mutated. */
import fc from 'fast-check';
import {
  HeadFileError,
  parseHead,
  serializeHead,
  type TrainedHead,
} from '../../../src/core/heads/format';
import { initParams } from '../../../src/core/heads/init';
import { DEFAULT_TRAIN } from '../../../src/core/heads/optim';
import {
  checkSpec,
  defaultSpec,
  paramShapes,
  shapeSize,
  type HeadKind,
} from '../../../src/core/heads/spec';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';
import { mutatedJson } from '../jsonMutate';
import { mutatedBytes } from '../mutate';

function head(kind: HeadKind): TrainedHead {
  const spec = defaultSpec(kind, 2);
  return {
    id: 'h1',
    name: `${kind} head`,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: { id: 'fmnist-adm-s', sha256: 'abc' },
    block: 12,
    t: 10,
    seed: 0,
    noise: 'seeded',
    channels: 4,
    spec,
    train: DEFAULT_TRAIN,
    classes: ['a', 'b', 'c'],
    standardizer: { mean: new Float32Array(16).fill(0.5), std: new Float32Array(16).fill(2) },
    accuracy: { test: 0.9, perClass: [1, 0.8, 0.9] },
    params: initParams(spec, 4, 3, 1),
  };
}

const files = (['linear', 'mlp'] as const).map((k) => serializeHead(head(k)));
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
