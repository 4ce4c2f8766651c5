/** URL state: any query string restores a selection inside the limits, and round-trips. */
import fc from 'fast-check';
import {
  DEFAULT_SELECTION,
  parseSelection,
  serialiseSelection,
  type ExplorerSelection,
} from '../../../src/core/explorer/urlState';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';

const KEYS = ['model', 'block', 't', 'pool', 'seed', 'noise', 'image', 'log', 'other'];
const VALUES = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.constantFrom(
    '1e3',
    '0x10',
    ' 7 ',
    '-0',
    'NaN',
    '9'.repeat(400),
    'sample:1:2:3',
    'item:a/b.png',
  ),
);

const query: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom(...KEYS), VALUES), { maxLength: 10 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ maxLength: 200 }),
);

const within = (v: number | undefined, min: number, max: number): boolean =>
  v === undefined || (Number.isSafeInteger(v) && v >= min && v <= max);

export const urlState: FuzzTarget<string> = {
  name: 'url',
  arbitrary: query,
  async check(search) {
    const r = await parsedOrRefused(() => parseSelection(search));
    ensure(r !== undefined, 'no result');
    const s = r.selection;
    ensure(within(s.block, 1, 10_000) && within(s.t, 0, 1_000_000), 'block or t out of range');
    ensure(within(s.pool, 0, 1024) && within(s.seed, 0, Number.MAX_SAFE_INTEGER), 'pool or seed');
    // What was read is written back and read again unchanged, with nothing rejected.
    const full: ExplorerSelection = { ...DEFAULT_SELECTION, ...s };
    const again = parseSelection(serialiseSelection(full));
    ensure(again.rejected.length === 0, `rejected on the way back: ${again.rejected.join(', ')}`);
    ensure(JSON.stringify(again.selection) === JSON.stringify(full), 'did not round-trip');
  },
};
