/**
 * Window and level arithmetic, pure: a display range as width and level (the numbers a
 * radiologist reads, in the image's units), their readout text, and what a right-drag makes
 * of them.
 */
import type { DisplayRange } from './viewer-types.ts';

export interface WindowLevel {
  width: number;
  level: number;
}

export function windowLevel(range: DisplayRange): WindowLevel {
  return { width: range.max - range.min, level: (range.max + range.min) / 2 };
}

export function rangeOf({ width, level }: WindowLevel): DisplayRange {
  return { min: level - width / 2, max: level + width / 2 };
}

/** A value as a readout shows it: whole numbers from 10 up (HU, MR signal), else three significant digits. */
function shown(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 10) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** "W 80  L 40" for CT brain. */
export function formatWindowLevel(range: DisplayRange): string {
  const { width, level } = windowLevel(range);
  return `W ${shown(width)}  L ${shown(level)}`;
}

/** CSS pixels of drag that double the width, and that move the level by one width. */
export const DRAG_PX_PER_DOUBLING = 140;
export const DRAG_PX_PER_WIDTH = 300;

/**
 * The window after a right-drag of (dx, dy) CSS pixels from where it started: right widens
 * (less contrast), left narrows, multiplicatively so the width never reaches 0; down raises the
 * level (darker), up lowers it (brighter), by a fraction of the starting width.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number): WindowLevel {
  const floor = Math.max(Math.abs(start.width) * 1e-3, 1e-6);
  const width = Math.max(floor, start.width * 2 ** (dx / DRAG_PX_PER_DOUBLING));
  return { width, level: start.level + (dy / DRAG_PX_PER_WIDTH) * start.width };
}
