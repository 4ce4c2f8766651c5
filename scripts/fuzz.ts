/**
 * `npm run fuzz -- [--seconds N] [--only NAME] [--seed S --path P]`: runs every fuzz target (or
 * one) for N seconds in all (default 30), in rounds of fresh seeds; prints cases/s per target and,
 * for a failure, the seed and path that reproduce it. Exit status 1 when any target failed.
 */
import fc from 'fast-check';
import { runTarget, type FuzzTarget } from '../test/fuzz/harness';
import { TARGETS } from '../test/fuzz/targets';

interface Args {
  seconds: number;
  only: string | undefined;
  seed: number | undefined;
  path: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { seconds: 30, only: undefined, seed: undefined, path: undefined };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--seconds' && Number(v) > 0) a.seconds = Number(v);
    else if (argv[i] === '--only' && v) a.only = v;
    else if (argv[i] === '--seed' && Number.isSafeInteger(Number(v))) a.seed = Number(v);
    else if (argv[i] === '--path' && v) a.path = v;
    else throw new Error(`fuzz: cannot read ${argv[i]} ${v ?? ''}`);
    i++;
  }
  return a;
}

/** Runs one target for `ms`; resolves to cases run and the first failure's report. */
async function fuzz(
  target: FuzzTarget<never>,
  ms: number,
): Promise<{ cases: number; failure?: string }> {
  const end = performance.now() + ms;
  let cases = 0;
  while (performance.now() < end) {
    const seed = (Math.random() * 2 ** 31) | 0;
    const r = await runTarget(target, { seed, numRuns: 50 });
    cases += r.numRuns;
    if (r.failed) {
      const how = `npm run fuzz -- --only ${target.name} --seed ${r.seed} --path ${r.counterexamplePath}`;
      return { cases, failure: `${fc.defaultReportMessage(r)}\n  reproduce: ${how}` };
    }
  }
  return { cases };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const targets = TARGETS.filter((t) => args.only === undefined || t.name === args.only);
  if (targets.length === 0) {
    console.error(
      `fuzz: no target ${args.only}; the targets: ${TARGETS.map((t) => t.name).join(', ')}`,
    );
    return 1;
  }
  if (args.seed !== undefined) {
    // Replays one seed (and path): the case a failure named.
    const r = await runTarget(targets[0]!, {
      seed: args.seed,
      numRuns: 50,
      ...(args.path ? { path: args.path } : {}),
    });
    console.log(
      r.failed ? fc.defaultReportMessage(r) : `${targets[0]!.name}: seed ${args.seed} passes`,
    );
    return r.failed ? 1 : 0;
  }
  const perTarget = (args.seconds * 1000) / targets.length;
  let failed = 0;
  for (const t of targets) {
    const t0 = performance.now();
    const { cases, failure } = await fuzz(t, perTarget);
    const rate = cases / ((performance.now() - t0) / 1000);
    console.log(
      `${t.name.padEnd(16)} ${String(cases).padStart(8)} cases  ${rate.toFixed(0).padStart(7)} cases/s  ${failure ? 'FAILED' : 'ok'}`,
    );
    if (failure) {
      failed++;
      console.log(failure);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
