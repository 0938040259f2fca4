import { describe, expect, it } from 'vitest';
import { roundToBfloat16 } from './bf16.ts';

/** The bfloat16 value as float32 bits, computed the slow way: nearest of the two neighbours, ties to even. */
function reference(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  const lo = u[0]! & 0xffff0000;
  const hi = (lo + 0x10000) >>> 0;
  const rest = u[0]! & 0xffff;
  const pick = rest < 0x8000 ? lo : rest > 0x8000 ? hi : (lo >>> 16) % 2 === 0 ? lo : hi;
  return new Float32Array(new Uint32Array([pick]).buffer)[0]!;
}

describe('roundToBfloat16', () => {
  it('keeps the top 16 bits, rounding to nearest, ties to even', () => {
    const xs = [0, -0, 1, 1 + 2 ** -8, 1 + 2 ** -8 + 2 ** -20, 1 + 3 * 2 ** -8, -3.14159, 1e-30, 65504.5, 3.3895e38];
    const got = roundToBfloat16(Float32Array.from(xs));
    xs.forEach((x, i) => expect(got[i]).toBe(reference(x)));
    expect(got[3]).toBe(1); // a tie rounds to the even neighbour
    expect(got[5]).toBe(1 + 4 * 2 ** -8); // a tie rounds up to the even one
  });

  it('random values: within half a bfloat16 ulp, and idempotent', () => {
    const a = new Float32Array(10000);
    let s = 1;
    for (let i = 0; i < a.length; i++) {
      s = (s * 16807) % 2147483647;
      a[i] = (s / 2147483647 - 0.5) * 2 ** ((s % 40) - 20);
    }
    const r = roundToBfloat16(Float32Array.from(a));
    for (let i = 0; i < a.length; i++) {
      expect(r[i]).toBe(reference(a[i]!));
      expect(Math.abs(r[i]! - a[i]!)).toBeLessThanOrEqual(Math.abs(a[i]!) * 2 ** -8);
    }
    expect(roundToBfloat16(Float32Array.from(r))).toEqual(r);
  });

  it('infinities stay, NaN stays NaN, overflow rounds to infinity', () => {
    const r = roundToBfloat16(Float32Array.of(Infinity, -Infinity, NaN, 3.4028234e38));
    expect(r[0]).toBe(Infinity);
    expect(r[1]).toBe(-Infinity);
    expect(Number.isNaN(r[2])).toBe(true);
    expect(r[3]).toBe(Infinity);
  });
});
