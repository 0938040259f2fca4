/**
 * Plain types for cohort work, shared by every layer: a case in the queue,
 * its status, and the objects (labels) annotated in it. Plain data only:
 * everything here survives structured clone and JSON (IndexedDB, workers).
 */

/** Where a case stands. 'failed' is set by the scan (or when opening fails), never by the user. */
export type CaseStatus = 'todo' | 'in-progress' | 'done' | 'skipped' | 'failed';

export const CASE_STATUSES: readonly CaseStatus[] = Object.freeze(['todo', 'in-progress', 'done', 'skipped', 'failed']);

/** One case of a cohort: one DICOM series or one NIfTI volume (or a file that failed to read). */
export interface CaseEntry {
  /** Stable id: from the relative path (plus the SeriesInstanceUID for DICOM). See src/cohort/cases.ts. */
  id: string;
  /** What lists show: the NIfTI path, or the series folder + SeriesDescription. */
  name: string;
  kind: 'nifti' | 'dicom';
  /** Files it is read from, relative to the root, '/' separated (DICOM: every file of the series). */
  sourcePaths: string[];
  /** Its label file's name in the output folder (src/cohort/label-names.ts); absent for failed cases. */
  labelFile?: string;
  status: CaseStatus;
  /** Why it was skipped (optional) or why it failed (always). */
  reason?: string;
  /** ISO 8601 time of the last status change. */
  updatedAt?: string;
}

/** An RGB colour, each channel an integer 0–255. */
export type Rgb = [number, number, number];

/** One annotated object of a case: a label value with a name and a colour. */
export interface ObjectSpec {
  /** Stable within a case (never reused after the object is deleted). */
  id: number;
  /** Voxel value in the label map, 1..65535. */
  labelValue: number;
  name: string;
  color: Rgb;
  visible: boolean;
  locked: boolean;
}

export const MAX_LABEL_VALUE = 65535;

/**
 * ITK-SNAP's default label colours (ColorLabelTable::m_ColorList): label n
 * gets entry (n - 1) mod 130, so a label map opened in ITK-SNAP without a
 * description file shows the same colours as here.
 */
const ITK_SNAP_COLOURS = [
  0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00, 0x00FFFF, 0xFF00FF, 0xFFEFD5, 0x0000CD, 0xCD853F, 0xD2B48C,
  0x66CDAA, 0x000080, 0x008B8B, 0x2E8B57, 0xFFE4E1, 0x6A5ACD, 0xDDA0DD, 0xE9967A, 0xA52A2A, 0xFFFAFA,
  0x9370DB, 0xDA70D6, 0x4B0082, 0xFFB6C1, 0x3CB371, 0xFFEBCD, 0xFFE4C4, 0xDAA520, 0x008080, 0xBC8F8F,
  0xFF69B4, 0xFFDAB9, 0xDEB887, 0x7FFF00, 0x8B4513, 0x7CFC00, 0xFFFFE0, 0x4682B4, 0x006400, 0xEE82EE,
  0xEEE8AA, 0xF0FFF0, 0xF5DEB3, 0xB8860B, 0x20B2AA, 0xFF1493, 0x191970, 0x708090, 0x228B22, 0xF8F8FF,
  0xF5FFFA, 0xFFA07A, 0x90EE90, 0xADFF2F, 0x4169E1, 0xFF6347, 0xFAF0E6, 0x800000, 0x32CD32, 0xF4A460,
  0xFFFFF0, 0x7B68EE, 0xFFA500, 0xADD8E6, 0xFFC0CB, 0x7FFFD4, 0xFF8C00, 0x8FBC8F, 0xDC143C, 0xFDF5E6,
  0xFFFAF0, 0x00CED1, 0x00FF7F, 0x800080, 0xFFFACD, 0xFA8072, 0x9400D3, 0xB22222, 0xFF7F50, 0x87CEEB,
  0x6495ED, 0xF0E68C, 0xFAEBD7, 0xFFF5EE, 0x6B8E23, 0x87CEFA, 0x00008B, 0x8B008B, 0xF5F5DC, 0xBA55D3,
  0xFFE4B5, 0xFFDEAD, 0x00BFFF, 0xD2691E, 0xFFF8DC, 0x2F4F4F, 0x483D8B, 0xAFEEEE, 0x808000, 0xB0E0E6,
  0xFFF0F5, 0x8B0000, 0xF0FFFF, 0xFFD700, 0xD8BFD8, 0x778899, 0xDB7093, 0x48D1CC, 0xFF00FF, 0xC71585,
  0x9ACD32, 0xBDB76B, 0xF0F8FF, 0xE6E6FA, 0x00FA9A, 0x556B2F, 0x40E0D0, 0x9932CC, 0xCD5C5C, 0xFAFAD2,
  0x5F9EA0, 0x008000, 0xFF4500, 0xE0FFFF, 0xB0C4DE, 0x8A2BE2, 0x1E90FF, 0xF08080, 0x98FB98, 0xA0522D,
] as const;

function rgbOf(hex: number): Rgb {
  return [(hex >>> 16) & 0xff, (hex >>> 8) & 0xff, hex & 0xff];
}

/**
 * The default colour of label value `n` (1-based), as ITK-SNAP assigns it:
 * red, green, blue, yellow, cyan, magenta, … repeating after 130 labels.
 * Label 0 (background) is black.
 */
export function objectColor(n: number): Rgb {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`objectColor: label value must be a non-negative integer, got ${n}`);
  if (n === 0) return [0, 0, 0];
  return rgbOf(ITK_SNAP_COLOURS[(n - 1) % ITK_SNAP_COLOURS.length]!);
}

function colourKey(c: readonly number[]): string {
  return `${c[0]},${c[1]},${c[2]}`;
}

/**
 * A new object for a case that already has `existing`: the smallest free
 * label value, id one above the largest id, the default colour of that value
 * unless an existing object already shows it (then the next palette colour
 * nobody uses), and the name "Object N" (N = label value; made unique if an
 * existing object already has that name).
 */
export function nextObject(existing: readonly ObjectSpec[]): ObjectSpec {
  const values = new Set(existing.map((o) => o.labelValue));
  let labelValue = 1;
  while (values.has(labelValue)) labelValue++;
  if (labelValue > MAX_LABEL_VALUE) throw new RangeError(`every label value 1..${MAX_LABEL_VALUE} is in use`);
  const id = existing.reduce((m, o) => Math.max(m, o.id), 0) + 1;
  const used = new Set(existing.map((o) => colourKey(o.color)));
  let color = objectColor(labelValue);
  for (let k = 0; k < ITK_SNAP_COLOURS.length && used.has(colourKey(color)); k++) {
    color = objectColor(((labelValue - 1 + k + 1) % ITK_SNAP_COLOURS.length) + 1);
  }
  const names = new Set(existing.map((o) => o.name));
  let name = `Object ${labelValue}`;
  for (let k = 2; names.has(name); k++) name = `Object ${labelValue} (${k})`;
  return { id, labelValue, name, color, visible: true, locked: false };
}
