/**
 * The queued sweep on BullMQ (Redis): one flow per sweep, its children one job per (shard, t)
 * that a worker computes into the store (ShardRunner), its parent the probe training
 * (trainProbes), which BullMQ runs once every child has finished. Jobs carry the plan file's
 * path, their (shard, t) and the conditioning's record: the plan (with any context values), the
 * model, the images and the store sit on a filesystem every machine reaches. A worker that dies
 * stops renewing its job's lock; BullMQ's stalled-job check hands the job to another worker,
 * and since a shard file is written atomically under its own name, a job that runs twice writes
 * the same file.
 */
import { readFileSync } from 'node:fs';
import { FlowProducer, Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  describeConditioningRecord,
  sameConditioning,
  type ConditioningRecord,
} from '../../src/core/conditioning/conditioning';
import { recordOfJson } from '../../src/core/conditioning/conditioningJson';
import { shardJobs, type ShardJob, type SweepPlan } from '../../src/core/sweep/sweepPlan';
import { CliError, firstLine } from './errors';
import { ShardRunner, type Device } from './shardRunner';
import { trainProbes, type ProbeResults } from './sweepProbes';

export const QUEUE_NAME = 'diffprobe-sweep';

export interface ShardData {
  planFile: string;
  store: string;
  job: ShardJob;
  /**
   * The conditioning the sweep was queued with (class ids; a context's file name and sha256).
   * Its values are in the plan; a worker refuses a plan whose conditioning is not this one.
   */
  conditioning?: ConditioningRecord[];
}
interface ProbesData {
  planFile: string;
  store: string;
}

function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

export function readPlan(planFile: string): SweepPlan {
  try {
    return JSON.parse(readFileSync(planFile, 'utf8')) as SweepPlan;
  } catch (e) {
    throw new CliError(`${planFile}: cannot read the sweep plan (${firstLine(e)})`);
  }
}

/**
 * Enqueues a sweep as a flow and waits for its parent (the probes). `onProgress` hears the
 * number of finished (shard, t) jobs across all workers; `computed` counts the jobs that
 * computed their shard (the others found it stored).
 */
