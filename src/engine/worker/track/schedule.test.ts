import { describe, expect, it } from 'vitest';
import { planPasses, passLength } from './schedule.ts';

describe('planPasses', () => {
  it('between: one forward pass over the prompted range', () => {
    expect(planPasses('between', [12, 3, 7], 20)).toEqual([{ direction: 'forward', from: 3, to: 12, stop: null }]);
  });
  it('forward / backward from a slice to the volume edge', () => {
    expect(planPasses('forward', [5], 20, 8)).toEqual([{ direction: 'forward', from: 8, to: 19, stop: null }]);
    expect(planPasses('backward', [5], 20, 8)).toEqual([{ direction: 'reverse', from: 8, to: 0, stop: null }]);
    expect(() => planPasses('forward', [5], 20)).toThrow(/start slice/);
    expect(() => planPasses('backward', [5], 20, 20)).toThrow(/start slice/);
  });
  it('until-end: forward from the first prompt (stopping only past the last), then reverse from the first', () => {
    expect(planPasses('until-end', [4, 9], 30, undefined, 3)).toEqual([
      { direction: 'forward', from: 4, to: 29, stop: { beyond: 9, afterEmpty: 3 } },
      { direction: 'reverse', from: 4, to: 0, stop: { beyond: 4, afterEmpty: 3 } },
    ]);
    expect(planPasses('all', [4, 9], 30).every((p) => p.stop === null)).toBe(true);
  });
  it('refuses an object without prompts and a bad stop count', () => {
    expect(() => planPasses('between', [], 10)).toThrow(/no prompted slice/);
    expect(() => planPasses('until-end', [2], 10, undefined, 0)).toThrow(/stopAfterEmpty/);
  });
  it('passLength counts both ends', () => {
    expect(passLength({ direction: 'reverse', from: 8, to: 0, stop: null })).toBe(9);
  });
});
