/**
 * The headless diffprobe CLI: `diffprobe <command> [args]`. Run by bin/diffprobe.mjs through tsx.
 * Every failure prints one line to stderr and exits with status 1.
 */
import { availableParallelism } from 'node:os';
import { cka, parseCkaArgs } from './cka';
import { ckaMatrixCommand, outputPaths, parseCkaMatrixArgs } from './ckaMatrix';
import { extract, parseExtractArgs } from './extract';
import { CliError, firstLine, inspect } from './inspect';

export const USAGE = `usage: diffprobe <command> [options]

commands:
  inspect <model.onnx | model folder> [--size N] [--no-run] [--threads N]
      Print what diffprobe sees in a model as JSON: inputs, blocks with [C, H, W], schedule,
      parameter count. A folder is read as model.onnx + manifest.json (validated); a bare .onnx
      file gets its blocks proposed from the graph and the default schedule (T=1000, linear
      1e-4…0.02). Block shapes come from one forward pass on zeros (batch 1, t=0).
        --size N     image size to use when the image input's height/width are symbolic
        --no-run     skip the forward pass (shapes only from the manifest or the graph)
        --threads N  onnxruntime threads for the forward pass

  extract --model <folder | model.onnx> --images <folder | zip> --t N --blocks LIST --out <dir>
          [--pool P] [--seed S] [--noise seeded|none] [--batch B] [--split train|test]
          [--size N] [--fit crop|pad] [--threads N]
      Block features of every PNG in a folder or zip (class subfolders give labels; a train/ +
      test/ layout gives splits), as the app computes them: x_t from seeded noise keyed on
      (seed, file path, t), one forward pass per batch for all blocks, adaptive-average-pooled
      P×P. Writes <dir>/block_<n>.npy (float32 [N, C, P, P]; full [N, C, H, W] with --pool 0)
      and <dir>/index.json (files, labels, classes, skipped files, settings). Progress on
      stderr, a JSON summary on stdout.
        --blocks LIST  e.g. 12,14 or 1-19 or all
        --pool P       pool size, 0 keeps the full maps (default 2)
        --seed S       noise seed (default 0); --noise none feeds the clean image at t
        --batch B      images per forward pass (default 32)
        --split S      only train/ or test/ of a split layout
        --size N       image size when the model's input size is symbolic (no manifest)
        --fit MODE     images larger than the model input: crop (default: shorter side to size,
                       centre crop) or pad (longer side to size, pad with black); smaller
                       images are padded centred with black (e.g. 28×28 → 32×32)
        --threads N    onnxruntime threads

  cka --a <a.npy> --b <b.npy> [--method linear|minibatch] [--batch 256]
      Linear CKA of two representations of the same examples; prints {"cka": …} as JSON.
      Rows (the first axis) are examples; further axes are flattened into features.
        --method M     linear: the full-data estimator (feature form when d < n, else Gram
                       form; float64); minibatch: the unbiased HSIC estimator averaged over
                       consecutive batches of rows (no shuffling)
        --batch B      rows per minibatch (default 256; a last batch under 4 rows is dropped)

  cka-matrix --model <folder | model.onnx> --images <folder | zip> --t N --out <file>
          [--pool P] [--seed S] [--split train|test] [--method linear|minibatch] [--batch B]
          [--precision float64|mixed] [--threads N]
      The block × block CKA matrix of a diffusion U-Net: features of every block as extract
      computes them (one forward pass per batch), then CKA of every pair. Writes <file> as
      JSON (labels, matrix, each encoder block against its mirrored decoder block) and the
      matrix as CSV beside it (<file> with .csv). Progress on stderr.
        --precision    linear CKA's Gram products: float64 (default) or mixed (f32 products,
                       float64 sums: the browser's faster default, |ΔCKA| ~1e-9)

  help      Print this text.
`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) {
    throw new CliError(`${flag} needs a positive integer, got ${value ?? 'nothing'}`);
  }
  return n;
}

async function runInspect(args: string[], io: Io): Promise<void> {
  let target: string | undefined;
  let size: number | undefined;
  let run = true;
  let threads = Math.min(4, availableParallelism());
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--size') size = positiveInt(a, args[++i]);
    else if (a === '--threads') threads = positiveInt(a, args[++i]);
    else if (a === '--no-run') run = false;
    else if (a.startsWith('-')) throw new CliError(`inspect: unknown option ${a}`);
    else if (target === undefined) target = a;
    else throw new CliError(`inspect: one model at a time (got ${target} and ${a})`);
  }
  if (target === undefined) throw new CliError('inspect: give a model file or folder');
  const result = await inspect(target, { run, threads, ...(size !== undefined ? { size } : {}) });
  io.out(formatJson(result) + '\n');
}

/** JSON with two-space indents, but arrays of numbers and strings (shapes) on one line. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s*((?:-?[\d.e+-]+|"(?:[^"\\]|\\.)*"|null)(?:,\n\s*(?:-?[\d.e+-]+|"(?:[^"\\]|\\.)*"|null))*)\n\s*\]/g,
    (_m, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`,
  );
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        await runInspect(rest, io);
        return 0;
      case 'extract': {
        const summary = await extract(parseExtractArgs(rest), io);
        io.out(formatJson(summary) + '\n');
        return 0;
      }
      case 'cka':
        io.out(JSON.stringify(cka(parseCkaArgs(rest))) + '\n');
        return 0;
      case 'cka-matrix': {
        const opts = parseCkaMatrixArgs(rest);
        const r = await ckaMatrixCommand(opts, io);
        const paths = outputPaths(opts.out);
        io.out(
          formatJson({
            json: paths.json,
            csv: paths.csv,
            n: r.n,
            blocks: r.labels.length,
            seconds: r.seconds,
          }) + '\n',
        );
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      case undefined:
        throw new CliError('give a command (try: diffprobe help)');
      default:
        throw new CliError(`unknown command "${command}" (try: diffprobe help)`);
    }
  } catch (e) {
    io.err(`diffprobe: ${firstLine(e)}\n`);
    return 1;
  }
}
