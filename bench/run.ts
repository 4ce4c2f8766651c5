/**
 * `npm run bench`: speed of the feature engine, measured in one run on this machine.
 * Prints a table and writes bench/reports/latest.json. Benchmarks measure; they never fail a
 * test. Needs a built app (`npm run bench` builds it) and Debian's Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Browser } from 'playwright-core';
import { withServedApp } from '../scripts/servedApp';
import type { ModelManifest } from '../src/core/manifest/types';
import { coldStartInPage, timeExtractInPage, timeInPage } from './browser';
import type { SectionResult } from './sections';
import { SECTIONS } from './sections';

const PORT = Number(process.env.DIFFPROBE_BENCH_PORT ?? 4329);
const MODEL_DIR = 'public/models/fmnist-adm-s';
const MODEL_URL = 'models/fmnist-adm-s/';
const manifest = JSON.parse(readFileSync(`${MODEL_DIR}/manifest.json`, 'utf8')) as ModelManifest;
const ALL = manifest.blocks.map((b) => b.output);
const EARLY = manifest.blocks[3]!; // block 4: the last block at full resolution
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 1 : 3;
/** `npm run bench -- --only <section>` runs one section (and skips the feature-engine timings). */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const sectionResults: Record<string, SectionResult> = {};

interface Row {
  case: string;
  runtime: string;
  batch: number;
  imagesPerSecond: number;
  msPerBatch: number;
  note?: string;
}
const rows: Row[] = [];

async function timeNode(outputs: string[], batch: number): Promise<Row> {
  const threads = Math.min(os.cpus().length, 16);
  const session = await ort.InferenceSession.create(`${MODEL_DIR}/model.onnx`, {
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
  });
  const x = new Float32Array(batch * 1024).map((_, i) => Math.sin(i) * 0.9);
  const feeds = {
    x: new ort.Tensor('float32', x, [batch, 1, 32, 32]),
    t: new ort.Tensor('float32', new Float32Array(batch).fill(90), [batch]),
  };
  for (let i = 0; i < 3; i++) await session.run(feeds, outputs);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000 || n < 3) {
    await session.run(feeds, outputs);
    n += 1;
  }
  const ms = (performance.now() - start) / n;
  await session.release();
  return {
    case: `all ${outputs.length} outputs`,
    runtime: `onnxruntime-node CPU · ${threads} threads`,
    batch,
    imagesPerSecond: (batch * 1000) / ms,
    msPerBatch: ms,
  };
}

function timeTorch(): Row[] {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(
    py,
    [
      '-m',
      'diffprobe_tools.bench_torch',
      '--batches',
      '1,32',
      '--seconds',
      String(SECONDS),
      '--threads',
      String(os.cpus().length),
    ],
    { cwd: 'tools', encoding: 'utf8' },
  );
  if (r.status !== 0) {
    console.warn('PyTorch not measured:', (r.stderr || '').trim().split('\n').pop());
    return [];
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    torch: string;
    threads: number;
    results: { batch: number; msPerBatch: number; imagesPerSecond: number }[];
  };
  return out.results.map((res) => ({
    case: `all ${ALL.length + 1} outputs`,
    runtime: `PyTorch ${out.torch} CPU · ${out.threads} threads`,
    batch: res.batch,
    imagesPerSecond: res.imagesPerSecond,
    msPerBatch: res.msPerBatch,
  }));
}

/** The feature engine's timings in the page: WASM (ours and default settings), extract, WebGPU, cold start. */
async function engineTimings(browser: Browser, base: string, outputs: string[]): Promise<void> {
  const page = await browser.newPage();
  await page.goto(base);
  await page.waitForFunction(() => 'diffprobe' in globalThis);
  const inPage = async (
    label: string,
    preference: 'wasm' | 'webgpu' | 'wasm-baseline',
    outs: string[],
    batch: number,
    seconds = SECONDS,
  ) => {
    const r = await timeInPage(page, {
      preference,
      model: MODEL_URL,
      outputs: outs,
      batch,
      warmup: preference === 'webgpu' ? 1 : 3,
      seconds,
    });
    rows.push({
      case: label,
      runtime: r.runtime,
      batch,
      imagesPerSecond: r.imagesPerSecond,
      msPerBatch: r.msPerBatch,
    });
    console.log(
      `${label.padEnd(28)} ${r.runtime.padEnd(56)} b=${batch} ${r.imagesPerSecond.toFixed(1)} img/s`,
    );
  };
  for (const batch of [1, 32]) {
    await inPage(`all ${outputs.length} outputs`, 'wasm', outputs, batch);
    await inPage(`all ${outputs.length} outputs`, 'wasm-baseline', outputs, batch);
  }
  await inPage(`early block ${EARLY.index} only`, 'wasm', [EARLY.output], 32);
  // The feature path proper: seeded noise, one pass, pooling p=2 in the graph.
  const extractRow = async (label: string, blocks: number[]) => {
    const r = await timeExtractInPage(page, {
      preference: 'wasm',
      model: MODEL_URL,
      blocks,
      pool: 2,
      batch: 32,
      seconds: SECONDS,
    });
    rows.push({
      case: label,
      runtime: r.runtime,
      batch: 32,
      imagesPerSecond: r.imagesPerSecond,
      msPerBatch: r.msPerBatch,
    });
    console.log(`${label.padEnd(28)} b=32 ${r.imagesPerSecond.toFixed(1)} img/s`);
  };
  await extractRow(
    `extract all ${ALL.length} blocks, pool 2`,
    manifest.blocks.map((b) => b.index),
  );
  await extractRow(`extract block ${EARLY.index}, pool 2`, [EARLY.index]);
  if (!quick) {
    for (const batch of [1, 8])
      await inPage(`all ${outputs.length} outputs`, 'webgpu', outputs, batch, 1);
  }
  const cold = await coldStartInPage(page, { preference: 'wasm', model: MODEL_URL, block: 10 });
  rows.push({
    case: 'cold start → first feature map',
    runtime: cold.runtime,
    batch: 1,
    imagesPerSecond: 0,
    msPerBatch: cold.ms,
  });
}

