/**
 * volumetry.csv: one row per case × object, and the upsert that replaces one
 * case's rows while every other byte of the file stays as it was.
 *
 * Format: RFC 4180 — comma separated, a header line, fields quoted with '"'
 * (doubled inside) when they hold a comma, a quote, a line break or leading /
 * trailing spaces; UTF-8 text. New files use '\n' line endings and no BOM;
 * an existing file keeps its line ending (that of its header line) and BOM.
 *
 * Numbers: voxel_count an integer; volume_mm3 with 3 decimals and volume_ml
 * with 6 (the same resolution, 0.001 mm³); voxel_spacing_mm as 'x'-joined
 * shortest decimals that give back the stored (float32) spacing, e.g.
 * '0.41x0.41x1.5'; saved_at as ISO 8601 UTC to the second. Formula-like
 * text (=, +, -, @) is not altered: the file is data, not a spreadsheet.
 */
import type { CaseEntry, ObjectSpec } from '../shared/cohort.ts';
import { MAX_LABEL_VALUE } from '../shared/cohort.ts';
import type { Vec3 } from '../shared/volume.ts';
import { caseSourcePath } from './cases.ts';

export const VOLUMETRY_COLUMNS = [
  'case_id', 'source_path', 'object_id', 'label_value', 'object_name',
  'voxel_count', 'volume_mm3', 'volume_ml', 'voxel_spacing_mm', 'saved_at',
] as const;

export const VOLUMETRY_FILE = 'volumetry.csv';

/** One row, already formatted: each field is exactly the text written to the file. */
export interface VolumetryRow {
  caseId: string;
  sourcePath: string;
  objectId: string;
  labelValue: string;
  objectName: string;
  voxelCount: string;
  volumeMm3: string;
  volumeMl: string;
  voxelSpacingMm: string;
  savedAt: string;
}

/** The fields of a row in column order. */
export function volumetryFields(row: VolumetryRow): string[] {
  return [row.caseId, row.sourcePath, row.objectId, row.labelValue, row.objectName,
    row.voxelCount, row.volumeMm3, row.volumeMl, row.voxelSpacingMm, row.savedAt];
}

/** The shortest decimal that reads back as the same float32 (spacings come from float32 headers). */
export function formatSpacing(v: number): string {
  const target = Math.fround(v);
  for (let p = 1; p <= 17; p++) {
    const text = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(text)) === target) return text;
  }
  return String(v);
}

/** ISO 8601 UTC to the second: 2024-05-01T12:34:56Z. */
export function formatSavedAt(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Voxels per label value (index = value), integer values 0..65535 only. */
export function countLabels(labels: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(MAX_LABEL_VALUE + 1);
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (v >= 0 && v <= MAX_LABEL_VALUE && v === Math.floor(v)) counts[v]!++;
  }
  return counts;
}

/**
 * One row per object (objects with no voxels too), in label-value order.
 * Volumes use the source voxel spacing: count × (sx · sy · sz).
 */
export function volumetryRows(
  caseEntry: Pick<CaseEntry, 'id' | 'sourcePaths'>,
  objects: readonly ObjectSpec[],
  labels: ArrayLike<number>,
  spacing: Vec3,
  savedAt: Date,
): VolumetryRow[] {
  for (const s of spacing) {
    if (!(Number.isFinite(s) && s > 0)) throw new RangeError(`volumetry: voxel spacing must be positive, got ${spacing.join(' × ')}`);
  }
  const seen = new Map<number, ObjectSpec>();
  for (const o of objects) {
    if (!Number.isInteger(o.labelValue) || o.labelValue < 1 || o.labelValue > MAX_LABEL_VALUE) {
      throw new RangeError(`volumetry: object ${o.id} ('${o.name}') has label value ${o.labelValue}; it must be 1..${MAX_LABEL_VALUE}`);
    }
    const other = seen.get(o.labelValue);
    if (other) throw new RangeError(`volumetry: objects '${other.name}' and '${o.name}' share label value ${o.labelValue}`);
    seen.set(o.labelValue, o);
  }
  const counts = countLabels(labels);
  const voxelMm3 = spacing[0] * spacing[1] * spacing[2];
  const spacingText = spacing.map(formatSpacing).join('x');
  const at = formatSavedAt(savedAt);
  const sourcePath = caseSourcePath(caseEntry);
  return [...objects]
    .sort((a, b) => a.labelValue - b.labelValue)
    .map((o) => {
      const count = counts[o.labelValue]!;
      const mm3 = count * voxelMm3;
      return {
        caseId: caseEntry.id,
        sourcePath,
        objectId: String(o.id),
        labelValue: String(o.labelValue),
        objectName: o.name,
        voxelCount: String(count),
        volumeMm3: mm3.toFixed(3),
        volumeMl: (mm3 / 1000).toFixed(6),
        voxelSpacingMm: spacingText,
        savedAt: at,
      };
    });
}

/* ---------------------------------------------------------------- CSV */

