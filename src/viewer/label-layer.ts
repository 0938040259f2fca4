/**
 * NiiVue keeps its drawing in the background image's RAS-permuted voxel order
 * (dimsRAS, walked through img2RASstart/img2RASstep). SliceSAM keeps label
 * maps in the source's own voxel order, the order the label file is written
 * in. These two pure functions convert between them.
 */

/** How NiiVue's RAS order maps onto native voxel indices (fields of an NVImage). */
export interface RasMapping {
  /** [_, nx, ny, nz] of the RAS-ordered grid, as NiiVue stores dimsRAS. */
  dimsRAS: ArrayLike<number>;
  img2RASstart: ArrayLike<number>;
  img2RASstep: ArrayLike<number>;
}

function forEachRas(m: RasMapping, visit: (rasIndex: number, nativeIndex: number) => void): void {
  const [sx, sy, sz] = [m.img2RASstart[0]!, m.img2RASstart[1]!, m.img2RASstart[2]!];
  const [tx, ty, tz] = [m.img2RASstep[0]!, m.img2RASstep[1]!, m.img2RASstep[2]!];
  const [nx, ny, nz] = [m.dimsRAS[1]!, m.dimsRAS[2]!, m.dimsRAS[3]!];
  let ras = 0;
  for (let z = 0; z < nz; z++) {
    const zi = sz + z * tz;
    for (let y = 0; y < ny; y++) {
      const yi = sy + y * ty;
      for (let x = 0; x < nx; x++) visit(ras++, sx + x * tx + yi + zi);
    }
  }
}

/** NiiVue's drawing (RAS order) → a label map in native voxel order. */
export function rasToNative(drawing: Uint8Array, m: RasMapping): Uint8Array {
  const out = new Uint8Array(drawing.length);
  forEachRas(m, (ras, native) => { out[native] = drawing[ras]!; });
  return out;
}

/** A label map in native voxel order → NiiVue's drawing (RAS order). */
export function nativeToRas(labels: ArrayLike<number>, m: RasMapping): Uint8Array {
  const out = new Uint8Array(labels.length);
  forEachRas(m, (ras, native) => { out[ras] = labels[native]!; });
  return out;
}
