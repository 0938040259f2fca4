/**
 * Writing DICOM Part 10 files: valid files (preamble, "DICM", group 0002 with
 * a correct group length, then the data set) in explicit VR little endian,
 * implicit VR little endian, explicit VR big endian or deflated explicit VR
 * little endian; or a bare data set without preamble and meta. Lengths can be
 * overridden to build files whose headers lie (tests of the readers).
 *
 * Used by the demo cohort (synthetic phantoms, src/io/demo/) and by tests
 * (src/io/dicom/testing/ re-exports it). Only uncompressed pixel data; no
 * sequences of undefined length. Nothing here invents patient data: every
 * identifying element is whatever the caller passes.
 */
import { newVoxelArray, type Vec3 } from '../../shared/volume.ts';

/**
 * SliceSAM's own UID root: 2.25 followed by a UUID (ISO/IEC 9834-8) generated
 * once for this project. Sub-arcs: .1 implementation class, .2 demo cohort,
 * .9 fallbacks the writer needs when a data set has no SOP Instance UID.
 */
export const SLICESAM_UID_ROOT = '2.25.54670962672683753583670669152069620085';
export const IMPLEMENTATION_CLASS_UID = `${SLICESAM_UID_ROOT}.1`;
export const IMPLEMENTATION_VERSION_NAME = 'SLICESAM';

export type Vr =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OD' | 'OF'
  | 'OL' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT';

export type ElementValue =
  | string
  | number
  | readonly number[]
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array
  | readonly DicomElement[][]; // SQ: items

export interface DicomElement {
  /** (group << 16) | element, e.g. 0x00280010. */
  tag: number;
  vr: Vr;
  value: ElementValue;
  /** Write this length instead of the true one (the value bytes are written as they are). */
  length?: number;
}

export type TransferSyntaxChoice = 'explicit-le' | 'implicit-le' | 'explicit-be' | 'deflated';

export const TS_UID: Readonly<Record<TransferSyntaxChoice, string>> = {
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-le': '1.2.840.10008.1.2.1',
  'explicit-be': '1.2.840.10008.1.2.2',
  'deflated': '1.2.840.10008.1.2.1.99',
};

export interface WriteOptions {
  transferSyntax?: TransferSyntaxChoice;
  /** Write this TransferSyntaxUID in the meta group instead (e.g. a compressed one), encoding as explicit LE. */
  transferSyntaxUid?: string;
  /** false: the bare data set, no preamble and no meta group. Default true. */
  part10?: boolean;
  /** With part10 false: still write the meta group (explicit VR LE), just without preamble and "DICM". */
  metaWithoutPreamble?: boolean;
  /** Media Storage SOP Class/Instance for the meta group; default: from the data set's (0008,0016/0018). */
  mediaStorageSopClassUid?: string;
  /** (0002,0012) and (0002,0013); default SliceSAM's. */
  implementationClassUid?: string;
  implementationVersionName?: string;
}

const LONG_LENGTH = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const NUL_PADDED = new Set<Vr>(['UI', 'OB', 'UN']);

