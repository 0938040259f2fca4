/**
 * SAM2's video predictor over the slices of one volume, for several objects: the part of
 * sam2_video_predictor.py / sam2_base.py that is not in the graphs.
 *
 * Reference (read, not copied): facebookresearch/sam2 @ 2b90b9f5
 *   add_new_points_or_box, add_new_mask, propagate_in_video_preflight, propagate_in_video,
 *   _run_single_frame_inference; SAM2Base.track_step, _prepare_memory_conditioned_features.
 *
 * Choices where SAM2 has options or the graphs force them (see also README "Engine"):
 * - add_all_frames_to_correct_as_cond = True (SAM2's demo setting): a slice that gets
 *   prompts or a corrected mask becomes a conditioning slice, whether or not it was tracked.
 * - Prompted slices: the memory is encoded from the hole-filled low-res mask upsampled to
 *   the model size and binarised (propagate_in_video_preflight, is_mask_from_pts=True);
 *   tracked slices: from the decoder's high_res_mask, not binarised (track_step).
 * - The exported decoder has no mask input, so (a) re-prompting a slice does not feed the
 *   previous mask back (iter_use_prev_mask_pred), and (b) a mask-only conditioning slice
 *   takes its object pointer from the decoder run on a box around the mask and a positive
 *   point at its innermost pixel; the memory is the mask itself (as add_new_mask does).
 * - Fixed-row memory graphs: bank trimming as in bank/assemble.ts selectForBank.
 * - Memories are stored rounded to bfloat16, as the video predictor stores maskmem_features.
 */
import { roundToBfloat16 } from '../bank/bf16.ts';
import { assembleBank, BankBuffers, fixedGeometry, pointerDiffs, selectForBank, type BankShape } from '../bank/assemble.ts';
import type { BankConfig } from '../bank/config.ts';
import { promptContext } from '../bank/predictor.ts';
import type { Direction } from '../bank/select.ts';
import type { ConditionedFeatures, DecoderOutput, DecoderPrompt, FrameFeatures, Sam2Graphs } from '../graphs.ts';
import { decoderToMask, upsampleBilinear, DEFAULT_MAX_HOLE_AREA } from '../image/postprocess.ts';
import { LABEL_PADDING, promptToModel, sliceToModelInput, type IntensityWindow } from '../image/preprocess.ts';
import { resizeBilinear } from '../image/resize.ts';
import type { PropagateRequest, PropagateSummary, SliceAxis, SlicePrompt, SliceResult } from '../../protocol.ts';
import type { Vec3, VoxelArray } from '../../../shared/volume.ts';
import { EqualArrayInterner } from './intern.ts';
import { ObjectTrack, type StoredSlice } from './object-track.ts';
import { planPasses, passLength, type Pass } from './schedule.ts';
import { extractSlice, sliceGeometry } from '../../slices.ts';

export interface TrackerOptions {
  config: BankConfig;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  maxHoleArea?: number;
  /** Slices whose image features are kept (the encoder is the expensive graph). */
  featureCacheSize?: number;
}

export interface TrackerVolume {
  data: VoxelArray;
  dims: Vec3;
}

/** Called after every slice of a propagation; return true to stop. */
export interface PropagateHooks {
  /** Awaited, so the last results arrive before the call returns (callbacks cross the worker boundary). */
  onSlices(results: SliceResult[]): void | Promise<void>;
  onProgress?(done: number, total: number): void;
  isCancelled(): boolean;
}

/** Thrown by a step when the graphs' device failed; the caller may swap graphs and retry. */
export type StepRunner = <T>(step: () => Promise<T>) => Promise<T>;

const TRACKING_PROMPT: DecoderPrompt = { points: new Float32Array(2), labels: Int32Array.of(LABEL_PADDING) };

export class Tracker {
  private readonly objects = new Map<number, ObjectTrack>();
  private readonly features = new Map<string, FrameFeatures>();
  private readonly maxHoleArea: number;
  private readonly cacheSize: number;
  /**
   * Scratch reused across steps (see featuresOf / conditioned): the encoder input and the
   * memory bank. Each is lent to one graph run at a time and taken back when the run has
   * resolved; while lent, a concurrent call allocates its own.
   */
  private pixels: Float32Array | null = null;
  private pixelsLent = false;
  private readonly bank = new BankBuffers();
  private bankLent = false;
  /** memory_pos depends on the grid only: one array shared by every object (so the bank's memory_pos cache holds across objects). */
  readonly #positions = new EqualArrayInterner();

