/**
 * Encoding DICOM data elements as bytes: a value in its VR (numbers in the
 * file's byte order, strings padded to even length), an element with its tag
 * and length (explicit or implicit VR, sequences as defined-length items),
 * and a whole data set in tag order.
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

const LONG_LENGTH = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const NUL_PADDED = new Set<Vr>(['UI', 'OB', 'UN']);

export class Bytes {
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

export function writeElement(out: Bytes, el: DicomElement, implicit: boolean): void {
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

/** The data set alone, in the given encoding. */
export function encodeDataSet(elements: readonly DicomElement[], choice: TransferSyntaxChoice): Uint8Array {
  const out = new Bytes(choice === 'explicit-be');
  const implicit = choice === 'implicit-le';
  for (const e of sortElements(elements)) writeElement(out, e, implicit);
  return out.concat();
}
