/** Why a file could not be read: stable codes that tests and the UI can rely on. */
export type VolumeErrorCode =
  | 'empty'                    // zero bytes
  | 'truncated'                // fewer bytes than the header promises
  | 'not-recognised'           // neither DICOM nor NIfTI by content
  | 'bad-header'               // header fields that are impossible or contradict each other
  | 'unsupported-datatype'     // a voxel type we do not read
  | 'unsupported-transfer-syntax' // compressed DICOM, not decoded yet
  | 'unsupported-colour'       // RGB / palette images
  | 'unsupported-multiframe'
  | 'too-large'                // bigger than we can hold in memory
  | 'not-image'                // SR, RTSTRUCT, SEG, DICOMDIR …
  | 'inconsistent-series'      // slices that cannot form one volume
  | 'write-failed';

/** A typed error that always names the file and the reason. */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  constructor(
    readonly code: VolumeErrorCode,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }

  /** Plain data, safe to post between workers (Error subclasses lose fields in structured clone). */
  toJSON(): { code: VolumeErrorCode; file: string; reason: string; message: string } {
    return { code: this.code, file: this.file, reason: this.reason, message: this.message };
  }
}

export function isVolumeError(e: unknown): e is VolumeError {
  return e instanceof VolumeError;
}