  constructor(
    private graphs: Sam2Graphs,
    private readonly volume: TrackerVolume,
    private window: IntensityWindow,
    private readonly options: TrackerOptions,
  ) {
    this.maxHoleArea = options.maxHoleArea ?? DEFAULT_MAX_HOLE_AREA;
    this.cacheSize = options.featureCacheSize ?? 4;
    if (graphs.numMaskmem !== options.config.numMaskmem) {
      throw new Error(`the model's temporal table has ${graphs.numMaskmem} rows, the bank config ${options.config.numMaskmem}`);
    }
  }

  /** New graphs (e.g. WASM after a lost GPU): tracking state is kept, image features are not. */
  replaceGraphs(graphs: Sam2Graphs): void {
    this.dropFeatures();
    this.graphs = graphs;
  }

  setWindow(window: IntensityWindow): void {
    if (window.min === this.window.min && window.max === this.window.max) return;
    this.window = { ...window };
    this.dropFeatures();
  }

  dispose(): void {
    this.dropFeatures();
    this.objects.clear();
  }

  objectIds(): number[] {
    return [...this.objects.keys()];
  }

  track(object: number): ObjectTrack | undefined {
    return this.objects.get(object);
  }

  removeObject(object: number): void {
    this.objects.delete(object);
  }

  clearSlice(object: number, slice: number): void {
    const o = this.objects.get(object);
    if (!o) return;
    if (o.outputs.get(slice)?.isConditioning) o.remove(slice);
    o.prompts.delete(slice);
  }

  /** Bytes of tracking state and cached features. */
  memoryBytes(): number {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for (const o of this.objects.values()) n += o.bytes(seen);
    const s = this.graphs.imageSize;
    const perSlice = 4 * (32 * (s / 4) ** 2 + 64 * (s / 8) ** 2 + 3 * 256 * (s / 16) ** 2);
    return n + this.features.size * perSlice;
  }

  private dropFeatures(): void {
    for (const f of this.features.values()) f.dispose();
    this.features.clear();
  }

  private objectFor(object: number, axis: SliceAxis): ObjectTrack {
    let o = this.objects.get(object);
    if (o && o.axis !== axis) {
      // Prompts in another plane start the object's tracking over along the new axis.
      o = undefined;
    }
    if (!o) {
      o = new ObjectTrack(object, axis, this.options.config.numMaskmem);
      this.objects.set(object, o);
    }
    return o;
  }

  private geometry(axis: SliceAxis) {
    return sliceGeometry(this.volume.dims, axis);
  }

  private async featuresOf(axis: SliceAxis, slice: number): Promise<FrameFeatures> {
    const key = `${axis}:${slice}`;
    const hit = this.features.get(key);
    if (hit) {
      this.features.delete(key);
      this.features.set(key, hit); // most recently used last
      return hit;
    }
    const { width, height } = this.geometry(axis);
    const s = this.graphs.imageSize;
    const lend = !this.pixelsLent;
    let into: Float32Array | undefined;
    if (lend) {
      if (this.pixels === null || this.pixels.length !== 3 * s * s) this.pixels = new Float32Array(3 * s * s);
      into = this.pixels;
      this.pixelsLent = true;
    }
    let f: FrameFeatures;
    try {
      const pixels = sliceToModelInput(
        this.slicePixels(axis, slice),
        width,
        height,
        this.window,
        s,
        this.options.mean,
        this.options.std,
        into,
      );
      f = await this.graphs.encodeImage(pixels);
    } finally {
      if (lend) this.pixelsLent = false;
    }
    this.features.set(key, f);
    while (this.features.size > this.cacheSize) {
      const oldest = this.features.keys().next().value as string;
      this.features.get(oldest)!.dispose();
      this.features.delete(oldest);
    }
    return f;
  }

  /**
   * The slice's voxels as sliceToModelInput reads them (as float32, the values extractSlice
   * gives): along axis 2 a slice is contiguous in the volume and is read in place.
   */
  private slicePixels(axis: SliceAxis, slice: number): ArrayLike<number> {
    const [nx, ny] = this.volume.dims;
    const { count } = this.geometry(axis);
    if (axis !== 2 || !Number.isInteger(slice) || slice < 0 || slice >= count) return extractSlice(this.volume.data, this.volume.dims, axis, slice);
    const base = nx * ny * slice;
    return this.volume.data.subarray(base, base + nx * ny);
  }

