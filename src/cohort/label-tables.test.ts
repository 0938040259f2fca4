import { describe, expect, it } from 'vitest';
import { MAX_LABEL_VALUE, nextObject, objectColor, type ObjectSpec } from '../shared/cohort.ts';
import {
  itkSnapLabels, labelTableChanges, LabelTableFormatError, mergeCohortObjects, parseItkSnapLabels, parseSlicerColorTable,
  restoreObjects, slicerColorTable, type LabelTableEntry,
} from './label-tables.ts';
import { volumetryRows } from './volumetry.ts';

function obj(id: number, labelValue: number, name: string, color: [number, number, number] = objectColor(labelValue)): ObjectSpec {
  return { id, labelValue, name, color, visible: true, locked: false };
}

describe('objectColor / nextObject (src/shared/cohort.ts)', () => {
  it('follows ITK-SNAP\'s default colours', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(objectColor)).toEqual([
      [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255], [255, 239, 213],
    ]);
    expect(objectColor(130)).toEqual([160, 82, 45]); // #A0522D, the last
    expect(objectColor(131)).toEqual(objectColor(1));
    expect(objectColor(0)).toEqual([0, 0, 0]);
    expect(() => objectColor(-1)).toThrow(RangeError);
    expect(() => objectColor(1.5)).toThrow(RangeError);
  });

  it('gives distinct colours to the first labels', () => {
    const keys = new Set(Array.from({ length: 100 }, (_, k) => objectColor(k + 1).join(',')));
    expect(keys.size).toBeGreaterThanOrEqual(99); // ITK-SNAP's list repeats magenta once
  });

  it('nextObject: first free value, next id, default name and colour', () => {
    const a = nextObject([]);
    expect(a).toEqual({ id: 1, labelValue: 1, name: 'Object 1', color: [255, 0, 0], visible: true, locked: false });
    const b = nextObject([a]);
    expect(b).toMatchObject({ id: 2, labelValue: 2, name: 'Object 2', color: [0, 255, 0] });
    // a gap in the values is filled; ids never reused
    const c = nextObject([obj(5, 2, 'B'), obj(3, 3, 'C')]);
    expect(c).toMatchObject({ id: 6, labelValue: 1, name: 'Object 1', color: [255, 0, 0] });
  });

  it('nextObject avoids a colour and a name already in use', () => {
    const o = nextObject([obj(1, 1, 'Object 2', [0, 255, 0])]);
    expect(o.labelValue).toBe(2);
    expect(o.color).not.toEqual([0, 255, 0]);
    expect(o.color).toEqual(objectColor(3));
    expect(o.name).toBe('Object 2 (2)');
  });

  it('nextObject refuses when every label value is taken', () => {
    const all = Array.from({ length: MAX_LABEL_VALUE }, (_, k) => obj(k + 1, k + 1, `o${k}`, [0, 0, 0]));
    expect(() => nextObject(all)).toThrow(/in use/);
  });
});

const ITK_HEADER = [
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
].join('\n');