function needsQuotes(field: string): boolean {
  return /[",\r\n]/.test(field) || /^\s|\s$/.test(field);
}

export function csvField(field: string): string {
  return needsQuotes(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** A record of a CSV text: its fields and where it lies (terminator included). */
interface CsvRecord {
  fields: string[];
  start: number;
  /** Index just past the record's line terminator (or the text's end). */
  end: number;
  /** The terminator: '\n', '\r\n', '\r' or '' (last record without one). */
  eol: string;
}

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

/**
 * Split CSV text into records, leniently as spreadsheets do: a quote inside an
 * unquoted field is a literal character, and text after a closing quote up to
 * the next comma is kept. Only a quote left open at the end of the text is an
 * error (the record boundaries would be guesswork).
 */
function records(text: string, from = 0): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = from;
  const n = text.length;
  while (i < n) {
    const start = i;
    const fields: string[] = [];
    let field = '';
    let eol = '';
    for (;;) {
      if (i >= n) { fields.push(field); break; }
      const ch = text[i]!;
      if (ch === '"' && field === '' && (i === start || text[i - 1] === ',')) {
        // quoted field
        const open = i;
        i++;
        for (;;) {
          if (i >= n) {
            const line = text.slice(0, open).split(/\r\n|\n|\r/).length;
            throw new CsvFormatError(`a quoted field opened on line ${line} is never closed`);
          }
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          field += c;
          i++;
        }
        // anything up to the next separator belongs to the field (lenient)
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
        continue;
      }
      if (ch === ',') { fields.push(field); field = ''; i++; continue; }
      if (ch === '\n' || ch === '\r') {
        fields.push(field);
        eol = ch === '\r' && text[i + 1] === '\n' ? '\r\n' : ch;
        i += eol.length;
        break;
      }
      field += ch;
      i++;
    }
    out.push({ fields, start, end: i, eol });
  }
  return out;
}

/** Parse CSV text into rows of fields (a leading BOM is dropped; a trailing line break adds no row). */
export function parseCsv(text: string): string[][] {
  return records(text, text.startsWith('\uFEFF') ? 1 : 0).map((r) => r.fields);
}

export interface UpsertOptions {
  /** New files only: start with a UTF-8 BOM (helps Excel show non-ASCII names). Default false. */
  bom?: boolean;
}

/**
 * The CSV with `caseId`'s rows replaced by `rows`: at the place of the first
 * old row of that case, or appended when the case had none (no rows → the
 * case's rows are removed). Every other record is kept byte for byte —
 * whatever its quoting, extra columns or line ending. New rows get the
 * header's line ending and are padded with empty fields when the header has
 * extra columns. `existing` null or empty → a new file.
 *
 * Throws CsvFormatError when the existing text is not a volumetry file (its
 * header does not start with the expected columns) or cannot be split into
 * records, rather than overwrite it.
 */
export function upsertVolumetryCsv(
  existing: string | null,
  caseId: string,
  rows: readonly VolumetryRow[],
  options: UpsertOptions = {},
): string {
  if (caseId === '') throw new RangeError('upsertVolumetryCsv: empty case id');
  for (const r of rows) {
    if (r.caseId !== caseId) throw new RangeError(`upsertVolumetryCsv: a row for case '${r.caseId}' given to replace case '${caseId}'`);
  }
  if (existing === null || existing === '' || existing === '\uFEFF') {
    const eol = '\n';
    const prefix = options.bom || existing === '\uFEFF' ? '\uFEFF' : '';
    return prefix + csvLine(VOLUMETRY_COLUMNS) + eol + rows.map((r) => csvLine(volumetryFields(r)) + eol).join('');
  }
  const bom = existing.startsWith('\uFEFF') ? 1 : 0;
  const recs = records(existing, bom);
  const header = recs[0];
  if (!header) throw new CsvFormatError('volumetry.csv: the file has no header line');
  const names = header.fields.map((f) => f.trim());
  const expected: readonly string[] = VOLUMETRY_COLUMNS;
  if (names.length < expected.length || expected.some((c, k) => names[k] !== c)) {
    throw new CsvFormatError(
      `volumetry.csv: unexpected header '${existing.slice(bom, header.end).trimEnd()}'; expected it to start with '${expected.join(',')}'. ` +
      'The file was left as it is.');
  }
  const eol = header.eol || '\n';
  const width = header.fields.length;
  const block = rows
    .map((r) => {
      const fields = volumetryFields(r);
      while (fields.length < width) fields.push('');
      return csvLine(fields) + eol;
    })
    .join('');

  let out = existing.slice(0, header.end);
  let placed = false;
  let lastEol = header.eol;
  for (const rec of recs.slice(1)) {
    const isCase = rec.fields[0] === caseId && !(rec.fields.length === 1 && rec.fields[0] === '');
    if (isCase) {
      if (!placed) {
        if (out.length > 0 && lastEol === '') out += eol;
        out += block;
        placed = true;
        lastEol = eol;
      }
      continue;
    }
    if (out.length > 0 && lastEol === '') out += eol;
    out += existing.slice(rec.start, rec.end);
    lastEol = rec.eol;
  }
  if (!placed && block) {
    if (lastEol === '') out += eol;
    out += block;
  }
  return out;
}

/**
 * The rows of case `caseId` in a volumetry file (to restore object ids and
 * names when a case is reopened). Columns are found by header name, so a file
 * with reordered or extra columns reads too; missing columns read as ''.
 * No file or no header → no rows.
 */
export function volumetryRowsForCase(text: string | null, caseId: string): VolumetryRow[] {
  if (!text) return [];
  const [header, ...rest] = parseCsv(text);
  if (!header) return [];
  const col = new Map(header.map((h, k) => [h.trim(), k] as const));
  const get = (fields: readonly string[], name: (typeof VOLUMETRY_COLUMNS)[number]): string => {
    const k = col.get(name);
    return k === undefined ? '' : fields[k] ?? '';
  };
  if (!col.has('case_id')) return [];
  return rest
    .filter((f) => get(f, 'case_id') === caseId)
    .map((f) => ({
      caseId,
      sourcePath: get(f, 'source_path'),
      objectId: get(f, 'object_id'),
      labelValue: get(f, 'label_value'),
      objectName: get(f, 'object_name'),
      voxelCount: get(f, 'voxel_count'),
      volumeMm3: get(f, 'volume_mm3'),
      volumeMl: get(f, 'volume_ml'),
      voxelSpacingMm: get(f, 'voxel_spacing_mm'),
      savedAt: get(f, 'saved_at'),
    }));
}
