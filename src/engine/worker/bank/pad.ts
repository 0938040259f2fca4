/**
 * Fixed-size bank layout for graphs with fixed memory rows.
 *
 * PyTorch concatenates only the real memories (sam2_base.py:664-665), so its memory length
 * varies. The public square-zero-labs/sam2.1-tiny-video-onnx card documents a fixed memory
 * input of [28736, 1, 64] = 7 x 4096 spatial tokens + 16 pointers x 4 tokens and says the
 * bank is "padded" on early frames, but (in what could be read of it) not how. This module
 * therefore defines the layout explicitly:
 *
 *   memory rows = [ maskmem slot 0 .. maskmemSlots-1 ] [ pointer slot 0 .. pointerSlots-1 ]
 *                   each tokensPerMaskmem rows           each tokensPerPointer (= C/mem_dim) rows
 *
 * - Real spatial memories fill slots 0..realMaskmem-1 in selectMemory order (conditioning
 *   first, then oldest->newest recent frame); the remaining spatial slots are padding.
 * - Real pointers fill pointer slots 0..realPointers-1 in selectMemory order; the rest is padding.
 *   The pointer region always starts at maskmemSlots * tokensPerMaskmem, so the tail that
 *   memory attention keeps out of RoPE stays in place (num_obj_ptr_tokens, line 648).
 * - Inside a pointer slot the tokens are the pointer split into C/mem_dim pieces (line 641-644)
 *   and each piece gets the same position (repeat_interleave, line 645).
 * - Padding rows carry zero features and zero positions; `validTokens` (1 = real, 0 = padding)
 *   is the mask the graph must use to exclude them (e.g. -inf attention bias). Zero rows
 *   alone are NOT equivalent to dropping them: k/v projections have biases.
 * - normalizedDiffs (pointer_tpos input) has length pointerSlots, padding = 0.
 */
import type { MaskmemRow, MemorySelection, PointerRow } from './select.ts';

export interface BankGeometry {
  readonly maskmemSlots: number;
  readonly pointerSlots: number;
  readonly tokensPerMaskmem: number;
  readonly tokensPerPointer: number;
}

/** sam2.1-tiny at 1024: 64x64 memory tokens, 1 + 6 slots, 16 pointers of 256 = 4 x 64. */
export const TINY_1024_GEOMETRY: BankGeometry = Object.freeze({
  maskmemSlots: 7,
  pointerSlots: 16,
  tokensPerMaskmem: 64 * 64,
  tokensPerPointer: 4,
});

export interface PaddedBank {
  readonly geometry: BankGeometry;
  /** Length maskmemSlots; null = padding slot. */
  readonly maskmemSlots: readonly (MaskmemRow | null)[];
  /** Length pointerSlots; null = padding slot. */
  readonly pointerSlots: readonly (PointerRow | null)[];
  readonly realMaskmem: number;
  readonly realPointers: number;
  /** Length pointerSlots; normalized distance for real slots, 0 for padding. */
  readonly normalizedDiffs: Float32Array;
  /** First memory row of the pointer region. */
  readonly pointerRowOffset: number;
  /** Total memory rows = maskmemSlots*tokensPerMaskmem + pointerSlots*tokensPerPointer. */
  readonly totalRows: number;
  /** Real tokens in the pointer region (= selection.numObjPtrTokens). */
  readonly realPointerTokens: number;
}

export function padBank(sel: MemorySelection, geometry: BankGeometry): PaddedBank {
  if (sel.noMemory) throw new Error('noMemory frame: there is no bank to pad');
  if (sel.maskmemRows.length > geometry.maskmemSlots) {
    throw new RangeError(
      `${sel.maskmemRows.length} spatial memories do not fit ${geometry.maskmemSlots} fixed slots ` +
        `(limit maxCondFramesInAttn or use a dynamic bank)`,
    );
  }
  if (sel.pointers.length > geometry.pointerSlots) {
    throw new RangeError(`${sel.pointers.length} object pointers do not fit ${geometry.pointerSlots} fixed slots`);
  }
  const maskmemSlots: (MaskmemRow | null)[] = [];
  for (let i = 0; i < geometry.maskmemSlots; i++) maskmemSlots.push(sel.maskmemRows[i] ?? null);
  const pointerSlots: (PointerRow | null)[] = [];
  const normalizedDiffs = new Float32Array(geometry.pointerSlots);
  for (let i = 0; i < geometry.pointerSlots; i++) {
    const p = sel.pointers[i] ?? null;
    pointerSlots.push(p);
    if (p !== null && p.normalized !== null) normalizedDiffs[i] = p.normalized;
  }
  const pointerRowOffset = geometry.maskmemSlots * geometry.tokensPerMaskmem;
  return {
    geometry,
    maskmemSlots,
    pointerSlots,
    realMaskmem: sel.maskmemRows.length,
    realPointers: sel.pointers.length,
    normalizedDiffs,
    pointerRowOffset,
    totalRows: pointerRowOffset + geometry.pointerSlots * geometry.tokensPerPointer,
    realPointerTokens: sel.pointers.length * geometry.tokensPerPointer,
  };
}

/** Per-row validity mask of the fixed memory (1 = real row, 0 = padding). */
export function validTokens(bank: PaddedBank): Uint8Array {
  const g = bank.geometry;
  const mask = new Uint8Array(bank.totalRows);
  mask.fill(1, 0, bank.realMaskmem * g.tokensPerMaskmem);
  mask.fill(1, bank.pointerRowOffset, bank.pointerRowOffset + bank.realPointers * g.tokensPerPointer);
  return mask;
}
