import { describe, expect, it } from 'vitest';
import { Fft } from './fft.ts';

describe('Fft', () => {
  it('matches a direct DFT forward, and inverse(forward(x)) = n·x', () => {
    const n = 64;
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let i = 0; i < n; i++) { re[i] = Math.sin(i * 0.7) + (i % 5); im[i] = Math.cos(i * 0.3) - 1; }
    const x = { re: re.slice(), im: im.slice() };
    new Fft(n).forward(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += x.re[j]! * Math.cos(a) - x.im[j]! * Math.sin(a);
        si += x.re[j]! * Math.sin(a) + x.im[j]! * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 9);
      expect(im[k]).toBeCloseTo(si, 9);
    }
    new Fft(n).inverse(re, im);
    for (let j = 0; j < n; j++) {
      expect(re[j]! / n).toBeCloseTo(x.re[j]!, 12);
      expect(im[j]! / n).toBeCloseTo(x.im[j]!, 12);
    }
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => new Fft(200)).toThrow(/power of two/);
  });
});
