/**
 * What the demo cohort holds, described without generating anything: its
 * cases and phantoms, each series' grid and file names, the CT's grid and
 * affine, and the file left broken on purpose (DEMO_COHORT, demoPaths).
 */
import type { Vec3 } from '../../shared/volume.ts';
import type { TransferSyntaxChoice } from '../dicom/write.ts';
import type { AbdomenPhantom, HeadPhantom, MR_CONTRASTS } from './phantoms.ts';

/** Bump when the generated files change: an OPFS copy of another version is regenerated. */
export const DEMO_VERSION = 1;
export const DEMO_FOLDER = 'slicesam-demo';

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

export const ABDOMEN: AbdomenPhantom = {
  body: [165, 118],
  fat: 16,
  liver: { centre: [70, 20, 40], radii: [62, 70, 55] },
  lesion: { centre: [88, 30, 38], radius: 13 },
  kidneys: { centres: [[75, -60, -35], [-75, -60, -35]], radii: [24, 30, 45] },
  aorta: { centre: [-22, -35], radius: 11 },
  spine: { centre: [0, -65], radius: 18, canal: 6 },
};

/** A DICOM series on an axial grid centred on the LPS origin. */
export interface SeriesPlan {
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

export const SERIES: readonly SeriesPlan[] = [
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

export const CT_PLAN = {
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

export const BROKEN_PATH = 'patient-04/broken.dcm';

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

/** The demo's file paths without generating anything. */
export function demoPaths(): string[] {
  const paths = SERIES.flatMap((s) => Array.from({ length: s.slices }, (_, k) => `${s.folder}/${s.name(k)}`));
  paths.push(CT_PLAN.path, BROKEN_PATH);
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
