/**
 * "Open demo cohort": a small, licence-clean cohort of synthetic phantoms,
 * generated on the spot (deterministic: seeded noise, fixed UIDs, no dates)
 * and written into a folder, by default `slicesam-demo/` in the origin
 * private file system. It shows what the app handles and how failures look:
 *
 * - patient-01/  one DICOM MR series, head phantom with a bright tumour
 * - patient-02/  two DICOM series interleaved in one folder, files without
 *                extension (T1-like and FLAIR-like contrasts of one phantom)
 * - patient-03/ct.nii.gz  a CT-like abdomen, int16 HU, LPS voxel axes
 *                (a non-identity, non-RAS affine)
 * - patient-04/broken.dcm  a DICOM file cut short (fails the scan as 'truncated')
 *
 * No DOM: runs on the main thread or, better, in the worker that then scans it.
 */
import { opfsFolder } from '../fs/opfs.ts';
import { readTextIfExists, removeFile, writeFileAtomic } from '../fs/files.ts';
import { generateDemoFiles } from './generate.ts';
import { DEMO_COHORT, DEMO_FOLDER, DEMO_VERSION, demoPaths } from './plan.ts';

// What the cohort holds (plan.ts) and its files (generate.ts) are imported from here.
export {
  ctAffine, DEMO_COHORT, DEMO_FOLDER, DEMO_VERSION, type DemoBroken, type DemoCase, type DemoDescription, type DemoLandmark, demoPaths,
} from './plan.ts';
export { ctVoxels, type DemoFile, generateDemoFiles } from './generate.ts';

/** Hidden (walkers skip dot files): which version the folder holds, written last. */
export const DEMO_MARKER = '.slicesam-demo.json';
/** Left alone when the folder is regenerated: the app's outputs from earlier demo sessions. */
export const DEMO_OUTPUT_FOLDER = 'labels';

export interface DemoWriteOptions {
  signal?: AbortSignal;
  /** Files written so far, of `total`. */
  onProgress?: (written: number, total: number) => void;
}

export interface DemoWriteResult {
  /** Volumes a scan finds (the broken file is not a case). */
  caseCount: number;
  /** Paths written, relative to the folder. */
  files: string[];
}

/** Writes at once (each is a swap-file write and a rename in the browser). */
const PARALLEL_WRITES = 8;

/** Write the demo cohort into `root` (files are replaced; nothing else is touched). */
export async function writeDemoCohort(root: FileSystemDirectoryHandle, options: DemoWriteOptions = {}): Promise<DemoWriteResult> {
  const files = await generateDemoFiles();
  let next = 0, written = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      options.signal?.throwIfAborted();
      const f = files[next++]!;
      await writeFileAtomic(root, f.path, f.bytes);
      options.onProgress?.(++written, files.length);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_WRITES }, lane));
  return { caseCount: DEMO_COHORT.cases.length, files: files.map((f) => f.path) };
}

export interface OpenedDemo extends DemoWriteResult {
  root: FileSystemDirectoryHandle;
  /** True when a folder of this version was already there and was used as it is. */
  reused: boolean;
}

/** The files an earlier demo listed in its marker (none for markers that list none). */
function markerPaths(text: string | null): string[] {
  if (text === null) return [];
  try {
    const paths = (JSON.parse(text) as { paths?: unknown }).paths;
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && p !== '' && !p.split('/').includes('..')) : [];
  } catch {
    return [];
  }
}

function markerVersion(text: string | null): number | null {
  if (text === null) return null;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

/**
 * The demo cohort's folder, ready to open: reused when it holds this
 * version, otherwise the files earlier demos wrote are removed (never
 * `labels/`, the outputs of earlier demo sessions, nor anything else) and the
 * demo is written afresh. The marker is written last, so a folder left
 * half-written by a closed tab is regenerated next time.
 * `root` defaults to OPFS `slicesam-demo/`.
 */
export async function openDemoCohort(options: DemoWriteOptions & { root?: FileSystemDirectoryHandle } = {}): Promise<OpenedDemo> {
  const root = options.root ?? await opfsFolder(DEMO_FOLDER);
  if (markerVersion(await readTextIfExists(root, DEMO_MARKER)) === DEMO_VERSION) {
    return { root, reused: true, caseCount: DEMO_COHORT.cases.length, files: demoPaths() };
  }
  // Only files the demo wrote are removed (those its marker lists, and this version's): nothing
  // else in the folder, labels/ included, is touched, whoever put it there.
  const ours = new Set([...markerPaths(await readTextIfExists(root, DEMO_MARKER)), ...demoPaths()]);
  for (const path of ours) if (!path.startsWith(`${DEMO_OUTPUT_FOLDER}/`)) await removeFile(root, path);
  const result = await writeDemoCohort(root, options);
  await writeFileAtomic(root, DEMO_MARKER, JSON.stringify({ version: DEMO_VERSION, files: result.files.length, paths: result.files }));
  return { root, reused: false, ...result };
}
