/**
 * Hand-worked cases for assemble.ts: from a memory selection to the `memory` / `memory_pos`
 * rows of memory attention. Reference: facebookresearch/sam2 @ 2b90b9f5, sam2_base.py
 * _prepare_memory_conditioned_features lines 570-676:
 *   - spatial memory of (t_pos, prev): maskmem_features, pos = maskmem_pos_enc +
 *     maskmem_tpos_enc[num_maskmem - t_pos - 1]                              (lines 574-583)
 *   - object pointers [P, B, C] -> reshape(-1, B, C // mem_dim, mem_dim).permute(0, 2, 1, 3)
 *     .flatten(0, 1): row p·(C/mem_dim) + k = pointer p [k·mem_dim, (k+1)·mem_dim);
 *     obj_pos.repeat_interleave(C // mem_dim): every token of pointer p gets position p (639-645)
 *   - 2.0 (add_tpos_enc_to_obj_ptrs False): obj_pos = zeros                   (line 638)
 *
 * Small dims throughout: memDim D = 2, hiddenDim C = 4 -> 2 tokens per pointer, HW = 3 tokens
 * per spatial memory, num_maskmem N = 7 (tpos row = N - t_pos - 1; cond -> row 6).
 *
 * Fixture values (chosen so every float is an exact small integer and every source differs):
 *   tokens(f)[r][c]  = 100f + 10r + c          (r = 0..2, c = 0..1)
 *   pos(f)[r][c]     = 100f + 10r + c + 3
 *   pointer(f)[j]    = 100f + 90 + j           (j = 0..3) -> token 0 = [100f+90, 100f+91],
 *                                                            token 1 = [100f+92, 100f+93]
 *   temporal row i   = [1000(i+1), 1000(i+1) + 500]
 *   pointerPos slot i = [10000 + 10i, 10000 + 10i + 1]
 */
import { describe, expect, it } from 'vitest';
import { bankConfigFor } from './config.ts';
import type { BankConfig } from './config.ts';
import { TINY_1024_GEOMETRY } from './pad.ts';
import type { BankGeometry } from './pad.ts';
import { selectMemory } from './select.ts';
import type { FrameOutputs, MemorySelection } from './select.ts';
import { assembleBank, BankBuffers, fixedGeometry, pointerDiffs, pointerInputLength, selectForBank } from './assemble.ts';
import type { AssembledBank, BankShape, StoredMemory } from './assemble.ts';

const D = 2; // memDim
const C = 4; // hiddenDim
const HW = 3; // tokensPerMaskmem
const TPP = C / D; // tokens per pointer = 2
const CFG21: BankConfig = bankConfigFor('2.1', { hiddenDim: C, memDim: D });
const CFG20: BankConfig = bankConfigFor('2.0', { hiddenDim: C, memDim: D });

