/**
 * The cohort's label names and colours in the formats other tools read:
 * `labels.txt` (ITK-SNAP label description file) and `labels.ctbl` (3D Slicer
 * colour table), with parsers for both, the cohort-wide merge, and the
 * restore of a case's objects when it is reopened.
 *
 * ITK-SNAP (ColorLabelTable::SaveToFile / LoadFromFile): the 14-line '#'
 * header ITK-SNAP writes, then per label
 * `"  " setw(3) IDX "   " setw(3) R "  " setw(3) G "  " setw(3) B "  " setw(7) A
 *  "  " VIS "  " MSH "    \"LABEL\""`, label 0 "Clear Label" first. ITK-SNAP
 * reads the label up to the next '"', so a '"' in a name is written as "'"
 * (and line breaks as spaces). Every object is written visible (VIS 1, MSH 1,
 * alpha 1): the file describes names and colours, not one session's display.
 *
 * Slicer (vtkMRMLColorTableStorageNode::WriteCtblFile / ReadCtblFile):
 * `# Color table file <name>`, `# <max value + 1> values`, then
 * `value name r g b a` (0–255). Slicer writes spaces in names as '_' and
 * reads every '_' back as a space (and '_' alone as an empty name), so names
 * with underscores come back from labels.ctbl with spaces: restore names from
 * labels.txt, which keeps them exactly.
 *
 * Merge: one entry per label value; the objects of the case being saved win
 * over what the file held (newest wins), so a rename or recolour reaches the
 * cohort files; `labelTableChanges` lists what a save would change so the UI
 * can say so.
 */
import { MAX_LABEL_VALUE, objectColor, type ObjectSpec, type Rgb } from '../shared/cohort.ts';
import type { VolumetryRow } from './volumetry.ts';

/** One label of a table (ObjectSpec has these fields too, so objects can be passed as they are). */
export interface LabelTableEntry {
  labelValue: number;
  name: string;
  color: Rgb;
}

export const ITK_SNAP_LABELS_FILE = 'labels.txt';
export const SLICER_COLOR_TABLE_FILE = 'labels.ctbl';

export class LabelTableFormatError extends Error {
  override readonly name = 'LabelTableFormatError';
}

const ITK_SNAP_HEADER = [
  '################################################',
  '# ITK-SnAP Label Description File',
  '# File format: ',
  '# IDX   -R-  -G-  -B-  -A--  VIS MSH  LABEL',
  '# Fields: ',
  '#    IDX:   Zero-based index ',
  '#    -R-:   Red color component (0..255)',
  '#    -G-:   Green color component (0..255)',
  '#    -B-:   Blue color component (0..255)',
  '#    -A-:   Label transparency (0.00 .. 1.00)',
  '#    VIS:   Label visibility (0 or 1)',
  '#    IDX:   Label mesh visibility (0 or 1)',
  '#  LABEL:   Label description ',
  '################################################',
];

function validValue(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= MAX_LABEL_VALUE;
}

function channel(c: number): number {
  return Math.min(255, Math.max(0, Math.round(Number.isFinite(c) ? c : 0)));
}

/** Entries with valid values (1..65535), one per value (the last given wins), in value order. */
function normalised(entries: readonly LabelTableEntry[]): LabelTableEntry[] {
  const byValue = new Map<number, LabelTableEntry>();
  for (const e of entries) {
    if (!validValue(e.labelValue)) continue;
    byValue.set(e.labelValue, { labelValue: e.labelValue, name: e.name, color: [channel(e.color[0]), channel(e.color[1]), channel(e.color[2])] });
  }
  return [...byValue.values()].sort((a, b) => a.labelValue - b.labelValue);
}

const pad = (v: number | string, w: number): string => String(v).padStart(w, ' ');

/** C++ ostream output of a float with setprecision(p) (general format). */
function cppGeneral(x: number, p: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -5 || exp >= p) {
    const [m, e] = x.toExponential(p - 1).split('e');
    const mant = m!.includes('.') ? m!.replace(/0+$/, '').replace(/\.$/, '') : m!;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toPrecision(p);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function itkSnapLine(value: number, rgb: readonly number[], alpha: number, vis: number, mesh: number, label: string): string {
  return `  ${pad(value, 3)}   ${pad(rgb[0]!, 3)}  ${pad(rgb[1]!, 3)}  ${pad(rgb[2]!, 3)}  ${pad(cppGeneral(alpha, 2), 7)}  ${vis}  ${mesh}    "${label}"`;
}

function itkSnapName(name: string): string {
  return name.replace(/"/g, "'").replace(/[\r\n\t]+/g, ' ');
}

/** `labels.txt`: the ITK-SNAP label description file for these labels ('\n' line endings). */
export function itkSnapLabels(entries: readonly LabelTableEntry[]): string {
  const lines = [...ITK_SNAP_HEADER, itkSnapLine(0, [0, 0, 0], 0, 0, 0, 'Clear Label')];
  for (const e of normalised(entries)) lines.push(itkSnapLine(e.labelValue, e.color, 1, 1, 1, itkSnapName(e.name)));
  return lines.join('\n') + '\n';
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

/**
 * Read an ITK-SNAP label description file: every label but 0, in value
 * order. Like ITK-SNAP: '#' lines and blank lines are skipped; a line is
 * IDX R G B A VIS MSH "LABEL" (the label runs to the next '"'). A line that
 * does not parse → LabelTableFormatError naming the line.
 */
export function parseItkSnapLabels(text: string): LabelTableEntry[] {
  const out: LabelTableEntry[] = [];
  lines(text).forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-+0-9.eE]+)\s+(\d+)\s+(\d+)\s*"([^"]*)"?/.exec(line);
    if (!m) throw new LabelTableFormatError(`ITK-SNAP label file, line ${k + 1}: expected IDX R G B A VIS MSH "LABEL", got '${raw}'`);
    const value = Number(m[1]);
    if (value === 0) return;
    out.push({ labelValue: value, name: m[8]!, color: [channel(Number(m[2])), channel(Number(m[3])), channel(Number(m[4]))] });
  });
  return normalised(out);
}

