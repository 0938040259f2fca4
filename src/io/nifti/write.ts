/**
 * Writing NIfTI: a whole Volume (for the viewer and the CLI) or a label map on
 * a source's grid. A label copies the source's geometry fields verbatim
 * (codes, quaternion, srow, pixdim, units) so ITK-SNAP (qform first),
 * 3D Slicer and nibabel (sform first) all overlay it where they overlay the
 * source. DICOM sources get sform = qform, code 1 (scanner), from the DICOM
 * geometry, in dcm2niix's voxel order when the grid gives one (file-order.ts).
 * No identifying text is written: descrip says only "SliceSAM label".
 */
import { VolumeError } from '../../shared/errors.ts';
import { BYTES_PER_VOXEL, voxelCount, type NiftiGeometry, type Volume, type VoxelArray, type VoxelType } from '../../shared/volume.ts';
import { fileAffine, fileDims, isVolumeOrder, toFileOrder, VOLUME_ORDER } from '../file-order.ts';
import { affineSpacing, affineToQform } from '../geometry.ts';
import type { LabelGrid } from '../label-grid.ts';
import { gzip } from '../gzip.ts';
import { NIFTI_CODE_OF } from './header.ts';

const NIFTI_INTENT_LABEL = 1002;
const XYZT_MM_SEC = 2 | 8;

export interface EncodeOptions {
  /** Text for the descrip field (≤ 79 ASCII characters). Never patient data. */
  description?: string;
  intentCode?: number;
  calMin?: number;
  calMax?: number;
  /** A header for a .hdr / .img pair: magic "ni1" ("ni2"), image data at offset 0 of its own file. */
  pair?: boolean;
}

/** The geometry fields a file for this volume should carry. */
export function niftiGeometryOf(volume: Pick<Volume, 'affine' | 'nifti' | 'dims'>): NiftiGeometry {
  if (volume.nifti) return volume.nifti;
  const q = affineToQform(volume.affine);
  const spacing = affineSpacing(volume.affine);
  return {
    qformCode: 1,
    sformCode: 1,
    quatern: q.quatern,
    qoffset: q.qoffset,
    pixdim: [q.qfac, spacing[0], spacing[1], spacing[2], 0, 0, 0, 0],
    srow: volume.affine.slice(0, 12),
    xyztUnits: XYZT_MM_SEC,
    version: 1,
    spatialRank: 3,
  };
}

