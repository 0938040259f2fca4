import { describe, expect, it } from 'vitest';
import { changedSlices, DrawingUploads } from './drawing-upload.ts';

describe('changed slices of a drawing', () => {
  it('finds the first and last slice that differ, at any byte position and alignment', () => {
    const slice = 12; // 3 × 4 voxels
    const n = slice * 9;
    for (const offset of [0, 1, 3]) {
      const backing = new Uint8Array(n + offset);
      const a = backing.subarray(offset);
      const b = new Uint8Array(n);
      expect(changedSlices(a, b, slice)).toBeNull();
      for (const [i, j] of [[0, 0], [n - 1, n - 1], [13, 13], [5, 100], [11, 12], [25, 26], [47, 95]] as const) {
        const c = b.slice();
        c[i] = 7;
        c[j] = 9;
        expect(changedSlices(a, c, slice), `${i}, ${j} (offset ${offset})`).toEqual([Math.floor(i / slice), Math.floor(j / slice)]);
      }
    }
    expect(() => changedSlices(new Uint8Array(3), new Uint8Array(4), 1)).toThrow(/cannot compare/);
  });
});

/** A WebGL stand-in that records texSubImage3D calls (z offset, depth, bytes). */
function recordingGl(): { gl: WebGL2RenderingContext; calls: [number, number, number][] } {
  const calls: [number, number, number][] = [];
  const gl = {
    TEXTURE_3D: 1, RED: 2, UNSIGNED_BYTE: 3, UNPACK_ALIGNMENT: 4,
    pixelStorei: () => undefined,
    texSubImage3D: (_t: number, _l: number, _x: number, _y: number, z: number, _w: number, _h: number, d: number, _f: number, _ty: number, data: Uint8Array) => {
      calls.push([z, d, data.length]);
    },
  } as unknown as WebGL2RenderingContext;
  return { gl, calls };
}

describe('drawing uploads', () => {
  it('sends the whole drawing to a new texture, then only the slab of changed slices, and nothing when nothing changed', () => {
    const { gl, calls } = recordingGl();
    const uploads = new DrawingUploads();
    const dims = [3, 4, 3, 10]; // 12 voxels per slice, 10 slices
    const texture = {} as WebGLTexture;
    const drawing = new Uint8Array(120);
    expect(uploads.upload(gl, texture, drawing, dims)).toBe(true);
    expect(calls).toEqual([[0, 10, 120]]);
    drawing[12 * 4 + 5] = 1; // slice 4
    drawing[12 * 6] = 2; // slice 6
    uploads.upload(gl, texture, drawing, dims);
    expect(calls.at(-1)).toEqual([4, 3, 36]);
    uploads.upload(gl, texture, drawing, dims);
    expect(calls).toHaveLength(2); // unchanged: no upload
    drawing[12 * 4 + 5] = 0; // erased again: slice 4 only
    uploads.upload(gl, texture, drawing, dims);
    expect(calls.at(-1)).toEqual([4, 1, 12]);
    // a new texture (a new drawing in NiiVue) gets everything again
    uploads.upload(gl, {} as WebGLTexture, drawing, dims);
    expect(calls.at(-1)).toEqual([0, 10, 120]);
    expect(uploads.uploadedVoxels).toBe(120 + 36 + 12 + 120);
  });

  it('leaves drawings it cannot place to NiiVue', () => {
    const { gl, calls } = recordingGl();
    const uploads = new DrawingUploads();
    expect(uploads.upload(gl, null, new Uint8Array(8), [3, 2, 2, 2])).toBe(false);
    expect(uploads.upload(gl, {} as WebGLTexture, new Uint8Array(7), [3, 2, 2, 2])).toBe(false);
    expect(calls).toEqual([]);
  });

  it('during a pen stroke compares and sends its plane only (rows of an axial one, gathered rows or columns otherwise); the stroke\'s end sends the rest', () => {
    const [nx, ny, nz] = [5, 4, 6];
    const dims = [3, nx, ny, nz];
    for (const axCorSag of [0, 1, 2]) {
      // A texture that applies each sub-image, to compare with the drawing.
      const tex = new Uint8Array(nx * ny * nz);
      const sizes: number[] = [];
      const gl = {
        TEXTURE_3D: 1, RED: 2, UNSIGNED_BYTE: 3, UNPACK_ALIGNMENT: 4, pixelStorei: () => undefined,
        texSubImage3D: (_t: number, _l: number, x0: number, y0: number, z0: number, w: number, h: number, d: number, _f: number, _ty: number, data: Uint8Array) => {
          sizes.push(data.length);
          let p = 0;
          for (let z = z0; z < z0 + d; z++) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) tex[x + nx * (y + ny * z)] = data[p++]!;
        },
      } as unknown as WebGL2RenderingContext;
      const uploads = new DrawingUploads();
      const texture = {} as WebGLTexture;
      const drawing = new Uint8Array(nx * ny * nz);
      uploads.upload(gl, texture, drawing, dims);
      const pen: [number, number, number] = [2, 1, 3];
      let plane: { axCorSag: number; voxel: number[] } | null = { axCorSag, voxel: pen };
      uploads.penPlane = () => plane;
      const at = (x: number, y: number, z: number) => x + nx * (y + ny * z);
      // Two voxels in the pen's plane, one row / column apart.
      const inPlane = axCorSag === 0 ? [at(1, 1, 3), at(3, 2, 3)] : axCorSag === 1 ? [at(0, 1, 2), at(4, 1, 4)] : [at(2, 0, 1), at(2, 3, 2)];
      for (const i of inPlane) drawing[i] = 1;
      drawing[at(0, 0, 0)] = 5; // outside the plane: not compared during the stroke
      uploads.upload(gl, texture, drawing, dims);
      expect(sizes.at(-1), `axCorSag ${axCorSag}`).toBe(axCorSag === 0 ? 2 * nx : axCorSag === 1 ? 3 * nx : 2 * ny);
      for (const i of inPlane) expect(tex[i]).toBe(1);
      expect(tex[at(0, 0, 0)]).toBe(0);
      uploads.upload(gl, texture, drawing, dims);
      expect(sizes).toHaveLength(2); // the plane is unchanged: nothing sent
      plane = null; // the stroke ended
      uploads.upload(gl, texture, drawing, dims);
      expect([...tex]).toEqual([...drawing]);
      // A pen outside the grid (NaN before NiiVue placed it) is no plane: everything is compared.
      plane = { axCorSag, voxel: [NaN, NaN, NaN] };
      drawing[at(4, 3, 5)] = 2;
      uploads.upload(gl, texture, drawing, dims);
      expect([...tex]).toEqual([...drawing]);
    }
  });
});
