/**
 * DICOM RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G: each frame is one
 * encapsulated fragment that starts with a 64-byte header (the number of
 * segments, then 15 segment offsets, uint32 little endian); each segment holds
 * one byte of every sample, most significant byte first, PackBits-coded.
 * We decode greyscale (one sample per pixel) of 8, 16 or 32 bits into
 * little-endian bytes, as native pixel data would hold them.
 */
/** Why an RLE frame (or the pixel data around it) cannot be decoded; the caller adds the file. */
export class RleError extends Error {
  constructor(readonly kind: 'truncated' | 'bad-header', message: string) {
    super(message);
  }
}

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/**
 * PackBits-decode `src[start, end)` into every `stride`-th byte of `out`
 * from `first`, `count` bytes in all. Returns how many were written (fewer
 * than `count` when the segment ends early).
 */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): number {
  let at = start;
  let n = 0;
  let o = first;
  while (n < count && at < end) {
    const h = src[at++]!;
    if (h < 128) {
      // Literal run of h + 1 bytes.
      const run = Math.min(h + 1, count - n, end - at);
      for (let i = 0; i < run; i++) { out[o] = src[at + i]!; o += stride; }
      at += h + 1;
      n += run;
    } else if (h > 128) {
      // Replicate run: the next byte 257 − h times.
      if (at >= end) break;
      const value = src[at++]!;
      const run = Math.min(257 - h, count - n);
      for (let i = 0; i < run; i++) { out[o] = value; o += stride; }
      n += run;
    }
    // h === 128 (−128): no operation.
  }
  return n;
}

/**
 * Decode one RLE-compressed frame (`frame`: the fragment's bytes) of `pixels`
 * samples of `bytesPerSample` bytes into `out` (pixels × bytesPerSample bytes,
 * little endian). Throws RleError when the header lies or the data ends early.
 */
export function decodeRleFrame(frame: Uint8Array, out: Uint8Array, pixels: number, bytesPerSample: number): void {
  if (out.length < pixels * bytesPerSample) throw new RangeError('RLE output buffer too small');
  if (frame.length < HEADER_BYTES) {
    throw new RleError('truncated', `the RLE frame holds ${frame.length} bytes, fewer than its 64-byte header`);
  }
  const segments = u32(frame, 0);
  if (segments !== bytesPerSample) {
    throw new RleError('bad-header',
      `the RLE header names ${segments} segment${segments === 1 ? '' : 's'} where ${bytesPerSample * 8}-bit greyscale needs ${bytesPerSample}`
      + (segments > MAX_SEGMENTS ? ` (at most ${MAX_SEGMENTS} are possible)` : ''));
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) {
    const offset = u32(frame, 4 + 4 * s);
    const previous = s === 0 ? HEADER_BYTES - 1 : offsets[s - 1]!;
    if (s === 0 && offset !== HEADER_BYTES) {
      throw new RleError('bad-header', `the first RLE segment starts at byte ${offset}, not right after the 64-byte header`);
    }
    if (offset > frame.length) {
      throw new RleError('bad-header', `RLE segment ${s + 1} starts at byte ${offset}, past the end of the frame (${frame.length} bytes)`);
    }
    if (offset <= previous) {
      throw new RleError('bad-header', `RLE segment ${s + 1} starts at byte ${offset}, not after segment ${s} (byte ${previous})`);
    }
    offsets.push(offset);
  }
  for (let s = 0; s < segments; s++) {
    const start = offsets[s]!;
    const end = s + 1 < segments ? offsets[s + 1]! : frame.length;
    // Segment s holds byte (bytesPerSample − 1 − s) of each little-endian sample.
    const got = unpackSegment(frame, start, end, out, bytesPerSample - 1 - s, bytesPerSample, pixels);
    if (got < pixels) {
      throw new RleError('truncated', `RLE segment ${s + 1} (bytes ${start}–${end}) decodes to ${got} bytes where ${pixels} pixels need ${pixels}`);
    }
  }
}

