/**
 * readDicomHeader: recognise a DICOM file by content and read its header from
 * a prefix of the file (64 KiB, growing ×4 while the header does not fit),
 * never the pixel data.
 */
import { isVolumeError, VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import { sniffDicom } from './detect.ts';
import { headerFromDataSet } from './header-fields.ts';
import { INITIAL_HEADER_BYTES, MAX_HEADER_BYTES } from './limits.ts';
import { parseDicomBytes } from './parse.ts';
import type { DicomHeader, DicomNonImage } from './types.ts';

export async function readDicomHeader(file: SourceFile): Promise<DicomHeader | DicomNonImage> {
  if (file.size === 0) throw new VolumeError('empty', file.path, 'the file is empty (0 bytes)');
  let bytes = await file.read(0, Math.min(file.size, INITIAL_HEADER_BYTES));
  const layout = sniffDicom(bytes);
  if (!layout) {
    throw new VolumeError('not-recognised', file.path,
      'not a DICOM file: no "DICM" marker at byte 128, and it does not start with DICOM group 0002/0008 elements');
  }
  for (;;) {
    const complete = bytes.length >= file.size;
    const outcome = await parseDicomBytes(bytes, layout, complete);
    if (outcome.status === 'ok') {
      try {
        return headerFromDataSet(outcome, file.path, file.size);
      } catch (e) {
        if (isVolumeError(e)) throw e;
        // dicom-parser throws strings for values it cannot read.
        throw new VolumeError('bad-header', file.path, `a header value could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (outcome.status === 'error') throw new VolumeError(outcome.code, file.path, outcome.reason);
    if (complete) {
      // Cannot happen (a complete parse never asks for more), but never loop.
      throw new VolumeError('bad-header', file.path, `the DICOM header could not be read: ${outcome.reason}`);
    }
    const next = outcome.whole ? file.size : Math.min(file.size, bytes.length * 4, Math.max(MAX_HEADER_BYTES, bytes.length));
    if (next <= bytes.length) {
      if (outcome.reason === 'no pixel data yet') {
        return {
          kind: 'non-image', path: file.path, objectType: 'no pixel data',
          reason: `no PixelData (7FE0,0010) element within the first ${MAX_HEADER_BYTES} bytes`,
        };
      }
      throw new VolumeError('bad-header', file.path, `the DICOM header does not end within the first ${MAX_HEADER_BYTES} bytes`);
    }
    const grown = await file.read(0, next);
    if (grown.length < next) {
      throw new VolumeError('truncated', file.path, `the file is ${file.size} bytes long but only ${grown.length} could be read`);
    }
    bytes = grown;
  }
}
