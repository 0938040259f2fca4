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
 * Fill memory / memory_pos. `pointerPos` is pointer_tpos's output for pointerDiffs(sel)
 * ([slots, memDim]), or null for zero positions (SAM 2.0: add_tpos_enc_to_obj_ptrs false).
 * `temporal` is the numMaskmem × memDim table from constants.json.
 */
export function assembleBank(
  sel: MemorySelection,
  stored: (frame: number) => StoredMemory,
  shape: BankShape,
  temporal: Float32Array,
  pointerPos: Float32Array | null,
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
  const memory = new Float32Array(rows * memDim);
  const memoryPos = new Float32Array(rows * memDim);

  sel.maskmemRows.forEach((row, slot) => {
    const out = stored(row.frame);
    if (out.tokens === null || out.pos === null) throw new Error(`slice ${row.frame}: its spatial memory was released`);
    if (out.tokens.length !== hw * memDim || out.pos.length !== hw * memDim) {
      throw new RangeError(`slice ${row.frame}: memory of ${out.tokens.length} / ${out.pos.length} values, expected ${hw * memDim}`);
    }
    const base = slot * hw * memDim;
    memory.set(out.tokens, base);
    const t = row.tposIndex * memDim;
    const pos = out.pos;
    for (let r = 0; r < hw; r++) {
      const o = base + r * memDim;
      const p = r * memDim;
      for (let c = 0; c < memDim; c++) memoryPos[o + c] = pos[p + c]! + temporal[t + c]!;
    }
  });

  sel.pointers.forEach((ptr, i) => {
    const pointer = stored(ptr.frame).pointer;
    if (pointer.length !== hiddenDim) throw new RangeError(`slice ${ptr.frame}: object pointer of ${pointer.length} values, expected ${hiddenDim}`);
    for (let k = 0; k < tpp; k++) {
      const o = (pointerOffset + i * tpp + k) * memDim;
      memory.set(pointer.subarray(k * memDim, (k + 1) * memDim), o);
      if (pointerPos) memoryPos.set(pointerPos.subarray(i * memDim, (i + 1) * memDim), o);
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
