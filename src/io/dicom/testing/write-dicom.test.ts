import { describe, expect, it } from 'vitest';
import { dicomParser } from '../dicom-parser.ts';
import { imageElements } from './synthetic.ts';
import { encodeDataSet, writeDicom } from './write-dicom.ts';

describe('test DICOM writer', () => {
  const elements = imageElements({ rows: 2, columns: 3, pixels: new Int16Array([1, -2, 3, -4, 5, -6]), position: [1, 2, 3] });

  it('writes a Part 10 file with a correct meta group length', () => {
    const bytes = writeDicom(elements);
    expect(String.fromCharCode(...bytes.subarray(128, 132))).toBe('DICM');
    const ds = dicomParser.parseDicom(bytes);
    const groupLength = ds.uint32('x00020000')!;
    const metaStart = ds.elements.x00020000!.dataOffset + 4;
    // The first data-set element starts right after the meta group.
    expect(ds.elements.x00080016!.dataOffset - 8).toBe(metaStart + groupLength);
    expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(ds.uint16('x00280010')).toBe(2);
    expect(ds.string('x00200032')).toBe('1\\2\\3');
    const px = ds.elements.x7fe00010!;
    expect(px.length).toBe(12);
    expect(new Int16Array(bytes.slice(px.dataOffset, px.dataOffset + 12).buffer)[1]).toBe(-2);
  });

  it('writes implicit VR little endian and big endian that dicom-parser reads back', () => {
    const imp = dicomParser.parseDicom(writeDicom(elements, { transferSyntax: 'implicit-le' }));
    expect(imp.string('x00020010')).toBe('1.2.840.10008.1.2');
    expect(imp.uint16('x00280011')).toBe(3);
    const be = dicomParser.parseDicom(writeDicom(elements, { transferSyntax: 'explicit-be' }));
    expect(be.uint16('x00280011')).toBe(3);
    expect(be.elements.x7fe00010!.length).toBe(12);
  });

  it('writes a bare data set without preamble', () => {
    const raw = writeDicom(elements, { part10: false, transferSyntax: 'implicit-le' });
    expect(raw).toEqual(encodeDataSet(elements, 'implicit-le'));
    expect(raw[0]).toBe(0x08); // (0008,0016) first
  });
});
