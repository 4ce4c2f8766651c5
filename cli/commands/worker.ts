/**
 * `diffprobe worker --queue redis://HOST:PORT [--device cpu|cuda] [--concurrency N]`: runs the
 * jobs of queued sweeps (cli/shared/sweepQueue.ts) with onnxruntime-node until stopped
 * (SIGINT / SIGTERM finish the running jobs first; a SIGKILL loses nothing: another worker
 * takes the job over once its lock runs out). One line per job on stderr.
 */
import { choiceArg, defaultThreads, intArg, show } from '../shared/args';
import { CliError } from '../shared/errors';
import type { Io } from '../shared/io';
import { LIMITS } from '../shared/limits';
import type { Device } from '../shared/shardRunner';
import { startWorker, type WorkerOptions } from '../shared/sweepQueue';
import { queueArg } from './sweepArgs';

export function parseWorkerArgs(args: readonly string[]): WorkerOptions & { queue: string } {
  let queue: string | undefined;
  let device: Device = 'cpu';
  let concurrency = 1;
  let threads: number | undefined;
  let lockSeconds = 30;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case '--queue':
        queue = queueArg(args[++i]);
        break;
      case '--device':
        device = choiceArg(a, args[++i], ['cpu', 'cuda']);
        break;
      case '--concurrency':
        concurrency = intArg(a, args[++i], LIMITS.concurrency);
        break;
      case '--threads':
        threads = intArg(a, args[++i], LIMITS.threads);
        break;
      case '--lock-seconds':
        lockSeconds = intArg(a, args[++i], LIMITS.lockSeconds);
        break;
      default:
        throw new CliError(
          a.startsWith('-')
            ? `worker: unknown option ${show(a)}`
            : `worker: unexpected argument ${show(a)}`,
        );
    }
  }
  if (queue === undefined) throw new CliError('worker: give --queue redis://HOST:PORT');
  return { queue, device, concurrency, threads: threads ?? defaultThreads(), lockSeconds };
}

/** Runs a worker until SIGINT or SIGTERM. */
export async function workerCommand(args: readonly string[], io: Io): Promise<void> {
  const opts = parseWorkerArgs(args);
  const { worker, close } = startWorker(opts.queue, opts, (line) => io.err(line + '\n'));
  await worker.waitUntilReady();
  io.err(
    `worker: ready on ${opts.queue} (${opts.device}, concurrency ${opts.concurrency}, ${opts.threads} threads)\n`,
  );
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.err('worker: stopping after the running jobs\n');
      void close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
