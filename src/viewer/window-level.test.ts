import { describe, expect, it } from 'vitest';
import { DRAG_PX_PER_DOUBLING, DRAG_PX_PER_WIDTH, dragWindow, formatWindowLevel, rangeOf, windowLevel } from './window-level.ts';

describe('window and level', () => {
  it('width and level of a range, and back', () => {
    expect(windowLevel({ min: 0, max: 80 })).toEqual({ width: 80, level: 40 });
    expect(windowLevel({ min: -1350, max: 150 })).toEqual({ width: 1500, level: -600 });
    expect(rangeOf({ width: 400, level: 40 })).toEqual({ min: -160, max: 240 });
  });
  it('reads as W and L, whole numbers for large values, three digits for small ones', () => {
    expect(formatWindowLevel({ min: 0, max: 80 })).toBe('W 80  L 40');
    expect(formatWindowLevel({ min: -1350, max: 150 })).toBe('W 1500  L -600');
    expect(formatWindowLevel({ min: 12.4, max: 1034.6 })).toBe('W 1022  L 524');
    expect(formatWindowLevel({ min: 0.1, max: 0.3456 })).toBe('W 0.246  L 0.223');
  });
  it('a drag right widens, left narrows (never to 0), down raises the level, up lowers it', () => {
    const start = { width: 400, level: 40 };
    expect(dragWindow(start, DRAG_PX_PER_DOUBLING, 0)).toEqual({ width: 800, level: 40 });
    expect(dragWindow(start, -DRAG_PX_PER_DOUBLING, 0)).toEqual({ width: 200, level: 40 });
    expect(dragWindow(start, -1e6, 0).width).toBeGreaterThan(0);
    expect(dragWindow(start, 0, DRAG_PX_PER_WIDTH)).toEqual({ width: 400, level: 440 });
    expect(dragWindow(start, 0, -DRAG_PX_PER_WIDTH / 2)).toEqual({ width: 400, level: -160 });
    expect(dragWindow(start, 0, 0)).toEqual(start);
  });
});
