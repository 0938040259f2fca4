/**
 * A small DICOM writer FOR TESTS: valid Part 10 files (preamble, "DICM", group
 * 0002 with a correct group length, then the data set) in explicit VR little
 * endian, implicit VR little endian, explicit VR big endian or deflated
 * explicit VR little endian; or a bare data set without preamble and meta.
 * Lengths can be overridden to build files whose headers lie.
 */
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
    { tag: 0x00020003, vr: 'UI', value: findString(elements, 0x00080018) ?? '1.2.826.0.1.3680043.2.1125.1' },
    { tag: 0x00020010, vr: 'UI', value: tsUid },
    { tag: 0x00020012, vr: 'UI', value: '1.2.826.0.1.3680043.2.1125.99' },
    { tag: 0x00020013, vr: 'SH', value: 'SLICESAM_TEST' },
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
