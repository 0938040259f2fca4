/**
 * Which slices a propagation visits, in which direction, per object. SAM2's
 * propagate_in_video runs forward from a start slice, then (a second call) in reverse;
 * every mode here is one or two such passes:
 *
 *   between    forward from the first prompted slice to the last (prompted slices in
 *              between are reused, the others tracked with both ends in the bank)
 *   forward    forward from `from` to the last slice
 *   backward   reverse from `from` to slice 0
 *   until-end  forward from the first prompted slice to the end, then reverse from the first
 *              prompted slice to 0; beyond the prompted range a direction stops once the
 *              object score has been ≤ 0 on `stopAfterEmpty` consecutive slices
 *   all        as until-end, never stopping early
 */
import type { Direction } from '../bank/select.ts';
import type { PropagationMode } from '../../protocol.ts';

export interface Pass {
  readonly direction: Direction;
  /** First and last slice visited, in visiting order (from ≤ to forward, from ≥ to in reverse). */
  readonly from: number;
  readonly to: number;
  /**
   * Early stop, or null: once past `beyond` (slices > beyond forward, < beyond in reverse),
   * stop after `afterEmpty` consecutive empty slices.
   */
  readonly stop: { beyond: number; afterEmpty: number } | null;
}

export const DEFAULT_STOP_AFTER_EMPTY = 2;

export function planPasses(
  mode: PropagationMode,
  conditioning: readonly number[],
  numFrames: number,
  from?: number,
  stopAfterEmpty: number = DEFAULT_STOP_AFTER_EMPTY,
): Pass[] {
  if (conditioning.length === 0) throw new Error('the object has no prompted slice to propagate from');
  if (!Number.isInteger(stopAfterEmpty) || stopAfterEmpty < 1) throw new RangeError('stopAfterEmpty must be an integer ≥ 1');
  const lo = Math.min(...conditioning);
  const hi = Math.max(...conditioning);
  const last = numFrames - 1;
  const start = (): number => {
    if (from === undefined || !Number.isInteger(from) || from < 0 || from > last) {
      throw new RangeError(`mode "${mode}" needs a start slice in 0…${last} (got ${String(from)})`);
    }
    return from;
  };
  switch (mode) {
    case 'between':
      return [{ direction: 'forward', from: lo, to: hi, stop: null }];
    case 'forward':
      return [{ direction: 'forward', from: start(), to: last, stop: null }];
    case 'backward':
      return [{ direction: 'reverse', from: start(), to: 0, stop: null }];
    case 'until-end':
    case 'all': {
      const early = mode === 'until-end';
      return [
        { direction: 'forward', from: lo, to: last, stop: early ? { beyond: hi, afterEmpty: stopAfterEmpty } : null },
        { direction: 'reverse', from: lo, to: 0, stop: early ? { beyond: lo, afterEmpty: stopAfterEmpty } : null },
      ];
    }
  }
}

/** Slices a pass visits at most. */
export function passLength(p: Pass): number {
  return Math.abs(p.to - p.from) + 1;
}
