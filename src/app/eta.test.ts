import { describe, expect, it } from 'vitest';
import { Eta, timeLeftText } from './eta.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('Eta', () => {
  it('promises nothing before two slices were measured, then uses the measured time per slice', () => {
    const c = clock();
    const eta = new Eta(c.now);
    eta.start();
    expect(eta.text(100)).toBe(', estimating time left');
    c.advance(2000); // the first slice also pays for warm-up
    eta.slices(1, 1);
    expect(eta.secondsLeft(99)).toBeNull();
    c.advance(500);
    eta.slices(1, 1);
    c.advance(500);
    eta.slices(1, 1);
    // median of 2.0, 0.5, 0.5 s per slice
    expect(eta.secondsLeft(60)).toBeCloseTo(30, 6);
    expect(eta.text(60)).toBe(', about 30 s left');
    expect(eta.text(600)).toBe(', about 5 min left');
    expect(eta.text(0)).toBe('');
  });

  it('a reused prompt slice (nothing computed) is not a sample and does not stretch the next one', () => {
    const c = clock();
    const eta = new Eta(c.now);
    eta.start();
    c.advance(10); // the conditioning slice, handed out again
    eta.slices(1, 0);
    c.advance(1000);
    eta.slices(1, 1);
    c.advance(1000);
    eta.slices(1, 1);
    expect(eta.secondsLeft(10)).toBeCloseTo(10, 6);
  });

  it('one slow slice does not swing the estimate (median of the last ones)', () => {
    const c = clock();
    const eta = new Eta(c.now);
    eta.start();
    for (const ms of [400, 400, 9000, 400, 400]) {
      c.advance(ms);
      eta.slices(1, 2);
    }
    expect(eta.secondsLeft(100)).toBeCloseTo(40, 6);
  });

  it('the engine\'s own estimate is worded the same way; none yet reads as estimating', () => {
    expect(timeLeftText(null, 10)).toBe(', estimating time left');
    expect(timeLeftText(42.4, 10)).toBe(', about 42 s left');
    expect(timeLeftText(0.4, 10)).toBe(', under 1 s left');
    expect(timeLeftText(3 * 60 + 10, 10)).toBe(', about 3 min left');
    expect(timeLeftText(5, 0)).toBe('');
  });
});
