/**
 * `npm run bench:n4`: N4 on a real 256×256×170 T1 (tools/bench/n4/volume.ts), our code
 * in a worker thread (the same N4Service the browser worker runs, through N4Client)
 * against ITK's N4 built natively on this machine (tools/n4-itk), same parameters, same
 * run, alternating. Target: ours ≤ 1.5 × ITK. Prints the load average before and after.
 *
 *   npm run bench:n4 [-- --runs 3] [--preset fast] [--itk-threads N]
 * Needs ITK's headers for the reference (apt-get install -y libinsighttoolkit5-dev cmake g++).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { N4Client } from '../../src/preprocess/client.ts';
import { resolveN4Options, type N4Preset } from '../../src/preprocess/n4/index.ts';
import { buildItkN4, runItkN4 } from '../n4-itk/itk.ts';
import { nodeN4Endpoint } from './n4/node-endpoint.ts';
import { benchVolume } from './n4/volume.ts';
import { cli, loadAverage, log, noteAs, ROOT, runMain } from './shared/cli.ts';

const note = noteAs('bench:n4');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

runMain(async () => {
  const args = cli();
  const runs = args.num('--runs', 3);
  const preset = (args.opt('--preset') ?? 'default') as N4Preset;
  const itkThreads = args.opt('--itk-threads') ? args.num('--itk-threads', 0) : undefined;
  const out = join(ROOT, 'tmp/n4-bench');
  mkdirSync(out, { recursive: true });
  const input = join(out, 'mprage-256x256x170.nii');
  note('building ITK N4 and the volume …');
  let binary: string | null = null;
  try {
    binary = buildItkN4();
  } catch (e) {
    // Our figures are still worth printing; the ratio needs ITK.
    log(`ITK reference unavailable (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): ours only`);
  }
  const volume = await benchVolume(input);
  const options = resolveN4Options({}, preset);
  log(`N4 benchmark: ${volume.dims.join('×')} float32, preset ${preset} (${options.iterations.join('×')} iterations max, shrink ${options.shrinkFactor})`);
  log(`load average before: ${loadAverage()}`);

  const client = new N4Client(nodeN4Endpoint());
  const ours: { wall: number; worker: number; iterations: string }[] = [];
  const itk: { seconds: number; threads: number; iterations: number[] }[] = [];
  try {
    // One warm-up call so the worker's JIT state matches a page that has run N4 before; reported apart.
    const t0 = performance.now();
    const warm = await client.correct(volume, options);
    log(`ours, first call (cold JIT): ${((performance.now() - t0) / 1000).toFixed(2)} s, ${warm.iterations} iterations`);
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const result = await client.correct(volume, options);
      ours.push({ wall: (performance.now() - t) / 1000, worker: result.elapsedMs / 1000, iterations: result.levels.map((l) => l.iterations).join(',') });
      note(`run ${r + 1}: ours ${ours.at(-1)!.wall.toFixed(2)} s`);
      if (!binary) continue;
      const report = runItkN4(binary, input, join(out, 'itk-corrected.nii'), join(out, 'itk-logfield.nii'), options, itkThreads);
      itk.push({ seconds: report.seconds, threads: report.threads, iterations: report.iterations });
      note(`run ${r + 1}: ITK ${report.seconds.toFixed(2)} s`);
    }
  } finally {
    client.terminate();
  }
  const oursMedian = median(ours.map((o) => o.wall));
  log(`ours (worker thread, 1 thread; wall time incl. transfer): median ${oursMedian.toFixed(2)} s of ${ours.map((o) => o.wall.toFixed(2)).join(', ')}; in-worker ${median(ours.map((o) => o.worker)).toFixed(2)} s; iterations ${ours[0]!.iterations}`);
  if (itk.length === 0) {
    log(`load average after: ${loadAverage()}`);
    return;
  }
  const itkMedian = median(itk.map((o) => o.seconds));
  log(`ITK N4 (native, ${itk[0]!.threads} threads; Otsu+shrink+fit+full-res field): median ${itkMedian.toFixed(2)} s of ${itk.map((o) => o.seconds.toFixed(2)).join(', ')}; iterations ${itk[0]!.iterations.join(',')}`);
  const ratio = oursMedian / itkMedian;
  log(`ratio ours/ITK: ${ratio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? 'OK' : 'MISSED'}`);
  log(`load average after: ${loadAverage()}`);
});
