/** The DICOM reader: headers by content from file prefixes, series grouping, and voxels as a Volume. */
export { readDicomHeader } from './read-header.ts';
export { groupIntoSeries } from './group-series.ts';
export { readDicomSeries, type DicomFileLookup } from './read-series.ts';
export { sniffDicom, type DicomLayout } from './detect.ts';
export { describeTransferSyntax, isNativeTransferSyntax } from './transfer-syntax.ts';
export { DICOM_WARNING, hasWarning, type DicomWarningName } from './warnings.ts';
export type { DicomFrameInfo, DicomHeader, DicomNonImage, DicomSeries, ReadsInto } from './types.ts';
