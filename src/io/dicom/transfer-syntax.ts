/** Transfer syntaxes: which we decode, and their names in words for messages. */
import { isCodecSyntax } from './codecs.ts';

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';
export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

const NAMES: Readonly<Record<string, string>> = {
  [IMPLICIT_VR_LE]: 'Implicit VR Little Endian',
  [EXPLICIT_VR_LE]: 'Explicit VR Little Endian',
  [DEFLATED_EXPLICIT_VR_LE]: 'Deflated Explicit VR Little Endian',
  [EXPLICIT_VR_BE]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.98': 'Encapsulated Uncompressed Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, First-Order Prediction (Process 14, SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless Image Compression',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Lossy (Near-Lossless) Image Compression',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component Image Compression',
  '1.2.840.10008.1.2.4.94': 'JPIP Referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP Referenced Deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.101': 'MPEG2 Main Profile / High Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.104': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video',
  '1.2.840.10008.1.2.4.105': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video',
  '1.2.840.10008.1.2.4.106': 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2',
  '1.2.840.10008.1.2.4.107': 'HEVC/H.265 Main Profile / Level 5.1',
  '1.2.840.10008.1.2.4.108': 'HEVC/H.265 Main 10 Profile / Level 5.1',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.111': 'JPEG XL JPEG Recompression',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000 Image Compression',
  [RLE_LOSSLESS]: 'RLE Lossless',
};

/** "JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)", or "an unknown transfer syntax (uid)". */
export function describeTransferSyntax(uid: string): string {
  const name = NAMES[uid];
  return name ? `${name} (${uid})` : `an unknown transfer syntax (${uid || 'none given'})`;
}

/** Uncompressed syntaxes whose pixel data we copy directly. */
export function isNativeTransferSyntax(uid: string): boolean {
  return uid === IMPLICIT_VR_LE || uid === EXPLICIT_VR_LE || uid === DEFLATED_EXPLICIT_VR_LE || uid === EXPLICIT_VR_BE;
}

export function isBigEndian(uid: string): boolean {
  return uid === EXPLICIT_VR_BE;
}

/** Encapsulated syntaxes whose frames we decode: RLE Lossless (rle.ts) and the JPEG family (codecs.ts). */
export function isEncapsulatedDecodable(uid: string): boolean {
  return uid === RLE_LOSSLESS || isCodecSyntax(uid);
}

/**
 * Every syntax readDicomSeries turns into voxels: the native ones, RLE
 * Lossless, JPEG-LS, JPEG 2000 (Part 1), JPEG Lossless and JPEG
 * Baseline/Extended, 8- and 12-bit.
 */
export function isDecodableTransferSyntax(uid: string): boolean {
  return isNativeTransferSyntax(uid) || isEncapsulatedDecodable(uid);
}

/** "JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91) is not decoded yet": the reason a series of that syntax fails. */
export function notDecodedReason(uid: string): string {
  return `${describeTransferSyntax(uid)} is not decoded yet`;
}
