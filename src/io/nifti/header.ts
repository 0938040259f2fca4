/**
 * Reading a NIfTI-1/2 header into what SliceSAM needs: size checks, the voxel
 * type, and the transform chosen exactly as nibabel chooses it
 * (sform if sform_code > 0, else qform if qform_code > 0, else nibabel's
 * centred fallback from pixdim). nifti-reader-js parses the fields; the
 * geometry fields are re-read verbatim so they can be copied into labels.
 */
import * as nifti from 'nifti-reader-js';
import { VolumeError } from '../../shared/errors.ts';
import { BYTES_PER_VOXEL, type Affine, type NiftiGeometry, type Vec3, type VoxelType } from '../../shared/volume.ts';
import { affineSpacing, baseAffine, qformToAffine } from '../geometry.ts';

/** NIfTI datatype codes we read, and their names. */
const DATATYPES: ReadonlyMap<number, VoxelType> = new Map([
  [2, 'uint8'], [4, 'int16'], [8, 'int32'], [16, 'float32'], [64, 'float64'],
  [256, 'int8'], [512, 'uint16'], [768, 'uint32'],
]);
export const NIFTI_CODE_OF: Readonly<Record<VoxelType, number>> = Object.freeze({
  uint8: 2, int16: 4, int32: 8, float32: 16, float64: 64, int8: 256, uint16: 512, uint32: 768,
});
const UNSUPPORTED_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'binary (1-bit)'], [32, 'complex64'], [128, 'RGB24'], [1024, 'int64'], [1280, 'uint64'],
  [1536, 'float128'], [1792, 'complex128'], [2048, 'complex256'], [2304, 'RGBA32'],
]);

/** Largest single volume we agree to hold (typed arrays and WebGL textures stop near here). */
export const MAX_VOLUME_BYTES = 2 ** 31 - 1;

export interface NiftiHeaderInfo {
  version: 1 | 2;
  littleEndian: boolean;
  datatype: VoxelType;
  /** Spatial dims (i, j, k); k is 1 for a 2D image. */
  dims: Vec3;
  /** Number of 3D volumes (product of dim[4..7]). */
  volumes: number;
  voxOffset: number;
  /** Bytes of the first 3D volume. */
  volumeBytes: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  affine: Affine;
  spacing: Vec3;
  geometry: NiftiGeometry;
  description: string;
  warnings: string[];
}

/** Size of the header to read before parsing (NIfTI-2 header + extension flag). */
export const NIFTI_HEADER_PREFIX = 544;

/** Is this (decompressed) prefix a NIfTI single-file or pair header? Checks sizeof_hdr and magic. */
export function looksLikeNifti(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 348) return false;
  const buf = toArrayBuffer(bytes);
  return nifti.isNIFTI(buf, true);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

