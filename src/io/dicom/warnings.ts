/**
 * Names of the things `readDicomSeries` reports in `volume.meta.warnings`.
 * Each warning reads "<name>: <sentence>", so code can test the name and
 * people can read the sentence.
 */
export const DICOM_WARNING = Object.freeze({
  missingSlices: 'missing-slices',
  nonUniformSpacing: 'non-uniform-spacing',
  gantryTilt: 'gantry-tilt',
  duplicatePositions: 'duplicate-positions',
  singleSlice: 'single-slice',
  noOrientation: 'no-orientation',
  noPosition: 'no-position',
  noPixelSpacing: 'no-pixel-spacing',
  imagerPixelSpacing: 'imager-pixel-spacing',
  monochrome1: 'monochrome1',
  framePositionsAssumed: 'frame-positions-assumed',
} as const);

export type DicomWarningName = (typeof DICOM_WARNING)[keyof typeof DICOM_WARNING];

export function warning(name: DicomWarningName, sentence: string): string {
  return `${name}: ${sentence}`;
}

/** Whether `warnings` holds one with this name. */
export function hasWarning(warnings: readonly string[], name: DicomWarningName): boolean {
  return warnings.some((w) => w.startsWith(`${name}:`));
}