class Bytes {
  private parts: Uint8Array[] = [];
  length = 0;
  constructor(readonly bigEndian: boolean) {}
  push(b: Uint8Array): void { this.parts.push(b); this.length += b.length; }
  u16(v: number): void { const d = new DataView(new ArrayBuffer(2)); d.setUint16(0, v, !this.bigEndian); this.push(new Uint8Array(d.buffer)); }
  u32(v: number): void { const d = new DataView(new ArrayBuffer(4)); d.setUint32(0, v >>> 0, !this.bigEndian); this.push(new Uint8Array(d.buffer)); }
  ascii(s: string): void { this.push(new Uint8Array([...s].map((c) => c.charCodeAt(0) & 0xff))); }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

function numericBytes(vr: Vr, values: readonly number[], bigEndian: boolean): Uint8Array {
  const width = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const d = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((v, i) => {
    const at = i * width, le = !bigEndian;
    switch (vr) {
      case 'US': d.setUint16(at, v, le); break;
      case 'SS': d.setInt16(at, v, le); break;
      case 'UL': d.setUint32(at, v, le); break;
      case 'SL': d.setInt32(at, v, le); break;
      case 'FL': d.setFloat32(at, v, le); break;
      case 'FD': d.setFloat64(at, v, le); break;
      case 'AT': d.setUint16(at, v >>> 16, le); d.setUint16(at + 2, v & 0xffff, le); break;
      default: throw new Error(`numeric VR expected, got ${vr}`);
    }
  });
  return new Uint8Array(d.buffer);
}

/** Typed array → bytes in the file's byte order (each element swapped as a whole). */
function typedBytes(value: ArrayBufferView & { BYTES_PER_ELEMENT: number; length: number }, bigEndian: boolean): Uint8Array {
  const src = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  const w = value.BYTES_PER_ELEMENT;
  if (bigEndian && w > 1) {
    for (let i = 0; i < src.length; i += w) src.subarray(i, i + w).reverse();
  }
  return src;
}

function valueBytes(el: DicomElement, bigEndian: boolean): Uint8Array {
  const { vr, value } = el;
  if (vr === 'SQ') throw new Error('SQ is written by writeElement');
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(value)) {
    bytes = typedBytes(value as Uint8Array, bigEndian);
  } else if (typeof value === 'string' || (['DS', 'IS'].includes(vr) && (typeof value === 'number' || Array.isArray(value)))) {
    const s = typeof value === 'string' ? value : (Array.isArray(value) ? value : [value]).map((v) => String(v)).join('\\');
    const b = new Bytes(bigEndian);
    b.ascii(s);
    bytes = b.concat();
  } else {
    const values = typeof value === 'number' ? [value] : (value as readonly number[]);
    bytes = numericBytes(vr, values, bigEndian);
  }
  if (bytes.length % 2) {
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    padded[bytes.length] = NUL_PADDED.has(vr) ? 0 : 0x20;
    bytes = padded;
  }
  return bytes;
}

function writeTag(out: Bytes, tag: number): void {
  out.u16(tag >>> 16);
  out.u16(tag & 0xffff);
}

function writeElement(out: Bytes, el: DicomElement, implicit: boolean): void {
  const bigEndian = out.bigEndian;
  let body: Uint8Array;
  if (el.vr === 'SQ') {
    const items = new Bytes(bigEndian);
    for (const itemElements of el.value as readonly DicomElement[][]) {
      const inner = new Bytes(bigEndian);
      for (const e of sortElements(itemElements)) writeElement(inner, e, implicit);
      writeTag(items, 0xfffee000);
      items.u32(inner.length);
      items.push(inner.concat());
    }
    body = items.concat();
  } else {
    body = valueBytes(el, bigEndian);
  }
  const length = el.length ?? body.length;
  writeTag(out, el.tag);
  if (implicit) {
    out.u32(length);
  } else {
    out.ascii(el.vr);
    if (LONG_LENGTH.has(el.vr)) { out.u16(0); out.u32(length); } else out.u16(length);
  }
  out.push(body);
}

function sortElements(elements: readonly DicomElement[]): DicomElement[] {
  return [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
}

function findString(elements: readonly DicomElement[], tag: number): string | undefined {
  const v = elements.find((e) => e.tag === tag)?.value;
  return typeof v === 'string' ? v : undefined;
}

function metaGroup(elements: readonly DicomElement[], tsUid: string, options: WriteOptions): Uint8Array {
  const meta: DicomElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: options.mediaStorageSopClassUid ?? findString(elements, 0x00080016) ?? '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00020003, vr: 'UI', value: findString(elements, 0x00080018) ?? `${SLICESAM_UID_ROOT}.9.1` },
    { tag: 0x00020010, vr: 'UI', value: tsUid },
    { tag: 0x00020012, vr: 'UI', value: options.implementationClassUid ?? IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: options.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME },
  ];
  const body = new Bytes(false);
  for (const e of meta) writeElement(body, e, false);
  const out = new Bytes(false);
  writeElement(out, { tag: 0x00020000, vr: 'UL', value: body.length }, false);
  out.push(body.concat());
  return out.concat();
}

