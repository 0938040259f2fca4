import { describe, expect, it } from 'vitest';
import type { CaseEntry, ObjectSpec } from '../shared/cohort.ts';
import {
  countLabels, CsvFormatError, csvField, formatSavedAt, formatSpacing, parseCsv, upsertVolumetryCsv, VOLUMETRY_COLUMNS,
  volumetryFields, volumetryRows, volumetryRowsForCase, type VolumetryRow,
} from './volumetry.ts';

const HEADER = 'case_id,source_path,object_id,label_value,object_name,voxel_count,volume_mm3,volume_ml,voxel_spacing_mm,saved_at';
const AT = new Date('2024-05-01T12:34:56.789Z');

function obj(id: number, labelValue: number, name: string): ObjectSpec {
  return { id, labelValue, name, color: [255, 0, 0], visible: true, locked: false };
}

function kase(id: string, sourcePaths: string[] = [`${id}.nii.gz`]): Pick<CaseEntry, 'id' | 'sourcePaths'> {
  return { id, sourcePaths };
}

/** Rows for a case with `names` (label values 1, 2, …), each with `n` voxels, 1 mm³ voxels. */
function rowsFor(caseId: string, names: string[], n = 1): VolumetryRow[] {
  const labels: number[] = [];
  names.forEach((_, k) => { for (let i = 0; i < n; i++) labels.push(k + 1); });
  return volumetryRows(kase(caseId), names.map((name, k) => obj(k + 1, k + 1, name)), labels, [1, 1, 1], AT);
}

describe('formatting', () => {
  it('spacing: shortest decimals that give back the float32 value', () => {
    expect(formatSpacing(Math.fround(0.41))).toBe('0.41');
    expect(formatSpacing(0.41)).toBe('0.41');
    expect(formatSpacing(1.5)).toBe('1.5');
    expect(formatSpacing(1)).toBe('1');
    expect(formatSpacing(0.9765625)).toBe('0.9765625');
    expect(formatSpacing(0.48828125)).toBe('0.48828125');
    expect(formatSpacing(Math.fround(0.3125))).toBe('0.3125');
    expect(formatSpacing(Math.fround(3.3))).toBe('3.3');
  });
  it('saved_at: ISO 8601 UTC to the second', () => {
    expect(formatSavedAt(AT)).toBe('2024-05-01T12:34:56Z');
  });
  it('fields are quoted only when needed, quotes doubled', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('Ödem – links')).toBe('Ödem – links');
    expect(csvField('')).toBe('');
  });
});

describe('countLabels', () => {
  it('counts integer values 0..65535 and ignores anything else', () => {
    const c = countLabels([0, 1, 1, 2, 65535, 65536, -1, 1.5, NaN]);
    expect([c[0], c[1], c[2], c[3], c[65535]]).toEqual([1, 2, 1, 0, 1]);
  });
  it('reads typed arrays', () => {
    expect(countLabels(new Uint16Array([300, 300, 7]))[300]).toBe(2);
  });
});

