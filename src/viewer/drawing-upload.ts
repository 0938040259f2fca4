/**
 * Uploads of the label drawing to its 3D texture, limited to the slices that changed (see
 * DRAWING_UPLOAD in niivue-hooks.ts). NiiVue re-uploads the whole drawing on every change: a
 * brush step, one propagated slice. For a 512×512×120 series that is 31 MB per mouse move,
 * hundreds of milliseconds on the main thread of a software GL. Keeping a copy of what the
 * texture holds, a change costs one comparison pass (a few ms) and the upload of the slab of
 * slices between the first and the last that differ. While a pen stroke is drawn, its plane is
 * known (NiiVue draws a stroke in one plane): only that plane is compared and its changed rows
 * sent, and the whole drawing is compared once more when the stroke ends (anything else changed
 * meanwhile goes up then).
 */

/** The plane a pen stroke draws in: NiiVue's axCorSag (0 axial, 1 coronal, 2 sagittal) and the pen's voxel (RAS). */
export interface PenPlane {
  axCorSag: number;
  voxel: ArrayLike<number>;
}

/** Index of the first and last slice (runs of `sliceSize` values) where `a` and `b` differ, or null. */
export function changedSlices(a: Uint8Array, b: Uint8Array, sliceSize: number): [number, number] | null {
  if (a.length !== b.length) throw new Error(`cannot compare drawings of ${a.length} and ${b.length} voxels`);
  const n = a.length;
  // Four bytes at a time (as integers: exact for any bytes) where both views are aligned.
  const aligned = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0;
  const words = aligned ? n >> 2 : 0;
  const wa = aligned ? new Int32Array(a.buffer, a.byteOffset, words) : new Int32Array(0);
  const wb = aligned ? new Int32Array(b.buffer, b.byteOffset, words) : new Int32Array(0);
  let first = -1;
  for (let w = 0; w < words; w++) {
    if (wa[w] !== wb[w]) {
      first = w * 4;
      break;
    }
  }
  if (first < 0) {
    for (let i = words * 4; i < n; i++) {
      if (a[i] !== b[i]) {
        first = i;
        break;
      }
    }
    if (first < 0) return null;
  }
  while (a[first] === b[first]) first++;
  let last = -1;
  for (let i = n - 1; i >= words * 4; i--) {
    if (a[i] !== b[i]) {
      last = i;
      break;
    }
  }
  if (last < 0) {
    for (let w = words - 1; w >= 0; w--) {
      if (wa[w] !== wb[w]) {
        last = w * 4 + 3;
        break;
      }
    }
    while (a[last] === b[last]) last--;
  }
  return [Math.floor(first / sliceSize), Math.floor(last / sliceSize)];
}

/**
 * The DRAWING_UPLOAD hook: writes `drawing` into the bound 3D texture (TEXTURE_3D on the active
 * unit, as NiiVue binds it), only the changed slab once the texture's content is known.
 */
export class DrawingUploads {
  #uploaded = new WeakMap<WebGLTexture, Uint8Array>();
  /** Voxels sent by the last uploads (for tests and benchmarks). */
  uploadedVoxels = 0;
  /** The plane of the pen stroke being drawn, or null (then the whole drawing is compared). */
  penPlane: (() => PenPlane | null) | null = null;

  upload(gl: WebGL2RenderingContext, texture: WebGLTexture | null, drawing: Uint8Array, dims: ArrayLike<number>): boolean {
    if (!texture) return false;
    const [nx, ny, nz] = [dims[1]!, dims[2]!, dims[3]!];
    const slice = nx * ny;
    if (drawing.length !== slice * nz) return false;
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const known = this.#uploaded.get(texture);
    if (!known || known.length !== drawing.length) {
      gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, 0, 0, nx, ny, nz, gl.RED, gl.UNSIGNED_BYTE, drawing);
      this.#uploaded.set(texture, drawing.slice());
      this.uploadedVoxels += drawing.length;
      return true;
    }
    const plane = this.penPlane?.();
    if (plane && this.#uploadPlane(gl, known, drawing, [nx, ny, nz], plane)) return true;
    const changed = changedSlices(known, drawing, slice);
    if (!changed) return true;
    const [z0, z1] = changed;
    const slab = drawing.subarray(z0 * slice, (z1 + 1) * slice);
    gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, 0, z0, nx, ny, z1 - z0 + 1, gl.RED, gl.UNSIGNED_BYTE, slab);
    known.set(slab, z0 * slice);
    this.uploadedVoxels += slab.length;
    return true;
  }

  /** Compare and send one plane only (false: not a plane of this grid, compare everything). */
  #uploadPlane(gl: WebGL2RenderingContext, known: Uint8Array, drawing: Uint8Array, [nx, ny, nz]: [number, number, number], plane: PenPlane): boolean {
    const axis = plane.axCorSag === 0 ? 2 : plane.axCorSag === 1 ? 1 : plane.axCorSag === 2 ? 0 : -1;
    const at = axis < 0 ? NaN : Math.round(plane.voxel[axis]!);
    if (!(at >= 0 && at < [nx, ny, nz][axis]!)) return false;
    const slice = nx * ny;
    if (axis === 2) {
      // An axial plane: its changed rows, contiguous in the drawing.
      const from = at * slice;
      const rows = changedSlices(known.subarray(from, from + slice), drawing.subarray(from, from + slice), nx);
      if (!rows) return true;
      const part = drawing.subarray(from + rows[0] * nx, from + (rows[1] + 1) * nx);
      gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, rows[0], at, nx, rows[1] - rows[0] + 1, 1, gl.RED, gl.UNSIGNED_BYTE, part);
      known.set(part, from + rows[0] * nx);
      this.uploadedVoxels += part.length;
      return true;
    }
    // A coronal (one row per z) or sagittal (one column per z) plane: gathered, from the first to the last z that changed.
    const [width, height] = axis === 1 ? [nx, 1] : [1, ny];
    const start = (z: number, y: number) => z * slice + (axis === 1 ? at * nx + y : y * nx + at);
    const step = axis === 1 ? 1 : nx;
    const n = axis === 1 ? nx : ny;
    const differs = (z: number) => {
      for (let i = 0, o = start(z, 0); i < n; i++, o += step) if (known[o] !== drawing[o]) return true;
      return false;
    };
    let z0 = 0;
    while (z0 < nz && !differs(z0)) z0++;
    if (z0 === nz) return true;
    let z1 = nz - 1;
    while (!differs(z1)) z1--;
    const part = new Uint8Array(n * (z1 - z0 + 1));
    for (let z = z0, p = 0; z <= z1; z++) {
      for (let i = 0, o = start(z, 0); i < n; i++, o += step) known[o] = part[p++] = drawing[o]!;
    }
    gl.texSubImage3D(gl.TEXTURE_3D, 0, axis === 1 ? 0 : at, axis === 1 ? at : 0, z0, width, height, z1 - z0 + 1, gl.RED, gl.UNSIGNED_BYTE, part);
    this.uploadedVoxels += part.length;
    return true;
  }
}