/** The data set alone, in the given encoding. */
export function encodeDataSet(elements: readonly DicomElement[], choice: TransferSyntaxChoice): Uint8Array {
  const out = new Bytes(choice === 'explicit-be');
  const implicit = choice === 'implicit-le';
  for (const e of sortElements(elements)) writeElement(out, e, implicit);
  return out.concat();
}

function assemble(elements: readonly DicomElement[], dataSet: Uint8Array, tsUid: string, options: WriteOptions): Uint8Array {
  const part10 = options.part10 ?? true;
  if (!part10 && !options.metaWithoutPreamble) return dataSet;
  const meta = metaGroup(elements, tsUid, options);
  const pre = part10 ? 132 : 0;
  const out = new Uint8Array(pre + meta.length + dataSet.length);
  if (part10) out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(meta, pre);
  out.set(dataSet, pre + meta.length);
  return out;
}

/** A DICOM file (synchronous; for 'deflated' use writeDicomAsync). */
export function writeDicom(elements: readonly DicomElement[], options: WriteOptions = {}): Uint8Array {
  const choice = options.transferSyntax ?? 'explicit-le';
  if (choice === 'deflated') throw new Error("writeDicom: use writeDicomAsync for 'deflated'");
  const tsUid = options.transferSyntaxUid ?? TS_UID[choice];
  return assemble(elements, encodeDataSet(elements, choice), tsUid, options);
}

/** A DICOM file in any supported encoding, deflated included (CompressionStream 'deflate-raw'). */
export async function writeDicomAsync(elements: readonly DicomElement[], options: WriteOptions = {}): Promise<Uint8Array> {
  const choice = options.transferSyntax ?? 'explicit-le';
  if (choice !== 'deflated') return writeDicom(elements, options);
  const raw = encodeDataSet(elements, 'explicit-le');
  const stream = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const deflated = new Uint8Array(await new Response(stream).arrayBuffer());
  return assemble(elements, deflated, options.transferSyntaxUid ?? TS_UID.deflated, options);
}

// ---- images ----

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

// ---- enhanced multi-frame images ----

export const ENHANCED_CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2.1';

/** One frame of an enhanced multi-frame image: what its per-frame functional groups say. */
export interface EnhancedFrameSpec {
  /** Plane Position (Patient) (0020,9113) › ImagePositionPatient; omitted when undefined. */
  position?: Vec3;
  /** Plane Orientation (Patient) (0020,9116) › ImageOrientationPatient. */
  orientation?: readonly number[];
  /** Pixel Measures (0028,9110) › PixelSpacing, SliceThickness. */
  pixelSpacing?: readonly [number, number];
  sliceThickness?: number;
  /** Pixel Value Transformation (0028,9145) › RescaleSlope, RescaleIntercept. */
  slope?: number;
  intercept?: number;
  /** Frame Content (0020,9111) › StackID, InStackPositionNumber (and DimensionIndexValues [stack, position]). */
  stackId?: string;
  inStackPosition?: number;
}

/** What every frame shares: written once, in the shared functional groups (0028,9229). */
export type EnhancedSharedSpec = Pick<EnhancedFrameSpec, 'orientation' | 'pixelSpacing' | 'sliceThickness' | 'slope' | 'intercept'>;

/**
 * An enhanced multi-frame image (Enhanced CT by default): the image-level
 * geometry and scaling of ImageSpec are left out; each frame's are in the
 * per-frame (5200,9230) or shared (5200,9229) functional groups. `pixels`
 * holds the frames in the order of `frames` (the order they are stored).
 */
