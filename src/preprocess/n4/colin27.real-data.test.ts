// N4 recovery on Colin27 (ch2.nii.gz from Debian mricron-data, fetched into .test-data/
// by tools/fetch-test-data.sh; a failed fetch FAILS this test, it never skips).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskFile } from '../../io/node/files.ts';
import { readNifti } from '../../io/nifti/read.ts';
import { recoverySuite } from './testing/recovery-suite.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

recoverySuite('Colin27', async () => {
  const run = spawnSync('bash', [join(ROOT, 'tools/fetch-test-data.sh')], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tools/fetch-test-data.sh failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return readNifti(await diskFile(join(ROOT, '.test-data/mricron/ch2.nii.gz')));
}, 0.9);
