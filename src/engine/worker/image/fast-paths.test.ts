/**
 * The fast image paths give exactly (bit for bit) what the straightforward reference
 * implementations give, on random inputs that include the awkward values: exact zeros and
 * interpolation ties, NaN, ±∞, −0, subnormal and tiny positives, empty and full masks.
 */
import { describe, expect, it } from 'vitest';
import {
  applyObjectScore,
  decoderToMask,
  decoderToMaskReference,
  fillHoles,
  fillHolesReference,
  NO_OBJ_SCORE,
  pickMultimask,
  pickMultimaskIndex,
  toMask,
  upsampleBilinear,
  upsampleToMask,
} from './postprocess.ts';
import { sliceToModelInput, sliceToModelInputReference } from './preprocess.ts';
import { resizeBilinear, resizeBilinearReference } from './resize.ts';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, 1e-38, 1e-31, 1e-30, -1e-30, 3.4028234663852886e38, -1024, 0.1, 0.5, -0.5];

/** Logits of one of several kinds: small integers (ties and exact zeros), smooth fields, specials, constant planes. */
function logits(n: number, w: number, r: () => number, kind: number): Float32Array {
  const a = new Float32Array(n);
  const cx = r() * w;
  const cy = (r() * n) / w;
  const rad = 2 + r() * w * 0.4;
  for (let i = 0; i < n; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    switch (kind) {
      case 0:
        a[i] = Math.floor(r() * 7) - 3; // −3…3: many exact zeros after interpolation
        break;
      case 1:
        a[i] = (rad - Math.hypot(x - cx, y - cy)) * (0.5 + r()); // a blob with a ragged edge
        break;
      case 2:
        a[i] = r() < 0.3 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() - 0.5) * 20;
        break;
      case 3:
        a[i] = r() < 0.5 ? 1e-45 * Math.floor(r() * 4) : -1e-45 * Math.floor(r() * 4); // subnormals only
        break;
      case 4:
        a[i] = NO_OBJ_SCORE;
        break;
      default:
        a[i] = (r() - 0.45) * 4;
    }
  }
  return a;
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}: index ${i}: ${actual[i]} ≠ ${expected[i]}`);
    }
  }
}

describe('resizeBilinear (cached taps, reused scratch) = resizeBilinearReference', () => {
  const sizes: [number, number, number, number][] = [
    [2, 2, 4, 4],
    [4, 1, 2, 1],
    [1, 1, 3, 5],
    [7, 5, 16, 9],
    [16, 9, 7, 5],
    [33, 17, 64, 64],
    [64, 64, 33, 17],
    [256, 256, 512, 512],
    [100, 60, 256, 256],
  ];
  for (const antialias of [false, true]) {
    it(`antialias ${antialias}: random images incl. NaN / ±∞ / −0, up and down`, () => {
      const r = rng(antialias ? 11 : 12);
      for (const [w, h, ow, oh] of sizes) {
        for (let kind = 0; kind < 6; kind++) {
          const src = logits(w * h, w, r, kind);
          expectSameBits(resizeBilinear(src, w, h, ow, oh, { antialias }), resizeBilinearReference(src, w, h, ow, oh, { antialias }), `${w}×${h}→${ow}×${oh} kind ${kind}`);
        }
      }
    });
  }
});

describe('upsampleToMask = toMask(upsampleBilinear(…))', () => {
  const sizes: [number, number, number, number][] = [
    [1, 1, 4, 4],
    [2, 2, 4, 4],
    [3, 2, 7, 3],
    [5, 5, 3, 3],
    [8, 8, 16, 16],
    [9, 7, 30, 11],
    [16, 16, 7, 40],
    [32, 32, 64, 64],
    [256, 256, 512, 512],
    [256, 256, 512, 300],
    [256, 256, 120, 512],
  ];
  it('random logits of every kind, many sizes (vs the reference resize too)', () => {
    const r = rng(7);
    let straddling = 0;
    for (const [w, h, ow, oh] of sizes) {
      const reps = w * h > 10000 ? 2 : 20;
      for (let rep = 0; rep < reps; rep++) {
        for (let kind = 0; kind < 6; kind++) {
          const src = logits(w * h, w, r, kind);
          const fast = upsampleToMask(src, w, h, ow, oh);
          const ref = toMask(resizeBilinearReference(src, w, h, ow, oh));
          expectSameBits(fast, ref, `${w}×${h}→${ow}×${oh} kind ${kind}`);
          expectSameBits(fast, toMask(upsampleBilinear(src, w, h, ow, oh)), `${w}×${h}→${ow}×${oh} kind ${kind} (upsampleBilinear)`);
          straddling += ref.reduce((n, v) => n + v, 0);
        }
      }
    }
    expect(straddling).toBeGreaterThan(0);
  });

  it('exact zeros from ties: −1 and 3 at weights ¾, ¼ give 0, which is not > 0', () => {
    // 2 → 4: samples at 0, 0.25, 0.75, 1: 0.75·(−1) + 0.25·3 = 0 exactly.
    const src = Float32Array.of(-1, 3, -1, 3);
    const ref = toMask(resizeBilinearReference(src, 2, 2, 4, 4));
    expect(Array.from(ref.subarray(0, 4))).toEqual([0, 0, 1, 1]);
    expectSameBits(upsampleToMask(src, 2, 2, 4, 4), ref, 'ties');
  });

  it('a tiny positive that rounds to 0 as a float32 is not in the mask; NaN next to a pixel through a zero weight is not either', () => {
    const tiny = Float32Array.of(1e-45, 1e-45, -1e-45, 1e-45);
    expectSameBits(upsampleToMask(tiny, 2, 2, 4, 4), toMask(resizeBilinearReference(tiny, 2, 2, 4, 4)), 'tiny');
    const nan = Float32Array.of(5, NaN, 5, 5);
    const ref = toMask(resizeBilinearReference(nan, 2, 2, 4, 4));
    expect(ref[0]).toBe(0); // column 0 reads column 1 with weight 0: NaN · 0 = NaN
    expectSameBits(upsampleToMask(nan, 2, 2, 4, 4), ref, 'NaN');
  });

  it('every 2×2 pattern of {−1, 0, 1, tiny, NaN, ±∞} on 2×2 → 5×5 and 2×2 → 4×4', () => {
    const vals = [-1, 0, 1, 1e-45, NaN, Infinity, -Infinity, -0];
    const src = new Float32Array(4);
    for (let a = 0; a < vals.length ** 4; a++) {
      let k = a;
      for (let i = 0; i < 4; i++) {
        src[i] = vals[k % vals.length]!;
        k = Math.floor(k / vals.length);
      }
      for (const [ow, oh] of [[5, 5], [4, 4], [3, 7]] as const) {
        expectSameBits(upsampleToMask(src, 2, 2, ow, oh), toMask(resizeBilinearReference(src, 2, 2, ow, oh)), `pattern ${a} → ${ow}×${oh}`);
      }
    }
  });
});

/** A mask-like logit plane: foreground blobs with holes of 1…12 pixels, some at the border. */
function holey(w: number, h: number, r: () => number, density: number): Float32Array {
  const a = new Float32Array(w * h);
  for (let i = 0; i < a.length; i++) a[i] = r() < density ? 1 + r() : -(r() * 5);
  // Punch small holes (random shapes) into foreground, some touching the edge.
  const holes = Math.floor(r() * 12);
  for (let k = 0; k < holes; k++) {
    let x = Math.floor(r() * w);
    let y = r() < 0.2 ? 0 : Math.floor(r() * h);
    const size = 1 + Math.floor(r() * 12);
    for (let s = 0; s < size; s++) {
      a[y * w + x] = r() < 0.1 ? 0 : -r();
      x = Math.min(w - 1, Math.max(0, x + Math.floor(r() * 3) - 1));
      y = Math.min(h - 1, Math.max(0, y + Math.floor(r() * 3) - 1));
    }
  }
  if (r() < 0.1) a[Math.floor(r() * a.length)] = NaN; // NaN is neither background nor filled
  return a;
}

describe('fillHoles (padded flood fill) = fillHolesReference (connected components)', () => {
  it('random masks with small holes, edge holes, every density; max area 1, 8, 20', () => {
    const r = rng(3);
    const sizes: [number, number][] = [[1, 1], [2, 3], [5, 1], [1, 6], [9, 9], [17, 11], [64, 64], [256, 256]];
    for (const [w, h] of sizes) {
      const reps = w * h > 10000 ? 4 : 30;
      for (let rep = 0; rep < reps; rep++) {
        const density = [0, 0.05, 0.5, 0.8, 0.95, 1][rep % 6]!;
        const src = holey(w, h, r, density);
        for (const maxArea of [1, 8, 20]) {
          const before = new Float32Array(src);
          expectSameBits(fillHoles(src, w, h, maxArea), fillHolesReference(src, w, h, maxArea), `${w}×${h} density ${density} max ${maxArea}`);
          expectSameBits(src, before, 'input untouched');
        }
      }
    }
  });

  it('empty (all background), full (all foreground) and tiny images', () => {
    for (const [w, h] of [[1, 1], [2, 2], [3, 3], [8, 1], [256, 256]] as const) {
      for (const v of [-1, 0, 1, NO_OBJ_SCORE]) {
        const src = new Float32Array(w * h).fill(v);
        for (const maxArea of [1, 8, 9, 100000]) expectSameBits(fillHoles(src, w, h, maxArea), fillHolesReference(src, w, h, maxArea), `${w}×${h} all ${v} max ${maxArea}`);
      }
    }
  });

  it('consecutive calls on different sizes (the reused buffers hold nothing over)', () => {
    const r = rng(5);
    for (const [w, h] of [[256, 256], [4, 4], [40, 3], [256, 256], [3, 40]] as const) {
      const src = holey(w, h, r, 0.7);
      expectSameBits(fillHoles(src, w, h, 8), fillHolesReference(src, w, h, 8), `${w}×${h}`);
    }
  });
});

describe('decoderToMask = pickMultimask → applyObjectScore → fillHoles → upsampleBilinear > 0', () => {
  it('random decoder outputs: 1 or 3 candidates, object score ±, NaN ious, hole area 0 / 8', () => {
    const r = rng(9);
    for (let rep = 0; rep < 60; rep++) {
      const side = [4, 16, 64][rep % 3]!;
      const candidates = rep % 2 === 0 ? 3 : 1;
      const planes = Array.from({ length: candidates }, () => holey(side, side, r, 0.6));
      const lowRes = new Float32Array(candidates * side * side);
      planes.forEach((p, i) => lowRes.set(p, i * side * side));
      const ious = Float32Array.from({ length: candidates }, () => (r() < 0.1 ? NaN : Math.round(r() * 4) / 4));
      const score = [2.5, -1, 0, NaN][rep % 4]!;
      const maxArea = rep % 5 === 0 ? 0 : 8;
      const [ow, oh] = ([[side * 2, side * 2], [side * 3, side + 1], [side, side]] as [number, number][])[rep % 3]!;
      const fast = decoderToMask(lowRes, candidates, ious, score, side, maxArea, ow, oh);
      const ref = decoderToMaskReference(lowRes, candidates, ious, score, side, maxArea, ow, oh);
      expectSameBits(fast.low, ref.low, `low, rep ${rep}`);
      expectSameBits(fast.mask, ref.mask, `mask, rep ${rep}`);
      expect(Object.is(fast.iou, ref.iou)).toBe(true);
    }
  });

  it('a gated 2×2 plane (side² ≤ max hole area) is filled, as the reference does', () => {
    const lowRes = Float32Array.of(1, 2, 3, 4);
    const fast = decoderToMask(lowRes, 1, [0.5], -1, 2, 8, 4, 4);
    const ref = decoderToMaskReference(lowRes, 1, [0.5], -1, 2, 8, 4, 4);
    expectSameBits(fast.low, ref.low, 'low');
    expectSameBits(fast.mask, ref.mask, 'mask');
    expect(Array.from(applyObjectScore(lowRes, -1))).toEqual([NO_OBJ_SCORE, NO_OBJ_SCORE, NO_OBJ_SCORE, NO_OBJ_SCORE]);
  });

  it('pickMultimaskIndex is the index pickMultimask picks', () => {
    const cases = [[0.1, 0.9, 0.9], [0.5, 0.5, 0.5], [0.2, NaN, 0.9], [NaN, 1, 2], [3], [-1, -2, -0.5]];
    for (const ious of cases) {
      const masks = new Float32Array(ious.length * 4).map((_, i) => i);
      expect(pickMultimaskIndex(ious)).toBe(pickMultimask(masks, ious).index);
    }
  });
});

describe('sliceToModelInput (fused) = sliceToModelInputReference', () => {
  const MEAN = [0.485, 0.456, 0.406] as const;
  const STD = [0.229, 0.224, 0.225] as const;
  const slice = (n: number, r: () => number, specials: boolean): Float32Array =>
    Float32Array.from({ length: n }, () => (specials && r() < 0.01 ? [Infinity, -Infinity, -0, 0, 100, 40][Math.floor(r() * 6)]! : (r() - 0.2) * 150));

  it('at scale 1 (512² → 512², the resize skipped): bit for bit, several windows', () => {
    const r = rng(21);
    const src = slice(512 * 512, r, true);
    for (const win of [{ min: 0, max: 100 }, { min: -160, max: 240 }, { min: 40, max: 40 }, { min: 50, max: 10 }]) {
      expectSameBits(sliceToModelInput(src, 512, 512, win, 512, MEAN, STD), sliceToModelInputReference(src, 512, 512, win, 512, MEAN, STD), `window ${win.min}…${win.max}`);
    }
  });

  it('at scale 1 with NaN pixels (they spread through the zero-weight taps): still the reference', () => {
    const r = rng(22);
    const src = slice(64 * 64, r, true);
    src[100] = NaN;
    src[64 * 64 - 1] = NaN;
    expectSameBits(sliceToModelInput(src, 64, 64, { min: 0, max: 100 }, 64, MEAN, STD), sliceToModelInputReference(src, 64, 64, { min: 0, max: 100 }, 64, MEAN, STD), 'NaN');
  });

  it('enlarging (512² → 1024²), shrinking and non-square slices: bit for bit', () => {
    const r = rng(23);
    const cases: [number, number, number][] = [[512, 512, 1024], [200, 100, 256], [64, 64, 32], [100, 37, 64], [1, 1, 2], [3, 5, 8]];
    for (const [w, h, s] of cases) {
      const src = slice(w * h, r, true);
      if (w * h > 10) src[7] = NaN;
      expectSameBits(sliceToModelInput(src, w, h, { min: 0, max: 100 }, s, MEAN, STD), sliceToModelInputReference(src, w, h, { min: 0, max: 100 }, s, MEAN, STD), `${w}×${h} → ${s}`);
    }
  });

  it('voxels read in place (int16, int32, float64, uint8) = their float32 slice (as extractSlice gives it)', () => {
    const r = rng(25);
    const n = 48 * 48;
    const arrays = [
      Int16Array.from({ length: n }, () => Math.floor((r() - 0.5) * 3000)),
      Int32Array.from({ length: n }, () => Math.floor((r() - 0.5) * 2 ** 31)),
      Float64Array.from({ length: n }, () => (r() - 0.3) * 130 + (r() < 0.01 ? NaN : 0)),
      Uint8Array.from({ length: n }, () => Math.floor(r() * 256)),
    ];
    for (const a of arrays) {
      const f32 = Float32Array.from(a, (v) => Number(v));
      for (const [s, win] of [[48, { min: 0, max: 100 }], [64, { min: -50, max: 200 }], [48, { min: 1e9, max: 1e9 }]] as const) {
        expectSameBits(sliceToModelInput(a, 48, 48, win, s, MEAN, STD), sliceToModelInputReference(f32, 48, 48, win, s, MEAN, STD), `${a.constructor.name} → ${s}`);
      }
    }
  });

  it('fills a given output array (and rejects one of the wrong size)', () => {
    const r = rng(24);
    const src = slice(32 * 32, r, false);
    const out = new Float32Array(3 * 32 * 32).fill(7);
    expect(sliceToModelInput(src, 32, 32, { min: 0, max: 100 }, 32, MEAN, STD, out)).toBe(out);
    expectSameBits(out, sliceToModelInputReference(src, 32, 32, { min: 0, max: 100 }, 32, MEAN, STD), 'into');
    expect(() => sliceToModelInput(src, 32, 32, { min: 0, max: 100 }, 32, MEAN, STD, new Float32Array(5))).toThrow(RangeError);
  });
});
