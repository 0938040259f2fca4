/**
 * From a memory selection (select.ts) and the stored per-slice outputs to the two tensors
 * memory attention takes: `memory` and `memory_pos`, [rows, 1, memDim] each.
 *
 * Reference: facebookresearch/sam2 sam2_base.py _prepare_memory_conditioned_features
 * (lines 570-676): spatial memories first (their position = the memory encoder's pos + the
 * temporal row maskmem_tpos_enc[num_maskmem - t_pos - 1]), then object pointers, each split
 * into C / mem_dim tokens (`reshape(-1, B, C // mem_dim, mem_dim).permute(0, 2, 1, 3)`,
 * so token k of pointer p is pointer[k·mem_dim … (k+1)·mem_dim)), each token with its
 * pointer's position (`repeat_interleave`).
 *
 * A fixed-row graph gets the layout of pad.ts (spatial slots, then pointer slots, zero rows
 * for padding); a dynamic graph gets exactly the real rows, as PyTorch concatenates them.
 */
import type { BankConfig } from './config.ts';
import { padBank, type BankGeometry } from './pad.ts';
import { selectMemory, type Direction, type MemorySelection, type SelectState } from './select.ts';

/** What the bank reads of one stored slice output. */
export interface StoredMemory {
  /** memory_tokens [HW, 1, memDim]; null when the spatial memory was released (only the pointer is kept). */
  readonly tokens: Float32Array | null;
  readonly pos: Float32Array | null;
  /** Object pointer [C]. */
  readonly pointer: Float32Array;
}

export interface BankShape {
  /** Tokens per spatial memory (HW of the feature grid). */
  readonly tokensPerMaskmem: number;
  readonly memDim: number;
  readonly hiddenDim: number;
  /** Fixed layout, or null for a dynamic row count. */
  readonly fixed: BankGeometry | null;
}

/** The fixed layout of a graph with `rows` memory rows. */
export function fixedGeometry(rows: number, tokensPerMaskmem: number, pointerSlots: number, tokensPerPointer: number): BankGeometry {
  const spatialRows = rows - pointerSlots * tokensPerPointer;
  const maskmemSlots = spatialRows / tokensPerMaskmem;
  if (!Number.isInteger(maskmemSlots) || maskmemSlots < 1) {
    throw new RangeError(
      `memory_attention takes ${rows} rows, which is not k × ${tokensPerMaskmem} spatial + ${pointerSlots} × ${tokensPerPointer} pointer rows`,
    );
  }
  return { maskmemSlots, pointerSlots, tokensPerMaskmem, tokensPerPointer };
}

/**
 * selectMemory, made to fit a fixed bank. PyTorch grows the bank instead; with a fixed one,
 * when more spatial memories are selected than there are slots:
 *  1. conditioning slices are limited to the closest ones (select_closest_cond_frames with
 *     max_cond_frames_in_attn = max(2, slots − (num_maskmem − 1)), a real SAM2 setting),
 *  2. then the oldest recent slices are dropped;
 * and when more pointers than pointer slots, the farthest recent pointers are dropped.
 * With at most one conditioning slice nothing is ever dropped (1 + 6 = 7 slots, 1 + 15 = 16 pointers).
 */
export function selectForBank(
  frame: number,
  direction: Direction,
  state: SelectState,
  config: BankConfig,
  geometry: BankGeometry | null,
  hasSpatial: (frame: number) => boolean = () => true,
): MemorySelection {
  let sel = selectMemory(frame, direction, state, config);
  sel = dropReleased(sel, hasSpatial);
  if (geometry === null || sel.noMemory) return sel;
  const slots = geometry.maskmemSlots;
  if (sel.maskmemRows.length > slots) {
    let condCount = 0;
    for (const out of state.outputs.values()) if (out.isConditioning) condCount++;
    const keep = Math.min(condCount, Math.max(2, slots - (config.numMaskmem - 1)));
    if (keep < condCount && (config.maxCondFramesInAttn === -1 || config.maxCondFramesInAttn > keep)) {
      sel = dropReleased(selectMemory(frame, direction, state, { ...config, maxCondFramesInAttn: keep }), hasSpatial);
    }
  }
  let rows = sel.maskmemRows;
  if (rows.length > slots) {
    const cond = rows.filter((r) => r.conditioning);
    const recent = rows.filter((r) => !r.conditioning);
    if (cond.length > slots) throw new RangeError(`${cond.length} conditioning memories do not fit ${slots} fixed slots`);
    // recent rows are oldest first: keep the newest
    rows = [...cond, ...recent.slice(recent.length - (slots - cond.length))];
  }
  let pointers = sel.pointers;
  if (pointers.length > geometry.pointerSlots) {
    const cond = pointers.filter((p) => p.conditioning);
    const recent = pointers.filter((p) => !p.conditioning); // nearest first
    pointers = [...cond, ...recent].slice(0, geometry.pointerSlots);
  }
  return { ...sel, maskmemRows: rows, pointers, numObjPtrTokens: pointers.length * (config.hiddenDim / config.memDim) };
}

