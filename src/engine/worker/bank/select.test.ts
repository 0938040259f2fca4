/**
 * Hand-worked cases for the memory-bank selection. Every expected value is derived in the
 * comment above it from the Python reference (facebookresearch/sam2 @ 2b90b9f5,
 * sam2_base.py _prepare_memory_conditioned_features lines 497-676, sam2_utils.py
 * select_closest_cond_frames lines 19-61, sam2_video_predictor.py).
 * Notation: N = num_maskmem = 7; tpos row = N - t_pos - 1; cond frames t_pos = 0 -> row 6;
 * recent frames t_rel = N - t_pos, forward prev = (f-2)//r*r - (t_rel-2)*r (t_rel>=2), f-1 (t_rel=1).
 */
import { describe, expect, it } from 'vitest';
import { SAM2_0_TINY, SAM2_1_TINY, bankConfigFor } from './config.ts';
import type { BankConfig } from './config.ts';
import { recentMemoryFrame, selectClosestCondFrames, selectMemory } from './select.ts';
import type { FrameOutputs, MemorySelection } from './select.ts';
import { TINY_1024_GEOMETRY, padBank, validTokens } from './pad.ts';
import { promptContext, propagationOrder } from './predictor.ts';

/** Build an output map: cond frames first (in the given order), then non-cond frames. */
function outs(cond: number[], nonCond: number[]): FrameOutputs {
  const m = new Map<number, { isConditioning: boolean }>();
  for (const t of cond) m.set(t, { isConditioning: true });
  for (const t of nonCond) m.set(t, { isConditioning: false });
  return m;
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
/** [frame, tposIndex] pairs */
const rows = (s: MemorySelection): [number, number][] => s.maskmemRows.map((r) => [r.frame, r.tposIndex]);
/** [frame, pos] pairs */
const ptrs = (s: MemorySelection): [number, number][] => s.pointers.map((p) => [p.frame, p.signedDistance]);
const norms = (s: MemorySelection): (number | null)[] => s.pointers.map((p) => p.normalized);
function expectNorms(s: MemorySelection, expected: number[]): void {
  const got = norms(s);
  expect(got.length).toBe(expected.length);
  expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12));
}

describe('config', () => {
  it('2.0 and 2.1 tiny differ only in the pointer temporal encoding', () => {
    // diff sam2_hiera_t.yaml sam2.1_hiera_t.yaml: add_tpos false->true, + proj_tpos, + use_signed
    expect(SAM2_0_TINY.addTposEncToObjPtrs).toBe(false);
    expect(SAM2_0_TINY.projTposEncInObjPtrs).toBe(false);
    expect(SAM2_0_TINY.useSignedTposEncToObjPtrs).toBe(false);
    expect(SAM2_1_TINY.addTposEncToObjPtrs).toBe(true);
    expect(SAM2_1_TINY.projTposEncInObjPtrs).toBe(true);
    expect(SAM2_1_TINY.useSignedTposEncToObjPtrs).toBe(true);
    for (const c of [SAM2_0_TINY, SAM2_1_TINY]) {
      expect(c.numMaskmem).toBe(7);
      expect(c.maxCondFramesInAttn).toBe(-1);
      expect(c.memoryTemporalStrideForEval).toBe(1);
      expect(c.maxObjPtrsInEncoder).toBe(16);
      expect(c.onlyObjPtrsInThePastForEval).toBe(true);
      expect(c.directlyAddNoMemEmbed).toBe(true);
    }
  });
  it('rejects a cond limit of 1 (sam2_utils.py:36 asserts >= 2)', () => {
    expect(() => bankConfigFor('2.1', { maxCondFramesInAttn: 1 })).toThrow(RangeError);
    expect(bankConfigFor('2.1', { maxCondFramesInAttn: 2 }).maxCondFramesInAttn).toBe(2);
  });
});

