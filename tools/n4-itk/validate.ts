/**
 * `npm run validate:n4`: SliceSAM's N4 against ITK's own (itk::N4BiasFieldCorrectionImageFilter,
 * tools/n4-itk/n4.cxx) on Colin27 and the shared MPRAGE, with the same parameters.
 * Prints the voxelwise correlation of the corrected images (target ≥ 0.98) and of the
 * log fields, the iterations each level ran, and both run times. Exits 1 below target.
 * Needs: apt-get install -y libinsighttoolkit5-dev cmake g++ (not part of `npm test`).
 *
 *   npm run validate:n4 [-- --preset fast] [--shrink 4]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as cli } from '../cli/main.ts';
import { cli as args, loadAverage, log, ROOT, runMain } from '../bench/shared/cli.ts';
import { diskFile } from '../../src/io/node/files.ts';
import { readNifti } from '../../src/io/nifti/read.ts';
import { encodeNifti } from '../../src/io/nifti/write.ts';
import { correctBiasField, resolveN4Options, type N4Preset } from '../../src/preprocess/n4/index.ts';
import { correlation, headMask } from '../../src/preprocess/n4/testing/metrics.ts';
import { buildItkN4, runItkN4 } from './itk.ts';

const TARGET = 0.98;
const OUT = join(ROOT, 'tmp/n4-validate');

async function mprageNifti(): Promise<string> {
  const path = join(OUT, 'mprage.nii');
  const rc = await cli(['convert', join(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage'), path]);
  if (rc !== 0) throw new Error('slicesam convert of the shared MPRAGE failed');
  return path;
}

async function compare(name: string, path: string, binary: string, preset: N4Preset, shrinkFactor: number | undefined): Promise<boolean> {
  const volume = await readNifti(await diskFile(path));
  const options = resolveN4Options(shrinkFactor ? { shrinkFactor } : {}, preset);
  const t0 = performance.now();
  const ours = await correctBiasField({ data: volume.data, dims: volume.dims }, options);
  const ourSeconds = (performance.now() - t0) / 1000;
  writeFileSync(join(OUT, `${name}-ours.nii`), encodeNifti({ ...volume, data: ours.corrected, datatype: 'float32' }));

  const corrected = join(OUT, `${name}-itk.nii`);
  const logField = join(OUT, `${name}-itk-logfield.nii`);
  const itk = runItkN4(binary, path, corrected, logField, options);
  const theirs = (await readNifti(await diskFile(corrected))).data;
  const theirField = (await readNifti(await diskFile(logField))).data;

  const all = new Uint8Array(volume.data.length).fill(1);
  const head = headMask(volume.data);
  const ourLog = ours.field!.map(Math.log);
  const rAll = correlation(ours.corrected, theirs, all);
  const rHead = correlation(ours.corrected, theirs, head);
  const rField = correlation(ourLog, theirField, head);
  log(`${name} ${volume.dims.join('×')} (${options.iterations.join('×')} iterations max, shrink ${options.shrinkFactor})`);
  log(`  r(corrected, ITK corrected): all voxels ${rAll.toFixed(4)}, head ${rHead.toFixed(4)}   r(log field, ITK log field) head ${rField.toFixed(4)}`);
  log(`  iterations per level: ours ${ours.levels.map((l) => l.iterations).join(',')}  ITK ${itk.iterations.join(',')}`);
  log(`  Otsu threshold: ours ${ours.otsuThreshold?.toFixed(3)}  ITK ${itk.otsuThreshold.toFixed(3)}`);
  log(`  time: ours ${ourSeconds.toFixed(2)} s (1 thread, in process)  ITK ${itk.seconds.toFixed(2)} s (${itk.threads} threads; fit ${itk.fitSeconds.toFixed(2)} s)`);
  const ok = rAll >= TARGET && rHead >= TARGET;
  log(`  ${ok ? 'OK' : 'BELOW TARGET'} (target r ≥ ${TARGET})`);
  return ok;
}

runMain(async () => {
  const a = args();
  const preset = (a.opt('--preset') ?? 'default') as N4Preset;
  const shrink = a.opt('--shrink') ? a.num('--shrink', 4) : undefined;
  mkdirSync(OUT, { recursive: true });
  const fetch = spawnSync('bash', [join(ROOT, 'tools/fetch-test-data.sh')], { cwd: ROOT, encoding: 'utf8' });
  if (fetch.status !== 0) throw new Error(`tools/fetch-test-data.sh failed:\n${fetch.stderr}`);
  const binary = buildItkN4();
  log(`N4 vs ITK ${binary}; load average ${loadAverage()}`);
  const results = [
    await compare('colin27', join(ROOT, '.test-data/mricron/ch2.nii.gz'), binary, preset, shrink),
    await compare('mprage', await mprageNifti(), binary, preset, shrink),
  ];
  log(`load average ${loadAverage()}`);
  if (!results.every(Boolean)) process.exitCode = 1;
});
