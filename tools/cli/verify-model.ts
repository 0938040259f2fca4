/**
 * `slicesam verify-model MODEL_DIR TRACE_DIR`: the engine's tracker on onnxruntime (WASM, in
 * Node) against PyTorch's SAM2VideoPredictor trace. Exit 0 when mean IoU ≥ 0.99 and every
 * slice ≥ 0.95; 1 when not; 2 when the trace is degenerate or unreadable.
 */
import { judge, LOGIT_CLAMP, type Row } from './verify/compare.ts';
import { readModelDir } from './verify/model-dir.ts';
import { replay } from './verify/replay.ts';
import { readTrace } from './verify/read-trace.ts';
import { degenerateReason } from './verify/trace.ts';
import { OrtSam2Graphs } from '../../src/engine/worker/runtime/ort-graphs.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);

function line(r: Row): string {
  return [r.pass.padEnd(8), String(r.slice).padStart(5), String(r.object).padStart(4), r.iou.toFixed(4).padStart(8),
    r.maxLogitDiff.toExponential(2).padStart(10), r.scoreDiff.toExponential(2).padStart(10),
    String(r.enginePixels).padStart(9), String(r.tracePixels).padStart(9)].join(' ');
}

export async function verifyModel(args: string[]): Promise<number> {
  try {
    return await verify(args);
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

async function verify(args: string[]): Promise<number> {
  const [modelDir, traceDir, ...rest] = args;
  if (!modelDir || !traceDir) {
    process.stderr.write('usage: slicesam verify-model MODEL_DIR TRACE_DIR [--threads N] [--ablate memory]\n');
    return 2;
  }
  const t = rest.indexOf('--threads');
  const threads = t >= 0 ? Number(rest[t + 1]) : 1;
  const a = rest.indexOf('--ablate');
  const ablate = a >= 0 ? rest[a + 1] : 'none';
  if (ablate !== 'none' && ablate !== 'memory') {
    process.stderr.write(`--ablate takes "memory" (got ${String(ablate)})\n`);
    return 2;
  }
  const trace = readTrace(traceDir);
  const bad = degenerateReason(trace.meta);
  if (bad) {
    process.stderr.write(`refused: degenerate trace: ${bad}\n`);
    return 2;
  }
  const { manifest, files } = readModelDir(modelDir);
  const graphs = await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads });
  out(`model ${manifest.id} (SAM ${manifest.version}, ${manifest.imageSize} px, bank ${manifest.bank.layout}) vs trace ${traceDir} (${trace.meta.records.length} records)`);
  out(`pass     slice  obj      IoU  maxΔlogit    Δscore    engine     trace   (logits clamped to ±${LOGIT_CLAMP}; pixels in the mask)`);
  const t0 = performance.now();
  let rows: Row[];
  try {
    if (ablate === 'memory') out('control: memory attention gets zeroed memory rows (expect FAIL)');
    rows = await replay(trace, graphs, manifest, (r) => out(line(r)), ablate);
  } finally {
    await graphs.release();
  }
  const v = judge(rows);
  const maxLogit = Math.max(...rows.map((r) => r.maxLogitDiff));
  const maxScore = Math.max(...rows.map((r) => r.scoreDiff));
  out(`${rows.length} slice × object results in ${((performance.now() - t0) / 1000).toFixed(1)} s: mean IoU ${v.meanIoU.toFixed(4)}, min ${v.minIoU.toFixed(4)}, max Δlogit ${maxLogit.toExponential(2)}, max Δscore ${maxScore.toExponential(2)}`);
  if (!v.pass) {
    out(`FAIL: ${v.reasons.join('; ')}`);
    return 1;
  }
  out('PASS');
  return 0;
}
