// N4 recovery on the shared MPRAGE (../shared/data/dicom/vs-seg-001-t1-mprage), read
// with the project's own DICOM reader and averaged 2×2 in-plane (256×256×120: the
// anatomy and its bias unchanged, a quarter of the voxels, so the file fits CI's time).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskFiles } from '../../io/node/files.ts';
import { loadVolume, scanFiles } from '../../io/scan.ts';
import { halveInPlane } from './testing/downsample.ts';
import { recoverySuite } from './testing/recovery-suite.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MPRAGE = resolve(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');

recoverySuite('the shared MPRAGE', async () => {
  const files = await diskFiles(MPRAGE);
  const report = await scanFiles(files);
  if (report.volumes.length !== 1) throw new Error(`expected one series in ${MPRAGE}, found ${report.volumes.length}`);
  return halveInPlane(await loadVolume(report.volumes[0]!, new Map(files.map((f) => [f.path, f]))));
}, 0.9);
