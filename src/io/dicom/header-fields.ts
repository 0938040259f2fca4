/**
 * Turning a parsed data set into a DicomHeader (an image) or a DicomNonImage
 * (an object without an image volume), including enhanced multi-frame
 * functional groups.
 */
import type { DataSet } from 'dicom-parser';
import { VolumeError } from '../../shared/errors.ts';
import { item, num, numbers, orientation, pair, str, ul, us, vec3 } from './attributes.ts';
import { MAX_PIXEL_BYTES } from './limits.ts';
import type { ParseOutcome } from './parse.ts';
import { DICOMDIR_SOP_CLASS, nonImageKind } from './sop-classes.ts';
import type { DicomFrameInfo, DicomHeader, DicomNonImage } from './types.ts';

const SHARED_GROUPS = 'x52009229';
const PER_FRAME_GROUPS = 'x52009230';
const PLANE_POSITION = 'x00209113';
const PLANE_ORIENTATION = 'x00209116';
const PIXEL_MEASURES = 'x00289110';
const PIXEL_VALUE_TRANSFORMATION = 'x00289145';
const FRAME_VOI_LUT = 'x00289132';
const MR_FOV_GEOMETRY = 'x00189125';

/** Look an attribute up in a functional group: per-frame item first, then shared. */
function fromGroups<T>(
  perFrame: DataSet | undefined, shared: DataSet | undefined, macro: string,
  read: (ds: DataSet) => T | undefined,
): T | undefined {
  for (const group of [perFrame, shared]) {
    const ds = item(group, macro);
    if (ds) {
      const v = read(ds);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

const FRAME_CONTENT = 'x00209111';

/**
 * The per-frame geometry and scaling of an enhanced (functional-group)
 * multi-frame object, shared groups merged in. The per-frame sequence must
 * hold one item per frame: a sequence that lies about that is an error (its
 * items cannot be matched to frames).
 */
function enhancedFrames(ds: DataSet, frameCount: number, path: string): { frames?: DicomFrameInfo[]; shared?: DataSet; first?: DataSet } {
  const shared = item(ds, SHARED_GROUPS);
  const perFrameItems = ds.elements[PER_FRAME_GROUPS]?.items;
  if (!shared && !perFrameItems) return {};
  if (perFrameItems && perFrameItems.length !== frameCount) {
    throw new VolumeError('bad-header', path,
      `PerFrameFunctionalGroupsSequence (5200,9230) holds ${perFrameItems.length} item${perFrameItems.length === 1 ? '' : 's'} `
      + `but NumberOfFrames (0028,0008) is ${frameCount}: its items cannot be matched to frames`);
  }
  const first = perFrameItems?.[0]?.dataSet;
  if (!perFrameItems || frameCount <= 1) return { ...(shared ? { shared } : {}), ...(first ? { first } : {}) };
  const frames: DicomFrameInfo[] = [];
  for (let f = 0; f < frameCount; f++) {
    const pf = perFrameItems[f]?.dataSet;
    const info: DicomFrameInfo = { index: f };
    const ipp = fromGroups(pf, shared, PLANE_POSITION, (d) => vec3(d, 'x00200032'));
    const iop = fromGroups(pf, shared, PLANE_ORIENTATION, (d) => orientation(d, 'x00200037'));
    const spacing = fromGroups(pf, shared, PIXEL_MEASURES, (d) => pair(d, 'x00280030'));
    const thickness = fromGroups(pf, shared, PIXEL_MEASURES, (d) => num(d, 'x00180050'));
    const slope = fromGroups(pf, shared, PIXEL_VALUE_TRANSFORMATION, (d) => num(d, 'x00281053'));
    const intercept = fromGroups(pf, shared, PIXEL_VALUE_TRANSFORMATION, (d) => num(d, 'x00281052'));
    const stackId = fromGroups(pf, shared, FRAME_CONTENT, (d) => str(d, 'x00209056'));
    const inStack = fromGroups(pf, shared, FRAME_CONTENT, (d) => ul(d, 'x00209057'));
    if (ipp) info.imagePositionPatient = ipp;
    if (iop) info.imageOrientationPatient = iop;
    if (spacing) info.pixelSpacing = spacing;
    if (thickness !== undefined) info.sliceThickness = thickness;
    if (slope !== undefined) info.rescaleSlope = slope;
    if (intercept !== undefined) info.rescaleIntercept = intercept;
    if (stackId !== undefined) info.stackId = stackId;
    if (inStack !== undefined) info.inStackPosition = inStack;
    frames.push(info);
  }
  return { frames, ...(shared ? { shared } : {}), ...(first ? { first } : {}) };
}

function nonImage(path: string, objectType: string, reason: string, ds: DataSet, sopClassUid?: string): DicomNonImage {
  const modality = str(ds, 'x00080060');
  const series = str(ds, 'x0020000e');
  return {
    kind: 'non-image', path, objectType, reason,
    ...(sopClassUid ? { sopClassUid } : {}),
    ...(modality ? { modality } : {}),
    ...(series ? { seriesInstanceUid: series } : {}),
  };
}

/** The header of a parsed file; throws VolumeError for sizes we cannot hold or pixel data past the end of the file. */
export function headerFromDataSet(
  parsed: Extract<ParseOutcome, { status: 'ok' }>, path: string, fileSize: number,
): DicomHeader | DicomNonImage {
  const ds = parsed.dataSet;
  const sopClassUid = str(ds, 'x00080016') ?? str(ds, 'x00020002');
  const modality = str(ds, 'x00080060');
  if (str(ds, 'x00020002') === DICOMDIR_SOP_CLASS || ds.elements.x00041220) {
    return nonImage(path, 'DICOMDIR', 'a DICOMDIR (media directory), not an image', ds, DICOMDIR_SOP_CLASS);
  }
  const kind = nonImageKind(sopClassUid, modality);
  if (kind) return nonImage(path, kind, `a ${kind} object, not an image volume`, ds, sopClassUid);
  const pixel = parsed.pixelData;
  if (!pixel) return nonImage(path, 'no pixel data', 'no PixelData (7FE0,0010) element', ds, sopClassUid);
  const rows = us(ds, 'x00280010') ?? 0;
  const columns = us(ds, 'x00280011') ?? 0;
  if (rows === 0 || columns === 0) {
    return nonImage(path, 'no image size', 'no Rows/Columns (0028,0010/0011): pixel data without an image size', ds, sopClassUid);
  }

  const numberOfFrames = Math.max(1, Math.round(num(ds, 'x00280008') ?? 1));
  const bitsAllocated = us(ds, 'x00280100') ?? 0;
  const samplesPerPixel = us(ds, 'x00280002') ?? 1;
  const frameBytes = rows * columns * Math.max(1, bitsAllocated / 8) * samplesPerPixel;
  if (frameBytes * numberOfFrames >= MAX_PIXEL_BYTES) {
    throw new VolumeError('too-large', path,
      `the image claims ${columns}×${rows}×${numberOfFrames} voxels of ${bitsAllocated} bits (${frameBytes * numberOfFrames} bytes), more than we can hold`);
  }
  let pixelDataOffset: number | undefined;
  if (pixel.length !== 0xffffffff && parsed.fileOffsetShift !== undefined) {
    pixelDataOffset = pixel.dataOffset + parsed.fileOffsetShift;
    const end = pixelDataOffset + pixel.length;
    if (end > fileSize) {
      throw new VolumeError('truncated', path,
        `pixel data claims ${pixel.length} bytes but the file ends ${end - fileSize} bytes short of that`);
    }
  }

  const { frames, shared, first } = enhancedFrames(ds, numberOfFrames, path);
  const ipp = vec3(ds, 'x00200032') ?? frames?.[0]?.imagePositionPatient;
  const iop = orientation(ds, 'x00200037') ?? frames?.[0]?.imageOrientationPatient;
  const pixelSpacing = pair(ds, 'x00280030') ?? fromGroups(first, shared, PIXEL_MEASURES, (d) => pair(d, 'x00280030'));
  const imagerPixelSpacing = pair(ds, 'x00181164');
  const sliceThickness = num(ds, 'x00180050') ?? fromGroups(first, shared, PIXEL_MEASURES, (d) => num(d, 'x00180050'));
  const spacingBetweenSlices = num(ds, 'x00180088') ?? fromGroups(first, shared, PIXEL_MEASURES, (d) => num(d, 'x00180088'));
  const slope = num(ds, 'x00281053') ?? frames?.[0]?.rescaleSlope;
  const intercept = num(ds, 'x00281052') ?? frames?.[0]?.rescaleIntercept;
  const windowCenter = num(ds, 'x00281050') ?? fromGroups(first, shared, FRAME_VOI_LUT, (d) => num(d, 'x00281050'));
  const windowWidth = num(ds, 'x00281051') ?? fromGroups(first, shared, FRAME_VOI_LUT, (d) => num(d, 'x00281051'));
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated;
  const highBit = us(ds, 'x00280102');
  const fip = ds.elements.x00280009 && ds.elements.x00280009.length >= 4 ? ds.attributeTag('x00280009') : undefined;
  const frameIncrementPointer = numberOfFrames > 1 && !frames && fip ? fip : undefined;
  const gridFrameOffsets = frameIncrementPointer === 'x3004000c' ? numbers(ds, 'x3004000c') : undefined;

  // dcm2niix's voxel order follows these (../file-order.ts); enhanced MR keeps MRAcquisitionType in MR FOV/Geometry.
  const mrAcquisitionType = str(ds, 'x00180023') ?? fromGroups(first, shared, MR_FOV_GEOMETRY, (d) => str(d, 'x00180023'));
  const echoPlanar = /^Y/i.test(str(ds, 'x00189018') ?? '') || /EP/.test(str(ds, 'x00180020') ?? '') ? true : undefined;
  const optional = {
    sopClassUid, sopInstanceUid: str(ds, 'x00080018'), studyInstanceUid: str(ds, 'x0020000d'), modality,
    patientId: str(ds, 'x00100020'), studyDate: str(ds, 'x00080020'), mrAcquisitionType, echoPlanar,
    seriesDescription: str(ds, 'x0008103e'), seriesNumber: num(ds, 'x00200011'), instanceNumber: num(ds, 'x00200013'),
    imagePositionPatient: ipp, imageOrientationPatient: iop, pixelSpacing, imagerPixelSpacing,
    sliceThickness, spacingBetweenSlices, highBit, photometricInterpretation: str(ds, 'x00280004'),
    rescaleSlope: slope, rescaleIntercept: intercept, windowCenter, windowWidth, frames, frameIncrementPointer, gridFrameOffsets, pixelDataOffset,
  };
  const header: DicomHeader = {
    kind: 'image',
    path,
    fileSize,
    transferSyntaxUid: parsed.transferSyntaxUid,
    seriesInstanceUid: str(ds, 'x0020000e') ?? '',
    rows,
    columns,
    bitsAllocated,
    bitsStored: bitsStored > 0 ? bitsStored : bitsAllocated,
    pixelRepresentation: us(ds, 'x00280103') ?? 0,
    samplesPerPixel,
    numberOfFrames,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (header as unknown as Record<string, unknown>)[k] = v;
  }
  return header;
}
