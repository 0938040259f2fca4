/**
 * One image (or non-image) as plain data, ImageSpec, and the elements that
 * write it: SOP class, UIDs, geometry, pixel description, scaling, window
 * and the pixels themselves.
 */
import { newVoxelArray, type Vec3 } from '../../shared/volume.ts';
import type { DicomElement } from './write-elements.ts';
import { writeDicom, type WriteOptions } from './write-file.ts';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const ENHANCED_MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4.1';
export const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';
export const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** One image as plain data. UIDs are required: the writer never makes them up. */
export interface ImageSpec {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
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

function bitsOf(p: PixelArray): number {
  return p.BYTES_PER_ELEMENT * 8;
}

function signedOf(p: PixelArray): boolean {
  return p instanceof Int8Array || p instanceof Int16Array || p instanceof Int32Array;
}

/** The elements of one image (or non-image, with pixels: null), in no particular order (the writer sorts). */
export function imageElements(spec: ImageSpec): DicomElement[] {
  const els: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: spec.sopClassUid ?? CT_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: spec.sopInstanceUid },
    { tag: 0x00080060, vr: 'CS', value: spec.modality ?? 'CT' },
    { tag: 0x0020000d, vr: 'UI', value: spec.studyInstanceUid },
    { tag: 0x0020000e, vr: 'UI', value: spec.seriesInstanceUid },
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
