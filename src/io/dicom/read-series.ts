/**
 * readDicomSeries: the voxels of one series as a Volume. Slices are ordered by
 * position along the slice normal; the output array is allocated once and
 * each file is read once, its frames copied straight into place (or, from
 * files that can read into memory we own, as Node's can, read straight into
 * place with no copy at all). Where
 * slices are missing from an evenly spaced series, blank (0) slices fill
 * their slots so that every slice read keeps its ImagePositionPatient.
 *
 * The parts, each in its own module: whether a header can join the series
 * (series-checks.ts), the slices each header holds (header-slices.ts), the
 * voxels and how each slice is scaled into them (series-voxels.ts), a file
 * read whole (file-frames.ts) or straight into its slot (read-in-place.ts).
 * Here: the order of slices, the reads (a few files ahead), and the Volume.
 */
import { VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import type { Dcm2niixLayout, Volume } from '../../shared/volume.ts';
import { affineSpacing, lpsToRas } from '../geometry.ts';
import { copyFileFrames } from './file-frames.ts';
import { framePositionWarnings, slicesOf, type PlacedSlice, type Slice } from './header-slices.ts';
import { inPlaceLayout, readsInPlace } from './read-in-place.ts';
import { validate } from './series-checks.ts';
import { Refit, SeriesVoxels } from './series-voxels.ts';
import { planSlices } from './slice-geometry.ts';
import type { DicomHeader, DicomSeries, ReadsInto } from './types.ts';
import { DICOM_WARNING, hasWarning, warning } from './warnings.ts';

/** Where readDicomSeries gets a header's file: a map by path, or a function. */
export type DicomFileLookup =
  | ReadonlyMap<string, SourceFile>
  | ((path: string) => SourceFile | Promise<SourceFile>);

/** Files read ahead of the one being copied. */
const READ_AHEAD = 4;
/** Files read ahead when they are read straight into the volume (no buffer per file). */
const READ_AHEAD_IN_PLACE = 8;

async function open(lookup: DicomFileLookup, path: string): Promise<SourceFile> {
  const file = typeof lookup === 'function' ? await lookup(path) : lookup.get(path);
  if (!file) throw new VolumeError('inconsistent-series', path, 'this slice of the series was not among the files given');
  return file;
}

export async function readDicomSeries(series: DicomSeries, files: DicomFileLookup): Promise<Volume> {
  try {
    return await readSeries(series, files, true);
  } catch (e) {
    // The one-pass 16-bit scaling found values that fit neither int16 nor uint16: read again, widening.
    if (e instanceof Refit) return readSeries(series, files, false);
    throw e;
  }
}

/** Which of dcm2niix's voxel orders its conversion of this series takes (../file-order.ts). */
function dcm2niixLayout(leader: DicomHeader, slots: number, planWarnings: readonly string[]): Dcm2niixLayout {
  // Repeated positions make dcm2niix's image 4D, which it never reorients.
  const repeats = hasWarning(planWarnings, DICOM_WARNING.duplicatePositions);
  if (!/^3D/i.test(leader.mrAcquisitionType ?? '') || leader.echoPlanar || slots < 2 || repeats) return 'flip-rows';
  const even = !hasWarning(planWarnings, DICOM_WARNING.missingSlices) && !hasWarning(planWarnings, DICOM_WARNING.nonUniformSpacing);
  return even ? 'closest-ras' : 'as-stored';
}

async function readSeries(series: DicomSeries, files: DicomFileLookup, allowFused: boolean): Promise<Volume> {
  const headers = series.headers;
  const first = headers[0];
  if (!first) throw new VolumeError('inconsistent-series', series.id, 'the series has no slices');
  for (const h of headers) validate(h, first);
  const slices = headers.flatMap(slicesOf);

  const plan = planSlices(slices, {
    ...(first.imageOrientationPatient ? { orientation: first.imageOrientationPatient } : {}),
    ...(first.pixelSpacing ? { pixelSpacing: first.pixelSpacing } : {}),
    ...(first.imagerPixelSpacing ? { imagerPixelSpacing: first.imagerPixelSpacing } : {}),
    ...(first.sliceThickness !== undefined ? { sliceThickness: first.sliceThickness } : {}),
    ...(first.spacingBetweenSlices !== undefined ? { spacingBetweenSlices: first.spacingBetweenSlices } : {}),
  });
  // One entry per k slot; null where a slice is missing (left blank: 0).
  const ordered = plan.slots.map((i) => (i === null ? null : slices[i]!));
  const present = ordered.filter((s): s is Slice => s !== null);
  const leader = present[0]!.header;

  const n = ordered.length;
  const voxels = new SeriesVoxels(first, present, n, allowFused, series.description);

  // Each file once, its frames copied to their k positions.
  const perFile = new Map<string, PlacedSlice[]>();
  ordered.forEach((slice, k) => {
    if (!slice) return;
    let list = perFile.get(slice.path);
    if (!list) perFile.set(slice.path, (list = []));
    list.push({ k, slice });
  });
  const entries = [...perFile];
  // A file that can be read into memory we own, with one little-endian frame
  // at an offset the scan found, is read in one scatter read: its header into
  // a small buffer, its pixels straight into their slot of the volume. Its
  // header is parsed again and must put the pixels at that same offset; if
  // anything differs, the file is read whole as any other.
  const inPlace = (at: number, file: SourceFile): (SourceFile & ReadsInto) | undefined =>
    (voxels.scaledToFloat ? undefined : readsInPlace(entries[at]![1], file));
  type Fetched = { bytes: Uint8Array } | { file: SourceFile; head: Uint8Array; got: number };
  // Read a few files ahead so disk reads overlap parsing and copying.
  const pending = new Map<number, Promise<Fetched>>();
  let ahead = READ_AHEAD;
  const prefetch = (at: number): void => {
    if (at >= entries.length || pending.has(at)) return;
    const read = open(files, entries[at]![0]).then(async (f): Promise<Fetched> => {
      const direct = inPlace(at, f);
      if (!direct) return { bytes: await f.read() };
      ahead = READ_AHEAD_IN_PLACE;
      const head = new Uint8Array(entries[at]![1][0]!.slice.header.pixelDataOffset!);
      const got = await direct.readInto([head, voxels.slot(entries[at]![1][0]!.k)], 0);
      return { file: f, head, got };
    });
    read.catch(() => undefined); // surfaced when awaited in order; never unhandled
    pending.set(at, read);
  };
  for (let at = 0; at < entries.length; at++) {
    for (let next = at; next < at + ahead; next++) prefetch(next);
    const [path, wanted] = entries[at]!;
    const fetched = await pending.get(at)!;
    pending.delete(at);
    if ('head' in fetched) {
      const { k, slice } = wanted[0]!;
      const layoutInfo = fetched.got >= fetched.head.length + voxels.frameBytes ? await inPlaceLayout(fetched.head, slice.header) : undefined;
      if (layoutInfo) {
        voxels.finishInPlace(k, slice, layoutInfo);
        continue;
      }
      // Not as the scan saw it: read it whole, as any file.
    }
    const bytes = 'bytes' in fetched ? fetched.bytes : await fetched.file.read();
    await copyFileFrames(path, bytes, wanted, voxels);
  }

  const { data, datatype } = voxels.finish();
  const affine = lpsToRas(plan.affineLps);
  const warnings = [...plan.warnings, ...framePositionWarnings(headers)];
  if (/^MONOCHROME1$/i.test(leader.photometricInterpretation ?? '')) {
    warnings.push(warning(DICOM_WARNING.monochrome1, 'MONOCHROME1: higher values are meant to be shown darker (the voxels are kept as stored)'));
  }
  // In slice order; a multi-frame file is listed once.
  const sourcePaths = [...new Set(present.map((s) => s.path))];
  const volume: Volume = {
    data,
    datatype,
    dims: [first.columns, first.rows, n],
    spacing: affineSpacing(affine),
    affine,
    meta: {
      format: 'dicom',
      sourcePaths,
      seriesInstanceUid: series.seriesInstanceUid,
      warnings,
    },
  };
  volume.meta.dcm2niixLayout = dcm2niixLayout(leader, n, plan.warnings);
  const modality = leader.modality ?? series.modality;
  if (modality) volume.meta.modality = modality;
  const description = leader.seriesDescription;
  if (description) volume.meta.seriesDescription = description;
  if (leader.windowCenter !== undefined) volume.meta.windowCenter = leader.windowCenter;
  if (leader.windowWidth !== undefined) volume.meta.windowWidth = leader.windowWidth;
  return volume;
}

