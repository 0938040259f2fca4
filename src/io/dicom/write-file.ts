/**
 * Writing a DICOM Part 10 file: the preamble, "DICM" and the meta group
 * (group 0002, with a correct group length) before a data set encoded by
 * write-elements.ts, deflated or not; or the bare data set.
 */
import { Bytes, encodeDataSet, writeElement, type DicomElement, type TransferSyntaxChoice } from './write-elements.ts';

/**
 * SliceSAM's own UID root: 2.25 followed by a UUID (ISO/IEC 9834-8) generated
 * once for this project. Sub-arcs: .1 implementation class, .2 demo cohort,
 * .9 fallbacks the writer needs when a data set has no SOP Instance UID.
 */
export const SLICESAM_UID_ROOT = '2.25.54670962672683753583670669152069620085';
export const IMPLEMENTATION_CLASS_UID = `${SLICESAM_UID_ROOT}.1`;
export const IMPLEMENTATION_VERSION_NAME = 'SLICESAM';

export const TS_UID: Readonly<Record<TransferSyntaxChoice, string>> = {
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-le': '1.2.840.10008.1.2.1',
  'explicit-be': '1.2.840.10008.1.2.2',
  'deflated': '1.2.840.10008.1.2.1.99',
};

export interface WriteOptions {
  transferSyntax?: TransferSyntaxChoice;
  /** Write this TransferSyntaxUID in the meta group instead (e.g. a compressed one), encoding as explicit LE. */
  transferSyntaxUid?: string;
  /** false: the bare data set, no preamble and no meta group. Default true. */
  part10?: boolean;
  /** With part10 false: still write the meta group (explicit VR LE), just without preamble and "DICM". */
  metaWithoutPreamble?: boolean;
  /** Media Storage SOP Class/Instance for the meta group; default: from the data set's (0008,0016/0018). */
  mediaStorageSopClassUid?: string;
  /** (0002,0012) and (0002,0013); default SliceSAM's. */
  implementationClassUid?: string;
  implementationVersionName?: string;
}

function findString(elements: readonly DicomElement[], tag: number): string | undefined {
  const v = elements.find((e) => e.tag === tag)?.value;
  return typeof v === 'string' ? v : undefined;
}

function metaGroup(elements: readonly DicomElement[], tsUid: string, options: WriteOptions): Uint8Array {
  const meta: DicomElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: options.mediaStorageSopClassUid ?? findString(elements, 0x00080016) ?? '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00020003, vr: 'UI', value: findString(elements, 0x00080018) ?? `${SLICESAM_UID_ROOT}.9.1` },
    { tag: 0x00020010, vr: 'UI', value: tsUid },
    { tag: 0x00020012, vr: 'UI', value: options.implementationClassUid ?? IMPLEMENTATION_CLASS_UID },
    { tag: 0x00020013, vr: 'SH', value: options.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME },
  ];
  const body = new Bytes(false);
  for (const e of meta) writeElement(body, e, false);
  const out = new Bytes(false);
  writeElement(out, { tag: 0x00020000, vr: 'UL', value: body.length }, false);
  out.push(body.concat());
  return out.concat();
}

function assemble(elements: readonly DicomElement[], dataSet: Uint8Array, tsUid: string, options: WriteOptions): Uint8Array {
  const part10 = options.part10 ?? true;
  if (!part10 && !options.metaWithoutPreamble) return dataSet;
  const meta = metaGroup(elements, tsUid, options);
  const pre = part10 ? 132 : 0;
  const out = new Uint8Array(pre + meta.length + dataSet.length);
  if (part10) out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(meta, pre);
  out.set(dataSet, pre + meta.length);
  return out;
}

/** A DICOM file (synchronous; for 'deflated' use writeDicomAsync). */
export function writeDicom(elements: readonly DicomElement[], options: WriteOptions = {}): Uint8Array {
  const choice = options.transferSyntax ?? 'explicit-le';
  if (choice === 'deflated') throw new Error("writeDicom: use writeDicomAsync for 'deflated'");
  const tsUid = options.transferSyntaxUid ?? TS_UID[choice];
  return assemble(elements, encodeDataSet(elements, choice), tsUid, options);
}

/** A DICOM file in any supported encoding, deflated included (CompressionStream 'deflate-raw'). */
export async function writeDicomAsync(elements: readonly DicomElement[], options: WriteOptions = {}): Promise<Uint8Array> {
  const choice = options.transferSyntax ?? 'explicit-le';
  if (choice !== 'deflated') return writeDicom(elements, options);
  const raw = encodeDataSet(elements, 'explicit-le');
  const stream = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const deflated = new Uint8Array(await new Response(stream).arrayBuffer());
  return assemble(elements, deflated, options.transferSyntaxUid ?? TS_UID.deflated, options);
}
