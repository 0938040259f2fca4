/**
 * Engine benchmark (not a test, never asserts timing): `npm run bench:engine`.
 *
 * On 512×512 slices of a synthetic phantom (src/engine/testing/phantom.ts) whose objects
 * span every slice, each object gets a box on slice 0 and is propagated 'forward' from 0
 * with the real Tracker on onnxruntime-web (WASM, in Node):
 *
 *  - per tracked slice: the wall time of the whole step (every object), the time inside each
 *    graph's session.run (OrtSam2Graphs.onRun; vision_encoder once per slice, the other four
 *    per object) and "our overhead" = step wall − Σ graph runs, per slice and per object;
 *    mean and p95, for 1 and for 3 objects, with 1 and 2 WASM threads;
 *  - our overhead broken down by micro-benchmarks of the exported pieces on representative
 *    inputs (slice extraction + preprocessing, feature re-layout, bank selection + assembly,
 *    post-processing, storing a slice);
 *  - our overhead split in the run itself: inside OrtSam2Graphs but outside session.run
 *    (feeds, output reads, toTokens), in the Tracker, GC pauses (PerformanceObserver 'gc'),
 *    and the Tracker's process CPU time (less sensitive to other load on the machine);
 *  - memory: tracker.memoryBytes() (and process heap / RSS for context) after 50 and after
 *    300 slices of the same run, for 1 and for 3 objects.
 *
 * Targets (the engine issue): our overhead ≤ 5 ms per slice per object; no spatial memory
 * dropped and RAM bounded: besides the memories set aside (RAM up to --memory-budget MiB,
 * default 256, then a spill file in the temp folder, as OPFS in the browser) only object
 * pointers grow with the number of slices. The fixture model (models/fixture) always runs; a real model from
 * models/*.json runs too when all its files are present locally (next to the manifest or
 * under models/<id>/, with the manifest's byte sizes), otherwise it is reported as skipped.
 *
 * Options: --threads 1,2 (WASM thread counts), --slices 300 (the 1-object run; memory is
 * read at 50 and at this count), --slices3 N (the 3-object run, default 300), --real-slices
 * N (real models, which are far slower on WASM: the 1-object run, default 60, memory read at
 * 21 and at N; the 3-object run is a third of it; only the largest thread count),
 * --models-dir DIR (where to look for real models, default models/), --no-micro, --no-1024 (skip the
 * fixture built at 1024 px, whose run gives the memory figures at that size).
 *
 * `--compare MODEL_DIR [--trace TRACE_DIR] [--threads N] [--port 4185]` instead measures one
 * exported model (tools/export) on WASM in headless Chromium, WASM in Node, onnxruntime-node
 * and PyTorch (the trace's timings): see tools/bench/engine/runtimes.ts.
 *
 * `--webgpu MODEL_DIR[,MODEL_DIR…]` runs exported models on WebGPU in headless Chromium, graph by
 * graph, with ms per run and the difference from WASM: see tools/bench/engine/webgpu.ts.
 */
import { existsSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { assembleBank, BankBuffers, fixedGeometry, selectForBank, type BankShape } from '../../src/engine/worker/bank/assemble.ts';
import { bankConfigFor } from '../../src/engine/worker/bank/config.ts';
import type { DecoderOutput } from '../../src/engine/worker/graphs.ts';
import {
  applyObjectScore,
  decoderToMask,
  decoderToMaskReference,
  fillHoles,
  fillHolesReference,
  pickMultimask,
  toMask,
  upsampleToMask,
  DEFAULT_MAX_HOLE_AREA,
} from '../../src/engine/worker/image/postprocess.ts';
import { sliceToModelInput, sliceToModelInputReference } from '../../src/engine/worker/image/preprocess.ts';
import { resizeBilinearReference } from '../../src/engine/worker/image/resize.ts';
import { OrtSam2Graphs, toTokens } from '../../src/engine/worker/runtime/ort-graphs.ts';
import { ObjectTrack, type StoredSlice } from '../../src/engine/worker/track/object-track.ts';
import type { SpillFile } from '../../src/engine/worker/track/memory-store.ts';
import { Tracker } from '../../src/engine/worker/track/tracker.ts';
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey, type ModelManifest } from '../../src/engine/models/manifest.ts';
import { boxOn, makePhantom, type Phantom, type PhantomObject } from '../../src/engine/testing/phantom.ts';
import { extractSlice } from '../../src/engine/slices.ts';
import type { SliceResult } from '../../src/engine/protocol.ts';
import type { Vec3 } from '../../src/shared/volume.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE_DIR = join(ROOT, 'models/fixture');
const SIDE = 512;
const WINDOW = { min: 0, max: 100 };
const TARGET_OVERHEAD_MS = 5;
const GRAPHS = ['vision_encoder', 'memory_attention', 'pointer_tpos', 'mask_decoder', 'memory_encoder'] as const;
type Graph = (typeof GRAPHS)[number];
const PER_SLICE_GRAPHS: ReadonlySet<Graph> = new Set(['vision_encoder']);
const MB = 1024 * 1024;
const KB = 1024;

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const intOpt = (name: string, dflt: number): number => {
  const v = opt(name);
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${v})`);
  return n;
};
const THREADS = (opt('--threads') ?? '1,2').split(',').map((s) => Number(s.trim()));
if (THREADS.some((t) => !Number.isInteger(t) || t < 1)) throw new Error('--threads takes positive integers, e.g. 1,2');
const SLICES = intOpt('--slices', 300);
const SLICES3 = intOpt('--slices3', 300);
/** RAM for spatial memories set aside, per run (MiB): beyond it they go to a spill file in the temp folder. */
const MEMORY_BUDGET_MB = intOpt('--memory-budget', 256);
const REAL_SLICES = intOpt('--real-slices', 60);
const MODELS_DIR = resolve(opt('--models-dir') ?? join(ROOT, 'models'));
const MICRO = !args.includes('--no-micro');
const FIXTURE_1024 = !args.includes('--no-1024');
const MEMORY_EARLY = 50;

// ---------------------------------------------------------------- helpers
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2) : '–');
const mb = (b: number): string => `${(b / MB).toFixed(1)} MB`;
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function table(head: string[], rows: string[][], firstWidth = 34): string {
  const widths = head.map((h, i) => Math.max(i === 0 ? firstWidth : 9, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return `${model}; ${availableParallelism()} cores available (${cpus().length} CPUs); Node ${process.version}; onnxruntime-web ${ortVersion()} (WASM, in Node)`;
}

function ortVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------- models
interface ModelFiles {
  manifest: ModelManifest;
  files: Record<ModelFileKey, ArrayBuffer>;
  where: string;
}

function readBuffer(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function loadFixture(): ModelFiles {
  const manifest = restoreManifest(JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')), 'models/fixture/manifest.json');
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  for (const k of MODEL_FILE_KEYS) files[k] = readBuffer(join(FIXTURE_DIR, `${k}.${k === 'constants' ? 'json' : 'onnx'}`));
  return { manifest, files, where: 'models/fixture' };
}

/** The fixture written at 1024 px by make_fixture.py into a temporary folder, or why it could not be. */
function fixture1024(): ModelFiles | string {
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-fixture-1024-'));
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, [join(ROOT, 'tools/fixture-model/make_fixture.py'), dir, '--image-size', '1024'], { encoding: 'utf8' });
  if (r.status !== 0) return `make_fixture.py failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`;
  const manifest = restoreManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), 'fixture-1024/manifest.json');
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  for (const k of MODEL_FILE_KEYS) files[k] = readBuffer(join(dir, `${k}.${k === 'constants' ? 'json' : 'onnx'}`));
  rmSync(dir, { recursive: true, force: true });
  return { manifest, files, where: 'tools/fixture-model/make_fixture.py --image-size 1024' };
}

/** Real models from models/*.json whose files are all here; the others with the reason they were skipped. */
function findRealModels(): { present: ModelFiles[]; skipped: string[] } {
  const present: ModelFiles[] = [];
  const skipped: string[] = [];
  if (!existsSync(MODELS_DIR)) return { present, skipped: [`${MODELS_DIR}: no such folder`] };
  for (const name of readdirSync(MODELS_DIR).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(MODELS_DIR, name);
    let manifest: ModelManifest;
    try {
      manifest = restoreManifest(JSON.parse(readFileSync(path, 'utf8')), name);
    } catch (e) {
      skipped.push(`${name}: not a usable manifest (${(e as Error).message})`);
      continue;
    }
    const files = {} as Record<ModelFileKey, ArrayBuffer>;
    const missing: string[] = [];
    const dirs = new Set<string>();
    for (const k of MODEL_FILE_KEYS) {
      const entry = manifest.files[k];
      const file = basename(entry.url.split(/[?#]/)[0]!);
      const candidates = [join(MODELS_DIR, file), join(MODELS_DIR, manifest.id, file)];
      if (!/^[a-z]+:/i.test(entry.url)) candidates.push(join(ROOT, entry.url));
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (!found) {
        missing.push(`${file} (not in models/ nor models/${manifest.id}/)`);
        continue;
      }
      const size = statSync(found).size;
      if (size !== entry.bytes) {
        missing.push(`${found}: ${size} bytes, the manifest says ${entry.bytes}`);
        continue;
      }
      files[k] = readBuffer(found);
      dirs.add(dirname(found));
    }
    if (missing.length > 0) {
      const shown = missing.length === MODEL_FILE_KEYS.length ? 'none of its 6 files is here' : `missing or wrong: ${missing.join('; ')}`;
      skipped.push(`${manifest.id}: skipped, ${shown} (downloaded weights are never committed; put them in models/${manifest.id}/ to include it)`);
      continue;
    }
    present.push({ manifest, files, where: [...dirs].map((d) => d.replace(`${ROOT}/`, '')).join(', ') });
  }
  return { present, skipped };
}

// ---------------------------------------------------------------- phantom
/** Three well-separated blobs that drift across every slice of a 512² × n volume. */
function objectsFor(n: number): PhantomObject[] {
  const last = n - 1;
  return [
    { label: 1, first: 0, last, from: [150, 150], to: [200, 185], radius: 40 },
    { label: 2, first: 0, last, from: [370, 140], to: [335, 175], radius: 30, taper: true },
    { label: 3, first: 0, last, from: [250, 390], to: [285, 355], radius: 35 },
  ];
}

// ---------------------------------------------------------------- one propagation
interface Step {
  slice: number;
  start: number;
  wall: number;
  graph: Record<Graph, number>;
  /** Wall time inside OrtSam2Graphs' methods (session.run plus its feeds and output reads). */
  methods: number;
  /** GC pauses that started inside the step (PerformanceObserver 'gc'). */
  gc: number;
  /** Process CPU time (user + system) of the step outside OrtSam2Graphs' methods. */
  ownCpu: number;
}

/** A spill file on disk, as OPFS's synchronous access handle is in the browser. */
function diskSpill(): SpillFile {
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-spill-'));
  const fd = openSync(join(dir, 'memories.bin'), 'w+');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true })); // the run's tracker may still be read after it
  return {
    write: (buffer, { at }) => writeSync(fd, buffer, 0, buffer.length, at),
    read: (buffer, { at }) => readSync(fd, buffer, 0, buffer.length, at),
    truncate: (size) => ftruncateSync(fd, size),
  };
}

interface MemoryReading {
  slices: number;
  engine: number;
  /** Spatial memories set aside: in RAM (within engine), on disk. */
  asideRam: number;
  asideDisk: number;
  spatialKept: number;
  storedSlices: number;
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

interface RunResult {
  threads: number;
  objects: number;
  slices: number;
  steps: Step[];
  memory: MemoryReading[];
  dice: number[];
  totalMs: number;
  lastDecode: DecoderOutput | null;
  tracker: Tracker;
}

async function propagateRun(
  graphs: OrtSam2Graphs,
  manifest: ModelManifest,
  phantom: Phantom,
  objects: PhantomObject[],
  memoryAt: number[],
  threads: number,
): Promise<RunResult> {
  const dims = phantom.dims;
  const n = dims[2];
  const spill = diskSpill();
  const tracker = new Tracker(graphs, { data: phantom.data, dims }, WINDOW, {
    config: bankConfigFor(manifest.version),
    mean: manifest.normalisation.mean,
    std: manifest.normalisation.std,
    memories: { budget: MEMORY_BUDGET_MB * 1024 * 1024, spill },
  });
  for (const o of objects) await tracker.addPrompt(o.label, 2, 0, { box: boxOn(o, 0) });

  // Time every OrtSam2Graphs method (session.run + its own feeds / output reads) and keep
  // the last decoder output (for the post-processing micro-benchmark).
  let methods = 0;
  let methodsCpu = 0;
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = async <T>(run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const c = cpuMs();
    try {
      return await run();
    } finally {
      methods += performance.now() - t;
      methodsCpu += cpuMs() - c;
    }
  };
  let lastDecode: DecoderOutput | null = null;
  const real = {
    encodeImage: graphs.encodeImage.bind(graphs),
    decode: graphs.decode.bind(graphs),
    attend: graphs.attend.bind(graphs),
    encodeMemory: graphs.encodeMemory.bind(graphs),
    pointerPositions: graphs.pointerPositions.bind(graphs),
  };
  graphs.encodeImage = (p) => timed(() => real.encodeImage(p));
  graphs.decode = (f, c, p) => timed(async () => (lastDecode = await real.decode(f, c, p)));
  graphs.attend = (f, m, p, r) => timed(() => real.attend(f, m, p, r));
  graphs.encodeMemory = (f, m, o, b) => timed(() => real.encodeMemory(f, m, o, b));
  graphs.pointerPositions = (d) => timed(() => real.pointerPositions(d));
  const gcPauses: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });

  const acc = Object.fromEntries(GRAPHS.map((g) => [g, 0])) as Record<Graph, number>;
  graphs.onRun = (g, ms) => {
    acc[g as Graph] += ms;
  };
  const steps: Step[] = [];
  const memory: MemoryReading[] = [];
  const inter = new Float64Array(objects.length + 1);
  const sizes = new Float64Array(objects.length + 1);
  const plane = dims[0] * dims[1];
  let mark = 0;
  let markCpu = 0;

  const t0 = performance.now();
  mark = t0;
  markCpu = cpuMs();
  try {
    await tracker.propagate(
      { axis: 2, mode: 'forward', from: 0 },
      {
        onSlices: (rs: SliceResult[]) => {
          const wall = performance.now() - mark;
          const ownCpu = cpuMs() - markCpu - methodsCpu;
          if (rs.every((r) => r.source === 'tracked')) steps.push({ slice: rs[0]!.slice, start: mark, wall, graph: { ...acc }, methods, gc: 0, ownCpu });
          for (const g of GRAPHS) acc[g] = 0;
          // Outside the timed window: Dice against the phantom's truth.
          for (const r of rs) {
            const base = r.slice * plane;
            for (let i = 0; i < plane; i++) {
              const p = r.mask[i] === 1;
              const t = phantom.truth[base + i] === r.object;
              if (p && t) inter[r.object] = inter[r.object]! + 1;
              if (p || t) sizes[r.object] = sizes[r.object]! + (p && t ? 2 : 1);
            }
          }
        },
        onProgress: (done: number) => {
          const slices = done; // progress counts slices, once for all objects
          if (memoryAt.includes(slices)) {
            gc();
            const mu = process.memoryUsage();
            let spatialKept = 0;
            let storedSlices = 0;
            for (const o of objects) {
              const track = tracker.track(o.label)!;
              storedSlices += track.outputs.size;
              for (const t of track.outputs.keys()) if (track.hasSpatial(t)) spatialKept++;
            }
            const aside = tracker.setAsideStats();
            memory.push({ slices, engine: tracker.memoryBytes(), asideRam: aside.ramBytes, asideDisk: aside.diskBytes, spatialKept, storedSlices, heapUsed: mu.heapUsed, arrayBuffers: mu.arrayBuffers, rss: mu.rss });
          }
          for (const g of GRAPHS) acc[g] = 0;
          methods = 0;
          methodsCpu = 0;
          markCpu = cpuMs();
          mark = performance.now();
        },
        isCancelled: () => false,
      },
    );
  } finally {
    graphs.onRun = null;
    for (const m of Object.keys(real)) Reflect.deleteProperty(graphs, m); // back to the prototype's methods
    await new Promise((r) => setTimeout(r, 20)); // GC entries are delivered on a later task
    observer.disconnect();
  }
  for (const p of gcPauses) {
    const step = steps.find((s) => p.start >= s.start && p.start < s.start + s.wall);
    if (step) step.gc += p.duration;
  }
  const totalMs = performance.now() - t0;
  const dice = objects.map((o) => (sizes[o.label] === 0 ? 1 : (2 * inter[o.label]!) / sizes[o.label]!));
  return { threads, objects: objects.length, slices: n, steps, memory, dice, totalMs, lastDecode, tracker };
}

// ---------------------------------------------------------------- reporting
interface Summary {
  label: string;
  overheadPerObjMean: number;
  overheadPerObjP95: number;
}

function reportRun(title: string, r: RunResult): Summary {
  const k = r.objects;
  const rows: string[][] = [];
  const wall = r.steps.map((s) => s.wall);
  rows.push(['step wall time / slice', f1(mean(wall)), f1(quantile(wall, 0.5)), f1(quantile(wall, 0.95))]);
  let graphSum = r.steps.map(() => 0);
  for (const g of GRAPHS) {
    const per = r.steps.map((s) => s.graph[g]);
    graphSum = graphSum.map((v, i) => v + per[i]!);
    const unit = PER_SLICE_GRAPHS.has(g) ? '(1× / slice)' : `(${k}× / slice)`;
    rows.push([`  ${g} ${unit}`, f1(mean(per)), f1(quantile(per, 0.5)), f1(quantile(per, 0.95))]);
  }
  rows.push(['  all graphs', f1(mean(graphSum)), f1(quantile(graphSum, 0.5)), f1(quantile(graphSum, 0.95))]);
  const over = r.steps.map((s, i) => s.wall - graphSum[i]!);
  const overObj = over.map((v) => v / k);
  rows.push(['  our overhead / slice', f1(mean(over)), f1(quantile(over, 0.5)), f1(quantile(over, 0.95))]);
  const wrap = r.steps.map((s, i) => s.methods - graphSum[i]!);
  const own = r.steps.map((s) => s.wall - s.methods);
  const gcs = r.steps.map((s) => s.gc);
  rows.push(['    in OrtSam2Graphs, outside run', f1(mean(wrap)), f1(quantile(wrap, 0.5)), f1(quantile(wrap, 0.95))]);
  rows.push(['    in Tracker (pre/post, bank, store)', f1(mean(own)), f1(quantile(own, 0.5)), f1(quantile(own, 0.95))]);
  rows.push(['    GC pauses in the step (any part)', f1(mean(gcs)), f1(quantile(gcs, 0.5)), f1(quantile(gcs, 0.95))]);
  const ownCpu = r.steps.map((s) => s.ownCpu);
  if (r.threads === 1) rows.push(['    in Tracker, process CPU time ¹', f1(mean(ownCpu)), f1(quantile(ownCpu, 0.5)), f1(quantile(ownCpu, 0.95))]);
  rows.push([`our overhead / slice / object`, f1(mean(overObj)), f1(quantile(overObj, 0.5)), f1(quantile(overObj, 0.95))]);
  const share = (100 * mean(over)) / mean(wall);
  console.log(`\n${title}: ${r.steps.length} tracked slices of ${SIDE}×${SIDE}×${r.slices}, ${k} object${k > 1 ? 's' : ''}, ${(r.totalMs / 1000).toFixed(1)} s in all`);
  console.log(table(['per tracked slice (ms)', 'mean', 'p50', 'p95'], rows));
  console.log(`  our share of the step: ${share.toFixed(1)} %; per object per graph: ${GRAPHS.filter((g) => !PER_SLICE_GRAPHS.has(g)).map((g) => `${g} ${f1(mean(r.steps.map((s) => s.graph[g] / k)))}`).join(', ')} ms`);
  if (r.threads === 1) console.log('  ¹ CPU time of the process outside the graph methods (1 WASM thread: the main thread and V8 helpers); less sensitive to other load than wall time');
  console.log(`  sanity: Dice vs phantom truth over the tracked slices: ${r.dice.map((d, i) => `object ${i + 1} ${d.toFixed(3)}`).join(', ')}`);
  return { label: title, overheadPerObjMean: mean(overObj), overheadPerObjP95: quantile(overObj, 0.95) };
}

function reportMemory(r: RunResult, spatialBytes: number, pointerBytes: number, numMaskmem: number): string {
  if (r.memory.length < 2) return 'memory: not enough readings';
  const rows = r.memory.map((m) => [
    `after ${m.slices} slices`,
    mb(m.engine),
    mb(m.asideRam),
    mb(m.asideDisk),
    `${m.spatialKept} / ${m.storedSlices}`,
    mb(m.heapUsed),
    mb(m.arrayBuffers),
    mb(m.rss),
  ]);
  console.log(`\nMemory, ${r.objects} object${r.objects > 1 ? 's' : ''}, read in the same run (process figures after a full GC, for context only: they include the phantom volumes and ORT's WASM heap)`);
  console.log(table(['', 'RAM: memoryBytes()', 'of it set aside', 'set aside on disk', 'spatial kept / stored', 'heap used', 'arrayBuffers', 'RSS'], rows, 20));
  const a = r.memory[0]!;
  const b = r.memory[r.memory.length - 1]!;
  const budget = MEMORY_BUDGET_MB * 1024 * 1024;
  const atHand = b.engine - b.asideRam; // float32 memories at hand, pointers, masks, features
  const perSliceObj = (atHand - (a.engine - a.asideRam)) / (b.slices - a.slices) / r.objects;
  const nothingDropped = r.memory.every((m) => m.spatialKept === m.storedSlices);
  const bounded = b.asideRam <= budget && perSliceObj <= pointerBytes + 64;
  const judged = a.slices >= 3 * numMaskmem;
  console.log(
    `  growth ${a.slices}→${b.slices} slices, besides what is set aside: ${(perSliceObj / KB).toFixed(2)} KB / slice / object ` +
      `(one object pointer = ${(pointerBytes / KB).toFixed(2)} KB); set aside: ${mb(b.asideRam)} in RAM (budget ${MEMORY_BUDGET_MB} MiB), ${mb(b.asideDisk)} on disk ` +
      `(one spatial memory = ${(spatialBytes / KB).toFixed(0)} KB as float32, half set aside as bfloat16)`,
  );
  return (
    `memory after ${b.slices} slices × ${r.objects} object${r.objects > 1 ? 's' : ''}: RAM ${mb(b.engine)} (set aside ${mb(b.asideRam)}, budget ${MEMORY_BUDGET_MB} MiB), disk ${mb(b.asideDisk)}; ` +
    `spatial memories kept ${b.spatialKept} of ${b.storedSlices}: ` +
    (!judged ? `inconclusive (the first reading must come after ≥ ${3 * numMaskmem} slices)` : nothingDropped && bounded ? 'none dropped, RAM bounded, met' : `${nothingDropped ? '' : 'some dropped, '}${bounded ? '' : 'RAM not bounded, '}not met`)
  );
}