describe('ITK-SNAP label description file', () => {
  it('is written exactly as ITK-SNAP writes it', () => {
    const text = itkSnapLabels([obj(1, 2, 'Oedema', [0, 255, 0]), obj(2, 1, 'Tumour', [255, 0, 0]), obj(3, 1000, 'Big', [12, 3, 200])]);
    expect(text).toBe(`${ITK_HEADER}
    0     0    0    0        0  0  0    "Clear Label"
    1   255    0    0        1  1  1    "Tumour"
    2     0  255    0        1  1  1    "Oedema"
  1000    12    3  200        1  1  1    "Big"
`);
  });

  it('matches a file written by ITK-SNAP (its default labels)', () => {
    // ITK-SNAP's six default labels as ColorLabelTable::SaveToFile formats them.
    const written = `${ITK_HEADER}
    0     0    0    0        0  0  0    "Clear Label"
    1   255    0    0        1  1  1    "Label 1"
    2     0  255    0        1  1  1    "Label 2"
    3     0    0  255        1  1  1    "Label 3"
    4   255  255    0        1  1  1    "Label 4"
    5     0  255  255        1  1  1    "Label 5"
    6   255    0  255        1  1  1    "Label 6"
`;
    const entries = parseItkSnapLabels(written);
    expect(entries.map((e) => [e.labelValue, e.name, e.color])).toEqual([1, 2, 3, 4, 5, 6].map((v) => [v, `Label ${v}`, objectColor(v)]));
    expect(itkSnapLabels(entries)).toBe(written);
  });

  it('keeps names with spaces, commas and non-ASCII characters; a quote becomes an apostrophe', () => {
    const objects = [obj(1, 1, 'Tumour, left part'), obj(2, 2, 'Ödem – “peri”'), obj(3, 3, 'the "big" one'), obj(4, 4, 'two\nlines'), obj(5, 5, '')];
    const back = parseItkSnapLabels(itkSnapLabels(objects));
    expect(back.map((e) => e.name)).toEqual(['Tumour, left part', 'Ödem – “peri”', "the 'big' one", 'two lines', '']);
    expect(back.map((e) => e.color)).toEqual(objects.map((o) => o.color));
  });

  it('parses loosely formatted files (tabs, CRLF, BOM, alpha as a fraction)', () => {
    const text = '\uFEFF# comment\r\n\r\n0 0 0 0 0 0 0 "Clear Label"\r\n3\t10\t20\t30\t0.5\t1\t0\t"Liver"\r\n 12 1 2 3 1 1 1 "x"';
    expect(parseItkSnapLabels(text)).toEqual([
      { labelValue: 3, name: 'Liver', color: [10, 20, 30] },
      { labelValue: 12, name: 'x', color: [1, 2, 3] },
    ]);
  });

  it('names a line it cannot read', () => {
    expect(() => parseItkSnapLabels('# h\n1 255 0 "x"\n')).toThrow(LabelTableFormatError);
    expect(() => parseItkSnapLabels('# h\n1 255 0 "x"\n')).toThrow(/line 2/);
  });
});

describe('Slicer colour table', () => {
  it('is written as Slicer writes it: header, value count, one line per value, names without spaces', () => {
    const text = slicerColorTable([obj(1, 1, 'Tumour core', [255, 0, 0]), obj(2, 7, 'Ödem', [0, 255, 0]), obj(3, 3, '', [1, 2, 3])]);
    expect(text).toBe(`# Color table file labels.ctbl
# 8 values
0 Background 0 0 0 0
1 Tumour_core 255 0 0 255
3 _ 1 2 3 255
7 Ödem 0 255 0 255
`);
    expect(slicerColorTable([], 'x.ctbl')).toBe('# Color table file x.ctbl\n# 1 values\n0 Background 0 0 0 0\n');
  });

  it('parses as Slicer reads: underscores become spaces, "_" alone is empty, ticks dropped', () => {
    const back = parseSlicerColorTable(slicerColorTable([obj(1, 1, 'Tumour core'), obj(2, 2, ''), obj(3, 3, 'left_kidney')]));
    expect(back.map((e) => [e.labelValue, e.name])).toEqual([[1, 'Tumour core'], [2, ''], [3, 'left kidney']]);
    expect(parseSlicerColorTable("# x\n5 'Liver' 1.4 2 3\n")).toEqual([{ labelValue: 5, name: 'Liver', color: [1, 2, 3] }]);
  });

  it('reads a table written by Slicer', () => {
    const slicer = '# Color table file /tmp/ColorTest.ctbl\n# 3 values\n0 zero 0 0 0 255\n1 one 255 59 21 255\n2 two 41 84 255 255\n';
    expect(parseSlicerColorTable(slicer)).toEqual([
      { labelValue: 1, name: 'one', color: [255, 59, 21] },
      { labelValue: 2, name: 'two', color: [41, 84, 255] },
    ]);
  });

  it('names a line it cannot read', () => {
    expect(() => parseSlicerColorTable('# h\n1 name 2\n')).toThrow(/line 2/);
    expect(() => parseSlicerColorTable('x name 1 2 3 4\n')).toThrow(LabelTableFormatError);
  });
});