function slicerName(name: string): string {
  const n = name.replace(/\s/g, '_');
  return n === '' ? '_' : n;
}

/** `labels.ctbl`: the 3D Slicer colour table for these labels ('\n' line endings). */
export function slicerColorTable(entries: readonly LabelTableEntry[], fileName: string = SLICER_COLOR_TABLE_FILE): string {
  const list = normalised(entries);
  const max = list.reduce((m, e) => Math.max(m, e.labelValue), 0);
  const out = [`# Color table file ${fileName}`, `# ${max + 1} values`, '0 Background 0 0 0 0'];
  for (const e of list) out.push(`${e.labelValue} ${slicerName(e.name)} ${e.color[0]} ${e.color[1]} ${e.color[2]} 255`);
  return out.join('\n') + '\n';
}

/**
 * Read a Slicer colour table (.ctbl / .txt) as Slicer does: '#' lines and
 * blank lines skipped; `value name r g b [a]`; '_' in a name reads as a
 * space, '_' alone as an empty name; single quotes around a name are dropped.
 */
export function parseSlicerColorTable(text: string): LabelTableEntry[] {
  const out: LabelTableEntry[] = [];
  lines(text).forEach((raw, k) => {
    if (raw === '' || raw.startsWith('#') || raw.trim() === '') return;
    const parts = raw.trim().split(/\s+/);
    const [id, name, r, g, b] = parts;
    const nums = [id, r, g, b].map((s) => Number(s));
    if (parts.length < 5 || nums.some((v) => !Number.isFinite(v)) || !Number.isInteger(nums[0])) {
      throw new LabelTableFormatError(`Slicer colour table, line ${k + 1}: expected 'value name r g b a', got '${raw}'`);
    }
    const value = nums[0]!;
    if (value === 0) return;
    let label = name === '_' ? '' : name!.replace(/_/g, ' ');
    if (label.includes("'")) label = label.replace(/^'+/, '').replace(/'+$/, '');
    out.push({ labelValue: value, name: label, color: [channel(nums[1]!), channel(nums[2]!), channel(nums[3]!)] });
  });
  return normalised(out);
}

/**
 * The cohort table after saving a case with `objects`: every entry of
 * `existing` (null: no file yet) plus the objects, one entry per label
 * value, the objects winning where they share a value (newest wins).
 */
export function mergeCohortObjects(
  existing: readonly LabelTableEntry[] | null,
  objects: readonly LabelTableEntry[],
): LabelTableEntry[] {
  return normalised([...(existing ?? []), ...objects]);
}

export interface LabelTableChange {
  labelValue: number;
  before: LabelTableEntry;
  after: LabelTableEntry;
}

/** Entries of `existing` whose name or colour `objects` would change in the merge. */
export function labelTableChanges(
  existing: readonly LabelTableEntry[] | null,
  objects: readonly LabelTableEntry[],
): LabelTableChange[] {
  const before = new Map(normalised(existing ?? []).map((e) => [e.labelValue, e] as const));
  const out: LabelTableChange[] = [];
  for (const after of normalised(objects)) {
    const b = before.get(after.labelValue);
    if (b && (b.name !== after.name || b.color.some((c, k) => c !== after.color[k]))) out.push({ labelValue: after.labelValue, before: b, after });
  }
  return out;
}

/**
 * The objects of a case reopened with an existing label map: one per label
 * value found in the map (`labelValues`, 0 ignored) or in the case's earlier
 * volumetry rows (an object saved with no voxels). Name: the case's own
 * earlier row, else the cohort table, else "Object N". Colour: the cohort
 * table, else the default for the value. Id: the earlier row's object_id,
 * else the label value (made unique). All visible and unlocked, in value order.
 */
export function restoreObjects(
  labelValues: Iterable<number>,
  table: readonly LabelTableEntry[] | null,
  previousRows: readonly VolumetryRow[] = [],
): ObjectSpec[] {
  const fromTable = new Map(normalised(table ?? []).map((e) => [e.labelValue, e] as const));
  const fromRows = new Map<number, VolumetryRow>();
  for (const r of previousRows) {
    const v = Number(r.labelValue);
    if (validValue(v) && !fromRows.has(v)) fromRows.set(v, r);
  }
  const values = new Set<number>();
  for (const v of labelValues) if (validValue(v)) values.add(v);
  for (const v of fromRows.keys()) values.add(v);
  const sorted = [...values].sort((a, b) => a - b);

  const usedIds = new Set<number>();
  const wanted = new Map<number, number>();
  for (const v of sorted) {
    const id = Number(fromRows.get(v)?.objectId);
    if (Number.isInteger(id) && id > 0 && !usedIds.has(id)) { usedIds.add(id); wanted.set(v, id); }
  }
  return sorted.map((v): ObjectSpec => {
    let id = wanted.get(v);
    if (id === undefined) {
      id = v;
      while (usedIds.has(id)) id++;
      usedIds.add(id);
    }
    const row = fromRows.get(v);
    const entry = fromTable.get(v);
    const name = row && row.objectName !== '' ? row.objectName : entry?.name ?? `Object ${v}`;
    const color: Rgb = entry ? [...entry.color] : objectColor(v);
    return { id, labelValue: v, name, color, visible: true, locked: false };
  });
}
