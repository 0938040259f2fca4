/** Test helper: files → headers → series → volumes, as the app does. */
import type { SourceFile } from '../../../shared/source-file.ts';
import type { Volume } from '../../../shared/volume.ts';
import { groupIntoSeries } from '../group-series.ts';
import { readDicomHeader } from '../read-header.ts';
import { readDicomSeries } from '../read-series.ts';
import type { DicomHeader, DicomNonImage, DicomSeries } from '../types.ts';

export async function scan(files: readonly SourceFile[]): Promise<{ series: DicomSeries[]; skipped: DicomNonImage[] }> {
  const headers: DicomHeader[] = [];
  const skipped: DicomNonImage[] = [];
  for (const f of files) {
    const h = await readDicomHeader(f);
    if (h.kind === 'image') headers.push(h);
    else skipped.push(h);
  }
  return { series: groupIntoSeries(headers), skipped };
}

/** The one volume in `files` (throws if there is not exactly one series). */
export async function loadOne(files: readonly SourceFile[]): Promise<Volume> {
  const { series } = await scan(files);
  if (series.length !== 1) throw new Error(`expected one series, found ${series.length}`);
  return readDicomSeries(series[0]!, new Map(files.map((f) => [f.path, f])));
}
