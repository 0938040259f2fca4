/** The voxel types SliceSAM reads and keeps as stored (NIfTI datatype names). */
export type VoxelType =
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export type VoxelArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * A 4×4 voxel→world matrix, row-major (16 numbers), in RAS+ millimetres: the
 * NIfTI convention. world = A · [i, j, k, 1]ᵀ with i fastest in `data`.
 */
export type Affine = readonly number[];

/** Three numbers: x, y, z (or i, j, k). */
export type Vec3 = [number, number, number];

/**
 * The NIfTI header fields that decide where a volume sits in the world. Kept
 * verbatim for NIfTI sources so a label written for the case carries exactly
 * the source's codes and matrices, whatever convention the reading tool uses.
 */
export interface NiftiGeometry {
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d */
  quatern: Vec3;
  /** qoffset_x, qoffset_y, qoffset_z */
  qoffset: Vec3;
  /** pixdim[0..7]; pixdim[0] is qfac. */
  pixdim: number[];
  /** srow_x, srow_y, srow_z: 12 numbers, row-major. */
  srow: number[];
  /** xyzt_units byte. */
  xyztUnits: number;
  /** NIfTI version of the source (1 or 2); labels are written in the same version so float64 fields survive. */
  version: 1 | 2;
  /** dim[0] of the source clamped to 2..3, so a label for a 2D image is 2D too. */
  spatialRank: 2 | 3;
}

export type SourceFormat = 'nifti' | 'dicom';

/** How dcm2niix lays out a DICOM series' voxels, and so the files written for it (src/io/file-order.ts). */
export type Dcm2niixLayout = 'flip-rows' | 'closest-ras' | 'as-stored';

export interface VolumeMeta {
  format: SourceFormat;
  /** Paths of the file(s) the volume was read from, relative to what was opened. */
  sourcePaths: string[];
  modality?: string;
  seriesDescription?: string;
  seriesInstanceUid?: string;
  /** From the file when it has them (DICOM WindowCenter/Width, NIfTI cal_min/cal_max). */
  windowCenter?: number;
  windowWidth?: number;
  /** Things the user should know about how the volume was read. */
  warnings: string[];
  /** DICOM: the voxel order files written for it take (dcm2niix's); absent: the volume's own order. */
  dcm2niixLayout?: Dcm2niixLayout;
}

/** One 3D image on a regular grid, as every layer of SliceSAM sees it. */
export interface Volume {
  /** Voxels, i fastest then j then k. Stored type, or scaled values where a slope/intercept applies. */
  data: VoxelArray;
  datatype: VoxelType;
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** Voxel size in mm along i, j, k (always positive). */
  spacing: Vec3;
  /** Voxel → world (RAS+ mm), row-major 4×4. */
  affine: Affine;
  meta: VolumeMeta;
  /** For NIfTI sources: the header geometry verbatim, copied into labels. */
  nifti?: NiftiGeometry;
}

/** Bytes per voxel for each type. */
export const BYTES_PER_VOXEL: Readonly<Record<VoxelType, number>> = Object.freeze({
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
});

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

export function newVoxelArray(type: VoxelType, length: number): VoxelArray {
  switch (type) {
    case 'int8': return new Int8Array(length);
    case 'uint8': return new Uint8Array(length);
    case 'int16': return new Int16Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'int32': return new Int32Array(length);
    case 'uint32': return new Uint32Array(length);
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
  }
}
