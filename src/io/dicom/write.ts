/**
 * Writing DICOM Part 10 files: valid files (preamble, "DICM", group 0002 with
 * a correct group length, then the data set) in explicit VR little endian,
 * implicit VR little endian, explicit VR big endian or deflated explicit VR
 * little endian; or a bare data set without preamble and meta. Lengths can be
 * overridden to build files whose headers lie (tests of the readers).
 *
 * Used by the demo cohort (synthetic phantoms, src/io/demo/) and by tests
 * (src/io/dicom/testing/ re-exports it). Only uncompressed pixel data; no
 * sequences of undefined length. Nothing here invents patient data: every
 * identifying element is whatever the caller passes.
 *
 * The parts live apart (write-elements.ts: element encoding; write-file.ts:
 * Part 10 files; write-image.ts and write-enhanced.ts: the elements of an
 * image); this module is where callers import them from.
 */
export { type DicomElement, type ElementValue, encodeDataSet, type TransferSyntaxChoice, type Vr } from './write-elements.ts';
export {
  IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, SLICESAM_UID_ROOT, TS_UID, writeDicom, writeDicomAsync, type WriteOptions,
} from './write-file.ts';
export {
  BASIC_TEXT_SR, CR_IMAGE_STORAGE, CT_IMAGE_STORAGE, ENHANCED_MR_IMAGE_STORAGE, imageElements, type ImageSpec, MR_IMAGE_STORAGE,
  type PixelArray, pixelArray, type PixelType, writeImage,
} from './write-image.ts';
export {
  ENHANCED_CT_IMAGE_STORAGE, type EnhancedFrameSpec, enhancedImageElements, type EnhancedImageSpec, type EnhancedSharedSpec,
} from './write-enhanced.ts';
