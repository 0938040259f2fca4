/**
 * Where each object is in the label map: its voxel count on every slice along each axis,
 * counted once when a case opens and then kept up to date from the diffs of every edit
 * (strokes, fills, engine results, undo), so the confidence strip can show labelled slices
 * (a saved label reopened, brushing) without scanning the map. State: the counts.
 */
import type { Vec3 } from '../shared/volume.ts';
import type { LabelDiff } from '../viewer/viewer-controller.ts';

type Axis = 0 | 1 | 2;

export class LabelCensus {
  #dims: Vec3 = [0, 0, 0];
  /** Per label value: voxels per slice along i, j and k. */
  #counts = new Map<number, [Uint32Array, Uint32Array, Uint32Array]>();

  /** A case opened with this label map (native voxel order; null: empty). */
  reset(labels: ArrayLike<number> | null, dims: Vec3): void {
    this.#dims = [...dims];
    this.#counts.clear();
    if (!labels) return;
    const [nx, ny, nz] = dims;
    let v = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, v++) {
          const value = labels[v]!;
          if (value !== 0) this.#add(value, i, j, k, 1);
        }
      }
    }
  }

  /** Values went from one side of the diff to the other ('after': before → after, as applied). */
  apply(diff: LabelDiff, side: 'before' | 'after'): void {
    const [nx, ny] = this.#dims;
    if (nx === 0) return;
    const from = side === 'after' ? diff.before : diff.after;
    const to = side === 'after' ? diff.after : diff.before;
    for (let n = 0; n < diff.indices.length; n++) {
      const a = from[n]!;
      const b = to[n]!;
      if (a === b) continue;
      const v = diff.indices[n]!;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      if (a !== 0) this.#add(a, i, j, k, -1);
      if (b !== 0) this.#add(b, i, j, k, 1);
    }
  }

  /** The slices along `axis` where `object` has voxels. */
  slices(object: number, axis: Axis): boolean[] {
    const c = this.#counts.get(object)?.[axis];
    return Array.from({ length: this.#dims[axis] }, (_, s) => (c ? c[s]! > 0 : false));
  }

  #add(value: number, i: number, j: number, k: number, by: 1 | -1): void {
    let c = this.#counts.get(value);
    if (!c) {
      c = [new Uint32Array(this.#dims[0]), new Uint32Array(this.#dims[1]), new Uint32Array(this.#dims[2])];
      this.#counts.set(value, c);
    }
    // Counts never go below zero, even if a diff disagrees with the map.
    c[0][i] = Math.max(0, c[0][i]! + by);
    c[1][j] = Math.max(0, c[1][j]! + by);
    c[2][k] = Math.max(0, c[2][k]! + by);
  }
}
