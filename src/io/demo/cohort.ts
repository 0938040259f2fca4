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
import type { Vec3 } from '../../shared/volume.ts';
import { writeDicom, imageElements, MR_IMAGE_STORAGE, SLICESAM_UID_ROOT, type DicomElement, type TransferSyntaxChoice } from '../dicom/write.ts';
import { clearDirectory, opfsFolder } from '../fs/opfs.ts';
import { readTextIfExists, writeFileAtomic } from '../fs/files.ts';
import { gzip } from '../gzip.ts';
import { encodeNifti } from '../nifti/write.ts';
import { abdomenTissue, CT_HU, headTissue, MR_CONTRASTS, noise, seededRandom, type AbdomenPhantom, type AbdomenTissue, type HeadPhantom, type HeadTissue } from './phantoms.ts';

/** Bump when the generated files change: an OPFS copy of another version is regenerated. */
export const DEMO_VERSION = 1;
export const DEMO_FOLDER = 'slicesam-demo';
/** Hidden (walkers skip dot files): which version the folder holds, written last. */
export const DEMO_MARKER = '.slicesam-demo.json';
/** Left alone when the folder is regenerated: the app's outputs from earlier demo sessions. */
export const DEMO_OUTPUT_FOLDER = 'labels';

// ------------------------------------------------------------------ the plan

/** A spot to check a volume by: a sphere in the volume's world (RAS+ mm, as Volume.affine maps to). */
export interface DemoLandmark {
  name: string;
  centreRas: Vec3;
  radius: number;
}

export interface DemoCase {
  /** The NIfTI file, or the folder holding the series. */
  path: string;
  kind: 'dicom' | 'nifti';
  /** SeriesDescription (DICOM) or NIfTI descrip. */
  description: string;
  modality: 'MR' | 'CT';
  dims: Vec3;
  /** mm along i, j, k. */
  spacing: Vec3;
  datatype: 'uint16' | 'int16';
  /** Files the volume is read from. */
  fileCount: number;
  /** What a person sees. */
  summary: string;
  landmarks: DemoLandmark[];
}

export interface DemoBroken {
  path: string;
  /** The scan's skip code for it. */
  code: 'truncated';
  summary: string;
}

export interface DemoDescription {
  version: number;
  folder: string;
  cases: DemoCase[];
  broken: DemoBroken[];
}

const lpsToRas = (p: Vec3): Vec3 => [-p[0], -p[1], p[2]];

const HEAD_01: HeadPhantom = { centre: [0, 0, -8], radii: [56, 62, 46], tumour: { centre: [20, -18, 8], radius: 9, oedema: 5 } };
const HEAD_02: HeadPhantom = { centre: [0, 2, -6], radii: [52, 60, 44], tumour: { centre: [-16, 14, -4], radius: 7, oedema: 7 } };

const ABDOMEN: AbdomenPhantom = {
  body: [165, 118],
  fat: 16,
  liver: { centre: [70, 20, 40], radii: [62, 70, 55] },
  lesion: { centre: [88, 30, 38], radius: 13 },
  kidneys: { centres: [[75, -60, -35], [-75, -60, -35]], radii: [24, 30, 45] },
  aorta: { centre: [-22, -35], radius: 11 },
  spine: { centre: [0, -65], radius: 18, canal: 6 },
};

/** A DICOM series on an axial grid centred on the LPS origin. */
interface SeriesPlan {
  folder: string;
  patient: number;
  series: number;
  description: string;
  columns: number;
  rows: number;
  slices: number;
  /** [column spacing (along i), row spacing (along j)], mm. */
  pixel: [number, number];
  sliceStep: number;
  phantom: HeadPhantom;
  contrast: keyof typeof MR_CONTRASTS;
  transferSyntax: TransferSyntaxChoice;
  /** Slice k → file name in the folder. */
  name: (k: number) => string;
  seed: number;
}

const pad4 = (n: number): string => String(n).padStart(4, '0');