// ---------------------------------------------------------------- micro-benchmarks
function time(fn: () => unknown, minMs = 150, minRuns = 10): { median: number; mean: number } {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const xs: number[] = [];
  const t0 = performance.now();
  while (xs.length < minRuns || performance.now() - t0 < minMs) {
    const a = performance.now();
    fn();
    xs.push(performance.now() - a);
    if (xs.length > 2000) break;
  }
  return { median: quantile(xs, 0.5), mean: mean(xs) };
}

function micro(graphs: OrtSam2Graphs, manifest: ModelManifest, phantom: Phantom, r: RunResult, measured: { p50: number; cpuP50: number; p50Slice1: number; cpuP50Slice1: number }): void {
  const dims = phantom.dims;
  const s = graphs.imageSize;
  const k = r.objects;
  const objTrack = r.tracker.track(1)!;
  const frame = r.slices - 1;
  const config = bankConfigFor(manifest.version);
  const hw = graphs.featureGrid * graphs.featureGrid;
  const tpp = graphs.hiddenDim / graphs.memDim;
  const shape: BankShape = {
    tokensPerMaskmem: hw,
    memDim: graphs.memDim,
    hiddenDim: graphs.hiddenDim,
    fixed: graphs.fixedBankRows === null ? null : fixedGeometry(graphs.fixedBankRows, hw, graphs.pointerSlots, tpp),
  };
  const state = { outputs: objTrack.outputs, numFrames: r.slices };
  // The selection the tracker would make for the slice after the last one stored (its bank is full).
  const sel = selectForBank(frame, 'forward', state, config, shape.fixed, (t) => objTrack.hasSpatial(t));
  const pointerPos = new Float32Array(graphs.pointerSlots * graphs.memDim);
  const slice = extractSlice(phantom.data, dims, 2, frame);
  const dec = r.lastDecode!;
  const side = dec.lowResSide;
  const feats2 = new Float32Array(graphs.hiddenDim * hw).map((_, i) => (i % 97) / 97);
  const lowPick = dec.candidates > 1 ? pickMultimask(dec.lowRes, dec.iou).mask : dec.lowRes;
  const low = fillHoles(applyObjectScore(lowPick, dec.objectScore), side, side, DEFAULT_MAX_HOLE_AREA);
  const pixels = new Float32Array(3 * s * s); // the Tracker reuses its encoder input
  const bankBuffers = new BankBuffers(); // and its bank (memory_pos cached while the layout holds)

  // ObjectTrack.store: pos dedupe (compares HW × memDim floats) + release of spatial memories.
  const stored = [...objTrack.outputs.values()].find((o) => o.tokens !== null && !o.isConditioning)!;
  const scratch = new ObjectTrack(99, 2, config.numMaskmem);
  let f = 0;
  const newSlice = (): StoredSlice => ({
    isConditioning: false,
    tokens: stored.tokens,
    pos: new Float32Array(stored.pos!), // a fresh array each slice, as the memory encoder returns
    pointer: stored.pointer,
    objectScore: 1,
    iou: 1,
    mask: null,
    source: 'tracked',
  });
  const posCopies = Array.from({ length: 64 }, newSlice);

  const perSlice: [string, { median: number; mean: number }][] = [
    [`extractSlice (int16 ${SIDE}² → float32)`, time(() => extractSlice(phantom.data, dims, 2, frame))],
    [`sliceToModelInput (${SIDE}² → 3×${s}², into a reused array)`, time(() => sliceToModelInput(slice, SIDE, SIDE, WINDOW, s, manifest.normalisation.mean, manifest.normalisation.std, pixels))],
    [`toTokens (feats2 ${graphs.hiddenDim}×${hw} → tokens)`, time(() => toTokens(feats2, graphs.hiddenDim, hw))],
  ];
  const perObject: [string, { median: number; mean: number }][] = [
    [`selectForBank (slice ${frame}, ${objTrack.outputs.size} stored)`, time(() => selectForBank(frame, 'forward', state, config, shape.fixed, (t) => objTrack.hasSpatial(t)))],
    [
      `assembleBank (${sel.maskmemRows.length} memories + ${sel.pointers.length} pointers → ${graphs.fixedBankRows ?? 'dynamic'} rows, reused buffers)`,
      time(() => assembleBank(sel, (t) => objTrack.outputs.get(t)!, shape, graphs.temporalEncoding, pointerPos, bankBuffers)),
    ],
    [
      `decoderToMask (${dec.candidates > 1 ? 'pick, ' : ''}gate, fillHoles, mask ${side}² → ${SIDE}²)`,
      time(() => decoderToMask(dec.lowRes, dec.candidates, dec.iou, dec.objectScore, side, DEFAULT_MAX_HOLE_AREA, SIDE, SIDE)),
    ],
    [`  of which fillHoles (${side}², max area ${DEFAULT_MAX_HOLE_AREA})`, time(() => fillHoles(low, side, side, DEFAULT_MAX_HOLE_AREA))],
    [`  of which upsampleToMask (${side}² → ${SIDE}² > 0)`, time(() => upsampleToMask(low, side, side, SIDE, SIDE))],
    [`ObjectTrack.store (pos dedupe ${hw}×${graphs.memDim} + release)`, time(() => scratch.store(f++, posCopies[f % posCopies.length]!))],
  ];
  const nested = (name: string) => name.startsWith('  of which');
  // What the same pieces cost before (the reference implementations the fast paths are tested against).
  const before: [string, { median: number; mean: number }][] = [
    [`sliceToModelInputReference (${SIDE}² → 3×${s}²)`, time(() => sliceToModelInputReference(slice, SIDE, SIDE, WINDOW, s, manifest.normalisation.mean, manifest.normalisation.std))],
    [`assembleBank, fresh arrays`, time(() => assembleBank(sel, (t) => objTrack.outputs.get(t)!, shape, graphs.temporalEncoding, pointerPos))],
    [`decoderToMaskReference (pick, gate, fillHoles, upsample, > 0)`, time(() => decoderToMaskReference(dec.lowRes, dec.candidates, dec.iou, dec.objectScore, side, DEFAULT_MAX_HOLE_AREA, SIDE, SIDE))],
    [`  of which fillHolesReference`, time(() => fillHolesReference(low, side, side, DEFAULT_MAX_HOLE_AREA))],
    [`  of which resizeBilinearReference + toMask`, time(() => toMask(resizeBilinearReference(low, side, side, SIDE, SIDE)))],
  ];
  // The 1024-px manifests: the same slices need a 2× upsample into the model and a 4× bank.
  const big: [string, { median: number; mean: number }][] = [];
  if (s !== 1024) {
    const hw1024 = 64 * 64;
    const shape1024: BankShape = { ...shape, tokensPerMaskmem: hw1024, fixed: fixedGeometry(28736, hw1024, graphs.pointerSlots, tpp) };
    const tokens1024 = new Float32Array(hw1024 * graphs.memDim).fill(0.5);
    const pos1024 = new Float32Array(hw1024 * graphs.memDim).fill(0.25);
    const feats1024 = new Float32Array(graphs.hiddenDim * hw1024).fill(0.5);
    const stored1024 = (t: number) => ({ tokens: tokens1024, pos: pos1024, pointer: objTrack.outputs.get(t)!.pointer });
    const pixels1024 = new Float32Array(3 * 1024 * 1024);
    const bank1024 = new BankBuffers();
    big.push(
      [`sliceToModelInput (${SIDE}² → 3×1024², into a reused array)`, time(() => sliceToModelInput(slice, SIDE, SIDE, WINDOW, 1024, manifest.normalisation.mean, manifest.normalisation.std, pixels1024))],
      [`sliceToModelInputReference (${SIDE}² → 3×1024²)`, time(() => sliceToModelInputReference(slice, SIDE, SIDE, WINDOW, 1024, manifest.normalisation.mean, manifest.normalisation.std))],
      [`toTokens (feats2 256×${hw1024} → tokens)`, time(() => toTokens(feats1024, graphs.hiddenDim, hw1024))],
      [`assembleBank (same selection → 28736 rows, reused buffers)`, time(() => assembleBank(sel, stored1024, shape1024, graphs.temporalEncoding, pointerPos, bank1024))],
      [`assembleBank (same selection → 28736 rows, fresh arrays)`, time(() => assembleBank(sel, stored1024, shape1024, graphs.temporalEncoding, pointerPos))],
    );
  }
  const sumSlice = perSlice.reduce((a, [, t]) => a + t.median, 0);
  const sumObj = perObject.filter(([n]) => !nested(n)).reduce((a, [, t]) => a + t.median, 0);
  const rows = [
    ...perSlice.map(([n, t]) => [`${n}  [per slice]`, f1(t.median), f1(t.mean), f1(t.median / k), f1(t.median)]),
    ...perObject.map(([n, t]) => [`${n}  [per object]`, f1(t.median), f1(t.mean), f1(t.median), f1(t.median)]),
    ['sum of the pieces (medians)', '', '', f1(sumObj + sumSlice / k), f1(sumObj + sumSlice)],
    ['measured in the runs above: our overhead, p50', '', '', f1(measured.p50 / k), f1(measured.p50Slice1)],
    ['measured in the runs above: Tracker CPU time, p50', '', '', f1(measured.cpuP50 / k), f1(measured.cpuP50Slice1)],
    ['the reference implementations (before; not run in the step):', '', '', '', ''],
    ...before.map(([n, t]) => [`  ${n}`, f1(t.median), f1(t.mean), '', '']),
    ...(big.length > 0 ? [['at 1024 px (the 1024-px manifests; not run here):', '', '', '', '']] : []),
    ...big.map(([n, t]) => [`  ${n}`, f1(t.median), f1(t.mean), '', '']),
  ];
  console.log(`\nOur overhead broken down: micro-benchmarks of the pieces on the ${k}-object run's inputs (last slice, warm, ms)`);
  console.log(table(['piece', 'median', 'mean', `/ object, ${k} obj`, '/ object, 1 obj'], rows, 60));
}

