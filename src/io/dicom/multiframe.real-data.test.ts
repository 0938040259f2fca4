// Real classic multi-frame files: pydicom's RT Dose grids (15 frames placed
// by GridFrameOffsetVector through FrameIncrementPointer), implicit VR,
// explicit big endian and RLE. Voxels against pydicom's pixel_array, frame
// positions against ImagePositionPatient + GridFrameOffsetVector along the
// slice normal as pydicom reads them. (dcm2niix v1.0.20220720 ignores
// GridFrameOffsetVector: it stacks these frames 1 mm apart, "Unable to
// determine slice thickness", so it is no oracle here.) Skipped, saying so,
// without Debian's python3-pydicom.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../shared/source-file.ts';
import { voxelToWorld } from '../geometry.ts';
import { loadOne } from './testing/load.ts';

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const PYTHON = '/usr/bin/python3';
const NAMES = ['rtdose.dcm', 'rtdose_expb.dcm', 'rtdose_rle.dcm'];
const absent = existsSync(PYTHON) ? NAMES.filter((n) => !existsSync(join(PYDICOM, n))) : [PYTHON];
if (absent.length) console.warn(`SKIPPED the RT Dose multi-frame files: missing ${absent.join(', ')} (apt-get install -y python3-pydicom)`);

interface Reference { values: number[]; ipp: number[]; iop: number[]; offsets: number[]; spacing: number[]; pointer: string }

function pydicomReference(path: string): Reference {
  const script = [
    'import json, sys, pydicom',
    'ds = pydicom.dcmread(sys.argv[1])',
    'print(json.dumps({"values": ds.pixel_array.ravel().tolist(), "ipp": [float(x) for x in ds.ImagePositionPatient],',
    '  "iop": [float(x) for x in ds.ImageOrientationPatient], "offsets": [float(x) for x in ds.GridFrameOffsetVector],',
    '  "spacing": [float(x) for x in ds.PixelSpacing], "pointer": str(ds.FrameIncrementPointer)}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Reference;
}

describe.skipIf(absent.length > 0)('RT Dose classic multi-frame (pydicom test files)', () => {
  it.each(NAMES)('%s: 15 frames at ImagePositionPatient + GridFrameOffsetVector, voxels as pydicom reads them', async (name) => {
    const ref = pydicomReference(join(PYDICOM, name));
    expect(ref.pointer).toBe('(3004, 000c)');
    const v = await loadOne([memoryFile(name, new Uint8Array(readFileSync(join(PYDICOM, name))))]);
    expect(v.dims).toEqual([10, 10, 15]);
    expect(Array.from(v.data)).toEqual(ref.values);
    // No warning: the file says where its frames are.
    expect(v.meta.warnings).toEqual([]);
    const [r, c] = [ref.iop.slice(0, 3), ref.iop.slice(3)];
    const n = [r[1]! * c[2]! - r[2]! * c[1]!, r[2]! * c[0]! - r[0]! * c[2]!, r[0]! * c[1]! - r[1]! * c[0]!];
    ref.offsets.forEach((d, k) => {
      for (const [i, j] of [[0, 0], [9, 0], [0, 9], [9, 9]] as const) {
        const lps = [0, 1, 2].map((a) => ref.ipp[a]! + r[a]! * ref.spacing[1]! * i + c[a]! * ref.spacing[0]! * j + n[a]! * d);
        const got = voxelToWorld(v.affine, i, j, k);
        [-lps[0]!, -lps[1]!, lps[2]!].forEach((w, a) => expect(got[a], `frame ${k} voxel ${i},${j} axis ${a}`).toBeCloseTo(w, 4));
      }
    });
  });
});
