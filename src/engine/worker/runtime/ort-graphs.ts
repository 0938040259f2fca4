/**
 * The five SAM2 graphs on onnxruntime-web: the only module of the app that imports it.
 * WebGPU keeps the big intermediate tensors (feats0/1/2, high_res_mask, conditioned_feats)
 * on the device between graphs (`preferredOutputLocation: 'gpu-buffer'`); WASM keeps
 * everything on the CPU.
 *
 * Input and output names are those of the public sam2.1-tiny-video-onnx exports
 * (tools/fixture-model/INTERFACE.md).
 */
import * as ort from 'onnxruntime-web';
import type { ModelFileKey, ModelManifest } from '../../models/manifest.ts';
import type { EngineDevice } from '../../protocol.ts';
import { softwareAdapter, type AdapterLike } from '../../../shared/software-renderer.ts';
import type { ConditionedFeatures, DecoderOutput, DecoderPrompt, FrameFeatures, HighResMask, MemoryFeatures, Sam2Graphs } from '../graphs.ts';

const GPU: ort.Tensor.DataLocation = 'gpu-buffer';

/** A graph run failed on the GPU (a lost device, a kernel the adapter cannot run). */
export class DeviceFailure extends Error {
  override readonly name = 'DeviceFailure';
}

export interface OrtGraphsOptions {
  device: EngineDevice;
  /** WASM threads (1 without cross-origin isolation). */
  threads?: number;
  /**
   * Another build of the same onnxruntime API (onnxruntime-node for the Node benchmark and
   * verify-model's native runs) and its execution provider; the app never sets it.
   */
  runtime?: { api: OrtApi; executionProvider: string };
}

/** What the graphs use of onnxruntime (onnxruntime-web and onnxruntime-node share it). */
export interface OrtApi {
  InferenceSession: Pick<typeof ort.InferenceSession, 'create'>;
  Tensor: typeof ort.Tensor;
}

/** What constants.json holds that the engine reads. */
export interface ModelConstants {
  temporalEncoding: Float32Array;
  numMaskmem: number;
  memDim: number;
  mean?: [number, number, number];
  std?: [number, number, number];
}

export function parseConstants(bytes: ArrayBuffer, source: string): ModelConstants {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  const table = json['memory_temporal_positional_encoding'];
  if (!Array.isArray(table) || table.length === 0 || !table.every((r) => Array.isArray(r) && r.length === (table[0] as unknown[]).length)) {
    throw new Error(`${source}: "memory_temporal_positional_encoding" must be a table of equal rows`);
  }
  const numMaskmem = table.length;
  const memDim = (table[0] as unknown[]).length;
  const temporalEncoding = new Float32Array(numMaskmem * memDim);
  table.forEach((row: unknown[], r) => row.forEach((v, c) => (temporalEncoding[r * memDim + c] = Number(v))));
  const triple = (key: string): [number, number, number] | undefined => {
    const v = json[key];
    return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as [number, number, number]) : undefined;
  };
  return { temporalEncoding, numMaskmem, memDim, mean: triple('image_mean'), std: triple('image_std') };
}

class OrtFeatures implements FrameFeatures {
  constructor(
    readonly feats0: ort.Tensor,
    readonly feats1: ort.Tensor,
    readonly feats2: ort.Tensor,
    readonly feats2NoMem: ort.Tensor,
    readonly tokens: Float32Array,
  ) {}
  dispose(): void {
    for (const t of [this.feats0, this.feats1, this.feats2, this.feats2NoMem]) disposeTensor(t);
  }
}

class OrtTensorHandle implements ConditionedFeatures, HighResMask {
  constructor(readonly tensor: ort.Tensor) {}
  dispose(): void {
    disposeTensor(this.tensor);
  }
}

function disposeTensor(t: ort.Tensor): void {
  if (t.location !== 'cpu') t.dispose();
}

/** The tensor's values on the CPU; a GPU tensor stays usable (it is downloaded, not released). */
async function cpuData(t: ort.Tensor): Promise<Float32Array> {
  const data = t.location === 'cpu' ? t.data : await t.getData(false);
  return data as Float32Array;
}

/** [1, C, H, W] → [HW, 1, C] (SAM2's flatten(2).permute(2, 0, 1)). */
export function toTokens(nchw: Float32Array, channels: number, hw: number): Float32Array {
  const out = new Float32Array(channels * hw);
  for (let c = 0; c < channels; c++) {
    const src = c * hw;
    for (let p = 0; p < hw; p++) out[p * channels + c] = nchw[src + p]!;
  }
  return out;
}