/** Parse and validate a header from the first bytes (≥ 348 or 540) of the decompressed file. */
export function parseNiftiHeader(bytes: Uint8Array, path: string): NiftiHeaderInfo {
  if (bytes.byteLength === 0) throw new VolumeError('empty', path, 'the file is empty (0 bytes)');
  if (!looksLikeNifti(bytes)) {
    if (bytes.byteLength < 348) throw new VolumeError('truncated', path, `only ${bytes.byteLength} bytes, shorter than a NIfTI header (348)`);
    throw new VolumeError('not-recognised', path, 'not a NIfTI file: sizeof_hdr/magic do not match NIfTI-1 or NIfTI-2');
  }
  const buf = toArrayBuffer(bytes);
  if (nifti.isNIFTI2(buf, true) && bytes.byteLength < 540) {
    throw new VolumeError('truncated', path, `only ${bytes.byteLength} bytes, shorter than a NIfTI-2 header (540)`);
  }
  let hdr: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    hdr = nifti.readHeader(buf, true);
  } catch (e) {
    throw new VolumeError('bad-header', path, `the NIfTI header cannot be parsed (${(e as Error).message})`);
  }
  const version: 1 | 2 = hdr instanceof nifti.NIFTI2 ? 2 : 1;
  if (hdr.magic.startsWith('ni')) {
    throw new VolumeError('not-recognised', path, 'this is the header of an Analyze-style .hdr/.img pair; convert it to a single .nii file');
  }
  const view = new DataView(buf);
  const le = hdr.littleEndian;

  const dim0 = hdr.dims[0] ?? 0;
  if (!(dim0 >= 1 && dim0 <= 7)) throw new VolumeError('bad-header', path, `dim[0] is ${dim0}; it must be 1 to 7`);
  const dims: number[] = [];
  for (let d = 1; d <= 7; d++) {
    const n = d <= dim0 ? hdr.dims[d] ?? 1 : 1;
    if (!Number.isInteger(n) || n < 1) throw new VolumeError('bad-header', path, `dim[${d}] is ${n}; sizes must be positive`);
    dims.push(n);
  }
  const code = hdr.datatypeCode;
  const datatype = DATATYPES.get(code);
  if (!datatype) {
    const name = UNSUPPORTED_NAMES.get(code) ?? `code ${code}`;
    if (code === 128 || code === 2304) throw new VolumeError('unsupported-colour', path, `colour (${name}) images are not supported yet`);
    throw new VolumeError('unsupported-datatype', path, `voxel type ${name} is not supported (int8/16/32, uint8/16/32, float32/64 are)`);
  }
  const bpv = BYTES_PER_VOXEL[datatype];
  if (hdr.numBitsPerVoxel !== bpv * 8) {
    throw new VolumeError('bad-header', path, `bitpix ${hdr.numBitsPerVoxel} contradicts datatype ${datatype}`);
  }
  const spatial: Vec3 = [dims[0]!, dims[1]!, dims[2]!];
  const volumes = dims.slice(3).reduce((a, b) => a * b, 1);
  const volumeBytes = spatial[0] * spatial[1] * spatial[2] * bpv;
  if (!Number.isSafeInteger(volumeBytes) || volumeBytes > MAX_VOLUME_BYTES) {
    throw new VolumeError('too-large', path, `the header claims ${spatial.join('×')} ${datatype} voxels (${formatBytes(volumeBytes)}); at most ${formatBytes(MAX_VOLUME_BYTES)} per volume can be opened`);
  }
  const headerSize = version === 2 ? 540 : 348;
  const voxOffset = Math.round(hdr.vox_offset);
  if (!(voxOffset >= headerSize) || !Number.isSafeInteger(voxOffset)) {
    throw new VolumeError('bad-header', path, `vox_offset ${hdr.vox_offset} points inside the header`);
  }

  // Geometry fields read verbatim (nifti-reader-js skips srow when sform_code is 0).
  const f = (off: number) => (version === 2 ? view.getFloat64(off, le) : view.getFloat32(off, le));
  const pixdim: number[] = [];
  for (let d = 0; d < 8; d++) pixdim.push(version === 2 ? view.getFloat64(104 + 8 * d, le) : view.getFloat32(76 + 4 * d, le));
  const srowBase = version === 2 ? 400 : 280;
  const step = version === 2 ? 8 : 4;
  const srow: number[] = [];
  for (let n = 0; n < 12; n++) srow.push(f(srowBase + n * step));
  const qb = version === 2 ? 352 : 256;
  const quatern: Vec3 = [f(qb), f(qb + step), f(qb + 2 * step)];
  const qoffset: Vec3 = [f(qb + 3 * step), f(qb + 4 * step), f(qb + 5 * step)];
  const geometry: NiftiGeometry = {
    qformCode: hdr.qform_code,
    sformCode: hdr.sform_code,
    quatern,
    qoffset,
    pixdim,
    srow,
    xyztUnits: hdr.xyzt_units,
    version,
    spatialRank: dim0 <= 2 ? 2 : 3,
  };

  const warnings: string[] = [];
  let affine: number[];
  if (geometry.sformCode > 0) {
    affine = [...srow, 0, 0, 0, 1];
  } else if (geometry.qformCode > 0) {
    affine = qformToAffine(quatern, qoffset, pixdim);
  } else {
    affine = baseAffine(spatial, pixdim);
    warnings.push('neither sform nor qform is set: using the default orientation from voxel sizes (as nibabel does)');
  }
  if (!affine.every(Number.isFinite)) throw new VolumeError('bad-header', path, 'the voxel-to-world transform holds non-finite numbers');
  let spacing = affineSpacing(affine);
  if (spacing[2] === 0 && spatial[2] === 1 && spacing[0] > 0 && spacing[1] > 0) {
    // A 2D image whose transform has no slice axis: give it 1 mm along the normal.
    const n = cross([affine[0]!, affine[4]!, affine[8]!], [affine[1]!, affine[5]!, affine[9]!]);
    const len = Math.hypot(...n);
    affine[2] = n[0] / len; affine[6] = n[1] / len; affine[10] = n[2] / len;
    spacing = affineSpacing(affine);
    warnings.push('the transform has no slice axis: assuming 1 mm slice thickness');
  }
  if (spacing[0] === 0 || spacing[1] === 0 || spacing[2] === 0) {
    throw new VolumeError('bad-header', path, `the voxel-to-world transform is degenerate (voxel size ${spacing.map((s) => s.toFixed(3)).join(' × ')} mm)`);
  }
  spacing = [spacing[0], spacing[1], spacing[2]];
  if (volumes > 1) warnings.push(`${dim0}D image with ${volumes} volumes: using the first volume`);
  if (dim0 <= 2) warnings.push(`2D image: loaded as one slice ${spacing[2]} mm thick`);

  let sclSlope = hdr.scl_slope, sclInter = hdr.scl_inter;
  // nibabel: a slope of 0 or NaN means "no scaling".
  if (!Number.isFinite(sclSlope) || sclSlope === 0) { sclSlope = 1; sclInter = 0; }
  if (!Number.isFinite(sclInter)) sclInter = 0;

  return {
    version, littleEndian: le, datatype, dims: spatial, volumes, voxOffset, volumeBytes,
    sclSlope, sclInter, calMin: hdr.cal_min, calMax: hdr.cal_max, affine, spacing, geometry,
    description: hdr.description, warnings,
  };
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}
