/**
 * scanDicomFiles: headers of many files → series, skipped non-image objects,
 * files that are not DICOM, and files that failed. A convenience over
 * readDicomHeader + groupIntoSeries for the cohort scan.
 */
import { isVolumeError, VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import { groupIntoSeries } from './group-series.ts';
import { readDicomHeader } from './read-header.ts';
import type { DicomHeader, DicomNonImage, DicomSeries } from './types.ts';

export interface DicomScan {
  series: DicomSeries[];
  /** DICOM objects without an image volume (SR, RTSTRUCT, SEG, DICOMDIR…). */
  skipped: DicomNonImage[];
  /** Paths of files that are not DICOM by content. */
  notDicom: string[];
  /** DICOM files that could not be read (truncated, too large, bad header…). */
  failed: VolumeError[];
}

export async function scanDicomFiles(
  files: readonly SourceFile[],
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<DicomScan> {
  const headers: DicomHeader[] = [];
  const skipped: DicomNonImage[] = [];
  const notDicom: string[] = [];
  const failed: VolumeError[] = [];
  let next = 0, done = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      try {
        const h = await readDicomHeader(file);
        if (h.kind === 'image') headers.push(h);
        else skipped.push(h);
      } catch (e) {
        if (isVolumeError(e) && (e.code === 'not-recognised' || e.code === 'empty')) notDicom.push(file.path);
        else if (isVolumeError(e)) failed.push(e);
        else failed.push(new VolumeError('bad-header', file.path, e instanceof Error ? e.message : String(e)));
      }
      options.onProgress?.(++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, files.length)) }, worker));
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  skipped.sort(byPath);
  notDicom.sort();
  failed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { series: groupIntoSeries(headers), skipped, notDicom, failed };
}