export class OrtSam2Graphs implements Sam2Graphs {
  readonly imageSize: number;
  readonly featureGrid: number;
  readonly memDim: number;
  readonly hiddenDim = 256;
  readonly fixedBankRows: number | null;
  readonly pointerSlots: number;
  readonly temporalEncoding: Float32Array;
  readonly numMaskmem: number;
  /** Set by a test: the next run on WebGPU fails as a lost device would. */
  failNextRun = false;
  /** Told the wall time of every session.run (benchmarks split graph time from our own). */
  onRun: ((graph: string, ms: number) => void) | null = null;
  /**
   * Threads the CPU runs on, as onnxruntime took them: onnxruntime-web fixes its thread pool
   * when its WASM starts and falls back to 1 without cross-origin isolation, whatever was
   * asked (0 on WebGPU).
   */
  threads = 0;
  private posTokens: Float32Array | null = null;

  private constructor(
    private readonly T: typeof ort.Tensor,
    readonly device: EngineDevice,
    private readonly sessions: Record<Exclude<ModelFileKey, 'constants'>, ort.InferenceSession>,
    manifest: ModelManifest,
    constants: ModelConstants,
  ) {
    this.imageSize = manifest.imageSize;
    this.featureGrid = manifest.featureGrid;
    this.memDim = constants.memDim;
    this.fixedBankRows = manifest.bank.layout === 'fixed' ? manifest.bank.rows : null;
    this.pointerSlots = manifest.bank.maxObjectPointers;
    this.temporalEncoding = constants.temporalEncoding;
    this.numMaskmem = constants.numMaskmem;
  }

  static async create(
    manifest: ModelManifest,
    files: Record<ModelFileKey, ArrayBuffer>,
    options: OrtGraphsOptions,
  ): Promise<OrtSam2Graphs> {
    const api = options.runtime?.api ?? ort;
    if (options.device === 'wasm' && !options.runtime) ort.env.wasm.numThreads = Math.max(1, options.threads ?? 1);
    const constants = parseConstants(files.constants, `${manifest.id}/constants.json`);
    if (constants.numMaskmem !== manifest.bank.memoryFrames) {
      throw new Error(`${manifest.id}: constants.json has ${constants.numMaskmem} temporal rows, the manifest ${manifest.bank.memoryFrames} memory frames`);
    }
    const gpu = options.device === 'webgpu';
    const make = (key: Exclude<ModelFileKey, 'constants'>, gpuOutputs: string[] = []) =>
      api.InferenceSession.create(new Uint8Array(files[key]), {
        executionProviders: [options.runtime?.executionProvider ?? (gpu ? 'webgpu' : 'wasm')],
        ...(options.runtime ? { intraOpNumThreads: Math.max(1, options.threads ?? 1), interOpNumThreads: 1 } : {}),
        graphOptimizationLevel: 'all',
        ...(gpu && gpuOutputs.length > 0 ? { preferredOutputLocation: Object.fromEntries(gpuOutputs.map((n) => [n, GPU])) } : {}),
      });
    const sessions = {
      vision_encoder: await make('vision_encoder', ['feats0', 'feats1', 'feats2', 'feats2_no_mem']),
      mask_decoder: await make('mask_decoder', ['high_res_mask']),
      memory_encoder: await make('memory_encoder'),
      memory_attention: await make('memory_attention', ['conditioned_feats']),
      pointer_tpos: await make('pointer_tpos'),
    };
    const graphs = new OrtSam2Graphs(api.Tensor, options.device, sessions, manifest, constants);
    if (options.runtime) graphs.threads = Math.max(1, options.threads ?? 1);
    else if (!gpu) graphs.threads = ort.env.wasm.numThreads ?? 1; // read back after the WASM started
    return graphs;
  }

  async release(): Promise<void> {
    for (const s of Object.values(this.sessions)) await s.release();
  }

  private async run(key: keyof typeof this.sessions, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    if (this.onRun === null) return this.runOnDevice(key, feeds);
    const t0 = performance.now();
    try {
      return await this.runOnDevice(key, feeds);
    } finally {
      this.onRun(key, performance.now() - t0);
    }
  }

  private async runOnDevice(key: keyof typeof this.sessions, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    if (this.device === 'webgpu') {
      if (this.failNextRun) {
        this.failNextRun = false;
        throw new DeviceFailure(`${key}: the WebGPU device was lost (simulated)`);
      }
      try {
        return await this.sessions[key].run(feeds);
      } catch (e) {
        throw new DeviceFailure(`${key} failed on WebGPU: ${(e as Error).message}`);
      }
    }
    return this.sessions[key].run(feeds);
  }

  async encodeImage(pixels: Float32Array): Promise<FrameFeatures> {
    const s = this.imageSize;
    const out = await this.run('vision_encoder', { pixel_values: new this.T('float32', pixels, [1, 3, s, s]) });
    const hw = this.featureGrid * this.featureGrid;
    const feats2 = out['feats2']!;
    const tokens = toTokens(await cpuData(feats2), this.hiddenDim, hw);
    if (this.posTokens === null) {
      // The image position encoding depends on the grid only: read it once.
      this.posTokens = toTokens(await cpuData(out['vision_pos_embed']!), this.hiddenDim, hw);
    }
    disposeTensor(out['vision_pos_embed']!);
    return new OrtFeatures(out['feats0']!, out['feats1']!, feats2, out['feats2_no_mem']!, tokens);
  }

