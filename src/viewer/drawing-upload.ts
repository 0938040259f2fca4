/**
 * Uploads of the label drawing to its 3D texture, limited to the slices that changed (see
 * DRAWING_UPLOAD in niivue-hooks.ts). NiiVue re-uploads the whole drawing on every change: a
 * brush step, one propagated slice. For a 512×512×120 series that is 31 MB per mouse move,
 * hundreds of milliseconds on the main thread of a software GL. Keeping a copy of what the
 * texture holds, a change costs one comparison pass (a few ms) and the upload of the slab of
 * slices between the first and the last that differ.
 */

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
    const changed = changedSlices(known, drawing, slice);
    if (!changed) return true;
    const [z0, z1] = changed;
    const slab = drawing.subarray(z0 * slice, (z1 + 1) * slice);
    gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, 0, z0, nx, ny, z1 - z0 + 1, gl.RED, gl.UNSIGNED_BYTE, slab);
    known.set(slab, z0 * slice);
    this.uploadedVoxels += slab.length;
    return true;
  }
}
