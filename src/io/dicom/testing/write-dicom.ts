/**
 * The DICOM writer tests use: the production writer in ../write.ts,
 * re-exported under the name the tests have always imported.
 */
export {
  type DicomElement,
  type ElementValue,
  encodeDataSet,
  TS_UID,
  type TransferSyntaxChoice,
  type Vr,
  writeDicom,
  writeDicomAsync,
  type WriteOptions,
} from '../write.ts';
