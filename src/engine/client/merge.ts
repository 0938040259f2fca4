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

/** Returns the number of voxels changed. */
export function mergeSliceResult(labels: Uint8Array | Uint16Array, dims: Vec3, r: SliceResult, options: MergeOptions = {}): number {
  const locked = options.locked ?? new Set<number>();
  if (locked.has(r.object)) return 0;
  const overwrite = options.overlap === 'overwrite';
  let changed = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const v = voxelIndex(dims, r.axis, r.slice, x, y);
      const cur = labels[v]!;
      if (r.mask[y * r.width + x]) {
        if (cur === r.object) continue;
        if (cur !== 0 && (locked.has(cur) || !overwrite)) continue;
        labels[v] = r.object;
        changed++;
      } else if (cur === r.object) {
        labels[v] = 0;
        changed++;
      }
    }
  }
  return changed;
}