describe('no-memory path', () => {
  it('initial conditioning frame: no memory, no_mem_embed added directly', () => {
    // is_init_cond_frame -> else branch (line 651); directly_add_no_mem_embed -> return early (653-657)
    const s = selectMemory(10, 'forward', { outputs: outs([], []), numFrames: 50, isInitCondFrame: true }, SAM2_1_TINY);
    expect(s.noMemory).toBe(true);
    expect(s.noMemoryMode).toBe('addNoMemEmbed');
    expect(s.maskmemRows).toEqual([]);
    expect(s.pointers).toEqual([]);
    expect(s.numObjPtrTokens).toBe(0);
    const d = selectMemory(10, 'forward', { outputs: outs([], []), numFrames: 50, isInitCondFrame: true },
      { ...SAM2_1_TINY, directlyAddNoMemEmbed: false });
    // lines 660-661: one dummy token no_mem_embed / no_mem_pos_enc
    expect(d.noMemoryMode).toBe('dummyToken');
  });
  it('tracking without any conditioning output throws (assert line 527)', () => {
    expect(() => selectMemory(3, 'forward', { outputs: outs([], [1, 2]), numFrames: 10 }, SAM2_1_TINY)).toThrow();
  });
});

describe('selectMemory, SAM 2.1 tiny', () => {
  it('conditioning frame only', () => {
    // cond {10}, frame 11 forward, 50 frames.
    // maskmem: cond 10 -> t_pos 0 -> row 7-0-1 = 6.
    //   t_rel=1 -> 10: a selected cond frame, in neither non_cond nor unselected -> None.
    //   t_rel=2..6 -> (11-2)//1 - (t_rel-2) = 9,8,7,6,5: absent -> None.  => [[10,6]]
    // pointers: max = min(50,16) = 16, t_diff_max = 15. cond 10 <= 11 kept, pos (11-10)*1 = 1.
    //   t_diff 1 -> 10 (selected cond, skipped), 2..11 -> 9..0 absent, 12 -> -1 break. => [[10,1]], 1/15
    const s = selectMemory(11, 'forward', { outputs: outs([10], []), numFrames: 50 }, SAM2_1_TINY);
    expect(s.noMemory).toBe(false);
    expect(rows(s)).toEqual([[10, 6]]);
    expect(s.maskmemRows[0]).toMatchObject({ tPos: 0, conditioning: true, source: 'cond' });
    expect(ptrs(s)).toEqual([[10, 1]]);
    expectNorms(s, [1 / 15]);
    expect(s.pointerEncoding).toBe('sine');
    expect(s.tDiffMax).toBe(15);
    expect(s.numObjPtrTokens).toBe(4); // 1 pointer * (256/64)
  });

  it('six previous frames, forward', () => {
    // cond {0}, non-cond 1..9, frame 10 forward, 100 frames.
    // t_pos=1: t_rel 6 -> 8 - 4 = 4, row 5 | t_pos=2: t_rel 5 -> 8-3 = 5, row 4
    // t_pos=3: t_rel 4 -> 6, row 3      | t_pos=4: t_rel 3 -> 7, row 2
    // t_pos=5: t_rel 2 -> 8, row 1      | t_pos=6: t_rel 1 -> 10-1 = 9, row 0
    // pointers: cond 0 -> pos 10 (10/15); t_diff 1..9 -> frames 9..1 pos 1..9;
    //   t_diff 10 -> 0 selected cond, skipped; t_diff 11 -> -1 break.
    const s = selectMemory(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 100 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[0, 6], [4, 5], [5, 4], [6, 3], [7, 2], [8, 1], [9, 0]]);
    expect(s.maskmemRows.slice(1).every((r) => r.source === 'nonCond' && !r.conditioning)).toBe(true);
    expect(ptrs(s)).toEqual([[0, 10], [9, 1], [8, 2], [7, 3], [6, 4], [5, 5], [4, 6], [3, 7], [2, 8], [1, 9]]);
    expectNorms(s, [10 / 15, 1 / 15, 2 / 15, 3 / 15, 4 / 15, 5 / 15, 6 / 15, 7 / 15, 8 / 15, 9 / 15]);
    expect(s.numObjPtrTokens).toBe(40);
  });

  it('six previous frames, reverse', () => {
    // cond {20}, non-cond 11..19, frame 10 reverse, 30 frames.
    // t_rel 1 -> 10+1 = 11 (row 0); t_rel>=2: -(-(10+2)//1)*1 + (t_rel-2) = 12 + (t_rel-2)
    // t_pos=1 (t_rel 6) -> 16 row 5; t_pos=2 -> 15 row 4; t_pos=3 -> 14 row 3; t_pos=4 -> 13 row 2;
    // t_pos=5 (t_rel 2) -> 12 row 1; t_pos=6 -> 11 row 0.
    // pointers: tpos_sign_mul = -1; cond 20 >= 10 kept, pos (10-20)*-1 = 10.
    //   t_diff 1..9 -> 11..19 pos 1..9; t_diff 10 -> 20 selected cond skipped; 11..15 -> 21..25 absent.
    const s = selectMemory(10, 'reverse', { outputs: outs([20], range(11, 19)), numFrames: 30 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[20, 6], [16, 5], [15, 4], [14, 3], [13, 2], [12, 1], [11, 0]]);
    expect(ptrs(s)).toEqual([[20, 10], [11, 1], [12, 2], [13, 3], [14, 4], [15, 5], [16, 6], [17, 7], [18, 8], [19, 9]]);
    expectNorms(s, [10 / 15, 1 / 15, 2 / 15, 3 / 15, 4 / 15, 5 / 15, 6 / 15, 7 / 15, 8 / 15, 9 / 15]);
  });

  it('frames missing from the output dict are skipped', () => {
    // cond {0}, non-cond {3,5,8}, frame 9 forward, 40 frames.
    // t_pos 1..5 -> (9-2) - (t_rel-2) = 3,4,5,6,7 ; t_pos 6 -> 8.
    // present: 3 (t_pos 1, row 5), 5 (t_pos 3, row 3), 8 (t_pos 6, row 0).
    // pointers: cond 0 -> pos 9; t_diff 1 -> 8 yes; 2,3 -> 7,6 no; 4 -> 5 yes; 5 -> 4 no; 6 -> 3 yes;
    //   7,8 -> 2,1 no; 9 -> 0 selected cond skipped; 10 -> -1 break.
    const s = selectMemory(9, 'forward', { outputs: outs([0], [3, 5, 8]), numFrames: 40 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[0, 6], [3, 5], [5, 3], [8, 0]]);
    expect(s.maskmemRows.map((r) => r.tPos)).toEqual([0, 1, 3, 6]);
    expect(ptrs(s)).toEqual([[0, 9], [8, 1], [5, 4], [3, 6]]);
    expectNorms(s, [9 / 15, 1 / 15, 4 / 15, 6 / 15]);
  });

  it('more than 16 frames available: 1 cond + 15 recent pointers', () => {
    // cond {0}, non-cond 1..39, frame 40 forward, 100 frames. max = 16, t_diff 1..15 only.
    // maskmem: 38 - (t_rel-2) for t_rel 6..2 -> 34,35,36,37,38 ; t_rel 1 -> 39.
    // pointers: cond 0 -> pos 40 -> 40/15 (> 1: not clamped in Python); t_diff 1..15 -> 39..25.
    const s = selectMemory(40, 'forward', { outputs: outs([0], range(1, 39)), numFrames: 100 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[0, 6], [34, 5], [35, 4], [36, 3], [37, 2], [38, 1], [39, 0]]);
    expect(s.pointers.length).toBe(16);
    expect(ptrs(s)).toEqual([[0, 40], ...range(1, 15).map((d): [number, number] => [40 - d, d])]);
    expectNorms(s, [40 / 15, ...range(1, 15).map((d) => d / 15)]);
    expect(s.numObjPtrTokens).toBe(64);
  });

  it('fewer pointers than 16 but >= 16 frames: still normalised by 15', () => {
    // cond {0}, non-cond 1..4, frame 5 forward, 20 frames: max = min(20,16) = 16 -> t_diff_max 15.
    // cond 0 -> 5; t_diff 1..4 -> 4..1; t_diff 5 -> 0 skipped; 6 -> -1 break.
    const s = selectMemory(5, 'forward', { outputs: outs([0], range(1, 4)), numFrames: 20 }, SAM2_1_TINY);
    expect(s.tDiffMax).toBe(15);
    expect(ptrs(s)).toEqual([[0, 5], [4, 1], [3, 2], [2, 3], [1, 4]]);
    expectNorms(s, [5 / 15, 1 / 15, 2 / 15, 3 / 15, 4 / 15]);
  });

  it('volume shorter than 16 slices: normalised by num_frames - 1 (line 588)', () => {
    // same bank, 8 frames: max = min(8,16) = 8 -> t_diff_max 7; t_diff loop 1..7 (6 -> -1 break anyway).
    const s = selectMemory(5, 'forward', { outputs: outs([0], range(1, 4)), numFrames: 8 }, SAM2_1_TINY);
    expect(s.tDiffMax).toBe(7);
    expect(ptrs(s)).toEqual([[0, 5], [4, 1], [3, 2], [2, 3], [1, 4]]);
    expectNorms(s, [5 / 7, 1 / 7, 2 / 7, 3 / 7, 4 / 7]);
  });

  it('reverse at the end of the volume stops at num_frames (line 614)', () => {
    // cond {19}, frame 18 reverse, 20 frames. maskmem: t_rel 1 -> 19 selected (skip);
    //   t_rel>=2 -> 20 + (t_rel-2) = 20..24 absent.  => only [19,6]
    // pointers: cond 19 >= 18, pos (18-19)*-1 = 1; t_diff 1 -> 19 skipped; t_diff 2 -> 20 >= 20 break.
    const s = selectMemory(18, 'reverse', { outputs: outs([19], []), numFrames: 20 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[19, 6]]);
    expect(ptrs(s)).toEqual([[19, 1]]);
    expectNorms(s, [1 / 15]);
  });

  it('conditioning frame in the future of travel: in the spatial bank, not among pointers', () => {
    // cond {0, 20}, non-cond 1..4, frame 5 forward, 40 frames. max_cond -1 -> both selected, t_pos 0.
    // t_rel 6 -> 3-4 = -1 none; t_rel 5 -> 0 selected cond, None; t_rel 4,3,2 -> 1,2,3 (rows 3,2,1);
    // t_rel 1 -> 4 (row 0).
    // pointers (only_obj_ptrs_in_the_past_for_eval): keep t <= 5 -> only 0, pos 5.
    //   t_diff 1..4 -> 4..1; 5 -> 0 skipped; 6 -> -1 break.
    const s = selectMemory(5, 'forward', { outputs: outs([0, 20], range(1, 4)), numFrames: 40 }, SAM2_1_TINY);
    expect(rows(s)).toEqual([[0, 6], [20, 6], [1, 3], [2, 2], [3, 1], [4, 0]]);
    expect(ptrs(s)).toEqual([[0, 5], [4, 1], [3, 2], [2, 3], [1, 4]]);
    expectNorms(s, [5 / 15, 1 / 15, 2 / 15, 3 / 15, 4 / 15]);

    // same in reverse from frame 15 with cond {0, 20}, non-cond 16..19: keep t >= 15 -> 20,
    // pos (15-20)*-1 = 5. t_diff 1..4 -> 16..19; 5 -> 20 skipped; 6..15 -> 21..30 absent.
    const r = selectMemory(15, 'reverse', { outputs: outs([0, 20], range(16, 19)), numFrames: 40 }, SAM2_1_TINY);
    expect(ptrs(r)).toEqual([[20, 5], [16, 1], [17, 2], [18, 3], [19, 4]]);
    // maskmem: t_rel 1 -> 16 row 0; t_rel 2..6 -> 17..21: 17,18,19 rows 1,2,3; 20 selected; 21 none.
    expect(rows(r)).toEqual([[0, 6], [20, 6], [19, 3], [18, 2], [17, 1], [16, 0]]);
  });

  it('only_obj_ptrs_in_the_past_for_eval = False: future cond pointer with a negative signed distance', () => {
    // as above, forward frame 5: ptr cond = {0, 20}: 0 -> (5-0)*1 = 5, 20 -> (5-20)*1 = -15 -> -1.
    const cfg: BankConfig = { ...SAM2_1_TINY, onlyObjPtrsInThePastForEval: false };
    const s = selectMemory(5, 'forward', { outputs: outs([0, 20], range(1, 4)), numFrames: 40 }, cfg);
    expect(ptrs(s)).toEqual([[0, 5], [20, -15], [4, 1], [3, 2], [2, 3], [1, 4]]);
    expectNorms(s, [5 / 15, -1, 1 / 15, 2 / 15, 3 / 15, 4 / 15]);
  });

  it('limited conditioning frames: closest before/after selected, unselected ones act as recent frames', () => {
    // cond {2, 6, 30}, non-cond {3,4,5,7}, frame 8 forward, max_cond_frames_in_attn = 2, 40 frames.
    // select_closest: before = max(t<8) = 6; after = min(t>=8) = 30; num_remain 0 -> selected [6,30],
    //   unselected [2].
    // maskmem: 6,30 -> row 6. t_rel 6 -> 6-4 = 2 (unselected cond, row 5); t_rel 5,4,3 -> 3,4,5 rows 4,3,2;
    //   t_rel 2 -> 6 (selected cond -> None); t_rel 1 -> 7 row 0.
    // pointers: keep cond t <= 8 -> 6, pos 2. t_diff 1 -> 7; 2 -> 6 skipped; 3,4,5 -> 5,4,3;
    //   6 -> 2 (unselected cond, via unselected_cond_outputs.get) pos 6; 7,8 -> 1,0 absent; 9 -> -1 break.
    const cfg = bankConfigFor('2.1', { maxCondFramesInAttn: 2 });
    const s = selectMemory(8, 'forward', { outputs: outs([2, 6, 30], [3, 4, 5, 7]), numFrames: 40 }, cfg);
    expect(rows(s)).toEqual([[6, 6], [30, 6], [2, 5], [3, 4], [4, 3], [5, 2], [7, 0]]);
    expect(s.maskmemRows[2]).toMatchObject({ source: 'unselectedCond', conditioning: false, tPos: 1 });
    expect(ptrs(s)).toEqual([[6, 2], [7, 1], [5, 3], [4, 4], [3, 5], [2, 6]]);
  });

  it('temporal stride 3, forward and reverse', () => {
    // forward frame 10, cond {0}, non-cond 1..9, r = 3: base = (10-2)//3*3 = 6.
    // t_rel 6 -> 6-12 = -6; 5 -> -3; 4 -> 0 (selected cond, None); 3 -> 3 (t_pos 4, row 2);
    // 2 -> 6 (t_pos 5, row 1); 1 -> 9 (t_pos 6, row 0).
    const cfg = bankConfigFor('2.1', { memoryTemporalStrideForEval: 3 });
    const f = selectMemory(10, 'forward', { outputs: outs([0], range(1, 9)), numFrames: 40 }, cfg);
    expect(rows(f)).toEqual([[0, 6], [3, 2], [6, 1], [9, 0]]);
    // reverse frame 10, cond {30}, non-cond 11..29: base = -(-(12)//3)*3 = 12.
    // t_rel 6 -> 12+12 = 24 (row 5); 5 -> 21; 4 -> 18; 3 -> 15; 2 -> 12 (row 1); 1 -> 11 (row 0).
    const r = selectMemory(10, 'reverse', { outputs: outs([30], range(11, 29)), numFrames: 40 }, cfg);
    expect(rows(r)).toEqual([[30, 6], [24, 5], [21, 4], [18, 3], [15, 2], [12, 1], [11, 0]]);
    // Python floor division on negatives: frame 1 forward, r=3: (1-2)//3 = -1 -> -3 - (t_rel-2)*3.
    expect(recentMemoryFrame(1, 5, 7, 3, false)).toBe(-3); // t_rel 2
    expect(recentMemoryFrame(1, 1, 7, 3, false)).toBe(-15); // t_rel 6: -3 - 12
    // reverse ceil: frame 11, r=3: -(-(13)//3)*3 = -(-5)*3 = 15.
    expect(recentMemoryFrame(11, 5, 7, 3, true)).toBe(15);
  });
});

