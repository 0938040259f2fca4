/**
 * Running dicom-parser over (a prefix of) a file's bytes and turning its
 * outcome into: a data set, "read more bytes", or a coded error. Elements
 * whose lengths run past the bytes we have are caught here, because
 * dicom-parser skips over them silently in implicit VR.
 */
import type { DataSet, Element, ParseDicomOptions } from 'dicom-parser';
import type { VolumeErrorCode } from '../../shared/errors.ts';
import { inflateRaw } from '../gzip.ts';
import { type DicomLayout, withPreamble } from './detect.ts';
import { dicomParser } from './dicom-parser.ts';
import { MAX_ELEMENT_LENGTH, UNDEFINED_LENGTH } from './limits.ts';
import { DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './transfer-syntax.ts';

export const PIXEL_DATA_TAG = 'x7fe00010';

export type ParseOutcome =
  | {
    status: 'ok';
    dataSet: DataSet;
    transferSyntaxUid: string;
    /** The pixel data element (offsets into dataSet.byteArray); absent when the file has none. */
    pixelData?: Element;
    /** Add to a data-set offset to get a file offset (-132 for 'raw-meta'); undefined when the data set was inflated. */
    fileOffsetShift?: number;
  }
  /** The bytes ended before the header did; `whole` asks for the entire file (deflated data sets). */
  | { status: 'need-more'; whole: boolean; reason: string }
  | { status: 'error'; code: VolumeErrorCode; reason: string };

/** "(0028,0010)" from "x00280010". */
export function tagName(tag: string): string {
  const t = tag.replace(/^x/, '').toUpperCase();
  return `(${t.slice(0, 4)},${t.slice(4)})`;
}

function messageOf(e: unknown): string {
  const inner = (e as { exception?: unknown } | null)?.exception ?? e;
  if (inner instanceof Error) return inner.message;
  return String(inner);
}

function classify(e: unknown): VolumeErrorCode {
  return /overread|overrun|eof|end of|greater than or equal|outside/i.test(messageOf(e)) ? 'truncated' : 'bad-header';
}

/** An element that claims an impossible length, or the first one that runs past the end of the bytes. */
function checkLengths(
  elements: Record<string, Element> | undefined,
  byteLength: number,
): { code: 'too-large' | 'overrun'; reason: string } | undefined {
  if (!elements) return undefined;
  let overrun: { code: 'overrun'; reason: string } | undefined;
  for (const el of Object.values(elements)) {
    if (el.parser) continue; // meta group elements: checked by dicom-parser against their own array
    if (el.length === UNDEFINED_LENGTH) continue;
    if (el.length >= MAX_ELEMENT_LENGTH) {
      return { code: 'too-large', reason: `element ${tagName(el.tag)} claims ${el.length} bytes, more than we can hold` };
    }
    if (el.tag !== PIXEL_DATA_TAG && el.dataOffset + el.length > byteLength && !overrun) {
      overrun = {
        code: 'overrun',
        reason: `element ${tagName(el.tag)} claims ${el.length} bytes at offset ${el.dataOffset}, past the end of the data (${byteLength} bytes)`,
      };
    }
  }
  return overrun;
}

/**
 * Parse `bytes` (the file's first bytes, or all of it when `complete`) up to
 * the pixel data element.
 */
export async function parseDicomBytes(bytes: Uint8Array, layout: DicomLayout, complete: boolean): Promise<ParseOutcome> {
  const more = (reason: string, whole = false): ParseOutcome => ({ status: 'need-more', whole, reason });
  const prepared = layout === 'raw-meta' ? withPreamble(bytes) : bytes;
  const options: ParseDicomOptions = { untilTag: PIXEL_DATA_TAG };
  let transferSyntaxUid: string;
  let fileOffsetShift: number | undefined = layout === 'raw-meta' ? -132 : 0;

  if (layout === 'part10' || layout === 'raw-meta') {
    let meta: DataSet & { position?: number };
    try {
      meta = dicomParser.readPart10Header(prepared) as DataSet & { position?: number };
    } catch (e) {
      if (!complete) return more('file meta information continues');
      return { status: 'error', code: classify(e), reason: `the DICOM file meta information could not be read: ${messageOf(e)}` };
    }
    const gl = meta.elements.x00020000;
    const metaEnd = !gl ? meta.position ?? 0
      : gl.dataOffset + 4 <= prepared.length ? gl.dataOffset + 4 + meta.uint32('x00020000')! : Infinity;
    if (metaEnd >= prepared.length || (meta.position ?? 0) >= prepared.length) {
      if (!complete) return more('file meta information continues');
      return { status: 'error', code: 'truncated', reason: `the file ends inside or right after the file meta information (${bytes.length} bytes)` };
    }
    for (const el of Object.values(meta.elements)) {
      if (el.length !== UNDEFINED_LENGTH && el.length >= MAX_ELEMENT_LENGTH) {
        return { status: 'error', code: 'too-large', reason: `meta element ${tagName(el.tag)} claims ${el.length} bytes, more than we can hold` };
      }
    }
    try {
      transferSyntaxUid = (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
    } catch (e) {
      return { status: 'error', code: classify(e), reason: `the TransferSyntaxUID could not be read: ${messageOf(e)}` };
    }
    if (!transferSyntaxUid) {
      return { status: 'error', code: 'bad-header', reason: 'the file meta information has no TransferSyntaxUID (0002,0010)' };
    }
    if (transferSyntaxUid === DEFLATED_EXPLICIT_VR_LE) {
      if (!complete) return more('deflated data set', true);
      let inflated: Uint8Array;
      try {
        inflated = await inflateRaw(prepared.subarray(meta.position ?? prepared.length));
      } catch (e) {
        return { status: 'error', code: 'bad-header', reason: `the deflated data set could not be inflated: ${messageOf(e)}` };
      }
      if (inflated.length === 0) return { status: 'error', code: 'bad-header', reason: 'the deflated data set is empty' };
      options.inflater = () => inflated;
      fileOffsetShift = undefined;
    }
  } else {
    transferSyntaxUid = layout === 'raw-implicit' ? IMPLICIT_VR_LE : EXPLICIT_VR_LE;
    options.TransferSyntaxUID = transferSyntaxUid;
  }

  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(prepared, options);
  } catch (e) {
    const partial = (e as { dataSet?: DataSet } | null)?.dataSet;
    const bad = checkLengths(partial?.elements, partial?.byteArray.length ?? prepared.length);
    if (bad?.code === 'too-large') return { status: 'error', code: 'too-large', reason: bad.reason };
    if (!complete) return more('data set continues');
    if (bad) return { status: 'error', code: 'truncated', reason: bad.reason };
    return { status: 'error', code: classify(e), reason: `the DICOM data set could not be parsed: ${messageOf(e)}` };
  }

  const bad = checkLengths(dataSet.elements, dataSet.byteArray.length);
  if (bad?.code === 'too-large') return { status: 'error', code: 'too-large', reason: bad.reason };
  if (bad) return complete ? { status: 'error', code: 'truncated', reason: bad.reason } : more('element continues');
  const pixelData = dataSet.elements[PIXEL_DATA_TAG];
  if (!pixelData && !complete) return more('no pixel data yet');
  return {
    status: 'ok',
    dataSet,
    transferSyntaxUid,
    ...(pixelData ? { pixelData } : {}),
    ...(fileOffsetShift !== undefined ? { fileOffsetShift } : {}),
  };
}
