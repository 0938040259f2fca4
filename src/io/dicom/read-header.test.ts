import { describe, expect, it } from 'vitest';
import { isVolumeError, type VolumeErrorCode } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import { readDicomHeader } from './read-header.ts';
import {
  BASIC_TEXT_SR, countingFile, imageElements, type ImageSpec, MR_IMAGE_STORAGE, writeImage,
} from './testing/synthetic.ts';
import { writeDicom, writeDicomAsync } from './testing/write-dicom.ts';
import type { DicomHeader } from './types.ts';

const spec: ImageSpec = {
  rows: 4, columns: 5, pixels: new Int16Array(20).map((_, i) => i - 3),
  sopClassUid: MR_IMAGE_STORAGE, modality: 'MR', seriesDescription: 'T1 axial', seriesNumber: 7, instanceNumber: 12,
  seriesInstanceUid: '1.2.3.4', studyInstanceUid: '1.2.3', position: [-10.5, 20, 30.25],
  orientation: [1, 0, 0, 0, 0.8, -0.6], pixelSpacing: [0.5, 0.75], sliceThickness: 3,
  slope: 2, intercept: -100, windowCenter: [40, 50], windowWidth: [400, 500],
};

async function image(file: SourceFile): Promise<DicomHeader> {
  const h = await readDicomHeader(file);
  if (h.kind !== 'image') throw new Error(`expected an image, got ${h.objectType}`);
  return h;
}

/** Rejects with a VolumeError of this code naming the file, within a second. */
async function expectError(file: SourceFile, code: VolumeErrorCode): Promise<string> {
  const t0 = performance.now();
  try {
    await readDicomHeader(file);
  } catch (e) {
    expect(performance.now() - t0).toBeLessThan(1000);
    if (!isVolumeError(e)) throw e;
    expect(e.file).toBe(file.path);
    expect(e.code, e.message).toBe(code);
    expect(e.reason.length).toBeGreaterThan(5);
    return e.reason;
  }
  throw new Error(`expected a ${code} error`);
}

describe('readDicomHeader: fields', () => {
  it('reads every field of an explicit VR little endian file', async () => {
    const h = await image(memoryFile('a/b/IM0001', writeImage(spec)));
    expect(h).toMatchObject({
      kind: 'image', path: 'a/b/IM0001', transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopClassUid: MR_IMAGE_STORAGE, modality: 'MR', seriesDescription: 'T1 axial', seriesNumber: 7, instanceNumber: 12,
      seriesInstanceUid: '1.2.3.4', studyInstanceUid: '1.2.3', imagePositionPatient: [-10.5, 20, 30.25],
      imageOrientationPatient: [1, 0, 0, 0, 0.8, -0.6], pixelSpacing: [0.5, 0.75], sliceThickness: 3,
      rows: 4, columns: 5, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, samplesPerPixel: 1,
      photometricInterpretation: 'MONOCHROME2', numberOfFrames: 1, rescaleSlope: 2, rescaleIntercept: -100,
      windowCenter: 40, windowWidth: 400,
    });
  });

  it.each(['implicit-le', 'explicit-be', 'deflated'] as const)('reads %s', async (transferSyntax) => {
    const h = await image(memoryFile('x', await writeDicomAsync(imageElements(spec), { transferSyntax })));
    expect(h.rows).toBe(4);
    expect(h.columns).toBe(5);
    expect(h.imagePositionPatient).toEqual([-10.5, 20, 30.25]);
    expect(h.pixelRepresentation).toBe(1);
  });

  it('recognises files without preamble by content (implicit, explicit, and meta group first)', async () => {
    for (const options of [
      { part10: false, transferSyntax: 'implicit-le' as const },
      { part10: false, transferSyntax: 'explicit-le' as const },
      { part10: false, metaWithoutPreamble: true },
    ]) {
      const h = await image(memoryFile('noext', writeDicom(imageElements(spec), options)));
      expect(h.rows).toBe(4);
      expect(h.seriesInstanceUid).toBe('1.2.3.4');
    }
  });

  it('reads only a prefix of a big file', async () => {
    const big = writeImage({ ...spec, rows: 512, columns: 512, pixels: new Int16Array(512 * 512) });
    const file = countingFile(memoryFile('big.dcm', big));
    const h = await image(file);
    expect(h.rows).toBe(512);
    expect(file.maxEnd).toBeLessThanOrEqual(64 * 1024);
    expect(file.maxEnd).toBeLessThan(big.length / 4);
  });

  it('grows the prefix when the header is longer than 64 KiB', async () => {
    const longPrivate = { tag: 0x00291010, vr: 'OB' as const, value: new Uint8Array(200_000) };
    const file = countingFile(memoryFile('long.dcm', writeImage({ ...spec, rows: 512, columns: 512, pixels: new Int16Array(512 * 512), extra: [longPrivate] })));
    const h = await image(file);
    expect(h.columns).toBe(512);
    expect(file.maxEnd).toBeLessThan(file.size);
  });

  it('reads enhanced multi-frame per-frame positions', async () => {
    const frame = (z: number) => [
      { tag: 0x00209113, vr: 'SQ' as const, value: [[{ tag: 0x00200032, vr: 'DS' as const, value: [0, 0, z] }]] },
    ];
    const h = await image(memoryFile('mf', writeImage({
      ...spec, numberOfFrames: 2, pixels: new Int16Array(40), position: undefined, orientation: undefined, pixelSpacing: undefined,
      extra: [
        { tag: 0x52009229, vr: 'SQ', value: [[
          { tag: 0x00209116, vr: 'SQ', value: [[{ tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] }]] },
          { tag: 0x00289110, vr: 'SQ', value: [[{ tag: 0x00280030, vr: 'DS', value: [0.9, 0.9] }]] },
        ]] },
        { tag: 0x52009230, vr: 'SQ', value: [frame(5), frame(2)] },
      ],
    })));
    expect(h.numberOfFrames).toBe(2);
    expect(h.frames?.map((f) => f.imagePositionPatient)).toEqual([[0, 0, 5], [0, 0, 2]]);
    expect(h.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    expect(h.pixelSpacing).toEqual([0.9, 0.9]);
  });
});

