/**
 * One object's tracking state: SAM2VideoPredictor's output_dict_per_obj[obj] and
 * frames_tracked_per_obj[obj], plus the prompts per slice.
 *
 * Every slice's spatial memory is kept, as PyTorch keeps it: a later pass started elsewhere,
 * a correction mid-volume or a second propagation may attend any of them. Float32 tokens
 * (memory_tokens, HW × 64 floats, 1 MB at 1024 px) stay at hand only while the current pass
 * is likely to select them: the last (num_maskmem − 1) · 2 slices produced and the slices
 * within num_maskmem − 1 of a conditioning slice. The others go to the tracker's
 * SpatialMemoryStore (bfloat16, exact; RAM up to a budget, then a spill file) and come back
 * when selected. Object pointers (256 floats) stay for every slice.
 */
import type { StoredMemory } from '../bank/assemble.ts';
import { EqualArrayInterner } from './intern.ts';
import { SpatialMemoryStore } from './memory-store.ts';
import type { Direction, StoredOutput } from '../bank/select.ts';
import type { SliceAxis, SlicePrompt } from '../../protocol.ts';

export interface StoredSlice extends StoredOutput, StoredMemory {
  readonly isConditioning: boolean;
  tokens: Float32Array | null;
  pos: Float32Array | null;
  readonly pointer: Float32Array;
  readonly objectScore: number;
  readonly iou: number;
  /** Kept for conditioning slices only, so a pass can hand them out again. */
  readonly mask: Uint8Array | null;
  readonly source: 'prompt' | 'mask' | 'tracked';
}

export class ObjectTrack {
  /** Frame → output, in Python dict insertion order (see select.ts FrameOutputs). */
  readonly outputs = new Map<number, StoredSlice>();
  /** Frame → the direction it was last tracked in (frames_tracked_per_obj). */
  readonly tracked = new Map<number, Direction>();
  readonly prompts = new Map<number, SlicePrompt | 'mask'>();
  /** Non-conditioning slices holding spatial memory, oldest first. */
  private recent: number[] = [];
  readonly #positions = new EqualArrayInterner();

  /** `store` keeps the spatial memories set aside (shared by a tracker's objects). */
  constructor(
    readonly object: number,
    readonly axis: SliceAxis,
    private readonly numMaskmem: number,
    private readonly setAside: SpatialMemoryStore = new SpatialMemoryStore(),
  ) {}

  #key(frame: number): string {
    return `${this.object}/${this.axis}/${frame}`;
  }

  conditioningSlices(): number[] {
    const out: number[] = [];
    for (const [t, o] of this.outputs) if (o.isConditioning) out.push(t);
    return out;
  }

  hasSpatial(frame: number): boolean {
    const o = this.outputs.get(frame);
    return o !== undefined && (o.tokens !== null || (o.pos !== null && this.setAside.has(this.#key(frame))));
  }

  /**
   * What the bank reads of a slice, its spatial memory read back from the store only when the
   * bank asks for it (a slice selected for its object pointer alone needs no read from disk).
   */
  memory(frame: number): StoredMemory {
    const o = this.outputs.get(frame);
    if (!o) throw new Error(`no output for slice ${frame}`);
    if (o.tokens !== null || o.pos === null) return o;
    const store = this.setAside;
    const key = this.#key(frame);
    let tokens: Float32Array | null | undefined;
    return {
      pos: o.pos,
      pointer: o.pointer,
      get tokens() {
        if (tokens === undefined) tokens = store.get(key);
        return tokens;
      },
    };
  }

  store(frame: number, out: StoredSlice): void {
    if (out.pos) out.pos = this.#positions.intern(out.pos);
    const prior = this.outputs.get(frame);
    if (prior && prior.isConditioning !== out.isConditioning) {
      // Python pops it from one dict and inserts it into the other: it moves to the end.
      this.outputs.delete(frame);
    }
    this.outputs.set(frame, out);
    this.setAside.delete(this.#key(frame));
    this.recent = this.recent.filter((t) => t !== frame);
    if (!out.isConditioning) this.recent.push(frame);
    this.release();
  }

  remove(frame: number): void {
    this.outputs.delete(frame);
    this.setAside.delete(this.#key(frame));
    this.prompts.delete(frame);
    this.recent = this.recent.filter((t) => t !== frame);
  }

  /** Set aside the spatial memories the current pass is unlikely to select (the store keeps them). */
  private release(): void {
    const window = this.numMaskmem - 1;
    const keepNewest = 2 * window;
    if (this.recent.length <= keepNewest) return;
    const cond = this.conditioningSlices();
    const nearCond = (t: number) => cond.some((c) => Math.abs(c - t) <= window);
    const kept: number[] = [];
    const cut = this.recent.length - keepNewest;
    this.recent.forEach((t, i) => {
      if (i >= cut || nearCond(t)) {
        kept.push(t);
        return;
      }
      const o = this.outputs.get(t);
      if (o && !o.isConditioning && o.tokens) {
        this.setAside.put(this.#key(t), o.tokens);
        o.tokens = null; // pos (one interned array for all slices) stays
      }
    });
    this.recent = kept;
  }

  /** Forget every slice (the object is gone or starts over), and what was set aside for it. */
  clear(): void {
    for (const t of this.outputs.keys()) this.setAside.delete(this.#key(t));
    this.outputs.clear();
    this.tracked.clear();
    this.prompts.clear();
    this.recent = [];
  }

  /** Bytes held, counting a shared array once (not what was set aside). */
  bytes(seen: Set<ArrayBufferLike>): number {
    let n = 0;
    const add = (a: ArrayBufferView | null) => {
      if (a && !seen.has(a.buffer)) {
        seen.add(a.buffer);
        n += a.buffer.byteLength;
      }
    };
    for (const o of this.outputs.values()) {
      add(o.tokens);
      add(o.pos);
      add(o.pointer);
      add(o.mask);
    }
    return n;
  }
}