describe('volumetryRows', () => {
  it('one row per object, zero-voxel objects included, volumes from the source spacing', () => {
    const labels = new Uint8Array(100);
    labels.fill(1, 0, 40);
    labels.fill(3, 40, 43);
    const objects = [obj(7, 3, 'Oedema'), obj(2, 1, 'Tumour'), obj(9, 2, 'Empty')];
    const rows = volumetryRows(kase('p1/t1', ['p1/t1.nii.gz']), objects, labels, [0.41, 0.41, 1.5], AT);
    expect(rows.map(volumetryFields)).toEqual([
      ['p1/t1', 'p1/t1.nii.gz', '2', '1', 'Tumour', '40', '10.086', '0.010086', '0.41x0.41x1.5', '2024-05-01T12:34:56Z'],
      ['p1/t1', 'p1/t1.nii.gz', '9', '2', 'Empty', '0', '0.000', '0.000000', '0.41x0.41x1.5', '2024-05-01T12:34:56Z'],
      ['p1/t1', 'p1/t1.nii.gz', '7', '3', 'Oedema', '3', '0.756', '0.000756', '0.41x0.41x1.5', '2024-05-01T12:34:56Z'],
    ]);
  });

  it('volume_mm3 = count × spacing product; ml = mm3 / 1000', () => {
    const labels = new Uint16Array(1_000_000).fill(1);
    const [row] = volumetryRows(kase('c'), [obj(1, 1, 'x')], labels, [0.5, 0.5, 2], AT);
    expect(row!.volumeMm3).toBe('500000.000');
    expect(row!.volumeMl).toBe('500.000000');
  });

  it('names the series folder for a DICOM case', () => {
    const [row] = volumetryRows(kase('p/s/1.2.3', ['p/s/IM1', 'p/s/IM2']), [obj(1, 1, 'x')], [1], [1, 1, 1], AT);
    expect(row!.sourcePath).toBe('p/s');
  });

  it('refuses bad spacing, bad label values and shared label values', () => {
    expect(() => volumetryRows(kase('c'), [], [], [0, 1, 1], AT)).toThrow(/spacing/);
    expect(() => volumetryRows(kase('c'), [], [], [NaN, 1, 1], AT)).toThrow(/spacing/);
    expect(() => volumetryRows(kase('c'), [obj(1, 0, 'x')], [], [1, 1, 1], AT)).toThrow(/1\.\.65535/);
    expect(() => volumetryRows(kase('c'), [obj(1, 70000, 'x')], [], [1, 1, 1], AT)).toThrow(/1\.\.65535/);
    expect(() => volumetryRows(kase('c'), [obj(1, 2, 'x'), obj(2, 2, 'y')], [], [1, 1, 1], AT)).toThrow(/share label value 2/);
  });

  it('no objects, no rows', () => {
    expect(volumetryRows(kase('c'), [], [1, 2], [1, 1, 1], AT)).toEqual([]);
  });
});

describe('parseCsv', () => {
  it('reads RFC 4180: quotes, doubled quotes, commas and line breaks in fields, CRLF, BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x,1","say ""hi""",\r\n"two\nlines",ü\n')).toEqual([
      ['a', 'b'], ['x,1', 'say "hi"', ''], ['two\nlines', 'ü'],
    ]);
  });
  it('a last line without a line break still counts; a trailing break adds no row', () => {
    expect(parseCsv('a\nb')).toEqual([['a'], ['b']]);
    expect(parseCsv('a\n')).toEqual([['a']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
  });
  it('is lenient with stray quotes as spreadsheets are', () => {
    expect(parseCsv('ab"c,"x"y,z\n')).toEqual([['ab"c', 'xy', 'z']]);
  });
  it('throws on a quote left open', () => {
    expect(() => parseCsv('a,"b\nc\n')).toThrow(CsvFormatError);
    expect(() => parseCsv('a,"b\nc\n')).toThrow(/line 1/);
  });
});

