/**
 * Hand edits of the label map as pure functions: the fill of an enclosed region on one
 * slice, an object's mask on a slice, and the part of a brush or eraser stroke that the object rules allow. No state;
 * they read and write only what they are given.
 */
import type { LabelAccess, LabelDiff } from '../viewer/viewer-controller.ts';

/** One slice of the label map: its size and where its pixel (x, y) lies in the volume. */
export interface SliceOfLabels {
  width: number;
  height: number;
  index(x: number, y: number): number;
}

/**
 * Fill: the 4-connected region of equal label around (x0, y0) becomes `object`, only when
 * the region is enclosed (it does not reach the slice's edge) and is neither `object` nor
 * a locked one. Returns whether it was enclosed and how many voxels were filled.
 */
export function fillEnclosed(labels: LabelAccess, slice: SliceOfLabels, x0: number, y0: number, object: number, locked: ReadonlySet<number>): { enclosed: boolean; filled: number } {
  const { width, height, index } = slice;
  const target = labels.get(index(x0, y0));
  if (target === object || locked.has(target)) return { enclosed: true, filled: 0 };
  const seen = new Uint8Array(width * height);
  const stack = [y0 * width + x0];
  const region: number[] = [];
  seen[y0 * width + x0] = 1;
  let enclosed = true;
  while (stack.length > 0) {
    const p = stack.pop()!;
    const x = p % width;
    const y = (p - x) / width;
    region.push(p);
    if (x === 0 || y === 0 || x === width - 1 || y === height - 1) enclosed = false;
    for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const q = ny * width + nx;
      if (seen[q] || labels.get(index(nx, ny)) !== target) continue;
      seen[q] = 1;
      stack.push(q);
    }
  }
  if (!enclosed) return { enclosed, filled: 0 };
  for (const p of region) labels.set(index(p % width, Math.floor(p / width)), object);
  return { enclosed, filled: region.length };
}

/** An object's voxels on one slice as a 0/1 mask (row-major), and how many there are. */
export function objectMask(labels: LabelAccess, slice: SliceOfLabels, object: number): { mask: Uint8Array; voxels: number } {
  const { width, height, index } = slice;
  const mask = new Uint8Array(width * height);
  let voxels = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (labels.get(index(x, y)) === object) {
        mask[y * width + x] = 1;
        voxels++;
      }
    }
  }
  return { mask, voxels };
}

function pick(diff: LabelDiff, ks: readonly number[], flip: boolean): LabelDiff {
  const before = Uint8Array.from(ks, (k) => diff.before[k]!);
  const after = Uint8Array.from(ks, (k) => diff.after[k]!);
  return { indices: Uint32Array.from(ks, (k) => diff.indices[k]!), before: flip ? after : before, after: flip ? before : after };
}

/**
 * A stroke acts on the active object only: the brush never paints over a locked object,
 * the eraser only removes the active object. `revert` (applied 'after') puts back what it
 * should not have changed; `keep` is the rest, the undo step. Either may be null.
 */
export function splitStroke(diff: LabelDiff, active: number, erasing: boolean, locked: ReadonlySet<number>): { keep: LabelDiff | null; revert: LabelDiff | null } {
  const keep: number[] = [];
  const revert: number[] = [];
  for (let k = 0; k < diff.indices.length; k++) {
    const was = diff.before[k]!;
    const bad = erasing ? was !== active : was !== 0 && was !== active && locked.has(was);
    (bad ? revert : keep).push(k);
  }
  return { keep: keep.length ? pick(diff, keep, false) : null, revert: revert.length ? pick(diff, revert, true) : null };
}