describe('readDicomHeader: non-image objects', () => {
  it('reports an SR without pixel data as non-image', async () => {
    const sr = writeDicom(imageElements({ rows: 0, columns: 0, pixels: null, sopClassUid: BASIC_TEXT_SR, modality: 'SR' })
      .filter((e) => (e.tag >>> 16) !== 0x0028));
    const h = await readDicomHeader(memoryFile('report', sr));
    expect(h).toMatchObject({ kind: 'non-image', path: 'report', objectType: 'SR', sopClassUid: BASIC_TEXT_SR });
  });

  it('reports SEG, RTSTRUCT, presentation states, KOS and DICOMDIR by SOP class', async () => {
    const cases: Array<[string, string]> = [
      ['1.2.840.10008.5.1.4.1.1.66.4', 'SEG'],
      ['1.2.840.10008.5.1.4.1.1.481.3', 'RTSTRUCT'],
      ['1.2.840.10008.5.1.4.1.1.11.1', 'Presentation State'],
      ['1.2.840.10008.5.1.4.1.1.88.59', 'KOS'],
    ];
    for (const [sopClassUid, objectType] of cases) {
      const h = await readDicomHeader(memoryFile('obj', writeImage({ ...spec, sopClassUid })));
      expect(h).toMatchObject({ kind: 'non-image', objectType });
    }
    const dir = writeDicom([{ tag: 0x00041130, vr: 'CS', value: 'SLICESAM' }, { tag: 0x00041220, vr: 'SQ', value: [] }],
      { mediaStorageSopClassUid: '1.2.840.10008.1.3.10' });
    expect(await readDicomHeader(memoryFile('DICOMDIR', dir))).toMatchObject({ kind: 'non-image', objectType: 'DICOMDIR' });
  });

  it('reports pixel data without Rows/Columns as non-image', async () => {
    const els = imageElements(spec).filter((e) => e.tag !== 0x00280010);
    expect(await readDicomHeader(memoryFile('odd', writeDicom(els)))).toMatchObject({ kind: 'non-image' });
  });
});

