/**
 * SAM2's video predictor over the slices of one volume, for several objects: the part of
 * sam2_video_predictor.py / sam2_base.py that is not in the graphs.
 *
 * Reference (read, not copied): facebookresearch/sam2 @ 2b90b9f5
 *   add_new_points_or_box, add_new_mask, propagate_in_video_preflight, propagate_in_video,
 *   _run_single_frame_inference; SAM2Base.track_step, _prepare_memory_conditioned_features.
 *
 * Choices where SAM2 has options or the graphs force them (see also docs/engine.md):
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
 *
 * The parts with one job each live beside this file: feature-cache.ts (image features per
 * slice), memory-attention.ts (the memory bank of a slice), propagate.ts (the propagation
 * loop) and mask-prompt.ts (the prompt a mask-only slice is decoded with).
 */
import { roundToBfloat16 } from '../bank/bf16.ts';
import type { BankConfig } from '../bank/config.ts';
import { promptContext } from '../bank/predictor.ts';
import type { Direction } from '../bank/select.ts';
import type { ConditionedFeatures, DecoderOutput, DecoderPrompt, FrameFeatures, Sam2Graphs } from '../graphs.ts';
import { decoderToMask, upsampleBilinear, DEFAULT_MAX_HOLE_AREA } from '../image/postprocess.ts';
import { LABEL_PADDING, promptToModel, type IntensityWindow } from '../image/preprocess.ts';
import { resizeBilinear } from '../image/resize.ts';
import type { PropagateRequest, PropagateSummary, SliceAxis, SlicePrompt, SliceResult } from '../../protocol.ts';
import { FeatureCache, type TrackerVolume } from './feature-cache.ts';
import { EqualArrayInterner } from './intern.ts';
import { promptFromMask } from './mask-prompt.ts';
import { MemoryAttention } from './memory-attention.ts';
import { SpatialMemoryStore, type SpillFile } from './memory-store.ts';
import { ObjectTrack, type StoredSlice } from './object-track.ts';
import { propagateObjects, type PropagateHooks } from './propagate.ts';
import { sliceGeometry } from '../../slices.ts';

export type { TrackerVolume } from './feature-cache.ts';
export { promptFromMask } from './mask-prompt.ts';
export type { PropagateHooks } from './propagate.ts';

export interface TrackerOptions {
  config: BankConfig;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  maxHoleArea?: number;
  /** Slices whose image features are kept (the encoder is the expensive graph). */
  featureCacheSize?: number;
  /**
   * Spatial memories set aside: RAM up to `budget` bytes (DEFAULT_MEMORY_BUDGET), then `spill`
   * (an OPFS file in the worker); or a `store` of the caller's (verify-model's controls).
   */
  memories?: { budget?: number; spill?: SpillFile | null; store?: SpatialMemoryStore };
}

/** Thrown by a step when the graphs' device failed; the caller may swap graphs and retry. */
export type StepRunner = <T>(step: () => Promise<T>) => Promise<T>;

const TRACKING_PROMPT: DecoderPrompt = { points: new Float32Array(2), labels: Int32Array.of(LABEL_PADDING) };

export class Tracker {
  private readonly objects = new Map<number, ObjectTrack>();
  private readonly features: FeatureCache;
  private readonly memory: MemoryAttention;
  private readonly maxHoleArea: number;
  /** memory_pos depends on the grid only: one array shared by every object (so the bank's memory_pos cache holds across objects). */
  readonly #positions = new EqualArrayInterner();
  /** Every object's spatial memories set aside (object-track.ts), for this volume. */
  readonly #setAside: SpatialMemoryStore;

  constructor(
    private graphs: Sam2Graphs,
    private readonly volume: TrackerVolume,
    window: IntensityWindow,
    private readonly options: TrackerOptions,
  ) {
    this.maxHoleArea = options.maxHoleArea ?? DEFAULT_MAX_HOLE_AREA;
    this.#setAside = options.memories?.store ?? new SpatialMemoryStore(options.memories?.budget, options.memories?.spill ?? null);
    this.features = new FeatureCache(() => this.graphs, volume, window, options, options.featureCacheSize ?? 4);
    this.memory = new MemoryAttention(() => this.graphs, options.config);
    if (graphs.numMaskmem !== options.config.numMaskmem) {
      throw new Error(`the model's temporal table has ${graphs.numMaskmem} rows, the bank config ${options.config.numMaskmem}`);
    }
  }

  /** New graphs (e.g. WASM after a lost GPU): tracking state is kept, image features are not. */
  replaceGraphs(graphs: Sam2Graphs): void {
    this.features.clear();
    this.graphs = graphs;
  }

  setWindow(window: IntensityWindow): void {
    this.features.setWindow(window);
  }

  dispose(): void {
    this.features.clear();
    for (const o of this.objects.values()) o.clear();
    this.objects.clear();
    this.#setAside.close();
  }

  objectIds(): number[] {
    return [...this.objects.keys()];
  }

  track(object: number): ObjectTrack | undefined {
    return this.objects.get(object);
  }

  removeObject(object: number): void {
    this.objects.get(object)?.clear();
    this.objects.delete(object);
  }

  clearSlice(object: number, slice: number): void {
    const o = this.objects.get(object);
    if (!o) return;
    if (o.outputs.get(slice)?.isConditioning) o.remove(slice);
    o.prompts.delete(slice);
  }

  /** Bytes of tracking state and cached features in RAM (spilled memories not counted). */
  memoryBytes(): number {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for (const o of this.objects.values()) n += o.bytes(seen);
    return n + this.features.bytes() + this.#setAside.stats().ramBytes;
  }

  /** The spatial memories set aside: in RAM, in the spill file, how many. */
  setAsideStats(): { ramBytes: number; diskBytes: number; count: number } {
    return this.#setAside.stats();
  }

  private objectFor(object: number, axis: SliceAxis): ObjectTrack {
    let o = this.objects.get(object);
    if (o && o.axis !== axis) {
      // Prompts in another plane start the object's tracking over along the new axis.
      o.clear();
      o = undefined;
    }
    if (!o) {
      o = new ObjectTrack(object, axis, this.options.config.numMaskmem, this.#setAside);
      this.objects.set(object, o);
    }
    return o;
  }

  private geometry(axis: SliceAxis) {
    return sliceGeometry(this.volume.dims, axis);
  }

  /** Memory attention for `frame` (track_step's _prepare_memory_conditioned_features). */
  private conditioned(o: ObjectTrack, frame: number, direction: Direction, f: FrameFeatures): Promise<ConditionedFeatures> {
    return this.memory.conditioned(o, this.geometry(o.axis).count, frame, direction, f);
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
    const f = await this.features.of(axis, slice);
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
    const f = await this.features.of(o.axis, slice);
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
    const f = await this.features.of(o.axis, slice);
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
    return propagateObjects(request, this.objects, this.geometry(request.axis).count, hooks, {
      result: (o, slice, mask, iou, objectScore, source) => this.result(o, slice, mask, iou, objectScore, source),
      track: (o, slice, direction) => runStep(() => this.trackSlice(o, slice, direction)),
    });
  }
}
