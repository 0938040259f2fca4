/**
 * Plain data describing DICOM files and series: what a header scan returns
 * and what `readDicomSeries` takes. Structured-clone safe (no functions), so
 * it can cross worker boundaries and sit in IndexedDB.
 */
import type { Vec3 } from '../../shared/volume.ts';

/** Geometry and scaling of one frame of an enhanced (functional-group) multi-frame object. */
export interface DicomFrameInfo {
  /** The frame's number in the file, from 0 (absent in scans stored before it was kept: the frame's place in `frames`). */
  index?: number;
  imagePositionPatient?: Vec3;
  /** Six direction cosines: row (i) direction then column (j) direction, LPS. */
  imageOrientationPatient?: number[];
  /** [row spacing, column spacing] mm, Pixel Measures (0028,9110). */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  /** Frame Content (0020,9111): StackID (0020,9056) and InStackPositionNumber (0020,9057). */
  stackId?: string;
  inStackPosition?: number;
}

/** The header of one DICOM image file (pixel data present). */
export interface DicomHeader {
  kind: 'image';
  path: string;
  /** Bytes in the file. */
  fileSize: number;
  transferSyntaxUid: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
  /** '' when the file has none (such files are grouped by folder). */
  seriesInstanceUid: string;
  modality?: string;
  /** PatientID (0010,0020) and StudyDate (0008,0020): for label file names only. */
  patientId?: string;
  studyDate?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** MRAcquisitionType (0018,0023), '2D' or '3D'; echoPlanar: EchoPlanarPulseSequence YES or ScanningSequence EP. They decide dcm2niix's voxel order. */
  mrAcquisitionType?: string;
  echoPlanar?: boolean;
  /** LPS mm of the centre of the first transmitted voxel. */
  imagePositionPatient?: Vec3;
  /** Six direction cosines: row (i) direction then column (j) direction, LPS. */
  imageOrientationPatient?: number[];
  /** [spacing between rows (along j), spacing between columns (along i)] in mm. */
  pixelSpacing?: [number, number];
  /** Projection radiographs: spacing at the detector, used when PixelSpacing is absent. */
  imagerPixelSpacing?: [number, number];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit?: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometricInterpretation?: string;
  numberOfFrames: number;
  rescaleSlope?: number;
  rescaleIntercept?: number;
  /** First value when the file lists several. */
  windowCenter?: number;
  windowWidth?: number;
  /**
   * Enhanced multi-frame only: per-frame geometry (shared groups already
   * merged in). After groupIntoSeries, only the frames of one stack: a file
   * that holds several stacks appears once per stack, in several series.
   */
  frames?: DicomFrameInfo[];
  /** Classic multi-frame: FrameIncrementPointer (0028,0009), the tag it points to as dicom-parser names it ('x00181063'). */
  frameIncrementPointer?: string;
  /** Classic multi-frame (RT Dose): GridFrameOffsetVector (3004,000C), mm. */
  gridFrameOffsets?: number[];
  /** Set by groupIntoSeries on the part of a multi-stack file: which stack ("stack 2" or its StackID), for names and messages. */
  stack?: string;
  /**
   * File offset of the first pixel byte (the PixelData value), when the pixel
   * data is native and the data set is not deflated: lets a reader that can
   * read into memory it owns put the pixels straight in place. The file is
   * parsed again when read, and this offset is only trusted when it agrees.
   */
  pixelDataOffset?: number;
}

/** A DICOM file that holds no image we read (SR, RTSTRUCT, SEG, PR, KOS, DICOMDIR, …). */
export interface DicomNonImage {
  kind: 'non-image';
  path: string;
  /** Short name of what it is: 'SR', 'RTSTRUCT', 'SEG', 'DICOMDIR', 'no pixel data', … */
  objectType: string;
  /** A sentence for the scan's "skipped" list. */
  reason: string;
  sopClassUid?: string;
  modality?: string;
  seriesInstanceUid?: string;
}

/** Slices that form one volume (one SeriesInstanceUID, one grid). */
export interface DicomSeries {
  /** SeriesInstanceUID, with '#2', '#3'… when the UID had to be split into several grids. */
  id: string;
  seriesInstanceUid: string;
  studyInstanceUid?: string;
  /** For lists: SeriesDescription (or modality and number), plus which part when split. */
  description: string;
  modality?: string;
  seriesNumber?: number;
  /** The first file's, for label file names (the headers stay in the I/O worker). */
  seriesDescription?: string;
  patientId?: string;
  studyDate?: string;
  rows: number;
  columns: number;
  /** Slices (frames) in all files. */
  sliceCount: number;
  /** The files, in path order (readDicomSeries orders slices by position). */
  headers: DicomHeader[];
}

/**
 * What a SourceFile may offer besides `read` (Node's disk files do,
 * src/io/node/files.ts): read the file from `position` into `targets` in
 * turn (a scatter read), filling each before the next; resolves to the bytes
 * read in all, fewer only at the end of the file. Lets readDicomSeries read
 * pixels straight into the volume, with no copy and no buffer per file.
 */
export interface ReadsInto {
  readInto(targets: readonly Uint8Array[], position: number): Promise<number>;
}