// ---------------------------------------------------------------- one model
interface ModelPlan {
  oneObjectSlices: number;
  threeObjectSlices: number;
  memoryAt: number[];
  memoryAt3: number[];
  threads: number[];
}

async function benchModel(model: ModelFiles, plan: ModelPlan, verdicts: string[]): Promise<void> {
  const { manifest } = model;
  console.log(`\n════════ ${manifest.id} (${manifest.name}; ${manifest.precision}, model input ${manifest.imageSize} px, bank ${manifest.bank.layout}${manifest.bank.layout === 'fixed' ? ` ${manifest.bank.rows} rows` : ''}) from ${model.where}`);
  const maxN = Math.max(plan.oneObjectSlices, plan.threeObjectSlices);
  const tPh = performance.now();
  const phantom = makePhantom([SIDE, SIDE, maxN] as Vec3, objectsFor(maxN));
  const phantom3 = plan.threeObjectSlices === maxN ? phantom : makePhantom([SIDE, SIDE, plan.threeObjectSlices] as Vec3, objectsFor(plan.threeObjectSlices));
  const phantom1 = plan.oneObjectSlices === maxN ? phantom : makePhantom([SIDE, SIDE, plan.oneObjectSlices] as Vec3, objectsFor(plan.oneObjectSlices));
  console.log(`phantom: ${SIDE}×${SIDE}×${maxN} int16, 3 drifting blobs on every slice (built in ${((performance.now() - tPh) / 1000).toFixed(1)} s); boxes on slice 0, 'forward' from 0`);

  const summaries: Summary[] = [];
  for (const threads of plan.threads) {
    let graphs: OrtSam2Graphs;
    try {
      graphs = await OrtSam2Graphs.create(manifest, model.files, { device: 'wasm', threads });
    } catch (e) {
      console.log(`\n── WASM, ${threads} thread(s): skipped, sessions failed (${(e as Error).message})`);
      continue;
    }
    try {
      console.log(`\n── WASM, ${threads} thread${threads > 1 ? 's' : ''} (ort.env.wasm.numThreads = ${threads})`);
      // Warm-up: JIT, ORT's first runs, allocator growth.
      const warm = makePhantom([SIDE, SIDE, 8] as Vec3, objectsFor(8));
      await propagateRun(graphs, manifest, warm, objectsFor(8).slice(0, 1), [], threads);

      const one = await propagateRun(graphs, manifest, phantom1, objectsFor(phantom1.dims[2]).slice(0, 1), plan.memoryAt, threads);
      summaries.push(reportRun(`${manifest.id}, ${threads} thread(s), 1 object`, one));
      const three = await propagateRun(graphs, manifest, phantom3, objectsFor(phantom3.dims[2]), plan.memoryAt3, threads);
      const s3 = reportRun(`${manifest.id}, ${threads} thread(s), 3 objects`, three);
      summaries.push(s3);

      if (threads === plan.threads[0]) {
        const spatialBytes = graphs.featureGrid ** 2 * graphs.memDim * 4;
        const pointerBytes = graphs.hiddenDim * 4;
        verdicts.push(`${manifest.id}: ${reportMemory(one, spatialBytes, pointerBytes, graphs.numMaskmem)}`);
        if (three.memory.length >= 2) verdicts.push(`${manifest.id}: ${reportMemory(three, spatialBytes, pointerBytes, graphs.numMaskmem)}`);
        if (MICRO) {
          const over = (x: RunResult) => x.steps.map((s) => s.wall - GRAPHS.reduce((a, g) => a + s.graph[g], 0));
          micro(graphs, manifest, phantom3, three, {
            p50: quantile(over(three), 0.5),
            cpuP50: quantile(three.steps.map((s) => s.ownCpu), 0.5),
            p50Slice1: quantile(over(one), 0.5),
            cpuP50Slice1: quantile(one.steps.map((s) => s.ownCpu), 0.5),
          });
        }
      }
      one.tracker.dispose();
      three.tracker.dispose();
    } finally {
      await graphs.release();
    }
  }
  for (const s of summaries) {
    const met = s.overheadPerObjMean <= TARGET_OVERHEAD_MS;
    verdicts.push(
      `${s.label}: our overhead ${f1(s.overheadPerObjMean)} ms/slice/object (p95 ${f1(s.overheadPerObjP95)}) ${met ? '≤' : '>'} ${TARGET_OVERHEAD_MS} ms: ${met ? 'met' : 'NOT met'}`,
    );
  }
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  if (opt('--webgpu')) {
    const { benchWebgpu } = await import('./engine/webgpu.ts');
    return benchWebgpu(ROOT, { opt });
  }
  if (opt('--compare')) {
    // One exported real-size model on every runtime (tools/bench/engine/runtimes.ts).
    const { compareRuntimes } = await import('./engine/runtimes.ts');
    return compareRuntimes(ROOT, { opt });
  }
  const tStart = performance.now();
  console.log('SliceSAM engine benchmark (figures only; nothing is asserted)');
  console.log(`machine: ${machine()}`);
  console.log(`WASM threads measured: ${THREADS.join(', ')}; slices ${SIDE}×${SIDE}; window [${WINDOW.min}, ${WINDOW.max}]`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes on these ${availableParallelism()} cores inflate every figure, graphs included)`);
  console.log(`targets: our overhead ≤ ${TARGET_OVERHEAD_MS} ms per slice per object; no spatial memory dropped, RAM bounded (memories set aside: ${MEMORY_BUDGET_MB} MiB in RAM, then a spill file)`);
  const verdicts: string[] = [];

  const fixture = loadFixture();
  console.log(`\nThe fixture model has the interface and tensor sizes of SAM 2.1 tiny at 512 px but tiny graphs: its graph times are not SAM2's; our overhead is the same code on the same tensor sizes.`);
  await benchModel(fixture, { oneObjectSlices: SLICES, threeObjectSlices: SLICES3, memoryAt: [Math.min(MEMORY_EARLY, Math.floor(SLICES / 2)), SLICES], memoryAt3: SLICES3 > MEMORY_EARLY ? [MEMORY_EARLY, SLICES3] : [], threads: THREADS }, verdicts);

  if (FIXTURE_1024) {
    const big = fixture1024();
    if (typeof big === 'string') console.log(`\n════════ fixture at 1024 px: skipped (${big})`);
    else {
      console.log(`\nThe same fixture built at 1024 px (a 64² memory grid, as SAM2 at 1024): the memory figures at that size; one thread.`);
      await benchModel(big, { oneObjectSlices: SLICES, threeObjectSlices: SLICES3, memoryAt: [Math.min(MEMORY_EARLY, Math.floor(SLICES / 2)), SLICES], memoryAt3: SLICES3 > MEMORY_EARLY ? [MEMORY_EARLY, SLICES3] : [], threads: [THREADS[0]!] }, verdicts);
    }
  }

  const real = findRealModels();
  console.log(`\n════════ real models (${MODELS_DIR.replace(`${ROOT}/`, '')}/*.json)`);
  for (const s of real.skipped) console.log(`  ${s}`);
  if (real.present.length === 0) console.log('  no real model present: only the fixture was measured');
  for (const m of real.present) {
    const early = Math.max(1, Math.min(MEMORY_EARLY, Math.max(21, Math.floor(REAL_SLICES / 3)), Math.floor(REAL_SLICES / 2)));
    await benchModel(
      m,
      { oneObjectSlices: REAL_SLICES, threeObjectSlices: Math.max(4, Math.floor(REAL_SLICES / 3)), memoryAt: [early, REAL_SLICES], memoryAt3: [], threads: [Math.max(...THREADS)] },
      verdicts,
    );
  }

  console.log('\n════════ verdicts');
  for (const v of verdicts) console.log(`  ${v}`);
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`total benchmark time ${((performance.now() - tStart) / 1000).toFixed(0)} s`);
}

await main();
