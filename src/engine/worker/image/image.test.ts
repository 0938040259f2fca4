import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resize.ts';
import { boxToModel, pointsToModel, promptToModel, sliceToModelInput } from './preprocess.ts';
import {
  applyObjectScore,
  fillHoles,
  HOLE_FILL_SCORE,
  NO_OBJ_SCORE,
  pickMultimask,
  SAM21_MULTIMASK,
  toMask,
  upsampleBilinear,
  useMultimask,
} from './postprocess.ts';

const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('bilinear, align_corners=False', () => {
  it('2×2 → 4×4', () => {
    // in = [[0, 1], [2, 3]], scale = in/out = 0.5.
    // src(i) = (i + 0.5)·0.5 − 0.5, clamped ≥ 0: i=0 → −0.25 → 0; i=1 → 0.25; i=2 → 0.75;
    // i=3 → 1.25 → floor 1 = last index, so its neighbour is clamped to itself → exactly 1.
    // So each axis samples at positions [0, 0.25, 0.75, 1].
    // Row 0 (y=0):    [0, 0.25, 0.75, 1]
    // Row 3 (y=1):    [2, 2.25, 2.75, 3]
    // Row 1 (y=0.25): 0.75·row0 + 0.25·row3 = [0.5, 0.75, 1.25, 1.5]
    // Row 2 (y=0.75): 0.25·row0 + 0.75·row3 = [1.5, 1.75, 2.25, 2.5]
    const out = upsampleBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4);
    expectClose(out, [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
    // Enlarging: the antialiased (torchvision Resize) path gives the same numbers.
    expectClose(resizeBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4, { antialias: true }), Array.from(out));
  });

  it('4 → 2 shrink: plain vs antialiased', () => {
    // Plain: src = (i + 0.5)·2 − 0.5 = 0.5, 2.5 → [0.5, 2.5].
    expectClose(resizeBilinear(Float32Array.of(0, 1, 2, 3), 4, 1, 2, 1), [0.5, 2.5]);
    // Antialiased (triangle filter, support = scale = 2):
    // i=0: center 1, taps j=0..2 at |(j − 1 + 0.5)/2| = 0.25, 0.25, 0.75 → w = 0.75, 0.75, 0.25 (sum 1.75)
    //      (0·0.75 + 1·0.75 + 2·0.25)/1.75 = 1.25/1.75 = 0.7142857
    // i=1: center 3, taps j=1..3 at 0.75, 0.25, 0.25 → w = 0.25, 0.75, 0.75
    //      (0.25 + 1.5 + 2.25)/1.75 = 4/1.75 = 2.2857143
    expectClose(resizeBilinear(Float32Array.of(0, 1, 2, 3), 4, 1, 2, 1, { antialias: true }), [0.7142857, 2.2857143]);
  });
});

describe('sliceToModelInput', () => {
  it('windows, replicates to 3 channels and normalises a known pixel', () => {
    // Window [−160, 240] (width 400); value 40 → (40 + 160)/400 = 0.5.
    // 1×1 → 2×2: all four pixels are 0.5.
    // R: (0.5 − 0.485)/0.229 = 0.015/0.229 = 0.0655022
    // G: (0.5 − 0.456)/0.224 = 0.044/0.224 = 0.1964286
    // B: (0.5 − 0.406)/0.225 = 0.094/0.225 = 0.4177778
    const out = sliceToModelInput(Float32Array.of(40), 1, 1, { min: -160, max: 240 }, 2, MEAN, STD);
    expect(out.length).toBe(3 * 2 * 2);
    expectClose(out, [0.0655022, 0.0655022, 0.0655022, 0.0655022, 0.1964286, 0.1964286, 0.1964286, 0.1964286, 0.4177778, 0.4177778, 0.4177778, 0.4177778]);
  });

  it('clamps outside the window', () => {
    // 1000 > 240 → 1: R (1 − 0.485)/0.229 = 2.2489083; −1000 < −160 → 0: R −0.485/0.229 = −2.1179039
    const hi = sliceToModelInput(Float32Array.of(1000), 1, 1, { min: -160, max: 240 }, 1, MEAN, STD);
    expect(hi[0]).toBeCloseTo(2.2489083, 5);
    const lo = sliceToModelInput(Float32Array.of(-1000), 1, 1, { min: -160, max: 240 }, 1, MEAN, STD);
    expect(lo[0]).toBeCloseTo(-2.1179039, 5);
  });

  it('resizes before normalising (2×1 → 4×4 row gradient)', () => {
    // Window [0, 1]: pixels 0 and 1. x positions [0, .25, .75, 1] → [0, .25, .75, 1] on every row.
    // R for 0.25: (0.25 − 0.485)/0.229 = −1.0262009
    const out = sliceToModelInput(Float32Array.of(0, 1), 2, 1, { min: 0, max: 1 }, 4, MEAN, STD);
    expect(out[1]).toBeCloseTo(-1.0262009, 5);
    expect(out[4 * 3 + 1]).toBeCloseTo(-1.0262009, 5);
  });
});