describe('readDicomHeader: bad input', () => {
  it('zero bytes → empty', async () => {
    await expectError(memoryFile('zero.dcm', new Uint8Array(0)), 'empty');
  });

  it('random bytes and wrong magic → not-recognised', async () => {
    let s = 12345;
    const random = new Uint8Array(4000).map(() => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
    random[0] = 0x5c; // not group 0002/0008
    await expectError(memoryFile('random.bin', random), 'not-recognised');
    const wrong = writeImage(spec);
    wrong.set([0x44, 0x49, 0x43, 0x58], 128); // "DICX"
    await expectError(memoryFile('wrong-magic.dcm', wrong), 'not-recognised');
    await expectError(memoryFile('tiny', new Uint8Array([1, 2, 3])), 'not-recognised');
    const nifti = new Uint8Array(400);
    new DataView(nifti.buffer).setInt32(0, 348, true);
    await expectError(memoryFile('x.nii', nifti), 'not-recognised');
  });

  it('a file cut inside the header → truncated', async () => {
    const whole = writeImage(spec);
    for (const cut of [140, 200, 300, 400]) {
      await expectError(memoryFile(`cut-${cut}.dcm`, whole.slice(0, cut)), 'truncated');
    }
  });

  it('a file cut inside the pixel data → truncated', async () => {
    const whole = writeImage(spec);
    await expectError(memoryFile('cut-pixels.dcm', whole.slice(0, whole.length - 10)), 'truncated');
  });

  it('an element length that runs past the end of the file → truncated', async () => {
    for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
      const lying = writeImage({ ...spec, extra: [{ tag: 0x0008103e, vr: 'LO', value: 'T1 axial', length: 30_000 }] }, { transferSyntax });
      const reason = await expectError(memoryFile(`lying-${transferSyntax}.dcm`, lying), 'truncated');
      expect(reason).toMatch(/past the end|end/);
    }
  });

  it('a pixel data length beyond the file end → truncated', async () => {
    await expectError(memoryFile('px.dcm', writeImage({ ...spec, pixelDataLength: 1000 })), 'truncated');
  });

  it('a 4 GB element length → too-large, at once', async () => {
    for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
      await expectError(memoryFile('huge-px.dcm', writeImage({ ...spec, pixelDataLength: 0xfffffff0 }, { transferSyntax })), 'too-large');
      const hugeText = writeImage({ ...spec, extra: [{ tag: 0x00081030, vr: 'UT', value: 'study', length: 0xfffffff0 }] }, { transferSyntax });
      await expectError(memoryFile('huge-el.dcm', hugeText), 'too-large');
    }
  });

  it('an image size we cannot hold → too-large, without allocating', async () => {
    const file = memoryFile('giant.dcm', writeImage({ ...spec, rows: 65535, columns: 65535, numberOfFrames: 4, pixels: new Int16Array(4) }));
    await expectError(file, 'too-large');
  });

  it('a DICM file whose meta group is garbage → bad-header or truncated, not a hang', async () => {
    const bytes = writeImage(spec);
    bytes.fill(0xff, 132, 200);
    const t0 = performance.now();
    await expect(readDicomHeader(memoryFile('garbage.dcm', bytes))).rejects.toSatisfy(
      (e: unknown) => isVolumeError(e) && e.file === 'garbage.dcm' && ['bad-header', 'truncated', 'too-large'].includes(e.code));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('readDicomHeader: corrupted files never hang or throw anything but VolumeError', () => {
  it('survives 300 random truncations and byte corruptions', async () => {
    const base = writeImage({ ...spec, extra: [
      { tag: 0x52009229, vr: 'SQ', value: [[{ tag: 0x00289110, vr: 'SQ', value: [[{ tag: 0x00280030, vr: 'DS', value: [0.9, 0.9] }]] }]] },
    ] });
    let s = 99;
    const rnd = (n: number): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 8) % n;
    const t0 = performance.now();
    for (let trial = 0; trial < 300; trial++) {
      let bytes = base.slice();
      if (trial % 3 === 0) bytes = bytes.slice(0, rnd(bytes.length));
      else for (let c = 0; c < 1 + rnd(4); c++) bytes[132 + rnd(bytes.length - 132)] = rnd(256);
      try {
        await readDicomHeader(memoryFile(`fuzz-${trial}`, bytes));
      } catch (e) {
        if (!isVolumeError(e)) throw new Error(`trial ${trial}: ${String(e)}`);
        expect(e.file).toBe(`fuzz-${trial}`);
      }
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
