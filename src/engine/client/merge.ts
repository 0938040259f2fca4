/**
 * Writing an engine result into the case's label map: the object's voxels on that slice
 * become exactly the mask, except where another object holds the voxel — a locked object
 * always keeps it, an unlocked one keeps it unless the overlap policy is 'overwrite'.
 * A locked object itself is never changed by a result.
 */
import type { SliceResult } from '../protocol.ts';
import type { Vec3 } from '../../shared/volume.ts';
import { voxelIndex } from '../slices.ts';

export type OverlapPolicy = 'keep-others' | 'overwrite';

export interface MergeOptions {
  locked?: ReadonlySet<number>;
  overlap?: OverlapPolicy;
}

/** Label values by native voxel index: a typed array, or an accessor (the viewer's drawing). */
export type LabelStore = Uint8Array | Uint16Array | { get(index: number): number; set(index: number, value: number): void };

function accessor(labels: LabelStore): { get(index: number): number; set(index: number, value: number): void } {
  if (!ArrayBuffer.isView(labels)) return labels;
  return { get: (i) => labels[i]!, set: (i, v) => void (labels[i] = v) };
}

/** Returns the number of voxels changed. */
export function mergeSliceResult(store: LabelStore, dims: Vec3, r: SliceResult, options: MergeOptions = {}): number {
  const labels = accessor(store);
  const locked = options.locked ?? new Set<number>();
  if (locked.has(r.object)) return 0;
  const overwrite = options.overlap === 'overwrite';
  let changed = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const v = voxelIndex(dims, r.axis, r.slice, x, y);
      const cur = labels.get(v);
      if (r.mask[y * r.width + x]) {
        if (cur === r.object) continue;
        if (cur !== 0 && (locked.has(cur) || !overwrite)) continue;
        labels.set(v, r.object);
        changed++;
      } else if (cur === r.object) {
        labels.set(v, 0);
        changed++;
      }
    }
  }
  return changed;
}
