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
});
