/**
 * Generating the demo cohort's files in memory, deterministically: each
 * phantom sampled on its series' grid with seeded noise, written as DICOM
 * slices, the CT as gzipped NIfTI, and one DICOM file cut short.
 */
import type { Vec3 } from '../../shared/volume.ts';
import { writeDicom, imageElements, MR_IMAGE_STORAGE, SLICESAM_UID_ROOT, type DicomElement } from '../dicom/write.ts';
import { gzip } from '../gzip.ts';
import { encodeNifti } from '../nifti/write.ts';
import { abdomenTissue, CT_HU, headTissue, MR_CONTRASTS, noise, seededRandom, type AbdomenTissue, type HeadPhantom, type HeadTissue } from './phantoms.ts';
import { ABDOMEN, BROKEN_PATH, CT_PLAN, ctAffine, DEMO_VERSION, SERIES, type SeriesPlan } from './plan.ts';

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
