/**
 * groupIntoSeries: slices → volumes. Group by SeriesInstanceUID, then split a
 * UID whose slices do not share one grid (orientation, rows/columns, pixel
 * spacing, enhanced StackID), so a folder with several series gives several
 * volumes. An enhanced multi-frame file whose frames form several stacks
 * (different StackID (0020,9056), plane orientation or pixel spacing) is
 * first split into one header per stack, each listing only its frames: its
 * stacks then split like the grids of one series.
 */
import type { DicomFrameInfo, DicomHeader, DicomSeries } from './types.ts';

const ORIENTATION_TOLERANCE = 1e-4;
const SPACING_TOLERANCE = 1e-4;

function close(a: readonly number[] | undefined, b: readonly number[] | undefined, tol: number): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

function stackIdOf(h: DicomHeader): string | undefined {
  return h.frames?.[0]?.stackId;
}

function sameGrid(a: DicomHeader, b: DicomHeader): boolean {
  return a.rows === b.rows && a.columns === b.columns
    && close(a.imageOrientationPatient, b.imageOrientationPatient, ORIENTATION_TOLERANCE)
    && close(a.pixelSpacing ?? a.imagerPixelSpacing, b.pixelSpacing ?? b.imagerPixelSpacing, SPACING_TOLERANCE)
    && stackIdOf(a) === stackIdOf(b);
}

function sameStack(a: DicomFrameInfo, b: DicomFrameInfo, h: DicomHeader): boolean {
  return a.stackId === b.stackId
    && close(a.imageOrientationPatient ?? h.imageOrientationPatient, b.imageOrientationPatient ?? h.imageOrientationPatient, ORIENTATION_TOLERANCE)
    && close(a.pixelSpacing ?? h.pixelSpacing, b.pixelSpacing ?? h.pixelSpacing, SPACING_TOLERANCE);
}

/**
 * The stacks of an enhanced multi-frame header: the header itself when its
 * frames form one stack, else one header per stack (by StackID, else in the
 * order their first frames come), each with only its frames and that stack's
 * geometry and first rescale.
 */
export function splitStacks(h: DicomHeader): DicomHeader[] {
  const frames = h.frames;
  if (!frames || frames.length < 2) return [h];
  const stacks: DicomFrameInfo[][] = [];
  for (const f of frames) {
    const stack = stacks.find((s) => sameStack(s[0]!, f, h));
    if (stack) stack.push(f);
    else stacks.push([f]);
  }
  if (stacks.length === 1) return [h];
  // By StackID when every stack has one (numbers as numbers), else in the order their first frames come.
  if (stacks.every((s) => s[0]!.stackId !== undefined)) {
    stacks.sort((x, y) => x[0]!.stackId!.localeCompare(y[0]!.stackId!, 'en', { numeric: true }));
  }
  return stacks.map((stackFrames, i) => {
    const f = stackFrames[0]!;
    const part: DicomHeader = {
      ...h,
      frames: stackFrames,
      stack: f.stackId !== undefined ? `stack ${f.stackId}` : `stack ${i + 1}`,
    };
    const ipp = f.imagePositionPatient, iop = f.imageOrientationPatient ?? h.imageOrientationPatient;
    const spacing = f.pixelSpacing ?? h.pixelSpacing, thickness = f.sliceThickness ?? h.sliceThickness;
    const set = <K extends keyof DicomHeader>(k: K, v: DicomHeader[K] | undefined): void => {
      if (v === undefined) delete part[k];
      else part[k] = v;
    };
    set('imagePositionPatient', ipp);
    set('imageOrientationPatient', iop);
    set('pixelSpacing', spacing);
    set('sliceThickness', thickness);
    set('rescaleSlope', f.rescaleSlope ?? h.rescaleSlope);
    set('rescaleIntercept', f.rescaleIntercept ?? h.rescaleIntercept);
    return part;
  });
}

/** Slices a header contributes: its frames (of its stack), or 1. */
function sliceCountOf(h: DicomHeader): number {
  return h.numberOfFrames > 1 ? h.frames?.length ?? h.numberOfFrames : 1;
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
  for (const h of [...headers].sort(byPath).flatMap(splitStacks)) {
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
        ? `${baseDescription(first)} (part ${index + 1} of ${grids.length}: ${first.stack ? `${first.stack}, ` : ''}${first.columns}×${first.rows})`
        : baseDescription(first);
      const series: DicomSeries = {
        id: split ? `${key}#${index + 1}` : key,
        seriesInstanceUid: first.seriesInstanceUid,
        description,
        rows: first.rows,
        columns: first.columns,
        sliceCount: group.reduce((s, h) => s + sliceCountOf(h), 0),
        headers: group,
      };
      if (first.studyInstanceUid) series.studyInstanceUid = first.studyInstanceUid;
      if (first.modality) series.modality = first.modality;
      if (first.seriesNumber !== undefined) series.seriesNumber = first.seriesNumber;
      if (first.seriesDescription) series.seriesDescription = first.seriesDescription;
      if (first.patientId) series.patientId = first.patientId;
      if (first.studyDate) series.studyDate = first.studyDate;
      out.push(series);
    });
  }
  out.sort((a, b) =>
    (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity)
    || (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : a.seriesInstanceUid > b.seriesInstanceUid ? 1 : 0)
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