/** Spatial rows whose memory was released are left out (their pointers stay). */
function dropReleased(sel: MemorySelection, hasSpatial: (frame: number) => boolean): MemorySelection {
  if (sel.noMemory) return sel;
  const rows = sel.maskmemRows.filter((r) => hasSpatial(r.frame));
  return rows.length === sel.maskmemRows.length ? sel : { ...sel, maskmemRows: rows };
}

export interface AssembledBank {
  memory: Float32Array;
  memoryPos: Float32Array;
  rows: number;
  /** Real (not padding) rows: spatial tokens then pointer tokens. */
  realSpatialRows: number;
  realPointerRows: number;
}

/**
 * How many distances pointer_tpos gets for a selection: a fixed bank's pointer slots, or for a
 * dynamic bank (any row count, pointer_tpos of any length) at least every pointer selected.
 * SAM2 caps only the non-conditioning pointers (max_obj_ptrs_in_encoder − 1), so two
 * conditioning slices behind and fifteen recent ones make 17 pointers where the manifest says 16.
 */
export function pointerInputLength(sel: MemorySelection, slots: number, fixed: boolean): number {
  return fixed ? slots : Math.max(slots, sel.pointers.length);
}

/**
 * The pointer_tpos input for a selection: normalised distances of the real pointers,
 * zero-padded to `slots`.
 */
export function pointerDiffs(sel: MemorySelection, slots: number): Float32Array {
  const diffs = new Float32Array(slots);
  sel.pointers.forEach((p, i) => {
    if (i < slots && p.normalized !== null) diffs[i] = p.normalized;
  });
  return diffs;
}

/**
 * Arrays `assembleBank` may fill again instead of allocating (2 × rows × memDim floats each
 * call), and what their spatial memory_pos holds, so that it is rewritten only when the
 * selection's layout changes. Hand the same instance to consecutive calls only once the
 * previous bank is no longer read (e.g. after memory attention's run has resolved): the
 * returned arrays are these buffers.
 */
export class BankBuffers {
  memory = new Float32Array(0);
  memoryPos = new Float32Array(0);
  /** The spatial part of memoryPos: per slot, the pos array and temporal row it was computed from. */
  private posFrom: { pos: Float32Array; tpos: number }[] = [];
  private posTemporal: Float32Array | null = null;
  private posShape = '';

  /** Arrays of `length` values; their contents are left as they are when the length is unchanged. */
  take(length: number): void {
    // (A length that changed under us means a runtime detached the buffers: start over.)
    if (this.memory.length !== length || this.memoryPos.length !== length) {
      this.memory = new Float32Array(length);
      this.memoryPos = new Float32Array(length);
      this.posFrom = [];
      this.posTemporal = null;
    }
  }

  /** Whether slot `slot`'s memory_pos rows already hold `pos` + temporal row `tpos`. */
  spatialPosCached(slot: number, pos: Float32Array, tpos: number, temporal: Float32Array, shape: string): boolean {
    if (this.posTemporal !== temporal || this.posShape !== shape) {
      this.posFrom = [];
      this.posTemporal = temporal;
      this.posShape = shape;
    }
    const had = this.posFrom[slot];
    return had !== undefined && had.pos === pos && had.tpos === tpos;
  }

  spatialPosWritten(slot: number, pos: Float32Array, tpos: number): void {
    this.posFrom[slot] = { pos, tpos };
  }

  /** Spatial slots from `slot` on no longer hold a known memory_pos. */
  spatialPosCleared(slot: number): void {
    if (this.posFrom.length > slot) this.posFrom.length = slot;
  }
}

/**
 * Fill memory / memory_pos. `pointerPos` is pointer_tpos's output for pointerDiffs(sel)
 * ([slots, memDim]), or null for zero positions (SAM 2.0: add_tpos_enc_to_obj_ptrs false).
 * `temporal` is the numMaskmem × memDim table from constants.json.
 * With `reuse`, its buffers are filled and returned (the same values as fresh arrays: every
 * row is written, padding rows zeroed); memory_pos rows of a spatial slot that already holds
 * the same pos array (by identity) and temporal row are not recomputed.
 */