const SERIES: readonly SeriesPlan[] = [
  {
    folder: 'patient-01', patient: 1, series: 3, description: 'T1 head phantom', columns: 128, rows: 128, slices: 40,
    pixel: [1, 1], sliceStep: 2, phantom: HEAD_01, contrast: 't1', transferSyntax: 'explicit-le',
    name: (k) => `slice-${pad4(k + 1)}.dcm`, seed: 101,
  },
  {
    folder: 'patient-02', patient: 2, series: 2, description: 'T1 phantom', columns: 112, rows: 128, slices: 32,
    pixel: [1, 1], sliceStep: 2.5, phantom: HEAD_02, contrast: 't1', transferSyntax: 'explicit-le',
    name: (k) => `IM${pad4(2 * k + 1)}`, seed: 201,
  },
  {
    folder: 'patient-02', patient: 2, series: 5, description: 'FLAIR phantom', columns: 112, rows: 128, slices: 32,
    pixel: [1, 1], sliceStep: 2.5, phantom: HEAD_02, contrast: 'flair', transferSyntax: 'implicit-le',
    name: (k) => `IM${pad4(2 * k + 2)}`, seed: 202,
  },
];

const CT_PLAN = {
  path: 'patient-03/ct.nii.gz',
  dims: [144, 112, 40] as Vec3,
  spacing: [2.5, 2.5, 4] as Vec3,
  seed: 301,
  description: 'CT abdomen phantom (HU)',
};

/** Voxel → RAS world of the CT: i runs right→left, j anterior→posterior, k inferior→superior (LPS voxel axes). */
export function ctAffine(): number[] {
  const [nx, ny, nz] = CT_PLAN.dims, [sx, sy, sz] = CT_PLAN.spacing;
  return [
    -sx, 0, 0, ((nx - 1) / 2) * sx,
    0, -sy, 0, ((ny - 1) / 2) * sy,
    0, 0, sz, -((nz - 1) / 2) * sz,
    0, 0, 0, 1,
  ];
}

const BROKEN_PATH = 'patient-04/broken.dcm';

/** What the demo holds, for the UI's "about" line and for tests. */
export const DEMO_COHORT: Readonly<DemoDescription> = Object.freeze<DemoDescription>({
  version: DEMO_VERSION,
  folder: DEMO_FOLDER,
  cases: [
    ...SERIES.map((s): DemoCase => ({
      path: s.folder,
      kind: 'dicom',
      description: s.description,
      modality: 'MR',
      dims: [s.columns, s.rows, s.slices],
      spacing: [s.pixel[0], s.pixel[1], s.sliceStep],
      datatype: 'uint16',
      fileCount: s.slices,
      summary: s.folder === 'patient-01'
        ? 'MR head phantom: skull, brain, ventricles and a bright tumour; one series, 1×1×2 mm'
        : `${s.description}: one of two series interleaved in one folder, files without extension`,
      landmarks: [{ name: 'tumour', centreRas: lpsToRas(s.phantom.tumour.centre), radius: s.phantom.tumour.radius }],
    })),
    {
      path: CT_PLAN.path,
      kind: 'nifti',
      description: CT_PLAN.description,
      modality: 'CT',
      dims: CT_PLAN.dims,
      spacing: CT_PLAN.spacing,
      datatype: 'int16',
      fileCount: 1,
      summary: 'CT-like abdomen phantom in HU (int16): liver with a low-density lesion, kidneys, aorta, spine; LPS voxel axes',
      landmarks: [
        { name: 'liver lesion', centreRas: ABDOMEN.lesion.centre, radius: ABDOMEN.lesion.radius },
        { name: 'vertebra', centreRas: [ABDOMEN.spine.centre[0], ABDOMEN.spine.centre[1], 0], radius: ABDOMEN.spine.radius },
      ],
    },
  ],
  broken: [{ path: BROKEN_PATH, code: 'truncated', summary: 'a DICOM image cut short: shows how a file that cannot be read is reported' }],
});

// --------------------------------------------------------------- generation

export interface DemoFile {
  path: string;
  bytes: Uint8Array;
}

/** UIDs under SliceSAM's root: .2 demo, then version, patient, role, series, instance. */
const DEMO_UID = `${SLICESAM_UID_ROOT}.2.${DEMO_VERSION}`;

