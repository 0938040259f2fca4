/**
 * The SliceSAM command line: batch inspection and conversion over src/io, the
 * code the app runs in its workers, so that I/O can be checked against
 * independent tools (dcm2niix, nibabel) and used in scripts.
 */
import { writeFile, rename } from 'node:fs/promises';
import { isVolumeError } from '../../src/shared/errors.ts';
import type { Volume } from '../../src/shared/volume.ts';
import { gzip } from '../../src/io/gzip.ts';
import { inFileOrder } from '../../src/io/file-order.ts';
import { encodeNifti } from '../../src/io/nifti/write.ts';
import { diskFiles } from '../../src/io/node/files.ts';
import { loadVolume, scanFiles, type VolumeSource } from '../../src/io/scan.ts';

const USAGE = `usage:
  slicesam inspect PATH                 every volume under PATH (file or folder) as JSON
  slicesam convert PATH OUT.nii[.gz] [--series UID | --index N]
                                        write one volume as NIfTI
  slicesam verify-model MODEL_DIR TRACE_DIR [--threads N] [--ablate memory]
                                        the engine's tracker vs a PyTorch golden trace
                                        (tools/export/export_sam2.py --trace)`;

function describe(index: number, source: VolumeSource, volume: Volume | null, error: unknown) {
  return {
    index,
    id: source.id,
    kind: source.kind,
    name: source.name,
    files: source.paths.length,
    ...(source.modality ? { modality: source.modality } : {}),
    ...(source.transferSyntax ? { transferSyntax: source.transferSyntax } : {}),
    dims: volume?.dims ?? source.dims,
    ...(volume ? {
      datatype: volume.datatype,
      spacing: volume.spacing,
      affine: [volume.affine.slice(0, 4), volume.affine.slice(4, 8), volume.affine.slice(8, 12), volume.affine.slice(12, 16)],
      warnings: volume.meta.warnings,
    } : {}),
    ...(error ? { error: isVolumeError(error) ? { code: error.code, file: error.file, reason: error.reason } : String(error) } : {}),
  };
}

async function scan(path: string) {
  const files = await diskFiles(path);
  const byPath = new Map(files.map((f) => [f.path, f]));
  return { report: await scanFiles(files), byPath };
}

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'verify-model') {
      const { verifyModel } = await import('./verify-model.ts');
      return await verifyModel(rest);
    }
    if (command === 'inspect' && rest.length === 1) {
      const { report, byPath } = await scan(rest[0]!);
      const volumes = [];
      for (const [index, source] of report.volumes.entries()) {
        try {
          volumes.push(describe(index, source, await loadVolume(source, byPath), null));
        } catch (e) {
          volumes.push(describe(index, source, null, e));
        }
      }
      process.stdout.write(`${JSON.stringify({ volumes, skipped: report.skipped }, null, 2)}\n`);
      return 0;
    }
    if (command === 'convert' && rest.length >= 2) {
      const [input, output, ...options] = rest as [string, string, ...string[]];
      const { report, byPath } = await scan(input);
      const source = pick(report.volumes, options);
      const volume = await loadVolume(source, byPath);
      // DICOM in dcm2niix's voxel order, as the app's label files (src/io/file-order.ts).
      const written = inFileOrder(volume);
      const raw = encodeNifti(written, { description: 'SliceSAM' });
      const bytes = output.endsWith('.gz') ? await gzip(raw) : raw;
      // Write beside the target, then rename: never a half-written file under the real name.
      const partial = `${output}.partial`;
      await writeFile(partial, bytes);
      await rename(partial, output);
      for (const w of volume.meta.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stderr.write(`wrote ${output}: ${written.dims.join('×')} ${volume.datatype} from ${source.name}\n`);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function pick(volumes: VolumeSource[], options: string[]): VolumeSource {
  const seriesAt = options.indexOf('--series');
  const indexAt = options.indexOf('--index');
  if (seriesAt >= 0) {
    const uid = options[seriesAt + 1];
    const found = volumes.filter((v) => v.id === uid || v.series?.seriesInstanceUid === uid);
    if (found.length === 1) return found[0]!;
    throw new Error(found.length ? `series ${uid} has ${found.length} parts; pick one with --index` : `no series ${uid} (see slicesam inspect)`);
  }
  if (indexAt >= 0) {
    const n = Number(options[indexAt + 1]);
    const found = volumes[n];
    if (!Number.isInteger(n) || !found) throw new Error(`--index must be 0 to ${volumes.length - 1}`);
    return found;
  }
  if (volumes.length === 1) return volumes[0]!;
  if (volumes.length === 0) throw new Error('no volume found');
  throw new Error(`${volumes.length} volumes found; pick one with --series UID or --index N:\n${volumes.map((v, n) => `  ${n}: ${v.id}  ${v.name}`).join('\n')}`);
}
