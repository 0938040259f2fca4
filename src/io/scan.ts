/**
 * What a set of files holds: volumes (NIfTI files and DICOM series) and the
 * files that were skipped, each with its reason. Headers only; voxels are read
 * by loadVolume when a volume is opened. Files are recognised by content,
 * never by extension. One bad file never stops the scan.
 */
import { isVolumeError, VolumeError, type VolumeErrorCode } from '../shared/errors.ts';
import { comparePaths } from '../shared/paths.ts';
import type { SourceFile } from '../shared/source-file.ts';
import type { Vec3, Volume } from '../shared/volume.ts';
import { describeTransferSyntax, groupIntoSeries, readDicomHeader, readDicomSeries, type DicomHeader, type DicomNonImage, type DicomSeries } from './dicom/index.ts';
import { gunzip, isGzip } from './gzip.ts';
import { looksLikeNifti, NIFTI_HEADER_PREFIX, parseNiftiHeader } from './nifti/header.ts';
import { readNifti } from './nifti/read.ts';

/** One volume found by a scan: a NIfTI file or a DICOM series. Plain data. */
export interface VolumeSource {
  /** Stable id: the path for NIfTI, the series id (SeriesInstanceUID[#n]) for DICOM. */
  id: string;
  kind: 'nifti' | 'dicom';
  /** What to call it in lists: the file path, or folder + series description. */
  name: string;
  /** Files it is read from (DICOM: in path order). */
  paths: string[];
  dims: Vec3;
  modality?: string;
  description?: string;
  /** DICOM transfer syntax in words. */
  transferSyntax?: string;
  /** The DICOM series as scanned (what loadVolume needs). */
  series?: DicomSeries;
}

export type SkipCode = VolumeErrorCode | 'non-image';

export interface SkippedFile {
  path: string;
  code: SkipCode;
  reason: string;
}

export interface ScanReport {
  volumes: VolumeSource[];
  skipped: SkippedFile[];
}

export interface ScanProgress {
  phase: 'scan';
  done: number;
  total: number;
}

export interface ScanOptions {
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
}

/** Files sniffed at once. */
const SNIFF_LANES = 8;

/** How much of each file the scan reads first: enough for a NIfTI header, a compressed one, and most DICOM headers. */
const HEAD_BYTES = 64 * 1024;

/** `other` carries the file with its first bytes kept, so the DICOM header reader does not read them again. */
type Sniffed = { kind: 'nifti'; source: VolumeSource } | { kind: 'other'; file: SourceFile } | { kind: 'failed'; skipped: SkippedFile };

/** The same file, serving reads inside `head` from memory. */
function withHead(file: SourceFile, head: Uint8Array): SourceFile {
  return {
    path: file.path,
    size: file.size,
    read: (start = 0, end = file.size) =>
      start >= 0 && Math.min(end, file.size) <= head.byteLength ? Promise.resolve(head.subarray(start, Math.min(end, file.size))) : file.read(start, end),
  };
}

async function sniff(file: SourceFile): Promise<Sniffed> {
  if (file.size === 0) return { kind: 'failed', skipped: { path: file.path, code: 'empty', reason: 'the file is empty (0 bytes)' } };
  const head = await file.read(0, Math.min(file.size, HEAD_BYTES));
  let header = head;
  if (isGzip(head)) {
    try {
      header = await gunzip(head, NIFTI_HEADER_PREFIX);
    } catch {
      header = new Uint8Array(0);
    }
    if (!looksLikeNifti(header)) {
      return { kind: 'failed', skipped: { path: file.path, code: 'not-recognised', reason: 'a gzip file that does not hold a NIfTI image' } };
    }
  }
  if (!looksLikeNifti(header)) return { kind: 'other', file: withHead(file, head) };
  try {
    const info = parseNiftiHeader(header, file.path);
    await checkNiftiSize(file, info.voxOffset + info.volumeBytes, isGzip(head));
    return {
      kind: 'nifti',
      source: { id: file.path, kind: 'nifti', name: file.path, paths: [file.path], dims: info.dims, ...(info.description ? { description: info.description } : {}) },
    };
  } catch (e) {
    if (isVolumeError(e)) return { kind: 'failed', skipped: { path: e.file, code: e.code, reason: e.reason } };
    throw e;
  }
}

/**
 * A header that promises more image bytes than the file holds fails at the
 * scan, not when the case is opened: an uncompressed file by its size, a
 * .nii.gz by the inflated size in its gzip trailer (mod 2³², so only checked
 * below 4 GiB).
 */
