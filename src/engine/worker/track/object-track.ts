/**
 * One object's tracking state: SAM2VideoPredictor's output_dict_per_obj[obj] and
 * frames_tracked_per_obj[obj], plus the prompts per slice.
 *
 * Memory stays flat in the number of slices: the spatial memory (memory_tokens, HW × 64
 * floats, 1 MB at 1024 px) of a non-conditioning slice is kept only while selection can
 * use it — the last (num_maskmem − 1) · 2 slices produced, and the slices within
 * num_maskmem − 1 of a conditioning slice (where a later pass in either direction starts).
 * Object pointers (256 floats) are kept for every slice. PyTorch keeps everything; the
 * difference shows only when a correction lands mid-volume, far from the last pass and
 * from every prompt: its neighbours' spatial memories are then gone and not attended.
 */
import type { StoredMemory } from '../bank/assemble.ts';
import { EqualArrayInterner } from './intern.ts';
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

  constructor(
    readonly object: number,
    readonly axis: SliceAxis,
    private readonly numMaskmem: number,
  ) {}

  conditioningSlices(): number[] {
    const out: number[] = [];
    for (const [t, o] of this.outputs) if (o.isConditioning) out.push(t);
    return out;
  }

  hasSpatial(frame: number): boolean {
    return this.outputs.get(frame)?.tokens != null;
  }

  store(frame: number, out: StoredSlice): void {
    if (out.pos) out.pos = this.#positions.intern(out.pos);
    const prior = this.outputs.get(frame);
    if (prior && prior.isConditioning !== out.isConditioning) {
      // Python pops it from one dict and inserts it into the other: it moves to the end.
      this.outputs.delete(frame);
    }
    this.outputs.set(frame, out);
    this.recent = this.recent.filter((t) => t !== frame);
    if (!out.isConditioning) this.recent.push(frame);
    this.release();
  }

  remove(frame: number): void {
    this.outputs.delete(frame);
    this.prompts.delete(frame);
    this.recent = this.recent.filter((t) => t !== frame);
  }

  /** Release spatial memories selection can no longer reach. */
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
      if (o && !o.isConditioning) {
        o.tokens = null;
        o.pos = null;
      }
    });
    this.recent = kept;
  }

  /** Bytes held, counting a shared array once. */
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
