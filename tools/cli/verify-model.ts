/**
 * `slicesam verify-model MODEL_DIR TRACE_DIR`: the engine's tracker on onnxruntime (WASM, in
 * Node) against PyTorch's SAM2VideoPredictor trace, judged on logits (compare.ts): exit 0 when
 * every slice's logits are within the tolerance of their range and the pixels near the
 * boundary agree in sign; 1 when not (or when the engine fails on the trace); 2 when the
 * trace is degenerate or unreadable.
 */
import { FP16_TOLERANCE, FP32_TOLERANCE, judge, LOGIT_CLAMP, SIGN_BAND, type Row, type Tolerance } from './verify/compare.ts';
import { readModelDir } from './verify/model-dir.ts';
import { ABLATIONS, replay, type Ablation } from './verify/replay.ts';
import { readTrace } from './verify/read-trace.ts';
import { degenerateReason } from './verify/trace.ts';
import { OrtSam2Graphs, type OrtApi } from '../../src/engine/worker/runtime/ort-graphs.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);

function line(r: Row): string {
  return [String(r.step).padStart(4), r.pass.padEnd(8), String(r.slice).padStart(5), String(r.object).padStart(4),
    r.maxLogitDiff.toExponential(2).padStart(10), r.logitRange.toFixed(2).padStart(7), r.relativeDiff.toExponential(2).padStart(10),
    (r.bandPixels === 0 ? '–' : (r.bandAgree / r.bandPixels).toFixed(4)).padStart(8), r.iou.toFixed(4).padStart(8),
    r.scoreDiff.toExponential(2).padStart(10), String(r.enginePixels).padStart(9), String(r.tracePixels).padStart(9)].join(' ');
}

const USAGE = `usage: slicesam verify-model MODEL_DIR TRACE_DIR [--threads N] [--ablate ${ABLATIONS.filter((a) => a !== 'none').join('|')}] [--max-relative X] [--min-sign X] [--runtime wasm|native]\n`;

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
    process.stderr.write(USAGE);
    return 2;
  }
  const opt = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const threads = Number(opt('--threads') ?? 1);
  const ablate = (opt('--ablate') ?? 'none') as Ablation;
  if (!ABLATIONS.includes(ablate)) {
    process.stderr.write(`--ablate takes ${ABLATIONS.filter((a) => a !== 'none').join(', ')} (got ${String(ablate)})\n`);
    return 2;
  }
  const trace = readTrace(traceDir);
  const bad = degenerateReason(trace.meta);
  if (bad) {
    process.stderr.write(`refused: degenerate trace: ${bad}\n`);
    return 2;
  }
  const { manifest, files } = readModelDir(modelDir);
  const native = opt('--runtime') === 'native';
  if (opt('--runtime') !== undefined && !native && opt('--runtime') !== 'wasm') {
    process.stderr.write('--runtime takes wasm (onnxruntime-web, the browser\'s runtime; the default) or native (onnxruntime-node, faster)\n');
    return 2;
  }
  // Native onnxruntime: the same graphs and the same tracker, another float32 kernel library (quicker for long traces).
  const runtime = native ? { api: (await import('onnxruntime-node')) as unknown as OrtApi, executionProvider: 'cpu' } : undefined;
  const graphs = await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads, ...(runtime ? { runtime } : {}) });
  const base = manifest.precision === 'fp16' ? FP16_TOLERANCE : FP32_TOLERANCE;
  const tol: Tolerance = { relative: Number(opt('--max-relative') ?? base.relative), of: base.of, sign: Number(opt('--min-sign') ?? base.sign) };
  if (!(tol.relative > 0) || !(tol.sign > 0 && tol.sign <= 1)) {
    process.stderr.write('--max-relative takes a number > 0, --min-sign one in (0, 1]\n');
    await graphs.release();
    return 2;
  }
  out(`model ${manifest.id} (SAM ${manifest.version}, ${manifest.imageSize} px, ${manifest.precision}, bank ${manifest.bank.layout}) on ${native ? 'native onnxruntime' : 'onnxruntime-web WASM'}, ${threads} thread(s), vs trace ${traceDir} (${trace.meta.steps.length} steps, ${trace.meta.records.length} records)`);
  out(`verdict on logits: each slice's ${tol.of === 'max' ? 'largest difference' : '99th-percentile difference'} within ${tol.relative.toExponential(0)} of its logit range (at least 1), and ≥ ${tol.sign} of the pixels with |logit| ≤ ${SIGN_BAND} on the same side of 0 (logits clamped to ±${LOGIT_CLAMP})`);
  out(`step pass     slice  obj  maxΔlogit   range  relative    sign±${SIGN_BAND}      IoU    Δscore    engine     trace   (pixels in the mask)`);
  const t0 = performance.now();
  const rows: Row[] = [];
  let failed: string | null = null;
  try {
    if (ablate !== 'none') out(`control: --ablate ${ablate} (expect FAIL)`);
    await replay(trace, graphs, manifest, (r) => {
      rows.push(r);
      out(line(r));
    }, ablate);
  } catch (e) {
    failed = e instanceof Error ? e.message : String(e); // the engine stopping on a trace is a failed verdict, not an unreadable trace
  } finally {
    await graphs.release();
  }
  const v = judge(rows, tol);
  const maxScore = Math.max(...rows.map((r) => r.scoreDiff));
  out(`${rows.length} step × slice × object results in ${((performance.now() - t0) / 1000).toFixed(1)} s: max Δlogit ${v.maxLogitDiff.toExponential(2)}, judged: ${tol.of === 'max' ? 'largest' : '99th-percentile'} difference ${v.maxRelative.toExponential(2)} of the range, sign agreement near 0 ${v.signAgreement.toFixed(5)}, max Δscore ${maxScore.toExponential(2)}; IoU mean ${v.meanIoU.toFixed(4)}, min ${v.minIoU.toFixed(4)}`);
  if (failed !== null) {
    out(`FAIL: the engine stopped after ${rows.length} of ${trace.meta.records.length} results: ${failed}`);
    return 1;
  }
  if (!v.pass) {
    out(`FAIL: ${v.reasons.join('; ')}`);
    return 1;
  }
  out('PASS');
  return 0;
}