async function main(): Promise<void> {
  const outputs = ['eps', ...ALL];
  await withServedApp(PORT, async (browser, base) => {
    // `--no-sections`: only the feature-engine timings.
    const sections = process.argv.includes('--no-sections') ? [] : SECTIONS;
    for (const section of sections) {
      if (only && section.name !== only) continue;
      console.log(`\n— ${section.name} —`);
      sectionResults[section.name] = await section.run({ browser, base, quick });
    }
    if (!only) await engineTimings(browser, base, outputs);
  });
  if (!only) {
    for (const batch of [1, 32]) rows.push(await timeNode(outputs, batch));
    rows.push(...timeTorch());
  }
  report();
}

function report(): void {
  const find = (runtime: string, batch: number, kase = `all ${ALL.length + 1} outputs`) =>
    rows.find((r) => r.runtime.startsWith(runtime) && r.batch === batch && r.case === kase);
  const goals: Record<string, unknown> = {};
  for (const batch of [1, 32]) {
    const wasm = find('WASM: requested', batch);
    const node = find('onnxruntime-node', batch);
    const baseline = find('WASM: onnxruntime-web default', batch);
    if (wasm && node)
      goals[`wasmVsNodeBatch${batch}`] = wasm.imagesPerSecond / node.imagesPerSecond;
    if (wasm && baseline)
      goals[`wasmVsDefaultBatch${batch}`] = wasm.imagesPerSecond / baseline.imagesPerSecond;
  }
  const early = rows.find((r) => r.case.startsWith('early block'));
  const all32 = find('WASM: requested', 32);
  if (early && all32 && manifest.flops && EARLY.flopsUpTo) {
    const timeShare = all32.imagesPerSecond / early.imagesPerSecond;
    const flopShare = EARLY.flopsUpTo / manifest.flops;
    goals.earlyBlockTimeShare = timeShare;
    goals.earlyBlockFlopShare = flopShare;
    goals.earlyBlockRatio = timeShare / flopShare;
  }
  const exAll = rows.find((r) => r.case.startsWith('extract all'));
  const exEarly = rows.find((r) => r.case.startsWith(`extract block ${EARLY.index}`));
  if (exAll && exEarly && manifest.flops && EARLY.flopsUpTo) {
    goals.earlyBlockRatioExtract =
      exAll.imagesPerSecond / exEarly.imagesPerSecond / (EARLY.flopsUpTo / manifest.flops);
  }
  console.log('\n| case | runtime | batch | img/s | ms/batch |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.case} | ${r.runtime} | ${r.batch} | ${r.imagesPerSecond ? r.imagesPerSecond.toFixed(1) : '—'} | ${r.msPerBatch.toFixed(1)} |`,
    );
  }
  console.log(
    '\nGoals (WASM ≥ 0.25× node at batch 1 and 32; ≥ 1× the default settings; early block ≤ 1.2× its FLOP share):',
  );
  for (const [k, v] of Object.entries(goals)) console.log(`  ${k}: ${(v as number).toFixed(3)}`);
  for (const [name, result] of Object.entries(sectionResults)) {
    console.log(`\n${name}\n\n| case | runtime | value | unit |\n| --- | --- | --- | --- |`);
    for (const r of result.rows) {
      console.log(`| ${r.case} | ${r.runtime} | ${r.value.toPrecision(4)} | ${r.unit} |`);
    }
    for (const [k, v] of Object.entries(result.goals)) console.log(`  ${k}: ${v.toFixed(3)}`);
  }
  mkdirSync('bench/reports', { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    model: {
      id: manifest.id,
      sha256: manifest.sha256,
      flops: manifest.flops,
      parameters: manifest.parameters,
    },
    rows,
    goals,
    sections: sectionResults,
  };
  const file = only ? `bench/reports/${only}.json` : 'bench/reports/latest.json';
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

await main();