/** Build an output map: cond frames first (in the given order), then non-cond frames. */
function outs(cond: number[], nonCond: number[]): FrameOutputs {
  const m = new Map<number, { isConditioning: boolean }>();
  for (const t of cond) m.set(t, { isConditioning: true });
  for (const t of nonCond) m.set(t, { isConditioning: false });
  return m;
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
/** [frame, tposIndex] pairs */
const rowsOfSel = (s: MemorySelection): [number, number][] => s.maskmemRows.map((r) => [r.frame, r.tposIndex]);
/** [frame, signedDistance] pairs */
const ptrs = (s: MemorySelection): [number, number][] => s.pointers.map((p) => [p.frame, p.signedDistance]);

// ---- fixture ----
const tokensRows = (f: number): number[][] => [0, 1, 2].map((r) => [100 * f + 10 * r, 100 * f + 10 * r + 1]);
const posRows = (f: number): number[][] => [0, 1, 2].map((r) => [100 * f + 10 * r + 3, 100 * f + 10 * r + 4]);
const pointerOf = (f: number): number[] => [0, 1, 2, 3].map((j) => 100 * f + 90 + j);
const temporalRow = (i: number): number[] => [1000 * (i + 1), 1000 * (i + 1) + 500];
const TEMPORAL = Float32Array.from(range(0, 6).flatMap(temporalRow)); // 7 x 2
const pointerPosRow = (i: number): number[] => [10000 + 10 * i, 10000 + 10 * i + 1];
const POINTER_POS = Float32Array.from(range(0, 15).flatMap(pointerPosRow)); // 16 x 2

/**
 * stored(frame) for the listed frames; throws for any other frame so that reading a frame
 * that is not in the selection fails the test. Frames in `released` have null tokens / pos.
 */
function storedFor(frames: number[], released: number[] = []): (f: number) => StoredMemory {
  const m = new Map<number, StoredMemory>();
  for (const f of frames) {
    const rel = released.includes(f);
    m.set(f, {
      tokens: rel ? null : Float32Array.from(tokensRows(f).flat()),
      pos: rel ? null : Float32Array.from(posRows(f).flat()),
      pointer: Float32Array.from(pointerOf(f)),
    });
  }
  return (f) => {
    const s = m.get(f);
    if (s === undefined) throw new Error(`test fixture: frame ${f} was not expected to be read`);
    return s;
  };
}

/** Rows [start, start+count) of a [rows, D] array. */
function rowsOf(a: Float32Array, start: number, count: number): number[][] {
  const out: number[][] = [];
  for (let r = start; r < start + count; r++) out.push(Array.from(a.subarray(r * D, (r + 1) * D)));
  return out;
}
const zeroRows = (n: number): number[][] => Array.from({ length: n }, () => [0, 0]);
const add = (a: number[][], b: number[]): number[][] => a.map((row) => row.map((v, c) => v + b[c]!));

/** Spatial slot `slot` holds frame `frame` with temporal row `tposRow`. */
function expectSpatial(bank: AssembledBank, slot: number, frame: number, tposRow: number): void {
  expect(rowsOf(bank.memory, slot * HW, HW)).toEqual(tokensRows(frame));
  expect(rowsOf(bank.memoryPos, slot * HW, HW)).toEqual(add(posRows(frame), temporalRow(tposRow)));
}
/** Pointer slot `slot` (region starting at row `offset`) holds frame's pointer with pointerPos row `posSlot` (null = zeros). */
function expectPointer(bank: AssembledBank, offset: number, slot: number, frame: number, posSlot: number | null): void {
  const p = pointerOf(frame);
  const start = offset + slot * TPP;
  expect(rowsOf(bank.memory, start, TPP)).toEqual([[p[0], p[1]], [p[2], p[3]]]);
  const pos = posSlot === null ? [0, 0] : pointerPosRow(posSlot);
  expect(rowsOf(bank.memoryPos, start, TPP)).toEqual([pos, pos]);
}

const DYNAMIC: BankShape = { tokensPerMaskmem: HW, memDim: D, hiddenDim: C, fixed: null };
/** 7 spatial slots x 3 rows + 4 pointer slots x 2 rows = 29 rows. */
const SMALL_FIXED: BankGeometry = { maskmemSlots: 7, pointerSlots: 4, tokensPerMaskmem: HW, tokensPerPointer: TPP };
const fixedShape = (g: BankGeometry): BankShape => ({ tokensPerMaskmem: HW, memDim: D, hiddenDim: C, fixed: g });
/** The fixed geometry selectForBank is tested with: 7 spatial slots, 16 pointers. */
const BANK7: BankGeometry = { maskmemSlots: 7, pointerSlots: 16, tokensPerMaskmem: HW, tokensPerPointer: TPP };

describe('assembleBank, dynamic layout', () => {
  // cond {0}, non-cond {1}, frame 2 forward, 10 frames, 2.1.
  // maskmem: cond 0 -> t_pos 0 -> row 6. t_pos 1..5 (t_rel 6..2) -> (2-2)//1 - (t_rel-2) = -4..0:
  //   -4..-1 absent, 0 is a selected cond frame (in neither dict) -> skipped.
  //   t_pos 6 (t_rel 1) -> frame 1, non-cond, row 0.
  // pointers: t_diff_max = min(10,16)-1 = 9. cond 0 <= 2 -> pos 2 (2/9); t_diff 1 -> frame 1 pos 1;
  //   t_diff 2 -> frame 0 (selected cond) skipped; t_diff 3 -> -1 break.
  const sel = selectMemory(2, 'forward', { outputs: outs([0], [1]), numFrames: 10 }, CFG21);

  it('selection as worked out', () => {
    expect(rowsOfSel(sel)).toEqual([[0, 6], [1, 0]]);
    expect(ptrs(sel)).toEqual([[0, 2], [1, 1]]);
  });

  it('exact arrays: 2 spatial memories then 2 pointers of 2 tokens (10 rows)', () => {
    const bank = assembleBank(sel, storedFor([0, 1]), DYNAMIC, TEMPORAL, POINTER_POS);
    // rows = 2·3 + 2·(4/2) = 10
    expect(bank.rows).toBe(10);
    expect(bank.realSpatialRows).toBe(6);
    expect(bank.realPointerRows).toBe(4);
    expect(bank.memory.length).toBe(20);
    expect(bank.memoryPos.length).toBe(20);
    expect(rowsOf(bank.memory, 0, 10)).toEqual([
      [0, 1], [10, 11], [20, 21], //        frame 0 tokens
      [100, 101], [110, 111], [120, 121], // frame 1 tokens
      [90, 91], [92, 93], //                pointer of frame 0, split in 2 tokens
      [190, 191], [192, 193], //            pointer of frame 1
    ]);
    expect(rowsOf(bank.memoryPos, 0, 10)).toEqual([
      // frame 0 pos [3,4],[13,14],[23,24] + temporal row 6 [7000, 7500]
      [7003, 7504], [7013, 7514], [7023, 7524],
      // frame 1 pos [103,104],[113,114],[123,124] + temporal row 0 [1000, 1500]
      [1103, 1604], [1113, 1614], [1123, 1624],
      // pointer 0: both tokens get pointerPos row 0; pointer 1: row 1
      [10000, 10001], [10000, 10001],
      [10010, 10011], [10010, 10011],
    ]);
  });

  it('pointerPos null (SAM 2.0): pointer positions are zeros, spatial part unchanged', () => {
    const sel20 = selectMemory(2, 'forward', { outputs: outs([0], [1]), numFrames: 10 }, CFG20);
    expect(sel20.pointerEncoding).toBe('zeros');
    const bank = assembleBank(sel20, storedFor([0, 1]), DYNAMIC, TEMPORAL, null);
    expect(bank.rows).toBe(10);
    expect(rowsOf(bank.memory, 6, 4)).toEqual([[90, 91], [92, 93], [190, 191], [192, 193]]);
    expect(rowsOf(bank.memoryPos, 6, 4)).toEqual(zeroRows(4));
    expectSpatial(bank, 0, 0, 6);
    expectSpatial(bank, 1, 1, 0);
  });

  it('full bank: cond first, then recent oldest -> newest, each with its own temporal row', () => {
    // cond {0}, non-cond 1..9, frame 10 forward, 100 frames (see select.test.ts):
    // rows [0,6] [4,5] [5,4] [6,3] [7,2] [8,1] [9,0];
    // pointers cond 0 (pos 10), then t_diff 1..9 -> frames 9..1; t_diff 10 -> 0 skipped.
    const s = selectMemory(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 100 }, CFG21);
    const bank = assembleBank(s, storedFor(range(0, 9)), DYNAMIC, TEMPORAL, POINTER_POS);
    // rows = 7·3 + 10·2 = 41
    expect(bank.rows).toBe(41);
    expect(bank.memory.length).toBe(82);
    expect(bank.realSpatialRows).toBe(21);
    expect(bank.realPointerRows).toBe(20);
    const spatial: [number, number][] = [[0, 6], [4, 5], [5, 4], [6, 3], [7, 2], [8, 1], [9, 0]];
    spatial.forEach(([f, row], slot) => expectSpatial(bank, slot, f, row));
    [0, 9, 8, 7, 6, 5, 4, 3, 2, 1].forEach((f, i) => expectPointer(bank, 21, i, f, i));
  });

  it('reverse: the frame right after (t+1) is the newest recent memory, temporal row 0', () => {
    // cond {20}, non-cond 11..19, frame 10 reverse, 30 frames: rows [20,6] [16,5] [15,4] [14,3]
    // [13,2] [12,1] [11,0]; pointers cond 20 (pos 10), then 11..19 (t_diff 1..9).
    const s = selectMemory(10, 'reverse', { outputs: outs([20], range(11, 19)), numFrames: 30 }, CFG21);
    const bank = assembleBank(s, storedFor(range(11, 20)), DYNAMIC, TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(41);
    const spatial: [number, number][] = [[20, 6], [16, 5], [15, 4], [14, 3], [13, 2], [12, 1], [11, 0]];
    spatial.forEach(([f, row], slot) => expectSpatial(bank, slot, f, row));
    [20, 11, 12, 13, 14, 15, 16, 17, 18, 19].forEach((f, i) => expectPointer(bank, 21, i, f, i));
  });
});

describe('assembleBank, fixed layout', () => {
  const sel = selectMemory(2, 'forward', { outputs: outs([0], [1]), numFrames: 10 }, CFG21);

  it('padding rows are zero in both arrays; pointers start at maskmemSlots·HW', () => {
    // 7·3 + 4·2 = 29 rows; spatial slots 0,1 real (rows 0..5), 2..6 padding (rows 6..20);
    // pointer region from row 21: slots 0,1 real (rows 21..24), 2,3 padding (rows 25..28).
    // POINTER_POS has non-zero rows for slots 2 and 3: they must NOT be copied into padding.
    const bank = assembleBank(sel, storedFor([0, 1]), fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(29);
    expect(bank.memory.length).toBe(58);
    expect(bank.memoryPos.length).toBe(58);
    expect(bank.realSpatialRows).toBe(6);
    expect(bank.realPointerRows).toBe(4);
    expectSpatial(bank, 0, 0, 6);
    expectSpatial(bank, 1, 1, 0);
    expect(rowsOf(bank.memory, 6, 15)).toEqual(zeroRows(15));
    expect(rowsOf(bank.memoryPos, 6, 15)).toEqual(zeroRows(15));
    expect(rowsOf(bank.memory, 21, 4)).toEqual([[90, 91], [92, 93], [190, 191], [192, 193]]);
    expect(rowsOf(bank.memoryPos, 21, 4)).toEqual([[10000, 10001], [10000, 10001], [10010, 10011], [10010, 10011]]);
    expect(rowsOf(bank.memory, 25, 4)).toEqual(zeroRows(4));
    expect(rowsOf(bank.memoryPos, 25, 4)).toEqual(zeroRows(4));
  });

  it('pointer region does not move with the number of real spatial memories', () => {
    // cond {0} only, frame 1 forward: rows [0,6] (t_rel 1 -> frame 0 = selected cond, skipped);
    // pointers: cond 0 pos 1; t_diff 1 -> 0 skipped. One spatial memory, one pointer.
    const s = selectMemory(1, 'forward', { outputs: outs([0], []), numFrames: 10 }, CFG21);
    expect(rowsOfSel(s)).toEqual([[0, 6]]);
    expect(ptrs(s)).toEqual([[0, 1]]);
    const bank = assembleBank(s, storedFor([0]), fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(29);
    expectSpatial(bank, 0, 0, 6);
    expect(rowsOf(bank.memory, 3, 18)).toEqual(zeroRows(18));
    expect(rowsOf(bank.memoryPos, 3, 18)).toEqual(zeroRows(18));
    expectPointer(bank, 21, 0, 0, 0); // still row 21, not 3
    expect(rowsOf(bank.memory, 23, 6)).toEqual(zeroRows(6));
    expect(rowsOf(bank.memoryPos, 23, 6)).toEqual(zeroRows(6));
  });

  it('total rows as fixedGeometry says', () => {
    const g = fixedGeometry(29, HW, 4, TPP);
    expect(g).toEqual(SMALL_FIXED);
    const bank = assembleBank(sel, storedFor([0, 1]), fixedShape(g), TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(29);
    // 5 spatial slots: 5·3 + 4·2 = 23 rows, pointer region at row 15
    const g5 = fixedGeometry(23, HW, 4, TPP);
    expect(g5.maskmemSlots).toBe(5);
    const b5 = assembleBank(sel, storedFor([0, 1]), fixedShape(g5), TEMPORAL, POINTER_POS);
    expect(b5.rows).toBe(23);
    expectPointer(b5, 15, 0, 0, 0);
    expectPointer(b5, 15, 1, 1, 1);
  });

  it('throws when the selection does not fit the fixed slots', () => {
    // 7 spatial memories into a 5-slot bank (padBank refuses)
    const s = selectMemory(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 100 }, CFG21);
    expect(() =>
      assembleBank(s, storedFor(range(0, 9)), fixedShape(fixedGeometry(23, HW, 16, TPP)), TEMPORAL, POINTER_POS),
    ).toThrow(RangeError);
  });
});

describe('fixedGeometry', () => {
  it('decomposes the tiny 1024 graph: 28736 = 7·4096 + 16·4', () => {
    expect(fixedGeometry(28736, 4096, 16, 4)).toEqual(TINY_1024_GEOMETRY);
  });
  it('small dims: 29 = 7·3 + 4·2', () => {
    expect(fixedGeometry(29, 3, 4, 2)).toEqual({ maskmemSlots: 7, pointerSlots: 4, tokensPerMaskmem: 3, tokensPerPointer: 2 });
  });
  it('rejects row counts that do not decompose', () => {
    expect(() => fixedGeometry(28737, 4096, 16, 4)).toThrow(RangeError); // 1 row too many
    expect(() => fixedGeometry(30, 3, 4, 2)).toThrow(RangeError); // 22 spatial rows, not a multiple of 3
    expect(() => fixedGeometry(8, 3, 4, 2)).toThrow(RangeError); // pointers only: 0 spatial slots
    expect(() => fixedGeometry(5, 3, 4, 2)).toThrow(RangeError); // negative spatial rows
  });
});

describe('pointerDiffs', () => {
  it('normalised distances, zero-padded to the slot count', () => {
    // frame 10 forward, cond {0}, non-cond 1..9, 100 frames: t_diff_max 15;
    // pointers 0 (10), 9..1 (1..9) -> [10/15, 1/15, ..., 9/15, 0 x 6]
    const s = selectMemory(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 100 }, CFG21);
    const d = pointerDiffs(s, 16);
    expect(d.length).toBe(16);
    const expected = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => x / 15);
    expected.forEach((e, i) => expect(d[i]).toBeCloseTo(e, 6));
    expect(Array.from(d.subarray(10))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('2.1, 5 slices, reverse: t_diff_max = num_frames - 1 = 4', () => {
    // Prompted slice 4, tracked back over 3 and 2; now frame 1 reverse. cond {4}, non-cond {3, 2}.
    // max_obj_ptrs = min(5, 16) = 5 -> t_diff_max 4. tpos_sign_mul = -1.
    // cond 4 >= 1 kept: (1 - 4)·(-1) = 3 -> 3/4.
    // t_diff 1 -> 2 (non-cond) pos 1 -> 1/4; t_diff 2 -> 3 pos 2 -> 2/4;
    // t_diff 3 -> 4 selected cond, skipped; t_diff 4 -> 5 >= num_frames -> break.
    const s = selectMemory(1, 'reverse', { outputs: outs([4], [3, 2]), numFrames: 5 }, CFG21);
    expect(s.tDiffMax).toBe(4);
    expect(ptrs(s)).toEqual([[4, 3], [2, 1], [3, 2]]);
    expect(Array.from(pointerDiffs(s, 16))).toEqual([0.75, 0.25, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('signed distance in reverse: a conditioning frame behind the direction of travel is negative', () => {
    // only_obj_ptrs_in_the_past_for_eval False -> both cond frames give pointers (lines 591-598).
    // cond {0, 4}, non-cond {3}, frame 2 reverse, 5 slices: t_diff_max 4, sign -1.
    // cond 0: (2 - 0)·(-1) = -2 -> -0.5; cond 4: (2 - 4)·(-1) = 2 -> 0.5;
    // t_diff 1 -> 3 pos 1 -> 0.25; t_diff 2 -> 4 selected cond skipped; t_diff 3 -> 5 break.
    const cfg = { ...CFG21, onlyObjPtrsInThePastForEval: false };
    const s = selectMemory(2, 'reverse', { outputs: outs([0, 4], [3]), numFrames: 5 }, cfg);
    expect(ptrs(s)).toEqual([[0, -2], [4, 2], [3, 1]]);
    expect(Array.from(pointerDiffs(s, 6))).toEqual([-0.5, 0.5, 0.25, 0, 0, 0]);
    // fewer slots than pointers: cut to the slot count
    expect(Array.from(pointerDiffs(s, 2))).toEqual([-0.5, 0.5]);
    // 2.0: |distance| and no normalised value -> all zero (positions are zero rows anyway)
    const s20 = selectMemory(2, 'reverse', { outputs: outs([0, 4], [3]), numFrames: 5 }, { ...CFG20, onlyObjPtrsInThePastForEval: false });
    expect(ptrs(s20)).toEqual([[0, 2], [4, 2], [3, 1]]);
    expect(Array.from(pointerDiffs(s20, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('selectForBank, fixed bank of 7 spatial slots and 16 pointers', () => {
  it('one conditioning frame + 6 recent: nothing dropped', () => {
    const state = { outputs: outs([0], range(1, 9)), numFrames: 100 };
    const s = selectForBank(10, 'forward', state, CFG21, BANK7);
    expect(rowsOfSel(s)).toEqual([[0, 6], [4, 5], [5, 4], [6, 3], [7, 2], [8, 1], [9, 0]]);
    expect(s).toEqual(selectMemory(10, 'forward', state, CFG21));
    expect(s.numObjPtrTokens).toBe(20); // 10 pointers · 2
  });

  it('dynamic geometry (null): the plain selection, even when it has 8 spatial memories', () => {
    const state = { outputs: outs([0, 19], range(1, 9)), numFrames: 20 };
    const s = selectForBank(10, 'forward', state, CFG21, null);
    expect(s.maskmemRows.length).toBe(8);
    expect(s).toEqual(selectMemory(10, 'forward', state, CFG21));
  });

  it('first and last slice conditioning + 6 recent: both cond kept, the OLDEST recent dropped', () => {
    // cond {0, 19}, non-cond 1..9, frame 10 forward, 20 slices.
    // selectMemory: cond 0, 19 (row 6 each) + recent 4..9 (rows 5..0) = 8 rows.
    // keep = min(2, max(2, 7 - 6)) = 2 = cond count -> no re-selection; drop recent frame 4.
    // pointers: cond 0 (pos 10; 19 is in the future), 9..1 (t_diff 1..9), 0 skipped -> 10, all fit.
    const state = { outputs: outs([0, 19], range(1, 9)), numFrames: 20 };
    const s = selectForBank(10, 'forward', state, CFG21, BANK7);
    expect(rowsOfSel(s)).toEqual([[0, 6], [19, 6], [5, 4], [6, 3], [7, 2], [8, 1], [9, 0]]);
    expect(s.maskmemRows.slice(0, 2).every((r) => r.conditioning && r.source === 'cond')).toBe(true);
    expect(ptrs(s)).toEqual([[0, 10], [9, 1], [8, 2], [7, 3], [6, 4], [5, 5], [4, 6], [3, 7], [2, 8], [1, 9]]);
    expect(s.numObjPtrTokens).toBe(20);
    // and it assembles into the 7-slot fixed bank: frame 4 nowhere in the spatial part
    const g = fixedGeometry(7 * HW + 16 * TPP, HW, 16, TPP);
    const bank = assembleBank(s, storedFor(range(0, 19)), fixedShape(g), TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(53);
    const spatial: [number, number][] = [[0, 6], [19, 6], [5, 4], [6, 3], [7, 2], [8, 1], [9, 0]];
    spatial.forEach(([f, row], slot) => expectSpatial(bank, slot, f, row));
    [0, 9, 8, 7, 6, 5, 4, 3, 2, 1].forEach((f, i) => expectPointer(bank, 21, i, f, i));
    expect(rowsOf(bank.memory, 41, 12)).toEqual(zeroRows(12));
    expect(rowsOf(bank.memoryPos, 41, 12)).toEqual(zeroRows(12));
  });

  it('more conditioning frames than fit: limited to the closest 2, unselected cond frames act as recent', () => {
    // cond {0, 9, 11, 19} (insertion order), non-cond 1..8, 10, 12; frame 13 forward, 20 slices.
    // Unlimited: 4 cond rows + recent t_pos 1..6 -> frames 7, 8, 9, 10, 11, 12 of which 9 and 11
    //   are selected cond (skipped) -> 4 + 4 = 8 > 7.
    // keep = min(4, max(2, 7 - 6)) = 2 < 4 -> select_closest_cond_frames(13, [0,9,11,19], 2):
    //   closest before 13 = 11, closest at-or-after = 19 -> selected [11, 19], unselected [0, 9].
    // Re-selection: cond 11, 19 (row 6); recent 7 (row 5), 8 (row 4), 9 = unselected cond (row 3),
    //   10 (row 2), 11 selected cond skipped (would be row 1), 12 (row 0) -> 7 rows, fits.
    // (Dropping only the oldest recent rows instead would have kept [0, 9, 11, 19, 8, 10, 12].)
    // Pointers: t_diff_max 15; cond 11 (pos 2; 19 is in the future); t_diff 1 -> 12, 2 -> 11 skipped,
    //   3 -> 10, 4 -> 9 (unselected cond), 5..12 -> 8..1, 13 -> 0 (unselected cond), 14 -> -1 break.
    const state = { outputs: outs([0, 9, 11, 19], [...range(1, 8), 10, 12]), numFrames: 20 };
    expect(selectMemory(13, 'forward', state, CFG21).maskmemRows.length).toBe(8);
    const s = selectForBank(13, 'forward', state, CFG21, BANK7);
    expect(rowsOfSel(s)).toEqual([[11, 6], [19, 6], [7, 5], [8, 4], [9, 3], [10, 2], [12, 0]]);
    expect(s.maskmemRows.map((r) => r.source)).toEqual(['cond', 'cond', 'nonCond', 'nonCond', 'unselectedCond', 'nonCond', 'nonCond']);
    expect(s.maskmemRows[4]).toMatchObject({ frame: 9, tPos: 3, conditioning: false });
    expect(ptrs(s)).toEqual([
      [11, 2], [12, 1], [10, 3], [9, 4], [8, 5], [7, 6], [6, 7], [5, 8], [4, 9], [3, 10], [2, 11], [1, 12], [0, 13],
    ]);
    expect(s.pointers.map((p) => p.conditioning)).toEqual([true, ...Array<boolean>(12).fill(false)]);
    expect(s.numObjPtrTokens).toBe(26);
  });

  it('limited cond frames AND the oldest recent dropped', () => {
    // cond {0, 5, 19}, non-cond 1..4, 6..12; frame 13 forward, 20 slices.
    // Unlimited: 3 cond + recent 7..12 (t_pos 1..6, rows 5..0) = 9 rows.
    // keep = 2 -> closest before 13 = 5, at-or-after = 19 -> [5, 19]; 0 unselected (outside the window).
    // Re-selected: 2 cond + 6 recent = 8 > 7 -> drop the oldest recent, frame 7.
    const state = { outputs: outs([0, 5, 19], [...range(1, 4), ...range(6, 12)]), numFrames: 20 };
    const s = selectForBank(13, 'forward', state, CFG21, BANK7);
    expect(rowsOfSel(s)).toEqual([[5, 6], [19, 6], [8, 4], [9, 3], [10, 2], [11, 1], [12, 0]]);
    // pointers: cond 5 (pos 8) then 12..6 (1..7), 5 skipped (selected), 4..1 (9..12), 0 unselected (13)
    expect(ptrs(s)).toEqual([
      [5, 8], [12, 1], [11, 2], [10, 3], [9, 4], [8, 5], [7, 6], [6, 7], [4, 9], [3, 10], [2, 11], [1, 12], [0, 13],
    ]);
  });

  it('more than 16 pointers: the farthest recent pointers dropped, numObjPtrTokens recomputed', () => {
    // cond {0, 1}, non-cond 2..19, frame 20 forward, 40 slices. t_diff_max = 15.
    // spatial: cond 0, 1 + recent 14..19 = 8 -> keep = 2 = cond count -> drop recent 14.
    // pointers: cond 0 (20), cond 1 (19), t_diff 1..15 -> frames 19..5 = 17 > 16 -> drop frame 5.
    const state = { outputs: outs([0, 1], range(2, 19)), numFrames: 40 };
    const plain = selectMemory(20, 'forward', state, CFG21);
    expect(plain.pointers.length).toBe(17);
    expect(plain.numObjPtrTokens).toBe(34);
    const s = selectForBank(20, 'forward', state, CFG21, BANK7);
    expect(rowsOfSel(s)).toEqual([[0, 6], [1, 6], [15, 4], [16, 3], [17, 2], [18, 1], [19, 0]]);
    expect(ptrs(s)).toEqual([[0, 20], [1, 19], ...range(1, 14).map((d): [number, number] => [20 - d, d])]);
    expect(s.pointers.length).toBe(16);
    expect(s.numObjPtrTokens).toBe(32); // 16 · (4 / 2)
    const d = pointerDiffs(s, 16);
    expect(d[0]).toBeCloseTo(20 / 15, 6);
    expect(d[15]).toBeCloseTo(14 / 15, 6);
  });

  it('hasSpatial: released spatial memories leave maskmemRows, their pointers stay', () => {
    // cond {0}, non-cond 1..9, frame 10 forward; frames 5 and 7 released.
    // rows [0,6] [4,5] ~[5,4]~ [6,3] ~[7,2]~ [8,1] [9,0]; pointers unchanged (10 of them).
    const state = { outputs: outs([0], range(1, 9)), numFrames: 100 };
    const has = (f: number): boolean => f !== 5 && f !== 7;
    for (const g of [null, BANK7]) {
      const s = selectForBank(10, 'forward', state, CFG21, g, has);
      expect(rowsOfSel(s)).toEqual([[0, 6], [4, 5], [6, 3], [8, 1], [9, 0]]);
      expect(ptrs(s)).toEqual([[0, 10], [9, 1], [8, 2], [7, 3], [6, 4], [5, 5], [4, 6], [3, 7], [2, 8], [1, 9]]);
      expect(s.numObjPtrTokens).toBe(20);
    }
    // assembling reads the pointers of 5 and 7 but not their (null) spatial memory
    const s = selectForBank(10, 'forward', state, CFG21, null, has);
    const bank = assembleBank(s, storedFor(range(0, 9), [5, 7]), DYNAMIC, TEMPORAL, POINTER_POS);
    expect(bank.rows).toBe(5 * HW + 10 * TPP);
    const spatial: [number, number][] = [[0, 6], [4, 5], [6, 3], [8, 1], [9, 0]];
    spatial.forEach(([f, row], slot) => expectSpatial(bank, slot, f, row));
    [0, 9, 8, 7, 6, 5, 4, 3, 2, 1].forEach((f, i) => expectPointer(bank, 15, i, f, i));
  });

  it('hasSpatial is applied before trimming: a released frame frees a slot', () => {
    // cond {0, 19}, non-cond 1..9, frame 10: 8 rows; frame 6 released -> 7 rows, frame 4 kept.
    const state = { outputs: outs([0, 19], range(1, 9)), numFrames: 20 };
    const s = selectForBank(10, 'forward', state, CFG21, BANK7, (f) => f !== 6);
    expect(rowsOfSel(s)).toEqual([[0, 6], [19, 6], [4, 5], [5, 4], [7, 2], [8, 1], [9, 0]]);
  });

  it('hasSpatial also filters the re-selection with fewer conditioning frames', () => {
    // cond {0, 5, 19}, non-cond 1..4, 6..12, frame 13 (as above), frame 10 released.
    // Unlimited: 0, 5, 19 + 7, 8, 9, 11, 12 (10 released) = 8 > 7 -> keep 2 -> [5, 19].
    // Re-selected: 5, 19 + 7, 8, 9, 11, 12 = 7 -> fits, frame 7 is NOT dropped; 10 stays out.
    const state = { outputs: outs([0, 5, 19], [...range(1, 4), ...range(6, 12)]), numFrames: 20 };
    const s = selectForBank(13, 'forward', state, CFG21, BANK7, (f) => f !== 10);
    expect(rowsOfSel(s)).toEqual([[5, 6], [19, 6], [7, 5], [8, 4], [9, 3], [11, 1], [12, 0]]);
    expect(ptrs(s).map(([f]) => f)).toContain(10); // its pointer stays
  });

  it('initial conditioning frame: noMemory passes through', () => {
    const s = selectForBank(3, 'forward', { outputs: outs([], []), numFrames: 10, isInitCondFrame: true }, CFG21, BANK7);
    expect(s.noMemory).toBe(true);
    expect(s.maskmemRows).toEqual([]);
  });
});

describe('assembleBank errors', () => {
  it('throws for a noMemory selection', () => {
    const s = selectMemory(3, 'forward', { outputs: outs([], []), numFrames: 10, isInitCondFrame: true }, CFG21);
    expect(() => assembleBank(s, storedFor([]), DYNAMIC, TEMPORAL, POINTER_POS)).toThrow(/no memory/);
    expect(() => assembleBank(s, storedFor([]), fixedShape(SMALL_FIXED), TEMPORAL, null)).toThrow(/no memory/);
  });

  it('throws when a selected frame has no spatial tokens (released but not filtered by hasSpatial)', () => {
    const s = selectMemory(2, 'forward', { outputs: outs([0], [1]), numFrames: 10 }, CFG21);
    expect(() => assembleBank(s, storedFor([0, 1], [1]), DYNAMIC, TEMPORAL, POINTER_POS)).toThrow(/slice 1/);
    expect(() => assembleBank(s, storedFor([0, 1], [0]), fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS)).toThrow(/slice 0/);
  });

  it('throws when only the positions are missing', () => {
    const s = selectMemory(2, 'forward', { outputs: outs([0], [1]), numFrames: 10 }, CFG21);
    const base = storedFor([0, 1]);
    const stored = (f: number): StoredMemory => (f === 1 ? { ...base(f), pos: null } : base(f));
    expect(() => assembleBank(s, stored, DYNAMIC, TEMPORAL, POINTER_POS)).toThrow(/slice 1/);
  });
});

describe('assembleBank with reused buffers (BankBuffers) = fresh arrays', () => {
  /** Stored outputs whose pos arrays are one shared array (as ObjectTrack / Tracker store them). */
  function sharedStore(frames: number[], sharedPos: Float32Array, released: number[] = []): (f: number) => StoredMemory {
    const base = storedFor(frames, released);
    return (f) => {
      const s = base(f);
      return s.pos === null ? s : { ...s, pos: sharedPos };
    };
  }
  const expectSame = (a: AssembledBank, b: AssembledBank, what: string) => {
    expect(a.rows, what).toBe(b.rows);
    expect(a.realSpatialRows, what).toBe(b.realSpatialRows);
    expect(a.realPointerRows, what).toBe(b.realPointerRows);
    expect(Array.from(a.memory), what).toEqual(Array.from(b.memory));
    expect(Array.from(a.memoryPos), what).toEqual(Array.from(b.memoryPos));
  };

  for (const [name, shape] of [['dynamic', DYNAMIC], ['fixed 7 + 16', fixedShape(BANK7)]] as const) {
    it(`${name}: a forward propagation, then reverse, then a new conditioning slice; pointerPos on and off`, () => {
      const buffers = new BankBuffers();
      const sharedPos = Float32Array.from(posRows(0).flat());
      const n = 40;
      const steps: { frame: number; dir: 'forward' | 'reverse'; cond: number[]; nonCond: number[]; pp: Float32Array | null }[] = [];
      for (let t = 1; t < 20; t++) steps.push({ frame: t, dir: 'forward', cond: [0], nonCond: range(1, t - 1), pp: t % 3 === 0 ? null : POINTER_POS });
      for (let t = 30; t > 20; t--) steps.push({ frame: t, dir: 'reverse', cond: [0, 31], nonCond: range(t + 1, 30), pp: POINTER_POS });
      for (let t = 5; t < 12; t++) steps.push({ frame: t, dir: 'forward', cond: [0, 4, 31], nonCond: range(1, 3), pp: POINTER_POS.map((v) => v + t) });
      for (const st of steps) {
        const sel = selectForBank(st.frame, st.dir, { outputs: outs(st.cond, st.nonCond), numFrames: n }, CFG21, shape.fixed);
        const frames = [...st.cond, ...st.nonCond];
        const stored = sharedStore(frames, sharedPos);
        const fresh = assembleBank(sel, stored, shape, TEMPORAL, st.pp);
        const reused = assembleBank(sel, stored, shape, TEMPORAL, st.pp, buffers);
        expectSame(reused, fresh, `${st.dir} frame ${st.frame}`);
        if (shape.fixed) expect(reused.memory).toBe(buffers.memory); // the same arrays, filled again
      }
    });
  }

  it('a new pos array, a new temporal table or other positions in a slot are not taken from the cache', () => {
    const buffers = new BankBuffers();
    const sel = selectForBank(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 100 }, CFG21, BANK7);
    const posA = Float32Array.from(posRows(0).flat());
    const posB = Float32Array.from(posRows(5).flat());
    const shape = fixedShape(BANK7);
    const frames = range(0, 9);
    const temporal2 = TEMPORAL.map((v) => v * 2);
    for (const [pos, temporal] of [[posA, TEMPORAL], [posB, TEMPORAL], [posB, temporal2], [posA, temporal2]] as const) {
      const stored = sharedStore(frames, pos);
      expectSame(assembleBank(sel, stored, shape, temporal, POINTER_POS, buffers), assembleBank(sel, stored, shape, temporal, POINTER_POS), 'changed');
    }
    // Fewer memories after more: the padding is zero again.
    const small = selectForBank(2, 'forward', { outputs: outs([0], [1]), numFrames: 100 }, CFG21, BANK7);
    const stored = sharedStore([0, 1], posA);
    expectSame(assembleBank(small, stored, shape, TEMPORAL, null, buffers), assembleBank(small, stored, shape, TEMPORAL, null), 'fewer');
  });

  it('buffers whose arrays were detached (transferred by a runtime) are replaced', () => {
    const buffers = new BankBuffers();
    const sel = selectForBank(3, 'forward', { outputs: outs([0], [1, 2]), numFrames: 10 }, CFG21, SMALL_FIXED);
    const stored = sharedStore([0, 1, 2], Float32Array.from(posRows(0).flat()));
    assembleBank(sel, stored, fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS, buffers);
    structuredClone(buffers.memoryPos.buffer, { transfer: [buffers.memoryPos.buffer] });
    expect(buffers.memoryPos.length).toBe(0);
    expectSame(assembleBank(sel, stored, fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS, buffers), assembleBank(sel, stored, fixedShape(SMALL_FIXED), TEMPORAL, POINTER_POS), 'detached');
  });
});

describe('more than 16 object pointers in a dynamic bank (SAM 2.1)', () => {
  // Conditioning slices 0 and 2 behind frame 20, tracked slices 1 and 3..19: PyTorch takes both
  // conditioning pointers and the max_obj_ptrs_in_encoder − 1 = 15 nearest others (19 … 5):
  // 17 pointers, where the manifest's maxObjectPointers is 16.
  const state = { outputs: outs([0, 2], [1, ...range(3, 19)]), numFrames: 40 };
  const sel = selectForBank(20, 'forward', state, CFG21, null);
  const stored = (f: number): StoredMemory => ({ tokens: Float32Array.from(tokensRows(f).flat()), pos: Float32Array.from(posRows(f).flat()), pointer: Float32Array.from(pointerOf(f)) });
  const shape: BankShape = { tokensPerMaskmem: HW, memDim: D, hiddenDim: C, fixed: null };
  const positions = (n: number) => Float32Array.from(range(0, n - 1).flatMap(pointerPosRow));

  it('selects 17 pointers: both conditioning ones, then the 15 nearest others', () => {
    expect(ptrs(sel).map(([f]) => f)).toEqual([0, 2, ...range(5, 19).reverse()]);
  });

  it('pointer_tpos gets all 17 distances, and the bank takes their 17 positions (16 made it stop)', () => {
    const n = pointerInputLength(sel, 16, false);
    expect(n).toBe(17);
    expect(Array.from(pointerDiffs(sel, n)).filter((d) => d !== 0)).toHaveLength(17);
    const bank = assembleBank(sel, stored, shape, TEMPORAL, positions(n));
    expect(bank.realPointerRows).toBe(17 * TPP);
    // The last pointer's tokens carry the 17th position.
    const last = (bank.rows - 1) * D;
    expect(Array.from(bank.memoryPos.subarray(last, last + D))).toEqual(pointerPosRow(16));
    expect(() => assembleBank(sel, stored, shape, TEMPORAL, positions(16))).toThrow(/pointer positions for 16 pointers, 17 selected/);
  });

  it('a fixed bank keeps its slot count', () => {
    expect(pointerInputLength(sel, 16, true)).toBe(16);
  });
});