/** A .nii file as two parts: header (with the extension flag) and a view of the voxel bytes. */
export function encodeNiftiParts(volume: Pick<Volume, 'data' | 'datatype' | 'dims' | 'affine' | 'nifti'>, options: EncodeOptions = {}): { header: Uint8Array; data: Uint8Array } {
  const geometry = niftiGeometryOf(volume);
  const v2 = geometry.version === 2;
  const headerSize = v2 ? 540 : 348;
  const voxOffset = options.pair ? 0 : headerSize + 4; // + the 4-byte extension flag (no extensions)
  const bpv = BYTES_PER_VOXEL[volume.datatype];
  const n = voxelCount(volume.dims);
  if (volume.data.length !== n) throw new Error(`data holds ${volume.data.length} voxels, dims say ${n}`);
  const out = new Uint8Array(headerSize + 4);
  const view = new DataView(out.buffer);
  const le = true;
  const rank = geometry.spatialRank === 2 && volume.dims[2] === 1 ? 2 : 3;
  const dims = [rank, volume.dims[0], volume.dims[1], volume.dims[2], 1, 1, 1, 1];
  const descrip = (options.description ?? 'SliceSAM').replace(/[^\x20-\x7e]/g, '').slice(0, 79);
  const calMin = options.calMin ?? 0, calMax = options.calMax ?? 0;

  if (v2) {
    view.setInt32(0, 540, le);
    out.set([0x6e, options.pair ? 0x69 : 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n" ("ni2" for a pair)
    view.setInt16(12, NIFTI_CODE_OF[volume.datatype], le);
    view.setInt16(14, bpv * 8, le);
    dims.forEach((d, idx) => view.setBigInt64(16 + 8 * idx, BigInt(d), le));
    geometry.pixdim.forEach((p, idx) => view.setFloat64(104 + 8 * idx, p, le));
    view.setBigInt64(168, BigInt(voxOffset), le);
    view.setFloat64(176, 1, le); // scl_slope: data are stored as they are meant
    view.setFloat64(184, 0, le);
    view.setFloat64(192, calMax, le);
    view.setFloat64(200, calMin, le);
    writeAscii(out, 240, descrip);
    view.setInt32(344, geometry.qformCode, le);
    view.setInt32(348, geometry.sformCode, le);
    [...geometry.quatern, ...geometry.qoffset].forEach((q, idx) => view.setFloat64(352 + 8 * idx, q, le));
    geometry.srow.forEach((s, idx) => view.setFloat64(400 + 8 * idx, s, le));
    view.setInt32(500, geometry.xyztUnits, le);
    view.setInt32(504, options.intentCode ?? 0, le);
  } else {
    view.setInt32(0, 348, le);
    out[38] = 0x72; // regular = 'r'
    dims.forEach((d, idx) => view.setInt16(40 + 2 * idx, d, le));
    view.setInt16(68, options.intentCode ?? 0, le);
    view.setInt16(70, NIFTI_CODE_OF[volume.datatype], le);
    view.setInt16(72, bpv * 8, le);
    geometry.pixdim.forEach((p, idx) => view.setFloat32(76 + 4 * idx, p, le));
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, 1, le);
    view.setFloat32(116, 0, le);
    out[123] = geometry.xyztUnits;
    view.setFloat32(124, calMax, le);
    view.setFloat32(128, calMin, le);
    writeAscii(out, 148, descrip);
    view.setInt16(252, geometry.qformCode, le);
    view.setInt16(254, geometry.sformCode, le);
    [...geometry.quatern, ...geometry.qoffset].forEach((q, idx) => view.setFloat32(256 + 4 * idx, q, le));
    geometry.srow.forEach((s, idx) => view.setFloat32(280 + 4 * idx, s, le));
    out.set([0x6e, options.pair ? 0x69 : 0x2b, 0x31, 0x00], 344); // "n+1\0" ("ni1" for a pair)
  }
  return { header: out, data: new Uint8Array(volume.data.buffer, volume.data.byteOffset, n * bpv) };
}

/**
 * A volume as a .hdr / .img pair in memory, for the viewer: the image is the volume's own
 * buffer where it is exactly the voxels (no copy of a 60 MB series), else a copy.
 */
export function encodeNiftiPair(volume: Pick<Volume, 'data' | 'datatype' | 'dims' | 'affine' | 'nifti'>): { header: ArrayBuffer; image: ArrayBuffer } {
  const { header, data } = encodeNiftiParts(volume, { pair: true });
  const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return { header: header.buffer as ArrayBuffer, image: whole ? data.buffer as ArrayBuffer : data.slice().buffer };
}

/** Uncompressed .nii bytes for a volume's data with the given geometry. */
export function encodeNifti(volume: Pick<Volume, 'data' | 'datatype' | 'dims' | 'affine' | 'nifti'>, options: EncodeOptions = {}): Uint8Array {
  const { header, data } = encodeNiftiParts(volume, options);
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(header);
  out.set(data, header.byteLength);
  return out;
}

function writeAscii(out: Uint8Array, at: number, text: string): void {
  for (let idx = 0; idx < text.length; idx++) out[at + idx] = text.charCodeAt(idx);
}

/** uint8 when every label value fits, else uint16; values above 65535 or negative are refused. */
export function labelTypeFor(labels: ArrayLike<number>): { type: VoxelType; max: number } {
  // Unsigned integer arrays cannot hold a bad value: only their maximum matters.
  if (labels instanceof Uint8Array) return { type: 'uint8', max: maxUint8(labels) };
  if (labels instanceof Uint16Array) {
    const max = maxUint16(labels);
    return { type: max > 255 ? 'uint16' : 'uint8', max };
  }
  let max = 0;
  for (let idx = 0; idx < labels.length; idx++) {
    const v = labels[idx]!;
    if (v > max) max = v;
    if (v < 0 || !Number.isInteger(v)) throw new RangeError(`label value ${v} at voxel ${idx} is not a non-negative integer`);
  }
  if (max > 65535) throw new RangeError(`label value ${max} exceeds 65535`);
  return { type: max > 255 ? 'uint16' : 'uint8', max };
}

function maxUint8(a: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > max) max = a[i]!;
  return max;
}

function maxUint16(a: Uint16Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > max) max = a[i]!;
  return max;
}

/** The label map's header and voxel bytes on the source volume's grid, in its files' voxel order (the volume's when none is given). */
function labelParts(labels: ArrayLike<number>, source: LabelGrid): { header: Uint8Array; data: Uint8Array } {
  const n = voxelCount(source.dims);
  if (labels.length !== n) {
    throw new RangeError(`the label map holds ${labels.length} voxels but the source has ${source.dims.join('×')} = ${n}`);
  }
  const { type, max } = labelTypeFor(labels);
  let data: VoxelArray;
  if (type === 'uint8') data = labels instanceof Uint8Array ? labels : Uint8Array.from(labels);
  else data = labels instanceof Uint16Array ? labels : Uint16Array.from(labels);
  // NIfTI sources keep their own order (their geometry is copied verbatim).
  const order = source.nifti ? VOLUME_ORDER : source.order ?? VOLUME_ORDER;
  const grid = isVolumeOrder(order)
    ? { dims: source.dims, affine: source.affine, ...(source.nifti ? { nifti: source.nifti } : {}) }
    : { dims: fileDims(source.dims, order), affine: fileAffine(source.affine, source.dims, order) };
  data = toFileOrder(data, source.dims, order);
  return encodeNiftiParts(
    { data, datatype: type, ...grid },
    { description: 'SliceSAM label', intentCode: NIFTI_INTENT_LABEL, calMin: 0, calMax: max },
  );
}

/** Uncompressed .nii bytes of a label map on the source volume's grid. */
export function encodeLabelNifti(labels: ArrayLike<number>, source: LabelGrid): Uint8Array {
  const { header, data } = labelParts(labels, source);
  const out = new Uint8Array(header.byteLength + data.byteLength);
  out.set(header);
  out.set(data, header.byteLength);
  return out;
}

/** A label map as .nii.gz bytes (compressed with the platform's CompressionStream). */
export async function writeLabelNifti(labels: ArrayLike<number>, source: LabelGrid, path = 'label.nii.gz'): Promise<Uint8Array> {
  const { header, data } = labelParts(labels, source);
  try {
    return await gzip(header, data);
  } catch (e) {
    throw new VolumeError('write-failed', path, `compression failed (${(e as Error).message})`);
  }
}
