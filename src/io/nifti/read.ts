/**
 * Reading a .nii or .nii.gz into a Volume. For an uncompressed file only the
 * first 3D volume's bytes are read; a .nii.gz is inflated once, with its
 * claimed size checked against the gzip trailer before any big allocation.
 */
import { VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import { newVoxelArray, type Volume, type VoxelArray, type VoxelType } from '../../shared/volume.ts';
import { gunzip, isGzip } from '../gzip.ts';
import { applyScale } from '../rescale.ts';
import { NIFTI_HEADER_PREFIX, parseNiftiHeader, type NiftiHeaderInfo } from './header.ts';

/** The header of a NIfTI file (for a scan), reading as little as possible. */
export async function readNiftiHeader(file: SourceFile): Promise<NiftiHeaderInfo> {
  if (file.size === 0) throw new VolumeError('empty', file.path, 'the file is empty (0 bytes)');
  const head = await file.read(0, Math.min(file.size, 64 * 1024));
  if (isGzip(head)) {
    // A compressed prefix is enough: inflation stops once the header is out.
    const inflated = await inflateOrThrow(head, file.path, NIFTI_HEADER_PREFIX).catch(async () =>
      inflateOrThrow(await file.read(), file.path, NIFTI_HEADER_PREFIX));
    return parseNiftiHeader(inflated, file.path);
  }
  return parseNiftiHeader(head.subarray(0, NIFTI_HEADER_PREFIX), file.path);
}

export async function readNifti(file: SourceFile): Promise<Volume> {
  if (file.size === 0) throw new VolumeError('empty', file.path, 'the file is empty (0 bytes)');
  const head = await file.read(0, Math.min(file.size, NIFTI_HEADER_PREFIX));
  let info: NiftiHeaderInfo;
  let raw: Uint8Array;
  if (isGzip(head)) {
    const compressed = await file.read();
    const header = await inflateOrThrow(compressed, file.path, NIFTI_HEADER_PREFIX);
    info = parseNiftiHeader(header, file.path);
    const needed = info.voxOffset + info.volumeBytes;
    // gzip's trailer holds the inflated size mod 2³²: a header claiming more than that is lying.
    const isize = compressed.byteLength >= 18 ? new DataView(compressed.buffer, compressed.byteOffset + compressed.byteLength - 4).getUint32(0, true) : 0;
    if (needed < 2 ** 32 && isize < needed && compressed.byteLength >= 18) {
      throw new VolumeError('truncated', file.path, `the header needs ${needed} bytes of image data but the compressed file holds ${isize}`);
    }
    const inflated = await inflateOrThrow(compressed, file.path, needed);
    if (inflated.byteLength < needed) {
      throw new VolumeError('truncated', file.path, `the image data stops after ${inflated.byteLength} of ${needed} bytes`);
    }
    raw = inflated.subarray(info.voxOffset, needed);
  } else {
    info = parseNiftiHeader(head, file.path);
    const needed = info.voxOffset + info.volumeBytes;
    if (file.size < needed) {
      throw new VolumeError('truncated', file.path, `the image data stops after ${Math.max(0, file.size - info.voxOffset)} of ${info.volumeBytes} bytes`);
    }
    raw = await file.read(info.voxOffset, needed);
  }

  const stored = toVoxels(raw, info.datatype, info.littleEndian);
  const { type, data } = applyScale(info.datatype, stored, info.sclSlope, info.sclInter);
  const windowed = info.calMax > info.calMin && Number.isFinite(info.calMax) && Number.isFinite(info.calMin);
  return {
    data,
    datatype: type,
    dims: info.dims,
    spacing: info.spacing,
    affine: info.affine,
    nifti: info.geometry,
    meta: {
      format: 'nifti',
      sourcePaths: [file.path],
      ...(windowed ? { windowCenter: (info.calMax + info.calMin) / 2, windowWidth: info.calMax - info.calMin } : {}),
      warnings: info.warnings,
    },
  };
}

async function inflateOrThrow(bytes: Uint8Array, path: string, limit?: number): Promise<Uint8Array> {
  try {
    return await gunzip(bytes, limit);
  } catch (e) {
    throw new VolumeError('truncated', path, `the gzip data is truncated or corrupt (${(e as Error).message || 'inflate failed'})`);
  }
}

/** Copy bytes into an aligned typed array of the stored type, swapping big-endian data. */
function toVoxels(raw: Uint8Array, type: VoxelType, littleEndian: boolean): VoxelArray {
  const out = newVoxelArray(type, raw.byteLength / bytesOf(type));
  const bytes = new Uint8Array(out.buffer);
  bytes.set(raw);
  const size = bytesOf(type);
  if (!littleEndian && size > 1) {
    for (let at = 0; at < bytes.length; at += size) {
      for (let a = at, b = at + size - 1; a < b; a++, b--) {
        const t = bytes[a]!; bytes[a] = bytes[b]!; bytes[b] = t;
      }
    }
  }
  return out;
}

function bytesOf(type: VoxelType): number {
  return newVoxelArray(type, 0).BYTES_PER_ELEMENT;
}
