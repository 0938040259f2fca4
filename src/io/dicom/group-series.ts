/**
 * groupIntoSeries: slices → volumes. Group by SeriesInstanceUID, then split a
 * UID whose slices do not share one grid (orientation, rows/columns, pixel
 * spacing), so a folder with several series gives several volumes.
 */
import type { DicomHeader, DicomSeries } from './types.ts';

const ORIENTATION_TOLERANCE = 1e-4;
const SPACING_TOLERANCE = 1e-4;

function close(a: readonly number[] | undefined, b: readonly number[] | undefined, tol: number): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

function sameGrid(a: DicomHeader, b: DicomHeader): boolean {
  return a.rows === b.rows && a.columns === b.columns
    && close(a.imageOrientationPatient, b.imageOrientationPatient, ORIENTATION_TOLERANCE)
    && close(a.pixelSpacing ?? a.imagerPixelSpacing, b.pixelSpacing ?? b.imagerPixelSpacing, SPACING_TOLERANCE);
}

function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

function baseDescription(h: DicomHeader): string {
  if (h.seriesDescription) return h.seriesDescription;
  const parts = [h.modality ?? 'DICOM', h.seriesNumber !== undefined ? `series ${h.seriesNumber}` : 'series'];
  return parts.join(' ');
}

function byPath(a: DicomHeader, b: DicomHeader): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function groupIntoSeries(headers: readonly DicomHeader[]): DicomSeries[] {
  const byUid = new Map<string, DicomHeader[]>();
  for (const h of [...headers].sort(byPath)) {
    const key = h.seriesInstanceUid || `no-series-uid:${dirname(h.path)}`;
    let list = byUid.get(key);
    if (!list) byUid.set(key, (list = []));
    list.push(h);
  }
  const out: DicomSeries[] = [];
  for (const [key, list] of byUid) {
    const grids: DicomHeader[][] = [];
    for (const h of list) {
      const grid = grids.find((g) => sameGrid(g[0]!, h));
      if (grid) grid.push(h);
      else grids.push([h]);
    }
    grids.forEach((group, index) => {
      const first = group[0]!;
      const split = grids.length > 1;
      const description = split
        ? `${baseDescription(first)} (part ${index + 1} of ${grids.length}: ${first.columns}×${first.rows})`
        : baseDescription(first);
      const series: DicomSeries = {
        id: split ? `${key}#${index + 1}` : key,
        seriesInstanceUid: first.seriesInstanceUid,
        description,
        rows: first.rows,
        columns: first.columns,
        sliceCount: group.reduce((s, h) => s + h.numberOfFrames, 0),
        headers: group,
      };
      if (first.studyInstanceUid) series.studyInstanceUid = first.studyInstanceUid;
      if (first.modality) series.modality = first.modality;
      if (first.seriesNumber !== undefined) series.seriesNumber = first.seriesNumber;
      out.push(series);
    });
  }
  out.sort((a, b) =>
    (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity)
    || (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : a.seriesInstanceUid > b.seriesInstanceUid ? 1 : 0)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