describe('SAM 2.0 vs 2.1 pointer encoding', () => {
  it('2.0: |distance| kept, no normalised value, zero positions', () => {
    // Same bank as the 2.1 reverse case: cond {20}, non-cond 11..19, frame 10 reverse.
    // use_signed False -> abs(10-20) = 10 (2.1 gives (10-20)*-1 = 10 too: equal in the past).
    // add_tpos_enc_to_obj_ptrs False -> obj_pos = zeros(len, B, mem_dim) (line 638): no pointer_tpos.
    const s = selectMemory(10, 'reverse', { outputs: outs([20], range(11, 19)), numFrames: 30 }, SAM2_0_TINY);
    expect(s.pointerEncoding).toBe('zeros');
    expect(ptrs(s)[0]).toEqual([20, 10]);
    expect(norms(s).every((n) => n === null)).toBe(true);
    expect(rows(s)).toEqual([[20, 6], [16, 5], [15, 4], [14, 3], [13, 2], [12, 1], [11, 0]]);
  });
  it('2.0 vs 2.1 differ in sign for a future conditioning pointer', () => {
    // only_obj_ptrs_in_the_past_for_eval off, forward frame 5, cond {20}: 2.0 abs(5-20) = 15; 2.1 (5-20) = -15.
    const o = outs([20], []);
    const s20 = selectMemory(5, 'forward', { outputs: o, numFrames: 40 }, { ...SAM2_0_TINY, onlyObjPtrsInThePastForEval: false });
    const s21 = selectMemory(5, 'forward', { outputs: o, numFrames: 40 }, { ...SAM2_1_TINY, onlyObjPtrsInThePastForEval: false });
    expect(ptrs(s20)).toEqual([[20, 15]]);
    expect(ptrs(s21)).toEqual([[20, -15]]);
    expectNorms(s21, [-1]);
  });
});