export interface EnhancedImageSpec extends Omit<ImageSpec,
  'position' | 'orientation' | 'pixelSpacing' | 'sliceThickness' | 'slope' | 'intercept' | 'numberOfFrames'> {
  frames: readonly EnhancedFrameSpec[];
  shared?: EnhancedSharedSpec;
  /** Write NumberOfFrames as this instead of frames.length (a header that lies). */
  numberOfFrames?: number;
  /** Write only the first N per-frame items, or N items repeating the last (a per-frame sequence that lies). */
  perFrameItems?: number;
}

const seq = (tag: number, elements: DicomElement[]): DicomElement => ({ tag, vr: 'SQ', value: [elements] });

/** The functional-group macros that a frame (or the shared groups) spec holds. */
function groupMacros(f: EnhancedFrameSpec, dimensions: boolean): DicomElement[] {
  const out: DicomElement[] = [];
  if (f.position) out.push(seq(0x00209113, [{ tag: 0x00200032, vr: 'DS', value: f.position }]));
  if (f.orientation) out.push(seq(0x00209116, [{ tag: 0x00200037, vr: 'DS', value: f.orientation }]));
  const measures: DicomElement[] = [];
  if (f.pixelSpacing) measures.push({ tag: 0x00280030, vr: 'DS', value: f.pixelSpacing });
  if (f.sliceThickness !== undefined) measures.push({ tag: 0x00180050, vr: 'DS', value: f.sliceThickness });
  if (measures.length) out.push(seq(0x00289110, measures));
  if (f.slope !== undefined || f.intercept !== undefined) {
    out.push(seq(0x00289145, [
      { tag: 0x00281052, vr: 'DS', value: f.intercept ?? 0 },
      { tag: 0x00281053, vr: 'DS', value: f.slope ?? 1 },
      { tag: 0x00281054, vr: 'LO', value: 'HU' },
    ]));
  }
  const content: DicomElement[] = [];
  if (f.stackId !== undefined) content.push({ tag: 0x00209056, vr: 'SH', value: f.stackId });
  if (f.inStackPosition !== undefined) content.push({ tag: 0x00209057, vr: 'UL', value: f.inStackPosition });
  if (dimensions && f.stackId !== undefined && f.inStackPosition !== undefined) {
    content.push({ tag: 0x00209157, vr: 'UL', value: [Number(f.stackId) || 1, f.inStackPosition] });
  }
  if (content.length) out.push(seq(0x00209111, content));
  return out;
}

/** The elements of an enhanced multi-frame image. */
export function enhancedImageElements(spec: EnhancedImageSpec): DicomElement[] {
  const { frames, shared, perFrameItems, ...image } = spec;
  const items = frames.map((f) => groupMacros(f, true));
  const count = perFrameItems ?? frames.length;
  const perFrame = Array.from({ length: count }, (_, i) => items[Math.min(i, items.length - 1)] ?? []);
  const dimensioned = frames.some((f) => f.stackId !== undefined && f.inStackPosition !== undefined);
  const dimensionIndex: DicomElement[] = dimensioned
    ? [
      { tag: 0x00209222, vr: 'SQ', value: [
        [{ tag: 0x00209164, vr: 'UI', value: `${SLICESAM_UID_ROOT}.9.2` }, { tag: 0x00209165, vr: 'AT', value: 0x00209056 }, { tag: 0x00209167, vr: 'AT', value: 0x00209111 }],
        [{ tag: 0x00209164, vr: 'UI', value: `${SLICESAM_UID_ROOT}.9.2` }, { tag: 0x00209165, vr: 'AT', value: 0x00209057 }, { tag: 0x00209167, vr: 'AT', value: 0x00209111 }],
      ] },
    ]
    : [];
  return imageElements({
    ...image,
    sopClassUid: image.sopClassUid ?? ENHANCED_CT_IMAGE_STORAGE,
    numberOfFrames: spec.numberOfFrames ?? frames.length,
    extra: [
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL\\NONE' },
      ...dimensionIndex,
      { tag: 0x52009229, vr: 'SQ', value: [shared ? groupMacros(shared, false) : []] },
      { tag: 0x52009230, vr: 'SQ', value: perFrame },
      ...(image.extra ?? []),
    ],
  });
}