describe('upsertVolumetryCsv', () => {
  it('creates the file: header, rows, \\n endings, trailing newline', () => {
    const out = upsertVolumetryCsv(null, 'a', rowsFor('a', ['Tumour', 'Oedema']));
    expect(out).toBe(
      `${HEADER}\n` +
      'a,a.nii.gz,1,1,Tumour,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z\n' +
      'a,a.nii.gz,2,2,Oedema,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z\n');
    expect(upsertVolumetryCsv('', 'a', [])).toBe(`${HEADER}\n`);
    expect(upsertVolumetryCsv(null, 'a', [], { bom: true })).toBe(`\uFEFF${HEADER}\n`);
    expect(parseCsv(out)[0]).toEqual([...VOLUMETRY_COLUMNS]);
  });

  it('appends a new case after the others', () => {
    const one = upsertVolumetryCsv(null, 'a', rowsFor('a', ['x']));
    const two = upsertVolumetryCsv(one, 'b', rowsFor('b', ['y']));
    expect(two.startsWith(one)).toBe(true);
    expect(parseCsv(two).map((r) => r[0])).toEqual(['case_id', 'a', 'b']);
  });

  it('replaces exactly the case\'s rows, in place; every other byte stays', () => {
    let csv = upsertVolumetryCsv(null, 'a', rowsFor('a', ['x', 'y']));
    csv = upsertVolumetryCsv(csv, 'b', rowsFor('b', ['p', 'q', 'r']));
    csv = upsertVolumetryCsv(csv, 'c', rowsFor('c', ['z']));
    const [head, rest] = [csv.slice(0, csv.indexOf('\nb,') + 1), csv.slice(csv.indexOf('\nc,') + 1)];
    const updated = upsertVolumetryCsv(csv, 'b', rowsFor('b', ['only one'], 5));
    expect(updated).toBe(head + 'b,b.nii.gz,1,1,only one,5,5.000,0.005000,1x1x1,2024-05-01T12:34:56Z\n' + rest);
  });

  it('keeps other rows byte-identical even with odd quoting, extra columns, CRLF mix and no trailing newline', () => {
    const existing =
      `${HEADER}\r\n` +
      '"a",a.nii.gz,1,1,"Tumour",1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z,extra,"more"\r\n' +
      'b,b.nii.gz,1,1,"old, name",9,9,0.009,1x1x1,2024-01-01T00:00:00Z\n' +
      '\r\n' +
      '"c",c.nii.gz,1,1,"say ""hi""\nthere",1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z\r\n' +
      'b,b.nii.gz,2,2,second,1,1,0.001,1x1x1,2024-01-01T00:00:00Z\r\n' +
      'd,d.nii.gz,1,1,Ödem,1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z';
    const out = upsertVolumetryCsv(existing, 'b', rowsFor('b', ['new']));
    expect(out).toBe(
      `${HEADER}\r\n` +
      '"a",a.nii.gz,1,1,"Tumour",1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z,extra,"more"\r\n' +
      'b,b.nii.gz,1,1,new,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z\r\n' +
      '\r\n' +
      '"c",c.nii.gz,1,1,"say ""hi""\nthere",1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z\r\n' +
      'd,d.nii.gz,1,1,Ödem,1,1.000,0.001000,1x1x1,2024-01-01T00:00:00Z');
    // a new case after a last line without a newline: the line ending is added, the line kept
    const appended = upsertVolumetryCsv(existing, 'e', rowsFor('e', ['x']));
    expect(appended).toBe(`${existing}\r\ne,e.nii.gz,1,1,x,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z\r\n`);
  });

  it('replacing the last case of a file without a trailing newline', () => {
    const existing = `${HEADER}\na,a.nii.gz,1,1,x,1,1,0.001,1x1x1,t\nb,b.nii.gz,1,1,y,1,1,0.001,1x1x1,t`;
    const out = upsertVolumetryCsv(existing, 'b', rowsFor('b', ['z']));
    expect(out).toBe(`${HEADER}\na,a.nii.gz,1,1,x,1,1,0.001,1x1x1,t\nb,b.nii.gz,1,1,z,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z\n`);
    expect(upsertVolumetryCsv(HEADER, 'a', rowsFor('a', ['x']))).toBe(`${HEADER}\n${upsertVolumetryCsv(null, 'a', rowsFor('a', ['x'])).split('\n')[1]}\n`);
  });

  it('no rows removes the case', () => {
    const csv = upsertVolumetryCsv(upsertVolumetryCsv(null, 'a', rowsFor('a', ['x'])), 'b', rowsFor('b', ['y']));
    expect(parseCsv(upsertVolumetryCsv(csv, 'a', [])).map((r) => r[0])).toEqual(['case_id', 'b']);
  });

  it('round-trips names with commas, quotes, line breaks and non-ASCII characters, and ids with commas', () => {
    const names = ['Tumour, left', 'the "big" one', 'two\nlines', 'Ödem – links', '腫瘍', '🫀 heart', ' padded ', '=1+1', ''];
    const id = 'site, A/patient "7"/t1';
    const csv = upsertVolumetryCsv(upsertVolumetryCsv(null, 'other', rowsFor('other', ['o'])), id, rowsFor(id, names));
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2 + names.length);
    for (const r of rows) expect(r).toHaveLength(10);
    expect(rows.slice(2).map((r) => r[4])).toEqual(names);
    expect(rows.slice(2).every((r) => r[0] === id)).toBe(true);
    // and an upsert of that case finds every one of its rows
    const again = upsertVolumetryCsv(csv, id, rowsFor(id, ['one']));
    expect(parseCsv(again).map((r) => [r[0], r[4]])).toEqual([['case_id', 'object_name'], ['other', 'o'], [id, 'one']]);
    expect(volumetryRowsForCase(csv, id).map((r) => r.objectName)).toEqual(names);
  });

  it('pads new rows to the header\'s width when the header has extra columns', () => {
    const existing = `${HEADER},notes\na,a.nii.gz,1,1,x,1,1,0.001,1x1x1,t,checked by JS\n`;
    const out = upsertVolumetryCsv(existing, 'b', rowsFor('b', ['y']));
    expect(out).toBe(`${existing}b,b.nii.gz,1,1,y,1,1.000,0.001000,1x1x1,2024-05-01T12:34:56Z,\n`);
  });

  it('keeps a BOM and tolerates spaces around header names', () => {
    const existing = `\uFEFF${HEADER.replace(/,/g, ', ')}\n`;
    const out = upsertVolumetryCsv(existing, 'a', rowsFor('a', ['x']));
    expect(out.startsWith(existing)).toBe(true);
  });

  it('refuses to touch a file that is not a volumetry file', () => {
    expect(() => upsertVolumetryCsv('name,size\nx,1\n', 'a', rowsFor('a', ['x']))).toThrow(/unexpected header 'name,size'.*left as it is/);
    expect(() => upsertVolumetryCsv('case_id,source_path\n', 'a', [])).toThrow(CsvFormatError);
    expect(() => upsertVolumetryCsv(`${HEADER}\na,"unclosed\n`, 'a', [])).toThrow(/never closed/);
    expect(() => upsertVolumetryCsv('\n\n', 'a', [])).toThrow(CsvFormatError);
  });

  it('refuses rows of another case and an empty case id', () => {
    expect(() => upsertVolumetryCsv(null, 'a', rowsFor('b', ['x']))).toThrow(/case 'b'/);
    expect(() => upsertVolumetryCsv(null, '', [])).toThrow(/empty case id/);
  });

  it('does not mistake a blank line or a prefix for the case', () => {
    const existing = `${HEADER}\n\nab,x,1,1,n,1,1,1,1,t\na b,x,1,1,n,1,1,1,1,t\n`;
    const out = upsertVolumetryCsv(existing, 'a', rowsFor('a', ['x']));
    expect(out.startsWith(existing)).toBe(true);
  });
});

describe('volumetryRowsForCase', () => {
  it('reads a case\'s rows by column name', () => {
    const csv = 'object_name,case_id,label_value,object_id\nT,a,3,7\nU,b,1,1\n';
    expect(volumetryRowsForCase(csv, 'a')).toEqual([{
      caseId: 'a', sourcePath: '', objectId: '7', labelValue: '3', objectName: 'T',
      voxelCount: '', volumeMm3: '', volumeMl: '', voxelSpacingMm: '', savedAt: '',
    }]);
    expect(volumetryRowsForCase(null, 'a')).toEqual([]);
    expect(volumetryRowsForCase('x,y\n1,2\n', 'a')).toEqual([]);
  });
});
