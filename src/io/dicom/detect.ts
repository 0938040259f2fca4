/**
 * Recognising DICOM by content: the Part 10 "DICM" marker at byte 128, or a
 * bare data set (no preamble) that starts with group 0002 or 0008 elements in
 * implicit or explicit VR little endian.
 */

/** How the bytes of a DICOM file are laid out. */
export type DicomLayout =
  | 'part10'        // 128-byte preamble, "DICM", meta group, data set
  | 'raw-meta'      // meta group (explicit VR LE) then data set, without preamble
  | 'raw-implicit'  // bare data set, implicit VR little endian
  | 'raw-explicit'; // bare data set, explicit VR little endian

const VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

function hasDicmMarker(head: Uint8Array): boolean {
  return head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

/** The group of the element after the first one, when it lies inside `head`; else undefined. */
function nextGroup(head: Uint8Array, explicit: boolean): number | undefined {
  let next: number;
  if (explicit) {
    const vr = String.fromCharCode(head[4]!, head[5]!);
    next = LONG_LENGTH_VRS.has(vr) ? 12 + u32(head, 8) : 8 + u16(head, 6);
  } else {
    const len = u32(head, 4);
    if (len === 0xffffffff) return undefined;
    next = 8 + len;
  }
  return next + 2 <= head.length ? u16(head, next) : undefined;
}

/** The layout when `head` (the first bytes of a file, ideally ≥ 132) looks like DICOM; else undefined. */
export function sniffDicom(head: Uint8Array): DicomLayout | undefined {
  if (hasDicmMarker(head)) return 'part10';
  if (head.length < 8) return undefined;
  const group = u16(head, 0);
  if (group !== 0x0002 && group !== 0x0008) return undefined;
  const explicit = VRS.has(String.fromCharCode(head[4]!, head[5]!));
  if (!explicit) {
    if (group === 0x0002) return undefined; // the meta group is always explicit VR
    // Implicit VR: the first element of group 0008 is short (character set, image type, UIDs…).
    if (u32(head, 4) > 0xffff) return undefined;
  }
  // The second element (when we can see it) must follow in order, in a low group.
  const g2 = nextGroup(head, explicit);
  if (g2 !== undefined && (g2 < group || g2 > 0x0fff)) return undefined;
  if (group === 0x0002) return 'raw-meta';
  return explicit ? 'raw-explicit' : 'raw-implicit';
}

/** Bytes dicom-parser can read: a 'raw-meta' file gets a synthetic 128-byte preamble and "DICM". */
export function withPreamble(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 132);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(bytes, 132);
  return out;
}