interface Fragment {
  /** Offset of the item tag from the first item after the basic offset table (what the table counts). */
  offset: number;
  /** Where the fragment's bytes start in the array. */
  position: number;
  length: number;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/**
 * The basic offset table and fragments of encapsulated Pixel Data whose value
 * starts at `dataOffset` (the first item tag). dicom-parser stops at the Pixel
 * Data tag (we ask it to), so the items are read here; every one must lie
 * inside the bytes.
 */
export function readFragments(bytes: Uint8Array, dataOffset: number): { table: number[]; fragments: Fragment[] } {
  const item = (at: number): { tag: number; length: number } | undefined =>
    at + 8 <= bytes.length ? { tag: u16(bytes, at) * 0x10000 + u16(bytes, at + 2), length: u32(bytes, at + 4) } : undefined;
  const first = item(dataOffset);
  if (!first) throw new RleError('truncated', 'the file ends where the encapsulated pixel data should start');
  if (first.tag !== 0xfffee000) {
    throw new RleError('bad-header', `encapsulated pixel data starts with (${first.tag.toString(16).toUpperCase().replace(/^(.{4})/, '$1,')}), not the basic offset table item (FFFE,E000)`);
  }
  if (first.length % 4 !== 0 || dataOffset + 8 + first.length > bytes.length) {
    throw new RleError(first.length % 4 ? 'bad-header' : 'truncated', `the basic offset table claims ${first.length} bytes, ${first.length % 4 ? 'not a multiple of 4' : 'past the end of the data'}`);
  }
  const table: number[] = [];
  for (let i = 0; i < first.length; i += 4) table.push(u32(bytes, dataOffset + 8 + i));
  const base = dataOffset + 8 + first.length;
  const fragments: Fragment[] = [];
  let at = base;
  for (;;) {
    if (at === bytes.length) break; // no sequence delimiter: tolerated at the very end of the file
    const next = item(at);
    if (!next) throw new RleError('truncated', `the file ends inside an item tag of the encapsulated pixel data (offset ${at})`);
    if (next.tag === 0xfffee0dd) break;
    if (next.tag !== 0xfffee000) {
      throw new RleError('bad-header', `an unexpected tag in the encapsulated pixel data at offset ${at}`);
    }
    if (at + 8 + next.length > bytes.length) {
      throw new RleError('truncated',
        `a pixel data fragment claims ${next.length} bytes at offset ${at + 8}, past the end of the data (${bytes.length} bytes)`);
    }
    fragments.push({ offset: at - base, position: at + 8, length: next.length });
    at += 8 + next.length;
  }
  return { table, fragments };
}

/** Where a JPEG / JPEG-LS (SOI, FFD8) or JPEG 2000 (SOC, FF4F; or a JP2 signature box) stream starts. */
function startsImageStream(b: Uint8Array, f: Fragment): boolean {
  const at = f.position;
  if (f.length < 2) return false;
  if (b[at] === 0xff && (b[at + 1] === 0xd8 || b[at + 1] === 0x4f)) return true;
  return f.length >= 8 && b[at] === 0 && b[at + 1] === 0 && b[at + 2] === 0 && b[at + 3] === 0x0c
    && b[at + 4] === 0x6a && b[at + 5] === 0x50 && b[at + 6] === 0x20 && b[at + 7] === 0x20;
}

/**
 * The bytes of frame `index` of encapsulated pixel data (value at
 * `dataOffset`): one fragment per frame (as RLE requires), or, where the basic
 * offset table says so, the fragments between two offsets. With
 * `spanFragments` (the JPEG family, whose frames may span fragments) and no
 * offset table: a single frame is all the fragments, and the frames of a
 * multi-frame image start at the fragments that start a JPEG or JPEG 2000
 * stream, where there are exactly as many of those as frames.
 */
export function encapsulatedFrame(
  byteArray: Uint8Array, dataOffset: number, index: number, frameCount: number,
  items: { table: number[]; fragments: Fragment[] } = readFragments(byteArray, dataOffset),
  spanFragments = false,
): Uint8Array {
  const { table, fragments } = items;
  let chosen: Fragment[];
  if (table.length > 0) {
    if (table.length < frameCount) {
      throw new RleError('bad-header', `the basic offset table lists ${table.length} frames where the image has ${frameCount}`);
    }
    const start = table[index]!, end = index + 1 < table.length ? table[index + 1]! : Infinity;
    chosen = fragments.filter((f) => f.offset >= start && f.offset < end);
    if (chosen.length === 0 || chosen[0]!.offset !== start) {
      throw new RleError('bad-header', `the basic offset table puts frame ${index + 1} at byte ${start}, where no fragment starts`);
    }
  } else if (spanFragments && fragments.length > frameCount && frameCount === 1) {
    chosen = fragments;
  } else if (spanFragments && fragments.length > frameCount
    && fragments.filter((f) => startsImageStream(byteArray, f)).length === frameCount && startsImageStream(byteArray, fragments[0]!)) {
    const starts = fragments.flatMap((f, i) => (startsImageStream(byteArray, f) ? [i] : []));
    chosen = fragments.slice(starts[index]!, starts[index + 1] ?? fragments.length);
  } else {
    if (fragments.length !== frameCount) {
      throw new RleError(fragments.length < frameCount ? 'truncated' : 'bad-header',
        `the pixel data holds ${fragments.length} fragment${fragments.length === 1 ? '' : 's'} for ${frameCount} frame${frameCount === 1 ? '' : 's'}, and no offset table`);
    }
    chosen = [fragments[index]!];
  }
  if (chosen.length === 1) {
    const f = chosen[0]!;
    return byteArray.subarray(f.position, f.position + f.length);
  }
  const out = new Uint8Array(chosen.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of chosen) { out.set(byteArray.subarray(f.position, f.position + f.length), at); at += f.length; }
  return out;
}
