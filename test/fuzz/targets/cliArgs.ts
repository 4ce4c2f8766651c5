/** The CLI's argument parsers: any command line is read, or refused with one CliError line. */
import fc from 'fast-check';
import {
  parseBlocks,
  parseExtractArgs,
  type ExtractOptions,
} from '../../../cli/commands/extractArgs';
import { CliError } from '../../../cli/shared/errors';
import { LIMITS } from '../../../cli/shared/limits';
import { ensure, parsedOrRefused, type FuzzTarget } from '../harness';

const FLAGS = [
  '--model',
  '--images',
  '--out',
  '--t',
  '--blocks',
  '--pool',
  '--seed',
  '--noise',
  '--batch',
  '--split',
  '--size',
  '--fit',
  '--threads',
  '--bogus',
];
const NUMBERS = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1e3',
    '0x10',
    '1.5',
    ' 9 ',
    '',
    'NaN',
    'Infinity',
    '9'.repeat(30),
    '+4',
  ),
);
const BLOCKS = fc.oneof(
  fc
    .array(fc.tuple(fc.nat({ max: 2_000_000 }), fc.option(fc.nat({ max: 2_000_000 }))), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.map(([a, b]) => (b === null ? String(a) : `${a}-${b}`)).join(',')),
  fc.constantFrom('all', '1-1000000', '1-10000,1-10000', ',', '3-1', ' 5 - 7 '),
  fc.string({ maxLength: 20 }),
);
const ARG = fc.oneof(fc.constantFrom(...FLAGS), NUMBERS, BLOCKS, fc.string({ maxLength: 12 }));

const within = (v: number | undefined, r: { min: number; max: number }): boolean =>
  v === undefined || (Number.isSafeInteger(v) && v >= r.min && v <= r.max);

function validOptions(o: ExtractOptions): void {
  ensure(
    within(o.t, LIMITS.t) && within(o.pool, LIMITS.pool) && within(o.seed, LIMITS.seed),
    't, pool or seed',
  );
  ensure(
    within(o.batch, LIMITS.batch) &&
      within(o.threads, LIMITS.threads) &&
      within(o.size, LIMITS.size),
    'batch, threads or size',
  );
  if (o.blocks !== 'all') {
    ensure(
      o.blocks.length > 0 && new Set(o.blocks).size === o.blocks.length,
      'blocks repeated or none',
    );
    ensure(
      o.blocks.every((b) => within(b, LIMITS.block)),
      'a block out of range',
    );
  }
}

export const cliArgs: FuzzTarget<string[]> = {
  name: 'cli',
  arbitrary: fc.oneof(
    fc.array(ARG, { maxLength: 14 }),
    // A whole valid command line with one value replaced.
    fc.tuple(fc.nat({ max: 9 }), ARG).map(([i, v]) => {
      const line = ['--model', 'm', '--images', 'i', '--out', 'o', '--t', '5', '--blocks', '1-3'];
      line[i] = v;
      return line;
    }),
  ),
  async check(args) {
    const o = await parsedOrRefused(() => parseExtractArgs(args), CliError);
    if (o) validOptions(o);
  },
};

export const cliBlocks: FuzzTarget<string> = {
  name: 'cli-blocks',
  arbitrary: BLOCKS,
  async check(text) {
    const b = await parsedOrRefused(() => parseBlocks(text), CliError);
    if (b && b !== 'all')
      ensure(
        b.length <= LIMITS.block.max && b.every((x) => within(x, LIMITS.block)),
        'blocks out of range',
      );
  },
};
