/** Reading a JPEG stream's frame header (SOFn), which says which JPEG decoder a frame needs and what it holds. */

/** What a JPEG stream's frame header (SOFn) says: sample precision, size and components. */
export interface JpegFrameHeader {
  /** SOF marker code: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless… */
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: number;
}

/**
 * The frame header (SOFn) of a JPEG stream, found by walking its marker
 * segments from SOI; undefined when the stream does not start with SOI or
 * reaches a scan (SOS) or its end before any frame header.
 */
export function jpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) { at++; continue; } // a fill byte before a marker
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; } // TEM, RSTn: no length
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI or SOS before any SOF
    if (at + 3 >= bytes.length) return undefined;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    // SOF0–SOF15 but DHT (c4), JPG (c8) and DAC (cc).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 >= bytes.length || length < 8) return undefined;
      return {
        marker,
        precision: bytes[at + 4]!,
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
        components: bytes[at + 9]!,
      };
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}