async function checkNiftiSize(file: SourceFile, needed: number, gzipped: boolean): Promise<void> {
  if (!gzipped) {
    if (file.size < needed) {
      throw new VolumeError('truncated', file.path, `the file holds ${file.size} bytes; its header needs ${needed}`);
    }
    return;
  }
  if (file.size < 18 || needed >= 2 ** 32) return;
  const tail = await file.read(file.size - 4, file.size);
  const inflated = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (inflated < needed) {
    throw new VolumeError('truncated', file.path, `the header needs ${needed} bytes of image data but the compressed file holds ${inflated}`);
  }
}

/** Why a file is no image, in the terms its name suggests: a short .nii is most often a copy cut off. */
function unrecognised(file: SourceFile): string {
  const name = file.path.toLowerCase();
  if (/\.(nii|hdr)$/.test(name) && file.size < 348) {
    return `named as NIfTI but only ${file.size} bytes: a NIfTI header alone is 348 bytes, so the file is cut off (an unfinished copy?)`;
  }
  if (/\.nii$/.test(name)) return 'named as NIfTI but holds no NIfTI header (files are recognised by content, not by name)';
  if (/\.dcm$/.test(name)) return 'named as DICOM but holds no DICOM header (files are recognised by content, not by name)';
  return 'neither DICOM nor NIfTI (files are recognised by content, not by name)';
}

function folderOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

export async function scanFiles(files: readonly SourceFile[], options: ScanOptions = {}): Promise<ScanReport> {
  const volumes: VolumeSource[] = [];
  const skipped: SkippedFile[] = [];
  const total = files.length;
  let done = 0;
  const report = () => options.onProgress?.({ phase: 'scan', done, total });
  // Each file once, several at once (each waits on small reads, and a cohort has thousands):
  // NIfTI by its header, else DICOM from the same first bytes, which are dropped right after.
  const headers: DicomHeader[] = [];
  const nonImages: DicomNonImage[] = [];
  const found = new Array<VolumeSource | SkippedFile | null>(files.length).fill(null);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const at = next++;
      options.signal?.throwIfAborted();
      const s = await sniff(files[at]!);
      if (s.kind === 'nifti') found[at] = s.source;
      else if (s.kind === 'failed') found[at] = s.skipped;
      else {
        try {
          const h = await readDicomHeader(s.file);
          if (h.kind === 'image') headers.push(h);
          else nonImages.push(h);
        } catch (e) {
          if (!isVolumeError(e)) throw e;
          found[at] = e.code === 'not-recognised' || e.code === 'empty'
            ? { path: e.file, code: 'not-recognised', reason: unrecognised(files[at]!) }
            : { path: e.file, code: e.code, reason: e.reason };
        }
      }
      done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.min(SNIFF_LANES, files.length) }, lane));
  for (const f of found) {
    if (f && 'kind' in f) volumes.push(f);
    else if (f) skipped.push(f);
  }
  headers.sort((a, b) => comparePaths(a.path, b.path)); // lanes finish in any order
  const dicom = { series: groupIntoSeries(headers), skipped: nonImages };
  for (const series of dicom.series) {
    const folder = folderOf(series.headers[0]?.path ?? '');
    const first = series.headers[0];
    volumes.push({
      id: series.id,
      kind: 'dicom',
      name: folder ? `${folder} — ${series.description}` : series.description,
      paths: series.headers.map((h) => h.path),
      dims: [series.columns, series.rows, series.sliceCount],
      ...(series.modality ? { modality: series.modality } : {}),
      description: series.description,
      ...(first ? { transferSyntax: describeTransferSyntax(first.transferSyntaxUid) } : {}),
      series,
    });
  }
  for (const n of dicom.skipped) skipped.push({ path: n.path, code: 'non-image', reason: n.reason });
  const byPath = (a: { path: string } | VolumeSource, b: { path: string } | VolumeSource) =>
    comparePaths('name' in a ? a.name : a.path, 'name' in b ? b.name : b.path);
  volumes.sort(byPath);
  skipped.sort(byPath);
  return { volumes, skipped };
}

/** Read a scanned volume's voxels. `files` finds each path the scan saw. */
export async function loadVolume(source: VolumeSource, files: ReadonlyMap<string, SourceFile>): Promise<Volume> {
  if (source.kind === 'nifti') {
    const file = files.get(source.paths[0]!);
    if (!file) throw new Error(`${source.paths[0]}: no longer in the opened files`);
    return readNifti(file);
  }
  if (!source.series) throw new Error(`${source.name}: the scan did not keep its series`);
  return readDicomSeries(source.series, files);
}