describe('select_closest_cond_frames', () => {
  it('keeps dict order when not limited, closest-first ordering when limited', () => {
    expect(selectClosestCondFrames(5, [9, 1, 4], -1)).toEqual({ selected: [9, 1, 4], unselected: [] });
    expect(selectClosestCondFrames(5, [9, 1, 4], 3)).toEqual({ selected: [9, 1, 4], unselected: [] });
    // cond [0, 3, 9, 12, 20], frame 10, max 3: before = 9, after = 12, remain sorted by |t-10|:
    // 3 (7), 0 (10), 20 (10) -> take 1 -> 3. unselected in dict order [0, 20].
    expect(selectClosestCondFrames(10, [0, 3, 9, 12, 20], 3)).toEqual({ selected: [9, 12, 3], unselected: [0, 20] });
    // frame equal to a cond frame counts as "after" (t >= frame_idx): cond [4, 8, 12], frame 8, max 2
    // -> before 4, after 8 -> unselected [12].
    expect(selectClosestCondFrames(8, [4, 8, 12], 2)).toEqual({ selected: [4, 8], unselected: [12] });
  });
});

describe('fixed bank padding', () => {
  it('pads spatial and pointer slots separately; mask marks the real rows', () => {
    // Conditioning-only case: 1 spatial memory (frame 10, row 6) and 1 pointer (1/15).
    // Layout: 7 slots x 4096 rows = 28672 rows, then 16 pointers x 4 rows = 64 -> 28736 rows.
    // Real rows: 0..4095 and 28672..28675 -> 4100 ones.
    const s = selectMemory(11, 'forward', { outputs: outs([10], []), numFrames: 50 }, SAM2_1_TINY);
    const b = padBank(s, TINY_1024_GEOMETRY);
    expect(b.realMaskmem).toBe(1);
    expect(b.realPointers).toBe(1);
    expect(b.maskmemSlots[0]).toMatchObject({ frame: 10, tposIndex: 6 });
    expect(b.maskmemSlots.slice(1)).toEqual([null, null, null, null, null, null]);
    expect(b.pointerSlots.length).toBe(16);
    expect(b.pointerSlots.filter((p) => p === null).length).toBe(15);
    expect(b.normalizedDiffs[0]).toBeCloseTo(1 / 15, 6);
    expect(Array.from(b.normalizedDiffs.slice(1))).toEqual(new Array<number>(15).fill(0));
    expect(b.pointerRowOffset).toBe(28672);
    expect(b.totalRows).toBe(28736);
    expect(b.realPointerTokens).toBe(s.numObjPtrTokens);
    const m = validTokens(b);
    expect(m.length).toBe(28736);
    expect(m.reduce((a, v) => a + v, 0)).toBe(4100);
    expect([m[0], m[4095], m[4096], m[28671], m[28672], m[28675], m[28676]]).toEqual([1, 1, 0, 0, 1, 1, 0]);
  });
  it('full bank: 7 spatial slots and 16 pointers, no padding', () => {
    const s = selectMemory(40, 'forward', { outputs: outs([0], range(1, 39)), numFrames: 100 }, SAM2_1_TINY);
    const b = padBank(s, TINY_1024_GEOMETRY);
    expect(validTokens(b).every((v) => v === 1)).toBe(true);
  });
  it('2.0: normalizedDiffs all 0 (positions are zero vectors, graph not used)', () => {
    const s = selectMemory(11, 'forward', { outputs: outs([10], []), numFrames: 50 }, SAM2_0_TINY);
    expect(Array.from(padBank(s, TINY_1024_GEOMETRY).normalizedDiffs)).toEqual(new Array<number>(16).fill(0));
  });
  it('overflow: 2 conditioning frames + 6 recent do not fit 7 slots', () => {
    // cond {0, 30}, non-cond 1..9, frame 10: 2 cond rows + frames 4..9 = 8 rows > 7.
    const s = selectMemory(10, 'forward', { outputs: outs([0, 30], range(1, 9)), numFrames: 40 }, SAM2_1_TINY);
    expect(s.maskmemRows.length).toBe(8);
    expect(() => padBank(s, TINY_1024_GEOMETRY)).toThrow(RangeError);
  });
});