export async function runQueued(
  url: string,
  plan: SweepPlan,
  planFile: string,
  store: string,
  onProgress: (done: number, total: number) => void,
): Promise<ProbeResults & { computed: number }> {
  const conns = [connect(url), connect(url)];
  const flows = new FlowProducer({ connection: conns[0]! });
  const events = new QueueEvents(QUEUE_NAME, { connection: conns[1]! });
  try {
    await events.waitUntilReady();
    const jobs = shardJobs(plan);
    const retry = { attempts: 5, backoff: { type: 'exponential' as const, delay: 1000 } };
    const tree = await flows.add({
      name: 'probes',
      queueName: QUEUE_NAME,
      data: { planFile, store } satisfies ProbesData,
      opts: { ...retry, removeOnComplete: false },
      children: shardJobData(plan, planFile, store).map((data) => ({
        name: 'shard',
        queueName: QUEUE_NAME,
        data,
        opts: { ...retry, failParentOnFailure: true },
      })),
    });
    const parent = tree.job;
    let stop = false;
    const poll = (async () => {
      while (!stop) {
        const c = await parent.getDependenciesCount({ processed: true, unprocessed: true });
        onProgress(c.processed ?? 0, jobs.length);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      const value = (await parent.waitUntilFinished(events)) as ProbeResults;
      stop = true;
      await poll.catch(() => undefined);
      onProgress(jobs.length, jobs.length);
      // Each shard job returns whether it computed its shard or found it stored.
      const children = Object.values(await parent.getChildrenValues()) as { computed?: boolean }[];
      return { ...value, computed: children.filter((c) => c.computed === true).length };
    } catch (e) {
      stop = true;
      await poll.catch(() => undefined);
      // The parent fails with "child … failed"; the child's own reason says why.
      const why = (await childReason(firstLine(e), conns[0]!)) ?? firstLine(e);
      throw new CliError(`the queued sweep failed: ${firstLine(why)}`);
    }
  } finally {
    await events.close();
    await flows.close();
    for (const c of conns) c.disconnect();
  }
}

/** The failed reason of the child a parent's "child <key> failed" names, when it can be read. */
async function childReason(message: string, connection: Redis): Promise<string | undefined> {
  const id = /child \S*:([^:\s]+) failed/.exec(message)?.[1];
  if (!id) return undefined;
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const child = await Job.fromId(queue, id);
    return child?.failedReason || undefined;
  } catch {
    return undefined;
  } finally {
    await queue.close();
  }
}

/** The data of a plan's shard jobs, as it travels through Redis. */
export function shardJobData(plan: SweepPlan, planFile: string, store: string): ShardData[] {
  const conditioning = plan.conditioning ? { conditioning: recordOfJson(plan.conditioning) } : {};
  return shardJobs(plan).map((job) => ({ planFile, store, job, ...conditioning }));
}

/** A shard job's conditioning must be its plan's: the values a worker feeds come from the plan. */
export function checkJobConditioning(data: ShardData, plan: Pick<SweepPlan, 'conditioning'>): void {
  const queued = data.conditioning ?? [];
  const planned = recordOfJson(plan.conditioning ?? []);
  if (!sameConditioning(queued, planned))
    throw new CliError(
      `${data.planFile}: the job was queued with ${describeConditioningRecord(queued)}, ` +
        `the plan feeds ${describeConditioningRecord(planned)}`,
    );
}

export interface WorkerOptions {
  device: Device;
  concurrency: number;
  threads: number;
  lockSeconds: number;
}

/** A worker that runs sweep jobs until closed; `log` hears one line per job start and end. */
export function startWorker(
  url: string,
  options: WorkerOptions,
  log: (line: string) => void,
): { worker: Worker; close: () => Promise<void> } {
  const runners = new Map<string, ShardRunner>();
  const runnerFor = (planFile: string, store: string): ShardRunner => {
    const key = `${planFile}\n${store}`;
    let r = runners.get(key);
    if (!r) {
      r = new ShardRunner(readPlan(planFile), store, {
        threads: options.threads,
        device: options.device,
      });
      runners.set(key, r);
    }
    return r;
  };
  const conn = connect(url);
  const run = async (job: Job): Promise<unknown> => {
    if (job.name === 'shard') {
      const d = job.data as ShardData;
      const what = `shard ${d.job.shard} t=${d.job.t}`;
      const cond = d.conditioning?.length ? `, ${describeConditioningRecord(d.conditioning)}` : '';
      log(`worker: start ${what}${cond} (job ${job.id})`);
      const t0 = performance.now();
      const runner = runnerFor(d.planFile, d.store);
      checkJobConditioning(d, runner.plan);
      const computed = await runner.run(d.job);
      const s = ((performance.now() - t0) / 1000).toFixed(2);
      log(`worker: done ${what} in ${s} s${computed ? '' : ' (already stored)'}`);
      return { computed };
    }
    if (job.name === 'probes') {
      const d = job.data as ProbesData;
      log(`worker: start probes (job ${job.id})`);
      const out = await trainProbes(readPlan(d.planFile), d.store);
      log(`worker: done probes, ${out.cells.length} cells`);
      return out;
    }
    throw new Error(`unknown job ${job.name}`);
  };
  const lockDuration = options.lockSeconds * 1000;
  // Bad input (a CliError: a missing file, another model) fails at once; anything else is retried.
  const process = (job: Job): Promise<unknown> =>
    run(job).catch((e: unknown) => {
      throw e instanceof CliError ? new UnrecoverableError(e.message) : e;
    });
  const worker = new Worker(QUEUE_NAME, process, {
    connection: conn,
    concurrency: options.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 10,
  });
  worker.on('failed', (job, err) => log(`worker: job ${job?.id ?? '?'} failed: ${firstLine(err)}`));
  return {
    worker,
    close: async () => {
      await worker.close();
      for (const r of runners.values()) await r.close();
      conn.disconnect();
    },
  };
}
