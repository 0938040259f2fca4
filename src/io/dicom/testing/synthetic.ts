/**
 * Synthetic DICOM images and series FOR TESTS, written with write-dicom.ts:
 * one image's elements from a plain description, and whole series from an
 * origin, direction cosines, a step vector and a voxel function.
 */
import { memoryFile, type SourceFile } from '../../../shared/source-file.ts';
import { newVoxelArray, type Vec3 } from '../../../shared/volume.ts';
import { type DicomElement, type WriteOptions, writeDicom, writeDicomAsync } from './write-dicom.ts';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const ENHANCED_MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4.1';
export const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';
export const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface ImageSpec {
  seriesInstanceUid?: string;
  studyInstanceUid?: string;
  sopInstanceUid?: string;
  sopClassUid?: string;
  modality?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  position?: Vec3;
  /** Row cosine then column cosine. */
  orientation?: readonly number[];
  /** [row spacing, column spacing]. */
  pixelSpacing?: readonly [number, number];
  sliceThickness?: number;
  rows: number;
  columns: number;
  /** Defaults from the pixel array's type. */
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  samplesPerPixel?: number;
  photometric?: string;
  numberOfFrames?: number;
  slope?: number;
  intercept?: number;
  windowCenter?: number | readonly number[];
  windowWidth?: number | readonly number[];
  /** Pixel values, i (column) fastest; null writes no PixelData element. */
  pixels: PixelArray | null;
  /** Extra elements (replace same-tag ones). */
  extra?: readonly DicomElement[];
  /** Override the PixelData length field. */
  pixelDataLength?: number;
}

let uidCounter = 0;
export function uid(): string {
  uidCounter++;
  return `1.2.826.0.1.3680043.2.1125.${Date.now() % 100000}.${uidCounter}`;
}

function bitsOf(p: PixelArray): number {
  return p.BYTES_PER_ELEMENT * 8;
}

function signedOf(p: PixelArray): boolean {
  return p instanceof Int8Array || p instanceof Int16Array || p instanceof Int32Array;
}

/** The elements of one image (or non-image, with pixels: null). */
export function imageElements(spec: ImageSpec): DicomElement[] {
  const els: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: spec.sopClassUid ?? CT_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: spec.sopInstanceUid ?? uid() },
    { tag: 0x00080060, vr: 'CS', value: spec.modality ?? 'CT' },
    { tag: 0x0020000d, vr: 'UI', value: spec.studyInstanceUid ?? '1.2.826.0.1.3680043.2.1125.7' },
    { tag: 0x0020000e, vr: 'UI', value: spec.seriesInstanceUid ?? '1.2.826.0.1.3680043.2.1125.8' },
    { tag: 0x00280010, vr: 'US', value: spec.rows },
    { tag: 0x00280011, vr: 'US', value: spec.columns },
    { tag: 0x00280002, vr: 'US', value: spec.samplesPerPixel ?? 1 },
    { tag: 0x00280004, vr: 'CS', value: spec.photometric ?? 'MONOCHROME2' },
  ];
  const add = (tag: number, vr: DicomElement['vr'], value: DicomElement['value'] | undefined): void => {
    if (value !== undefined) els.push({ tag, vr, value });
  };
  add(0x0008103e, 'LO', spec.seriesDescription);
  add(0x00200011, 'IS', spec.seriesNumber);
  add(0x00200013, 'IS', spec.instanceNumber);
  add(0x00200032, 'DS', spec.position);
  add(0x00200037, 'DS', spec.orientation);
  add(0x00280030, 'DS', spec.pixelSpacing);
  add(0x00180050, 'DS', spec.sliceThickness);
  add(0x00281052, 'DS', spec.intercept);
  add(0x00281053, 'DS', spec.slope);
  add(0x00281050, 'DS', spec.windowCenter);
  add(0x00281051, 'DS', spec.windowWidth);
  if (spec.numberOfFrames !== undefined) add(0x00280008, 'IS', spec.numberOfFrames);
  const bits = spec.bitsAllocated ?? (spec.pixels ? bitsOf(spec.pixels) : 16);
  els.push(
    { tag: 0x00280100, vr: 'US', value: bits },
    { tag: 0x00280101, vr: 'US', value: spec.bitsStored ?? bits },
    { tag: 0x00280102, vr: 'US', value: (spec.bitsStored ?? bits) - 1 },
    { tag: 0x00280103, vr: 'US', value: spec.pixelRepresentation ?? (spec.pixels && signedOf(spec.pixels) ? 1 : 0) },
  );
  if (spec.pixels) {
    els.push({
      tag: 0x7fe00010, vr: bits === 8 ? 'OB' : 'OW', value: spec.pixels,
      ...(spec.pixelDataLength !== undefined ? { length: spec.pixelDataLength } : {}),
    });
  }
  for (const e of spec.extra ?? []) {
    const at = els.findIndex((x) => x.tag === e.tag);
    if (at >= 0) els[at] = e;
    else els.push(e);
  }
  return els;
}

