/** `diffprobe help`: every command and option, with the range of every number. */
import { LIMITS, showRange } from './shared/limits';

const r = (k: keyof typeof LIMITS): string => showRange(LIMITS[k]);

export const USAGE = `usage: diffprobe <command> [options] [--debug]

commands:
  inspect <model.onnx | model folder> [--size N] [--no-run] [--threads N]
      Print what diffprobe sees in a model as JSON: inputs, blocks with [C, H, W], schedule,
      parameter count. A folder is read as model.onnx + manifest.json (validated); a bare .onnx
      file gets its blocks proposed from the graph and the default schedule (T=1000, linear
      1e-4…0.02). Block shapes come from one forward pass on zeros (batch 1, t=0).
        --size N     image size to use when the image input's height/width are symbolic
                     (${r('size')})
        --no-run     skip the forward pass (shapes only from the manifest or the graph)
        --threads N  onnxruntime threads for the forward pass (${r('threads')})

  extract --model <folder | model.onnx> --images <folder | zip> --t N --blocks LIST --out <dir>
          [--pool P] [--seed S] [--noise seeded|none] [--batch B] [--split train|test]
          [--size N] [--fit crop|pad] [--threads N] [--cond NAME=INTEGER | NAME=FILE.npy …]
      Block features of every PNG, JPEG and WebP in a folder or zip (class subfolders give
      labels; a train/ + test/ layout gives splits; files that do not decode are listed), as
      the app computes them: x_t from seeded noise keyed on (seed, file path, t), one forward
      pass per batch for all blocks, adaptive-average-pooled P×P. Writes <dir>/block_<n>.npy
      (float32 [N, C, P, P]; full [N, C, H, W] with --pool 0) and <dir>/index.json (files,
      labels, classes, skipped files, settings). Progress on stderr, a JSON summary on stdout.
        --t N          timestep, ${r('t')} and below the model's T
        --blocks LIST  e.g. 12,14 or 1-19 or all; blocks ${r('block')} that the model has
        --pool P       pool size, 0 keeps the full maps (default 2; ${r('pool')})
        --seed S       noise seed (default 0; ${r('seed')}); --noise none feeds the clean
                       image at t
        --batch B      images per forward pass (default 32; ${r('batch')})
        --split S      only train/ or test/ of a split layout
        --size N       image size when the model's input size is symbolic (no manifest;
                       ${r('size')})
        --fit MODE     images larger than the model input: crop (default: shorter side to size,
                       centre crop) or pad (longer side to size, pad with black); smaller
                       images are padded centred with black (e.g. 28×28 → 32×32)
        --threads N    onnxruntime threads (${r('threads')})
        --cond NAME=V  a value for a conditioning input (repeat per input): an integer class id
                       for a class input (int labels [B], the same class for every image), or
                       a .npy for a context input (float [B, L, D]): [L, D] or [1, L, D] is
                       broadcast to every image, [N, L, D] gives one row per image
        --x0 FILE.npy  instead of --images: ready-made x0 rows, float32 [N, C, H, W] in the
                       model's input range (for a latent model: scaled latents, the encoder is
                       not run); --labels FILE.npy gives integer labels [N] (−1: none)
      A model folder whose manifest names an encoder (latent diffusion) runs it on the images
      first: x0 = scale × encoder(image).

  cka --a <a.npy> --b <b.npy> [--method linear|minibatch] [--batch 256]
      Linear CKA of two representations of the same examples; prints {"cka": …} as JSON.
      Rows (the first axis) are examples; further axes are flattened into features.
        --method M     linear: the full-data estimator (feature form when d < n, else Gram
                       form; float64); minibatch: the unbiased HSIC estimator averaged over
                       consecutive batches of rows (no shuffling)
        --batch B      rows per minibatch (default 256; ${r('ckaBatch')}; a last batch under 4
                       rows is dropped)

  cka-matrix --model <folder | model.onnx> --images <folder | zip> --t N --out <file>
          [--pool P] [--seed S] [--split train|test] [--method linear|minibatch] [--batch B]
          [--precision float64|mixed] [--threads N] [--cond NAME=INTEGER | NAME=FILE.npy …]
      The block × block CKA matrix of a diffusion U-Net: features of every block as extract
      computes them (one forward pass per batch), then CKA of every pair. Writes <file> as
      JSON (labels, matrix, each encoder block against its mirrored decoder block, the
      conditioning) and the matrix as CSV beside it (<file> with .csv). Progress on stderr.
        --cond NAME=V  as extract's, one value for every image (a context .npy: [L, D] or
                       [1, L, D])
        --precision    linear CKA's Gram products: float64 (default) or mixed (f32 products,
                       float64 sums: the browser's faster default, |ΔCKA| ~1e-9)

  sweep --model <folder | model.onnx> --images <folder | zip> --t LIST --out <dir>
          [--blocks LIST] [--pool P] [--seed S] [--shard N] [--batch B] [--epochs E]
          [--recipe default|paper] [--test-percent Q] [--fit crop|pad] [--size N]
          [--threads N] [--store DIR] [--queue redis://HOST:PORT] [--no-progress]
          [--cond NAME=INTEGER | NAME=FILE.npy …]
      The Heads panel's sweep, headless: a linear probe per (block, t) with the app's trainer
      and recipe (default: Adam, cosine, standardised; --recipe paper: SGD, StepLR; E epochs).
      Images (PNG, JPEG, WebP; files that do not decode are listed) keep the dataset's
      train/ + test/ split, else a seeded stratified split puts Q% of each class in test.
      Images are cut into shards of N; a shard at one t is the unit of work: one U-Net pass
      per image for all blocks, stored atomically in the store (default <dir>/shards).
      Rerunning the same command resumes from the stored shards. Writes <dir>/sweep.json,
      sweep.csv and heatmap.png; a progress bar on stderr, a
      JSON summary on stdout.
        --t LIST       timesteps, e.g. 10,50,90 (each ${r('t')}, below the model's T)
        --blocks LIST  e.g. 12,14 or 1-19 or all (default all)
        --pool P       pool size (default 2)
        --seed S       noise, split and training seed (default 0)
        --shard N      images per shard (default 256; ${r('shard')})
        --epochs E     epochs per probe (default 10, as the panel; ${r('epochs')})
        --test-percent Q  share of each class in test without a split layout (default 20;
                       ${r('testPercent')})
        --cond NAME=V  a conditioning input's value, as extract's, one for every image: a
                       class id, or a context .npy of [L, D] or [1, L, D]. It is part of the
                       shard keys (another class never reuses a shard) and of sweep.json
                       (class id; context file name and sha256); queued jobs take the values
                       from the plan, so workers need no copy of the .npy
        --queue URL    enqueue the sweep as a BullMQ flow on Redis for \`diffprobe worker\`s:
                       one job per (shard, t), the probe training as their parent; waits and
                       shows the jobs done across all workers. Model, images and store must be
                       at the same paths on every worker (a shared filesystem).

  worker --queue redis://HOST:PORT [--device cpu|cuda] [--concurrency N] [--threads N]
          [--lock-seconds L]
      Runs queued sweep jobs with onnxruntime-node until SIGINT/SIGTERM. A worker that dies
      loses nothing: its job goes to another worker once its lock runs out (L seconds,
      default 30; ${r('lockSeconds')}).
        --device D       cpu (default) or cuda (onnxruntime-node's CUDA provider, on Linux x64
                         with CUDA 12; falls back to the CPU for unsupported nodes)
        --concurrency N  jobs at once (default 1; ${r('concurrency')})

  help      Print this text.

  --debug   With any command: print the stack trace of an internal error.

exit status: 0 success, 1 bad input (one line on stderr saying what), 2 internal error.
`;