describe('video predictor bookkeeping', () => {
  it('prompt on an untracked frame is an init cond frame; on a tracked one it keeps its direction', () => {
    const tracked = new Map([[5, 'reverse' as const]]);
    expect(promptContext(6, tracked)).toEqual({ isInitCondFrame: true, direction: 'forward', storeAsConditioning: true });
    // tracked -> is_init_cond_frame False, reverse from frames_tracked, stored as non-cond (line 244)
    expect(promptContext(5, tracked)).toEqual({ isInitCondFrame: false, direction: 'reverse', storeAsConditioning: false });
    expect(promptContext(5, tracked, true).storeAsConditioning).toBe(true);
  });
  it('propagation order (lines 571-581)', () => {
    // forward from 3, 6 frames: end = min(3+6, 5) = 5
    expect(propagationOrder(3, 6, 'forward')).toEqual([3, 4, 5]);
    // reverse from 3: end = max(3-6, 0) = 0
    expect(propagationOrder(3, 6, 'reverse')).toEqual([3, 2, 1, 0]);
    // reverse from 0 is skipped entirely
    expect(propagationOrder(0, 6, 'reverse')).toEqual([]);
    // max_frame_num_to_track = 2: forward end = 5 -> 3 frames; reverse from 5: end = 3
    expect(propagationOrder(3, 10, 'forward', 2)).toEqual([3, 4, 5]);
    expect(propagationOrder(5, 10, 'reverse', 2)).toEqual([5, 4, 3]);
  });
});