describe('prompt coordinates', () => {
  it('maps points on a non-square slice (w=200, h=100, S=1024)', () => {
    // x·1024/200, y·1024/100:
    // (50, 25) → (256, 256); (200, 100) → (1024, 1024); (10, 80) → (51.2, 819.2)
    const out = pointsToModel([{ x: 50, y: 25 }, { x: 200, y: 100 }, { x: 10, y: 80 }], 200, 100, 1024);
    expectClose(out, [256, 256, 1024, 1024, 51.2, 819.2], 3);
  });

  it('box → two corner points labelled 2 and 3 (corners normalised)', () => {
    // Given as (150, 75)–(50, 25): top-left (50, 25) → (256, 256), bottom-right (150, 75) → (768, 768).
    const { points, labels } = boxToModel({ x0: 150, y0: 75, x1: 50, y1: 25 }, 200, 100, 1024);
    expectClose(points, [256, 256, 768, 768], 3);
    expect(Array.from(labels)).toEqual([2, 3]);
  });

  it('box goes before clicks', () => {
    const p = promptToModel([{ x: 100, y: 50, positive: true }, { x: 0, y: 0, positive: false }], { x0: 0, y0: 0, x1: 200, y1: 100 }, 200, 100, 512);
    // box (0,0)-(200,100) → (0,0),(512,512); click (100,50) → (256,256); (0,0) → (0,0)
    expectClose(p.points, [0, 0, 512, 512, 256, 256, 0, 0], 3);
    expect(Array.from(p.labels)).toEqual([2, 3, 1, 0]);
  });
});

/** Build a w×h logit field: 1 everywhere except the listed (x, y) which are −1. */
function field(w: number, h: number, negatives: [number, number][]): Float32Array {
  const f = new Float32Array(w * h).fill(1);
  for (const [x, y] of negatives) f[y * w + x] = -1;
  return f;
}