export function writeImage(spec: ImageSpec, options?: WriteOptions): Uint8Array {
  return writeDicom(imageElements(spec), options);
}

export type PixelType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';

export function pixelArray(type: PixelType, length: number): PixelArray {
  return newVoxelArray(type, length) as PixelArray;
}

export interface SeriesSpec {
  slices: number;
  rows: number;
  columns: number;
  origin?: Vec3;
  /** Row cosine then column cosine; default axial [1,0,0, 0,1,0]. */
  orientation?: readonly number[];
  pixelSpacing?: readonly [number, number];
  /** LPS step between consecutive slice positions; default normal × 2 mm. */
  step?: Vec3;
  /** Override positions (after origin/step): slice index → position. */
  positions?: (k: number, computed: Vec3) => Vec3 | undefined;
  type?: PixelType;
  /** Stored value of voxel (i, j, k). */
  value?: (i: number, j: number, k: number) => number;
  seriesInstanceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  sopClassUid?: string;
  slope?: number;
  intercept?: number;
  sliceThickness?: number;
  /** Extra fields for every image. */
  image?: Partial<ImageSpec>;
  write?: WriteOptions;
  /** File names: slice k → path; default `slice-${k}.dcm`. */
  name?: (k: number) => string;
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

/** The positions a series spec gives, slice k → LPS. */
export function seriesPositions(spec: SeriesSpec): Vec3[] {
  const o = spec.orientation ?? [1, 0, 0, 0, 1, 0];
  const n = cross(o.slice(0, 3), o.slice(3, 6));
  const step = spec.step ?? [n[0] * 2, n[1] * 2, n[2] * 2];
  const origin = spec.origin ?? [-100, -120, -50];
  return Array.from({ length: spec.slices }, (_, k) => {
    const p: Vec3 = [origin[0] + step[0] * k, origin[1] + step[1] * k, origin[2] + step[2] * k];
    return spec.positions?.(k, p) ?? p;
  });
}

export const defaultValue = (i: number, j: number, k: number): number => i + 10 * j + 100 * k;

/** One image spec per slice. */
export function seriesImages(spec: SeriesSpec): ImageSpec[] {
  const positions = seriesPositions(spec);
  const value = spec.value ?? defaultValue;
  const type = spec.type ?? 'int16';
  return positions.map((position, k) => {
    const pixels = pixelArray(type, spec.rows * spec.columns);
    for (let j = 0; j < spec.rows; j++) for (let i = 0; i < spec.columns; i++) pixels[i + j * spec.columns] = value(i, j, k);
    const img: ImageSpec = {
      rows: spec.rows, columns: spec.columns, position,
      orientation: spec.orientation ?? [1, 0, 0, 0, 1, 0],
      pixelSpacing: spec.pixelSpacing ?? [0.8, 0.7],
      sliceThickness: spec.sliceThickness ?? 2,
      instanceNumber: k + 1,
      seriesInstanceUid: spec.seriesInstanceUid ?? '1.2.826.0.1.3680043.2.1125.8',
      seriesNumber: spec.seriesNumber ?? 3,
      seriesDescription: spec.seriesDescription ?? 'synthetic',
      modality: spec.modality ?? 'CT',
      sopClassUid: spec.sopClassUid ?? CT_IMAGE_STORAGE,
      pixels,
      ...(spec.slope !== undefined ? { slope: spec.slope } : {}),
      ...(spec.intercept !== undefined ? { intercept: spec.intercept } : {}),
      ...spec.image,
    };
    return img;
  });
}

/** Files for a series (memory SourceFiles), in slice order. */
export async function seriesFiles(spec: SeriesSpec): Promise<SourceFile[]> {
  const images = seriesImages(spec);
  const out: SourceFile[] = [];
  for (const [k, img] of images.entries()) {
    const bytes = await writeDicomAsync(imageElements(img), spec.write);
    out.push(memoryFile(spec.name?.(k) ?? `slice-${k}.dcm`, bytes));
  }
  return out;
}

/** A deterministic shuffle (for "file order must not matter"). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A SourceFile that counts its reads and records the largest byte it was asked for. */
export function countingFile(file: SourceFile): SourceFile & { reads: number; maxEnd: number } {
  const counted = {
    path: file.path,
    size: file.size,
    reads: 0,
    maxEnd: 0,
    read(start?: number, end?: number): Promise<Uint8Array> {
      counted.reads++;
      counted.maxEnd = Math.max(counted.maxEnd, Math.min(end ?? file.size, file.size));
      return file.read(start, end);
    },
  };
  return counted;
}
