/**
 * The background volume's display colours, computed on the CPU (see DISPLAY_TEXTURE in
 * niivue-hooks.ts). NiiVue's own path uploads the raw voxels and renders every slice through
 * its orient shader into an RGBA 3D texture: on a GPU that is nothing, on a software GL it is
 * seconds for a 512×512×120 series. Here the same colours come from one pass over the voxels
 * (a table lookup per voxel for 8- and 16-bit data) into a two-channel grey + alpha volume,
 * half the bytes of RGBA, that the slice and render shaders sample exactly as NiiVue's (a
 * LUMINANCE_ALPHA texel reads as grey, grey, grey, alpha).
 *
 * The colours follow NiiVue's orient shader for a background layer (fragOrientShader):
 * f = slope·raw + intercept; t = (f − min) / (max − min), raised to at least 2/256 when
 * f > min; colour = the colour map row sampled at t with linear filtering and clamping at
 * its ends. Only grey colour maps (red = green = blue in every entry) qualify.
 */
import type { RasMapping } from './label-layer.ts';

/** Raw voxel values as NiiVue holds them. */
export type RawVoxels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface DisplayColours {
  /** Raw voxels in the image's own order. */
  voxels: RawVoxels;
  slope: number;
  intercept: number;
  /** The display window in scaled units (cal_min, cal_max). */
  min: number;
  max: number;
  /** The colour map: 256 RGBA entries. */
  lut: ArrayLike<number>;
  /** The layer's opacity (0–1), which scales alpha. */
  opacity: number;
}

/** Whether a colour map is grey (red = green = blue in every entry): only those are computed here. */
export function isGreyLut(lut: ArrayLike<number>): boolean {
  if (lut.length !== 1024) return false;
  for (let i = 0; i < 1024; i += 4) if (lut[i] !== lut[i + 1] || lut[i] !== lut[i + 2]) return false;
  return true;
}

/**
 * Grey and alpha (0–255) of a scaled value, as NiiVue's orient shader and a linearly filtered
 * 256-texel colour map give them, packed as grey | alpha << 8. NaN takes the first entry.
 */
function shader(c: DisplayColours): (f: number) => number {
  const lo = Math.min(c.min, c.max);
  const range = Math.max(0.00001, Math.abs(c.max - c.min));
  const grey = Float64Array.from({ length: 256 }, (_, i) => c.lut[i * 4]!);
  const alpha = Float64Array.from({ length: 256 }, (_, i) => c.lut[i * 4 + 3]! * c.opacity);
  const first = Math.round(grey[0]!) | (Math.round(alpha[0]!) << 8);
  const last = Math.round(grey[255]!) | (Math.round(alpha[255]!) << 8);
  return (f: number) => {
    if (!(f > lo)) return first; // also NaN
    const t = Math.max((f - lo) / range, 2 / 256);
    const u = t * 256 - 0.5; // texel centres sit at (i + 0.5) / 256
    if (u >= 255) return last;
    if (u <= 0) return first;
    const i = Math.floor(u);
    const w = u - i;
    const g = grey[i]! + (grey[i + 1]! - grey[i]!) * w;
    const a = alpha[i]! + (alpha[i + 1]! - alpha[i]!) * w;
    return Math.round(g) | (Math.round(a) << 8);
  };
}

/** A table over every raw value of 8- and 16-bit data (the fast path), or null for wider types. */
function rawTable(c: DisplayColours, colour: (f: number) => number): { table: Uint16Array; offset: number } | null {
  const v = c.voxels;
  const span = v instanceof Int8Array ? [-128, 256] : v instanceof Uint8Array ? [0, 256] : v instanceof Int16Array ? [-32768, 65536] : v instanceof Uint16Array ? [0, 65536] : null;
  if (!span) return null;
  const [first, size] = span as [number, number];
  const table = new Uint16Array(size);
  for (let k = 0; k < size; k++) table[k] = colour(c.slope * (first + k) + c.intercept);
  return { table, offset: -first };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A box of NiiVue's RAS voxel grid: from x0, y0, z0 (inclusive) to x1, y1, z1 (exclusive). */
export interface RasBox {
  x0: number; y0: number; z0: number;
  x1: number; y1: number; z1: number;
}

/**
 * Grey, alpha byte pairs in NiiVue's RAS voxel order (dimsRAS, walked through img2RASstart /
 * img2RASstep, as its orient pass and drawing use), ready for a LUMINANCE_ALPHA 3D texture.
 */
export function greyAlphaVolume(c: DisplayColours, m: RasMapping): Uint8Array {
  const [nx, ny, nz] = [m.dimsRAS[1]!, m.dimsRAS[2]!, m.dimsRAS[3]!];
  if (c.voxels.length < nx * ny * nz) throw new Error(`${c.voxels.length} voxels do not fill a ${nx}×${ny}×${nz} volume`);
  return greyAlphaBox(c, m, { x0: 0, y0: 0, z0: 0, x1: nx, y1: ny, z1: nz });
}

/** The same pairs for one box of the grid (x fastest), as texSubImage3D takes them: a few slices cost a few slices. */
export function greyAlphaBox(c: DisplayColours, m: RasMapping, b: RasBox): Uint8Array {
  const [nx, ny, nz] = [b.x1 - b.x0, b.y1 - b.y0, b.z1 - b.z0];
  const n = Math.max(0, nx) * Math.max(0, ny) * Math.max(0, nz);
  const colour = shader(c);
  const packed = new Uint16Array(n);
  const [sx, sy, sz] = [m.img2RASstart[0]!, m.img2RASstart[1]!, m.img2RASstart[2]!];
  const [tx, ty, tz] = [m.img2RASstep[0]!, m.img2RASstep[1]!, m.img2RASstep[2]!];
  const v = c.voxels;
  const lookup = rawTable(c, colour);
  let out = 0;
  for (let z = b.z0; z < b.z1; z++) {
    for (let y = b.y0; y < b.y1; y++) {
      let at = sx + sy + sz + b.x0 * tx + y * ty + z * tz;
      if (lookup) {
        const { table, offset } = lookup;
        for (let x = b.x0; x < b.x1; x++, at += tx) packed[out++] = table[v[at]! + offset]!;
      } else {
        const { slope, intercept } = c;
        for (let x = b.x0; x < b.x1; x++, at += tx) packed[out++] = colour(slope * v[at]! + intercept);
      }
    }
  }
  if (LITTLE_ENDIAN) return new Uint8Array(packed.buffer);
  const bytes = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    bytes[2 * i] = packed[i]! & 255;
    bytes[2 * i + 1] = packed[i]! >> 8;
  }
  return bytes;
}

/**
 * A new LUMINANCE_ALPHA 3D texture holding `greyAlpha` (nx × ny × nz pairs; null: zeros, to be
 * filled with texSubImage3D), bound on TEXTURE0 as NiiVue's background volume is, filtered
 * linearly and clamped like NiiVue's own; `old` is deleted.
 */
export function greyAlphaTexture(gl: WebGL2RenderingContext, old: WebGLTexture | null, dims: [number, number, number], greyAlpha: Uint8Array | null): WebGLTexture {
  if (old) gl.deleteTexture(old);
  const texture = gl.createTexture();
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_3D, texture);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_WRAP_R, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.LUMINANCE_ALPHA, dims[0], dims[1], dims[2], 0, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, greyAlpha);
  return texture;
}