function patientElements(patient: number): DicomElement[] {
  return [
    { tag: 0x00100010, vr: 'PN', value: `Phantom^Demo ${pad2(patient)}` },
    { tag: 0x00100020, vr: 'LO', value: `PHANTOM-${pad2(patient)}` },
    { tag: 0x00081030, vr: 'LO', value: 'SliceSAM demo (synthetic phantom)' },
    { tag: 0x00080070, vr: 'LO', value: 'SliceSAM synthetic phantom' },
    { tag: 0x00080008, vr: 'CS', value: 'DERIVED\\SECONDARY' },
    { tag: 0x00200052, vr: 'UI', value: `${DEMO_UID}.${patient}.4` },
    { tag: 0x00180015, vr: 'CS', value: 'HEAD' },
  ];
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const HEAD_TISSUES: readonly HeadTissue[] = ['air', 'scalp', 'skull', 'csf', 'grey', 'white', 'ventricle', 'oedema', 'tumour'];

/** Tissue index (into HEAD_TISSUES) of every voxel of a series grid, i fastest. */
function headTissues(plan: SeriesPlan): Uint8Array {
  const { columns, rows, slices, pixel, sliceStep, phantom } = plan;
  const index = new Map(HEAD_TISSUES.map((t, n) => [t, n]));
  const out = new Uint8Array(columns * rows * slices);
  const [ox, oy, oz] = seriesOrigin(plan);
  let at = 0;
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < columns; i++) {
        out[at++] = index.get(headTissue(phantom, [ox + i * pixel[0], oy + j * pixel[1], oz + k * sliceStep]))!;
      }
    }
  }
  return out;
}

/** LPS position of voxel (0, 0, 0), so that the grid is centred on the origin. */
function seriesOrigin(plan: SeriesPlan): Vec3 {
  return [-((plan.columns - 1) / 2) * plan.pixel[0], -((plan.rows - 1) / 2) * plan.pixel[1], -((plan.slices - 1) / 2) * plan.sliceStep];
}

const MR_MAX = 4095; // BitsStored 12

function seriesFiles(plan: SeriesPlan, tissues: Uint8Array): DemoFile[] {
  const { columns, rows, slices, pixel, sliceStep, patient, series } = plan;
  const signal = HEAD_TISSUES.map((t) => MR_CONTRASTS[plan.contrast][t]);
  const random = seededRandom(plan.seed);
  const origin = seriesOrigin(plan);
  const perSlice = columns * rows;
  const files: DemoFile[] = [];
  for (let k = 0; k < slices; k++) {
    const pixels = new Uint16Array(perSlice);
    for (let n = 0; n < perSlice; n++) {
      // Magnitude images: noise folds at zero (Rician-like background).
      const v = Math.round(Math.abs(signal[tissues[k * perSlice + n]!]! + noise(random, 14)));
      pixels[n] = v > MR_MAX ? MR_MAX : v;
    }
    const elements = imageElements({
      studyInstanceUid: `${DEMO_UID}.${patient}.1`,
      seriesInstanceUid: `${DEMO_UID}.${patient}.2.${series}`,
      sopInstanceUid: `${DEMO_UID}.${patient}.3.${series}.${k + 1}`,
      sopClassUid: MR_IMAGE_STORAGE,
      modality: 'MR',
      seriesDescription: plan.description,
      seriesNumber: series,
      instanceNumber: k + 1,
      position: [origin[0], origin[1], origin[2] + k * sliceStep],
      orientation: [1, 0, 0, 0, 1, 0],
      // DICOM order: row spacing (between rows, along j) first.
      pixelSpacing: [pixel[1], pixel[0]],
      sliceThickness: sliceStep,
      rows,
      columns,
      bitsStored: 12,
      windowCenter: plan.contrast === 't1' ? 600 : 550,
      windowWidth: 1200,
      pixels,
      extra: [...patientElements(patient), { tag: 0x00180088, vr: 'DS', value: sliceStep }],
    });
    files.push({ path: `${plan.folder}/${plan.name(k)}`, bytes: writeDicom(elements, { transferSyntax: plan.transferSyntax }) });
  }
  return files;
}

const ABDOMEN_TISSUES: readonly AbdomenTissue[] = ['air', 'fat', 'muscle', 'liver', 'lesion', 'kidney', 'aorta', 'bone', 'canal'];

