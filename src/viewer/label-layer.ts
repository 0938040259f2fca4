/**
 * NiiVue keeps its drawing in the background image's RAS-permuted voxel order
 * (dimsRAS, walked through img2RASstart/img2RASstep). SliceSAM keeps label
 * maps in the source's own voxel order, the order the label file is written
 * in. These pure functions convert between them.
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

/** Index in NiiVue's RAS-ordered drawing → native voxel index (img2RASstart/step walk it). */
export function rasToNativeIndexer(m: RasMapping): (ras: number) => number {
  const start = m.img2RASstart[0]! + m.img2RASstart[1]! + m.img2RASstart[2]!;
  const [tx, ty, tz] = [m.img2RASstep[0]!, m.img2RASstep[1]!, m.img2RASstep[2]!];
  const [nx, ny] = [m.dimsRAS[1]!, m.dimsRAS[2]!];
  return (ras: number) => {
    const x = ras % nx;
    const y = Math.floor(ras / nx) % ny;
    const z = Math.floor(ras / (nx * ny));
    return start + x * tx + y * ty + z * tz;
  };
}

/**
 * Native voxel index → index in NiiVue's RAS-ordered drawing, without a full table:
 * each RAS axis walks one native axis forwards or backwards (img2RASstep = ±stride).
 */
export function nativeToRasIndexer(m: RasMapping): (native: number) => number {
  const n = [m.dimsRAS[1]!, m.dimsRAS[2]!, m.dimsRAS[3]!];
  const steps = [m.img2RASstep[0]!, m.img2RASstep[1]!, m.img2RASstep[2]!];
  // native strides are 1, n_i, n_i·n_j in increasing order; sort RAS axes by |step| to learn native dims
  // (a size-1 native axis shares its stride with the next one: it goes first)
  const order = [0, 1, 2].sort((a, b) => Math.abs(steps[a]!) - Math.abs(steps[b]!) || n[a]! - n[b]!);
  const nativeDims = order.map((r) => n[r]!); // size of native axis 0, 1, 2
  const nativeStride = [1, nativeDims[0]!, nativeDims[0]! * nativeDims[1]!];
  const axisOf = [0, 0, 0]; // RAS axis r walks native axis axisOf[r]
  order.forEach((r, a) => (axisOf[r] = a));
  const [nx, ny] = [n[0]!, n[1]!];
  return (native: number) => {
    const c = [
      native % nativeStride[1]!,
      Math.floor(native / nativeStride[1]!) % nativeDims[1]!,
      Math.floor(native / nativeStride[2]!),
    ];
    const x = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      const a = axisOf[r]!;
      x[r] = steps[r]! > 0 ? c[a]! : nativeDims[a]! - 1 - c[a]!;
    }
    return x[0]! + nx * (x[1]! + ny * x[2]!);
  };
}