describe('mergeCohortObjects', () => {
  const table: LabelTableEntry[] = [
    { labelValue: 1, name: 'Tumour', color: [255, 0, 0] },
    { labelValue: 3, name: 'Cyst', color: [0, 0, 255] },
  ];

  it('lists every value once, in value order; the newest save wins', () => {
    const merged = mergeCohortObjects(table, [obj(1, 2, 'Oedema', [0, 255, 0]), obj(2, 1, 'Tumour (renamed)', [250, 0, 0])]);
    expect(merged).toEqual([
      { labelValue: 1, name: 'Tumour (renamed)', color: [250, 0, 0] },
      { labelValue: 2, name: 'Oedema', color: [0, 255, 0] },
      { labelValue: 3, name: 'Cyst', color: [0, 0, 255] },
    ]);
    // plain entries, no ObjectSpec fields leak into the table
    expect(Object.keys(merged[0]!).sort()).toEqual(['color', 'labelValue', 'name']);
  });

  it('starts from nothing, and drops invalid values', () => {
    expect(mergeCohortObjects(null, [obj(1, 1, 'a'), obj(2, 0, 'zero'), obj(3, 70000, 'huge')]).map((e) => e.labelValue)).toEqual([1]);
  });

  it('round-trips through both files (Slicer loses the underscore/space difference only)', () => {
    const merged = mergeCohortObjects(table, [obj(1, 2, 'Oedema peri_tumoural', [0, 255, 0])]);
    expect(parseItkSnapLabels(itkSnapLabels(merged))).toEqual(merged);
    expect(parseSlicerColorTable(slicerColorTable(merged)).map((e) => e.name)).toEqual(['Tumour', 'Oedema peri tumoural', 'Cyst']);
  });

  it('labelTableChanges says what a save would rename or recolour', () => {
    const changes = labelTableChanges(table, [obj(1, 1, 'Tumour'), obj(2, 3, 'Necrosis', [0, 0, 255]), obj(3, 9, 'New')]);
    expect(changes.map((c) => [c.labelValue, c.before.name, c.after.name])).toEqual([[3, 'Cyst', 'Necrosis']]);
    expect(labelTableChanges(null, [obj(1, 1, 'x')])).toEqual([]);
  });
});

describe('restoreObjects', () => {
  const table: LabelTableEntry[] = [
    { labelValue: 1, name: 'Tumour', color: [255, 0, 0] },
    { labelValue: 2, name: 'Oedema', color: [0, 255, 0] },
  ];

  it('names from the case\'s own rows, then the cohort table, then "Object N"; ids from the rows', () => {
    const rows = volumetryRows({ id: 'c', sourcePaths: ['c.nii'] }, [obj(4, 2, 'Oedema (this case)'), obj(9, 5, 'Empty one')], [2], [1, 1, 1], new Date(0));
    const objects = restoreObjects([0, 1, 2, 7], table, rows);
    expect(objects).toEqual([
      { id: 1, labelValue: 1, name: 'Tumour', color: [255, 0, 0], visible: true, locked: false },
      { id: 4, labelValue: 2, name: 'Oedema (this case)', color: [0, 255, 0], visible: true, locked: false },
      { id: 9, labelValue: 5, name: 'Empty one', color: objectColor(5), visible: true, locked: false },
      { id: 7, labelValue: 7, name: 'Object 7', color: objectColor(7), visible: true, locked: false },
    ]);
  });

  it('keeps ids unique when a label value collides with an id from the rows', () => {
    const rows = volumetryRows({ id: 'c', sourcePaths: ['c.nii'] }, [obj(1, 2, 'b')], [], [1, 1, 1], new Date(0));
    const ids = restoreObjects([1, 2], null, rows).map((o) => [o.labelValue, o.id]);
    expect(ids).toEqual([[1, 2], [2, 1]]);
  });

  it('works with no table and no rows', () => {
    expect(restoreObjects(new Set([3]), null)).toEqual([{ id: 3, labelValue: 3, name: 'Object 3', color: [0, 0, 255], visible: true, locked: false }]);
  });
});