  private bankShape(): BankShape {
    const g = this.graphs;
    const hw = g.featureGrid * g.featureGrid;
    const tpp = g.hiddenDim / g.memDim;
    return {
      tokensPerMaskmem: hw,
      memDim: g.memDim,
      hiddenDim: g.hiddenDim,
      fixed: g.fixedBankRows === null ? null : fixedGeometry(g.fixedBankRows, hw, g.pointerSlots, tpp),
    };
  }

  /** Memory attention for `frame` (track_step's _prepare_memory_conditioned_features). */
  private async conditioned(o: ObjectTrack, frame: number, direction: Direction, f: FrameFeatures): Promise<ConditionedFeatures> {
    const shape = this.bankShape();
    const numFrames = this.geometry(o.axis).count;
    const sel = selectForBank(frame, direction, { outputs: o.outputs, numFrames }, this.options.config, shape.fixed, (t) => o.hasSpatial(t));
    let pointerPos: Float32Array | null = null;
    if (sel.pointerEncoding === 'sine' && sel.pointers.length > 0) {
      pointerPos = await this.graphs.pointerPositions(pointerDiffs(sel, this.graphs.pointerSlots));
    }
    // The bank's buffers are reused once attend() has resolved (the runtime no longer reads them).
    const lend = !this.bankLent;
    if (lend) this.bankLent = true;
    try {
      const bank = assembleBank(sel, (t) => o.outputs.get(t)!, shape, this.graphs.temporalEncoding, pointerPos, lend ? this.bank : undefined);
      return await this.graphs.attend(f, bank.memory, bank.memoryPos, bank.rows);
    } finally {
      if (lend) this.bankLent = false;
    }
  }

  /** Decoder output → the chosen low-res logits, gated and hole-filled, and the slice mask. */
  private finish(dec: DecoderOutput, axis: SliceAxis): { low: Float32Array; mask: Uint8Array; iou: number } {
    const { width, height } = this.geometry(axis);
    return decoderToMask(dec.lowRes, dec.candidates, dec.iou, dec.objectScore, dec.lowResSide, this.maxHoleArea, width, height);
  }

  private result(o: ObjectTrack, slice: number, mask: Uint8Array, iou: number, objectScore: number, source: SliceResult['source']): SliceResult {
    const { width, height } = this.geometry(o.axis);
    return { object: o.object, axis: o.axis, slice, width, height, mask, iou, objectScore, source };
  }

