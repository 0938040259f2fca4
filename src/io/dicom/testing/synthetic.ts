/**
 * Synthetic DICOM images and series FOR TESTS, written with the production
 * writer (../write.ts):
 * one image's elements from a plain description, and whole series from an
 * origin, direction cosines, a step vector and a voxel function.
 */
import { memoryFile, type SourceFile } from '../../../shared/source-file.ts';
import type { Vec3 } from '../../../shared/volume.ts';
import {
  type DicomElement,
  CT_IMAGE_STORAGE,
  type ImageSpec as WriterImageSpec,
  imageElements as writerImageElements,
  pixelArray,
  type PixelType,
  writeDicom,
  writeDicomAsync,
  type WriteOptions,
} from '../write.ts';

export {
  BASIC_TEXT_SR,
  CR_IMAGE_STORAGE,
  CT_IMAGE_STORAGE,
  ENHANCED_MR_IMAGE_STORAGE,
  MR_IMAGE_STORAGE,
  type PixelArray,
  pixelArray,
  type PixelType,
} from '../write.ts';

/** An image for tests: like the writer's, but UIDs default to fixed test values (SOP instance: a fresh one). */
export interface ImageSpec extends Omit<WriterImageSpec, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'> {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

let uidCounter = 0;
export function uid(): string {
  uidCounter++;
  return `1.2.826.0.1.3680043.2.1125.${Date.now() % 100000}.${uidCounter}`;
}

/** The elements of one image (or non-image, with pixels: null). */
export function imageElements(spec: ImageSpec): DicomElement[] {
  return writerImageElements({
    ...spec,
    studyInstanceUid: spec.studyInstanceUid ?? '1.2.826.0.1.3680043.2.1125.7',
    seriesInstanceUid: spec.seriesInstanceUid ?? '1.2.826.0.1.3680043.2.1125.8',
    sopInstanceUid: spec.sopInstanceUid ?? uid(),
  });
}

export function writeImage(spec: ImageSpec, options?: WriteOptions): Uint8Array {
  return writeDicom(imageElements(spec), options);
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
