/**
 * Test helpers for RLE Lossless: a small PackBits encoder that writes DICOM
 * RLE frames (PS3.5 Annex G), and files whose Pixel Data is encapsulated.
 */
import { imageElements, type ImageSpec } from '../write.ts';
import { writeDicom } from './write-dicom.ts';

export const RLE_UID = '1.2.840.10008.1.2.5';

/** PackBits of `bytes`: replicate runs of 3+ equal bytes, literal runs otherwise (≤ 128 each). */
export function packBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && run < 128 && bytes[i + run] === bytes[i]) run++;
    if (run >= 3) {
      out.push(257 - run, bytes[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < bytes.length && i - start < 128) {
      if (i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...bytes.subarray(start, i));
  }
  if (out.length % 2) out.push(128); // segments are padded to even length (a no-op byte)
  return out;
}

/** One RLE frame of little-endian samples `le` (`bytesPerSample` each): header, then one segment per byte, MSB first. */
export function rleFrame(le: Uint8Array, bytesPerSample: number): Uint8Array {
  const pixels = le.length / bytesPerSample;
  const segments: number[][] = [];
  for (let s = 0; s < bytesPerSample; s++) {
    const plane = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) plane[p] = le[p * bytesPerSample + bytesPerSample - 1 - s]!;
    segments.push(packBits(plane));
  }
  const total = 64 + segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, bytesPerSample, true);
  let at = 64;
  segments.forEach((seg, s) => {
    view.setUint32(4 + 4 * s, at, true);
    out.set(seg, at);
    at += seg.length;
  });
  return out;
}

/** Encapsulated Pixel Data (explicit VR LE): empty basic offset table (or `offsets`), one item per fragment, delimiter. */
export function encapsulatedPixelData(fragments: readonly Uint8Array[], offsets?: readonly number[]): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  u16(0x7fe0); u16(0x0010); parts.push(0x4f, 0x42, 0, 0); u32(0xffffffff);
  u16(0xfffe); u16(0xe000); u32(4 * (offsets?.length ?? 0));
  for (const o of offsets ?? []) u32(o);
  for (const f of fragments) {
    u16(0xfffe); u16(0xe000); u32(f.length);
    for (const b of f) parts.push(b);
  }
  u16(0xfffe); u16(0xe0dd); u32(0);
  return new Uint8Array(parts);
}

/** A Part 10 RLE Lossless file: the image's elements (explicit VR LE), then `fragments` as its Pixel Data. */
export function writeRleImage(spec: Omit<ImageSpec, 'pixels'> & { bitsAllocated: number; pixelRepresentation: number }, fragments: readonly Uint8Array[], offsets?: readonly number[]): Uint8Array {
  const head = writeDicom(imageElements({ ...spec, pixels: null }), { transferSyntaxUid: RLE_UID });
  const pixel = encapsulatedPixelData(fragments, offsets);
  const out = new Uint8Array(head.length + pixel.length);
  out.set(head);
  out.set(pixel, head.length);
  return out;
}

/** The little-endian bytes of a typed array (whatever the platform's order). */
export function leBytes(values: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array): Uint8Array {
  const width = values.BYTES_PER_ELEMENT;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (width === 1) out[i] = v & 0xff;
    else if (width === 2) view.setUint16(i * 2, v & 0xffff, true);
    else view.setUint32(i * 4, v >>> 0, true);
  });
  return out;
}