export function assembleBank(
  sel: MemorySelection,
  stored: (frame: number) => StoredMemory,
  shape: BankShape,
  temporal: Float32Array,
  pointerPos: Float32Array | null,
  reuse?: BankBuffers,
): AssembledBank {
  if (sel.noMemory) throw new Error('assembleBank: an initial conditioning slice has no memory');
  const { tokensPerMaskmem: hw, memDim, hiddenDim } = shape;
  const tpp = hiddenDim / memDim;
  const realMaskmem = sel.maskmemRows.length;
  const realPointers = sel.pointers.length;
  if (shape.fixed && shape.fixed.tokensPerPointer !== tpp) {
    throw new RangeError(`the fixed bank has ${shape.fixed.tokensPerPointer} tokens per pointer, the model ${tpp}`);
  }
  if (pointerPos && pointerPos.length < realPointers * memDim) {
    throw new RangeError(`pointer positions for ${pointerPos.length / memDim} pointers, ${realPointers} selected`);
  }
  let rows: number;
  let pointerOffset: number;
  if (shape.fixed) {
    const padded = padBank(sel, shape.fixed); // throws when the selection does not fit
    rows = padded.totalRows;
    pointerOffset = padded.pointerRowOffset;
  } else {
    pointerOffset = realMaskmem * hw;
    rows = pointerOffset + realPointers * tpp;
  }
  let memory: Float32Array;
  let memoryPos: Float32Array;
  if (reuse === undefined) {
    memory = new Float32Array(rows * memDim);
    memoryPos = new Float32Array(rows * memDim);
  } else {
    reuse.take(rows * memDim);
    memory = reuse.memory;
    memoryPos = reuse.memoryPos;
  }
  const shapeKey = `${hw}:${memDim}`;

  sel.maskmemRows.forEach((row, slot) => {
    const out = stored(row.frame);
    if (out.tokens === null || out.pos === null) throw new Error(`slice ${row.frame}: its spatial memory was released`);
    if (out.tokens.length !== hw * memDim || out.pos.length !== hw * memDim) {
      throw new RangeError(`slice ${row.frame}: memory of ${out.tokens.length} / ${out.pos.length} values, expected ${hw * memDim}`);
    }
    const base = slot * hw * memDim;
    memory.set(out.tokens, base);
    const pos = out.pos;
    if (reuse !== undefined && reuse.spatialPosCached(slot, pos, row.tposIndex, temporal, shapeKey)) return;
    const t = row.tposIndex * memDim;
    for (let r = 0; r < hw; r++) {
      const o = base + r * memDim;
      const p = r * memDim;
      for (let c = 0; c < memDim; c++) memoryPos[o + c] = pos[p + c]! + temporal[t + c]!;
    }
    reuse?.spatialPosWritten(slot, pos, row.tposIndex);
  });
  if (reuse !== undefined) {
    // Padding between the real spatial memories and the pointer region, and after the pointers.
    const spatialEnd = realMaskmem * hw * memDim;
    const pointerStart = pointerOffset * memDim;
    memory.fill(0, spatialEnd, pointerStart);
    memoryPos.fill(0, spatialEnd, pointerStart);
    reuse.spatialPosCleared(realMaskmem);
    const pointerEnd = (pointerOffset + realPointers * tpp) * memDim;
    memory.fill(0, pointerEnd);
    memoryPos.fill(0, pointerEnd);
  }

  sel.pointers.forEach((ptr, i) => {
    const pointer = stored(ptr.frame).pointer;
    if (pointer.length !== hiddenDim) throw new RangeError(`slice ${ptr.frame}: object pointer of ${pointer.length} values, expected ${hiddenDim}`);
    for (let k = 0; k < tpp; k++) {
      const o = (pointerOffset + i * tpp + k) * memDim;
      memory.set(pointer.subarray(k * memDim, (k + 1) * memDim), o);
      if (pointerPos) memoryPos.set(pointerPos.subarray(i * memDim, (i + 1) * memDim), o);
      else if (reuse !== undefined) memoryPos.fill(0, o, o + memDim);
    }
  });

  return {
    memory,
    memoryPos,
    rows,
    realSpatialRows: realMaskmem * hw,
    realPointerRows: realPointers * tpp,
  };
}