/** The CT volume's voxels (int16 HU). */
export function ctVoxels(): Int16Array {
  const [nx, ny, nz] = CT_PLAN.dims;
  const a = ctAffine();
  const random = seededRandom(CT_PLAN.seed);
  const out = new Int16Array(nx * ny * nz);
  const hu = ABDOMEN_TISSUES.map((t) => CT_HU[t]);
  const index = new Map(ABDOMEN_TISSUES.map((t, n) => [t, n]));
  let at = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        // The affine is diagonal: world = (a0·i + a3, a5·j + a7, a10·k + a11).
        const p: Vec3 = [a[0]! * i + a[3]!, a[5]! * j + a[7]!, a[10]! * k + a[11]!];
        const t = abdomenTissue(ABDOMEN, p);
        const sigma = t === 'air' ? 4 : 12;
        out[at++] = Math.round(hu[index.get(t)!]! + noise(random, sigma));
      }
    }
  }
  return out;
}

async function ctFile(): Promise<DemoFile> {
  const nii = encodeNifti(
    { data: ctVoxels(), datatype: 'int16', dims: CT_PLAN.dims, affine: ctAffine() },
    { description: CT_PLAN.description, calMin: -160, calMax: 240 },
  );
  return { path: CT_PLAN.path, bytes: await gzip(nii) };
}

function brokenFile(): DemoFile {
  const columns = 64, rows = 64;
  const pixels = new Uint16Array(columns * rows);
  const random = seededRandom(401);
  for (let n = 0; n < pixels.length; n++) pixels[n] = Math.round(Math.abs(noise(random, 40)) + 300);
  const bytes = writeDicom(imageElements({
    studyInstanceUid: `${DEMO_UID}.4.1`,
    seriesInstanceUid: `${DEMO_UID}.4.2.1`,
    sopInstanceUid: `${DEMO_UID}.4.3.1.1`,
    sopClassUid: MR_IMAGE_STORAGE,
    modality: 'MR',
    seriesDescription: 'cut short',
    seriesNumber: 1,
    instanceNumber: 1,
    position: [0, 0, 0],
    orientation: [1, 0, 0, 0, 1, 0],
    pixelSpacing: [1, 1],
    rows,
    columns,
    bitsStored: 12,
    pixels,
    extra: patientElements(4),
  }));
  // Cut inside the pixel data, as an interrupted copy leaves a file.
  return { path: BROKEN_PATH, bytes: bytes.slice(0, Math.floor(bytes.length * 0.6)) };
}

/** Every file of the demo cohort (paths relative to its folder), in path order. */
export async function generateDemoFiles(): Promise<DemoFile[]> {
  const files: DemoFile[] = [];
  const tissues = new Map<HeadPhantom, Uint8Array>();
  for (const plan of SERIES) {
    let t = tissues.get(plan.phantom);
    if (!t) { t = headTissues(plan); tissues.set(plan.phantom, t); }
    files.push(...seriesFiles(plan, t));
  }
  files.push(await ctFile(), brokenFile());
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

// ------------------------------------------------------------------ writing

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
 * version, otherwise emptied (all but `labels/`, the outputs of earlier demo
 * sessions) and written afresh. The marker is written last, so a folder left
 * half-written by a closed tab is regenerated next time.
 * `root` defaults to OPFS `slicesam-demo/`.
 */
export async function openDemoCohort(options: DemoWriteOptions & { root?: FileSystemDirectoryHandle } = {}): Promise<OpenedDemo> {
  const root = options.root ?? await opfsFolder(DEMO_FOLDER);
  if (markerVersion(await readTextIfExists(root, DEMO_MARKER)) === DEMO_VERSION) {
    return { root, reused: true, caseCount: DEMO_COHORT.cases.length, files: demoPaths() };
  }
  await clearDirectory(root, { keep: [DEMO_OUTPUT_FOLDER] });
  const result = await writeDemoCohort(root, options);
  await writeFileAtomic(root, DEMO_MARKER, JSON.stringify({ version: DEMO_VERSION, files: result.files.length }));
  return { root, reused: false, ...result };
}

/** The demo's file paths without generating anything. */
export function demoPaths(): string[] {
  const paths = SERIES.flatMap((s) => Array.from({ length: s.slices }, (_, k) => `${s.folder}/${s.name(k)}`));
  paths.push(CT_PLAN.path, BROKEN_PATH);
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