  /** add_new_points_or_box: segment a prompted slice and make it a conditioning slice. */
  async addPrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompt): Promise<SliceResult> {
    const points = prompt.points ?? [];
    const box = prompt.box ?? null;
    if (points.length === 0 && box === null) throw new Error('a prompt needs a box or at least one point');
    const o = this.objectFor(object, axis);
    const { width, height, count } = this.geometry(axis);
    if (slice < 0 || slice >= count) throw new RangeError(`slice ${slice} is outside 0…${count - 1}`);
    const model = promptToModel(points, box, width, height, this.graphs.imageSize);
    const dec = await this.decodeWithContext(o, slice, model);
    const out = this.finish(dec.output, axis);
    dec.output.highRes.dispose();
    await this.storeConditioning(o, slice, dec.features, out.low, dec.output, out.mask, out.iou, 'prompt');
    o.prompts.set(slice, { box, points: points.map((p) => ({ ...p })) });
    return this.result(o, slice, out.mask, out.iou, dec.output.objectScore, 'prompt');
  }

  /**
   * add_new_mask: a hand-drawn or corrected mask (width × height, 1 = object) becomes a
   * conditioning slice. The result is the mask itself.
   */
  async addMask(object: number, axis: SliceAxis, slice: number, mask: Uint8Array): Promise<SliceResult> {
    const o = this.objectFor(object, axis);
    const { width, height, count } = this.geometry(axis);
    if (mask.length !== width * height) throw new RangeError(`the mask has ${mask.length} pixels, the slice ${width} × ${height}`);
    if (slice < 0 || slice >= count) throw new RangeError(`slice ${slice} is outside 0…${count - 1}`);
    const f = await this.featuresOf(axis, slice);
    const s = this.graphs.imageSize;
    // add_new_mask: resize to the model size (bilinear, antialiased), ≥ 0.5 → mask; as an output: ±10 logits.
    const resized = resizeBilinear(Float32Array.from(mask), width, height, s, s, { antialias: true });
    let any = false;
    const high = new Float32Array(s * s);
    for (let i = 0; i < high.length; i++) {
      const on = resized[i]! >= 0.5;
      any ||= on;
      high[i] = on ? 10 : -10;
    }
    const objectScore = any ? 10 : -10;
    let pointer: Float32Array = new Float32Array(this.graphs.hiddenDim);
    if (any) {
      // No mask input in the exported decoder: take the pointer from a box + innermost point prompt.
      const dec = await this.decodeWithContext(o, slice, promptFromMask(mask, width, height, s));
      pointer = dec.output.pointer;
      dec.output.highRes.dispose();
    }
    const mem = await this.graphs.encodeMemory(f, high, objectScore, true);
    o.store(slice, {
      isConditioning: true,
      tokens: roundToBfloat16(mem.tokens),
      pos: this.#positions.intern(mem.pos),
      pointer,
      objectScore,
      iou: 1,
      mask: new Uint8Array(mask),
      source: 'mask',
    });
    o.prompts.set(slice, 'mask');
    return this.result(o, slice, new Uint8Array(mask), 1, objectScore, 'mask');
  }

  /** Run the decoder on a slice the user interacted with, with or without memory (promptContext). */
  private async decodeWithContext(o: ObjectTrack, slice: number, prompt: DecoderPrompt): Promise<{ output: DecoderOutput; features: FrameFeatures }> {
    const ctx = promptContext(slice, o.tracked, true);
    const f = await this.featuresOf(o.axis, slice);
    if (ctx.isInitCondFrame || o.conditioningSlices().length === 0) {
      return { output: await this.graphs.decode(f, 'noMemory', prompt), features: f };
    }
    const cond = await this.conditioned(o, slice, ctx.direction, f);
    try {
      return { output: await this.graphs.decode(f, cond, prompt), features: f };
    } finally {
      cond.dispose();
    }
  }

  private async storeConditioning(
    o: ObjectTrack,
    slice: number,
    f: FrameFeatures,
    low: Float32Array,
    dec: DecoderOutput,
    mask: Uint8Array,
    iou: number,
    source: StoredSlice['source'],
  ): Promise<void> {
    const s = this.graphs.imageSize;
    const side = dec.lowResSide;
    // propagate_in_video_preflight: interpolate pred_masks to the model size, binarised memory.
    const high = upsampleBilinear(low, side, side, s, s);
    const mem = await this.graphs.encodeMemory(f, high, dec.objectScore, true);
    o.store(slice, {
      isConditioning: true,
      tokens: roundToBfloat16(mem.tokens),
      pos: this.#positions.intern(mem.pos),
      pointer: dec.pointer,
      objectScore: dec.objectScore,
      iou,
      mask,
      source,
    });
  }

  /** track_step on a slice without prompts, stored as non-conditioning. */
  private async trackSlice(o: ObjectTrack, slice: number, direction: Direction): Promise<SliceResult> {
    const f = await this.featuresOf(o.axis, slice);
    const cond = await this.conditioned(o, slice, direction, f);
    let dec: DecoderOutput;
    try {
      dec = await this.graphs.decode(f, cond, TRACKING_PROMPT);
    } finally {
      cond.dispose();
    }
    const out = this.finish(dec, o.axis);
    let mem;
    try {
      mem = await this.graphs.encodeMemory(f, dec.highRes, dec.objectScore, false);
    } finally {
      dec.highRes.dispose();
    }
    o.store(slice, {
      isConditioning: false,
      tokens: roundToBfloat16(mem.tokens),
      pos: this.#positions.intern(mem.pos),
      pointer: dec.pointer,
      objectScore: dec.objectScore,
      iou: out.iou,
      mask: null,
      source: 'tracked',
    });
    o.tracked.set(slice, direction);
    return this.result(o, slice, out.mask, out.iou, dec.objectScore, 'tracked');
  }

  /**
   * propagate_in_video for the requested objects: forward passes first, then reverse, each
   * slice's image encoded once for all objects; results stream per slice.
   * `runStep` wraps every slice step (the worker retries a step on WASM when WebGPU fails).
   */
  async propagate(request: PropagateRequest, hooks: PropagateHooks, runStep: StepRunner = (s) => s()): Promise<Omit<PropagateSummary, 'device' | 'fellBackToWasm'>> {
    const axis = request.axis;
    const count = this.geometry(axis).count;
    const ids = request.objects ?? [...this.objects.values()].filter((o) => o.axis === axis && o.conditioningSlices().length > 0).map((o) => o.object);
    if (ids.length === 0) throw new Error(`no object has prompts on axis ${axis} to propagate from`);
    const plans: { o: ObjectTrack; passes: Pass[] }[] = [];
    for (const id of ids) {
      const o = this.objects.get(id);
      if (!o || o.axis !== axis) throw new Error(`object ${id} has no prompts on axis ${axis}`);
      plans.push({ o, passes: planPasses(request.mode, o.conditioningSlices(), count, request.from, request.stopAfterEmpty) });
    }
    const total = plans.reduce((n, p) => n + p.passes.reduce((m, q) => m + passLength(q), 0), 0);
    let done = 0;
    const stops: PropagateSummary['stops'] = [];
    let cancelled = false;

    for (const direction of ['forward', 'reverse'] as const) {
      const active = plans.flatMap(({ o, passes }) =>
        passes.filter((p) => p.direction === direction).map((p) => ({ o, p, empty: 0, stopped: false })),
      );
      if (active.length === 0) continue;
      const step = direction === 'forward' ? 1 : -1;
      const first = direction === 'forward' ? Math.min(...active.map((a) => a.p.from)) : Math.max(...active.map((a) => a.p.from));
      const last = direction === 'forward' ? Math.max(...active.map((a) => a.p.to)) : Math.min(...active.map((a) => a.p.to));
      for (let t = first; direction === 'forward' ? t <= last : t >= last; t += step) {
        const batch: SliceResult[] = [];
        for (const a of active) {
          const inPass = direction === 'forward' ? t >= a.p.from && t <= a.p.to : t <= a.p.from && t >= a.p.to;
          if (!inPass || a.stopped) continue;
          if (hooks.isCancelled()) {
            cancelled = true;
            break;
          }
          const stored = a.o.outputs.get(t);
          let r: SliceResult;
          if (stored?.isConditioning && stored.mask) {
            // A conditioning slice is reused, not recomputed (propagate_in_video).
            r = this.result(a.o, t, stored.mask, stored.iou, stored.objectScore, stored.source);
            a.o.tracked.set(t, direction);
          } else {
            r = await runStep(() => this.trackSlice(a.o, t, direction));
          }
          batch.push(r);
          done++;
          if (a.p.stop) {
            const beyond = direction === 'forward' ? t > a.p.stop.beyond : t < a.p.stop.beyond;
            a.empty = beyond && r.objectScore <= 0 ? a.empty + 1 : 0;
            if (beyond && a.empty >= a.p.stop.afterEmpty) {
              a.stopped = true;
              stops.push({ object: a.o.object, direction, stoppedAfter: t });
              done += Math.abs(a.p.to - t); // slices it will not visit
            }
          }
        }
        if (batch.length > 0) await hooks.onSlices(batch);
        hooks.onProgress?.(done, total);
        if (cancelled) break;
      }
      if (cancelled) break;
      for (const a of active) if (a.p.stop && !a.stopped) stops.push({ object: a.o.object, direction, stoppedAfter: null });
    }
    return { slices: done, cancelled, stops };
  }
}

/**
 * A prompt that stands for a mask: its bounding box and a positive point at the pixel
 * farthest from the background (chessboard distance), in model coordinates.
 */
export function promptFromMask(mask: Uint8Array, width: number, height: number, imageSize: number): DecoderPrompt {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  // Two-pass chessboard distance to the nearest background pixel; outside the slice counts as background.
  const d = new Int32Array(width * height);
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= width || y >= height ? 0 : d[y * width + x]!);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) d[y * width + x] = 1 + Math.min(at(x - 1, y), at(x - 1, y - 1), at(x, y - 1), at(x + 1, y - 1));
    }
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const v = Math.min(d[i]!, 1 + Math.min(at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1)));
      d[i] = v;
      if (v > best || (v === best && (y < by || (y === by && x < bx)))) {
        best = v;
        bx = x;
        by = y;
      }
    }
  }
  return promptToModel([{ x: bx, y: by, positive: true }], { x0, y0, x1, y1 }, width, height, imageSize);
}