  async decode(features: FrameFeatures, conditioned: ConditionedFeatures | 'noMemory', prompt: DecoderPrompt): Promise<DecoderOutput> {
    const f = features as OrtFeatures;
    const n = prompt.labels.length;
    const out = await this.run('mask_decoder', {
      feats0: f.feats0,
      feats1: f.feats1,
      feats2_cond: conditioned === 'noMemory' ? f.feats2NoMem : (conditioned as OrtTensorHandle).tensor,
      input_points: new this.T('float32', prompt.points, [1, 1, n, 2]),
      input_labels: new this.T('int32', prompt.labels, [1, 1, n]),
    });
    const low = out['low_res_mask']!;
    const dims = low.dims;
    return {
      lowRes: await cpuData(low),
      lowResSide: dims[3]!,
      candidates: dims[1]!,
      iou: await cpuData(out['iou']!),
      objectScore: (await cpuData(out['object_score_logits']!))[0]!,
      pointer: await cpuData(out['object_pointer']!),
      highRes: new OrtTensorHandle(out['high_res_mask']!),
    };
  }

  async attend(features: FrameFeatures, memory: Float32Array, memoryPos: Float32Array, rows: number): Promise<ConditionedFeatures> {
    const hw = this.featureGrid * this.featureGrid;
    const posTokens = this.posTokens;
    if (posTokens === null) throw new Error('attend before encodeImage');
    const out = await this.run('memory_attention', {
      current_vision_features: new this.T('float32', features.tokens, [hw, 1, this.hiddenDim]),
      current_vision_position_embeddings: new this.T('float32', posTokens, [hw, 1, this.hiddenDim]),
      memory: new this.T('float32', memory, [rows, 1, this.memDim]),
      memory_pos: new this.T('float32', memoryPos, [rows, 1, this.memDim]),
    });
    return new OrtTensorHandle(out['conditioned_feats']!);
  }

  async encodeMemory(features: FrameFeatures, mask: HighResMask | Float32Array, objectScore: number, binarize: boolean): Promise<MemoryFeatures> {
    const f = features as OrtFeatures;
    const s = this.imageSize;
    const out = await this.run('memory_encoder', {
      feats2: f.feats2,
      high_res_mask: mask instanceof Float32Array ? new this.T('float32', mask, [1, 1, s, s]) : (mask as OrtTensorHandle).tensor,
      object_score_logits: new this.T('float32', Float32Array.of(objectScore), [1, 1]),
      binarize: new this.T('float32', Float32Array.of(binarize ? 1 : 0), []),
    });
    return { tokens: await cpuData(out['memory_tokens']!), pos: await cpuData(out['memory_pos']!) };
  }

  async pointerPositions(normalizedDiffs: Float32Array): Promise<Float32Array> {
    const out = await this.run('pointer_tpos', { normalized_diffs: new this.T('float32', normalizedDiffs, [normalizedDiffs.length]) });
    return cpuData(out['pointer_pos']!);
  }
}

type Adapter = AdapterLike & { features: ReadonlySet<string> };

/**
 * Whether WebGPU can run this model here; the reason when not. A software adapter
 * (SwiftShader, llvmpipe, a fallback adapter) is slower than WASM: refused unless allowed.
 */
export async function webgpuSupport(manifest: ModelManifest, allowSoftware = false): Promise<{ ok: true } | { ok: false; reason: string }> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } })?.gpu;
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU' };
  let adapter: Adapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `no WebGPU adapter (${(e as Error).message})` };
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
  const software = allowSoftware ? null : await softwareAdapter(adapter);
  if (software) return { ok: false, reason: `the WebGPU adapter is a software renderer (${software}): WASM is faster` };
  if (manifest.compute === 'fp16' && !adapter.features.has('shader-f16')) {
    return { ok: false, reason: 'the GPU lacks shader-f16, which this fp16 model needs' };
  }
  return { ok: true };
}

/** Create the graphs on the preferred device, falling back to WASM when WebGPU cannot. */
export async function createGraphs(
  manifest: ModelManifest,
  files: Record<ModelFileKey, ArrayBuffer>,
  preferred: 'auto' | EngineDevice,
  threads: number,
): Promise<{ graphs: OrtSam2Graphs; webgpuUnavailable?: string }> {
  let webgpuUnavailable: string | undefined;
  if (preferred !== 'wasm') {
    // Asked for by name ('webgpu'), a software adapter is taken: the engine tests run WebGPU on SwiftShader.
    const support = await webgpuSupport(manifest, preferred === 'webgpu');
    if (support.ok) {
      try {
        return { graphs: await OrtSam2Graphs.create(manifest, files, { device: 'webgpu' }) };
      } catch (e) {
        webgpuUnavailable = `WebGPU session failed: ${(e as Error).message}`;
      }
    } else {
      webgpuUnavailable = support.reason;
    }
    if (preferred === 'webgpu') throw new Error(webgpuUnavailable);
  }
  return { graphs: await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads }), webgpuUnavailable };
}