describe('fillHoles (fill_holes_in_mask_scores, max_area 8, 8-connected)', () => {
  it('fills a 1-pixel hole with 0.1', () => {
    // 5×5 all 1 except centre (2,2) = −1: one background component of area 1 ≤ 8 → 0.1.
    const out = fillHoles(field(5, 5, [[2, 2]]), 5, 5);
    expect(out[12]).toBeCloseTo(HOLE_FILL_SCORE, 6);
    expect(HOLE_FILL_SCORE).toBe(0.1);
    expect(Array.from(toMask(out)).every((v) => v === 1)).toBe(true);
  });

  it('keeps a 9-pixel (3×3) hole', () => {
    // 7×7, 3×3 block at x,y ∈ 2..4 negative: area 9 > 8 → unchanged (−1).
    const neg: [number, number][] = [];
    for (let y = 2; y <= 4; y++) for (let x = 2; x <= 4; x++) neg.push([x, y]);
    const input = field(7, 7, neg);
    const out = fillHoles(input, 7, 7);
    expect(Array.from(out)).toEqual(Array.from(input));
  });

  it('counts diagonal-only neighbours as connected', () => {
    // 7×7: 2×2 at (1..2, 1..2), 2×2 at (3..4, 3..4), 1 px at (5,5).
    // (2,2)–(3,3) and (4,4)–(5,5) touch only diagonally. 8-connected: one component of
    // 4 + 4 + 1 = 9 > 8 → nothing filled. (4-connected would give 4, 4, 1 and fill all.)
    const neg: [number, number][] = [[1, 1], [2, 1], [1, 2], [2, 2], [3, 3], [4, 3], [3, 4], [4, 4], [5, 5]];
    const input = field(7, 7, neg);
    expect(Array.from(fillHoles(input, 7, 7))).toEqual(Array.from(input));
    // Without (5,5): one component of area exactly 8 ≤ 8 → all 8 pixels filled.
    const input8 = field(7, 7, neg.slice(0, 8));
    const out8 = fillHoles(input8, 7, 7);
    for (const [x, y] of neg.slice(0, 8)) expect(out8[y * 7 + x]).toBeCloseTo(0.1, 6);
  });

  it('fills a small background region touching the border (SAM2 has no border test)', () => {
    // 5×5, corner (0,0) negative: labels > 0 and area 1 ≤ 8 → filled, as in SAM2.
    const out = fillHoles(field(5, 5, [[0, 0]]), 5, 5);
    expect(out[0]).toBeCloseTo(0.1, 6);
    // Left column (5 px) + top row (5 px) share (0,0): area 9 → kept.
    const neg: [number, number][] = [];
    for (let i = 0; i < 5; i++) neg.push([0, i], [i, 0]);
    const input = field(5, 5, neg);
    expect(Array.from(fillHoles(input, 5, 5))).toEqual(Array.from(input));
  });

  it('treats 0 as background and leaves foreground untouched', () => {
    // Logit exactly 0 is background (mask <= 0). Area 1 → 0.1. Other values copied.
    const input = Float32Array.of(5, 5, 5, 5, 0, 5, 5, 5, 7);
    const out = fillHoles(input, 3, 3);
    expectClose(out, [5, 5, 5, 5, 0.1, 5, 5, 5, 7], 6);
    expect(input[4]).toBe(0); // input not modified
  });
});

describe('toMask', () => {
  it('thresholds at > 0', () => {
    expect(Array.from(toMask(Float32Array.of(-1, 0, 0.1, 3)))).toEqual([0, 0, 1, 1]);
  });
});

describe('pickMultimask / useMultimask', () => {
  it('picks the highest predicted IoU; first wins ties (torch.argmax)', () => {
    const masks = Float32Array.of(1, 1, 2, 2, 3, 3); // 3 candidates of 2 pixels
    const a = pickMultimask(masks, [0.2, 0.9, 0.5]);
    expect(a.index).toBe(1);
    expect(Array.from(a.mask)).toEqual([2, 2]);
    expect(a.iou).toBeCloseTo(0.9, 6);
    expect(pickMultimask(masks, [0.7, 0.7, 0.1]).index).toBe(0);
    expect(pickMultimask(masks, [0.1, 0.3, 0.3]).index).toBe(1);
  });

  it('follows _use_multimask with the SAM 2.1 config (min 0, max 1, for tracking)', () => {
    expect(useMultimask(true, 1, SAM21_MULTIMASK)).toBe(true); // first click
    expect(useMultimask(true, 2, SAM21_MULTIMASK)).toBe(false); // a box counts as 2 points
    expect(useMultimask(false, 0, SAM21_MULTIMASK)).toBe(true); // tracked frame, no points
    expect(useMultimask(false, 0, { ...SAM21_MULTIMASK, multimaskOutputForTracking: false })).toBe(false);
    expect(useMultimask(true, 1, { ...SAM21_MULTIMASK, multimaskOutputInSam: false })).toBe(false);
  });
});

describe('applyObjectScore', () => {
  it('sets every logit to −1024 when object_score_logits ≤ 0', () => {
    const logits = Float32Array.of(3, -2, 0.5);
    expect(Array.from(applyObjectScore(logits, 0))).toEqual([NO_OBJ_SCORE, NO_OBJ_SCORE, NO_OBJ_SCORE]);
    expect(Array.from(applyObjectScore(logits, -4))).toEqual([-1024, -1024, -1024]);
    expect(Array.from(applyObjectScore(logits, 0.01))).toEqual([3, -2, 0.5]);
  });
});
