/**
 * The synthetic cohort of `npm run bench:cohort`, made in Node with the
 * project's own writers (NIfTI: encodeNifti + gzip; DICOM: writeImage), as
 * plain { path, bytes } files for the page to write into OPFS.
 *
 * Layout (deterministic; every 5th patient is a DICOM series, the rest NIfTI,
 * so the two kinds interleave in the case list as they would in a real root):
 *
 *   README.txt, participants.tsv          (not images: skipped by the scan)
 *   patient-0001/t1.nii.gz                (32×32×16 int16, 1 × 1 × 2 mm)
 *   patient-0005/MR/IM-0001.dcm … -0004   (4 slices of 64×64 int16 MR, explicit VR LE)
 *   …
 */
import { writeImage, MR_IMAGE_STORAGE } from '../../../src/io/dicom/write.ts';
import { gzip } from '../../../src/io/gzip.ts';
import { encodeNifti } from '../../../src/io/nifti/write.ts';

export interface SynthFile {
  path: string;
  bytes: Uint8Array;
}

export interface Cohort {
  files: SynthFile[];
  cases: number;
  niftiCases: number;
  dicomCases: number;
  bytes: number;
}

export const NIFTI_DIMS = [32, 32, 16] as const;
export const DICOM_SIZE = 64;
export const DICOM_SLICES = 4;
/** A UID root for these files only (2.25 + a fixed random number). */
const UID_ROOT = '2.25.1871250337219871253021';

/** Small deterministic noise generator (LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

/** A blob phantom: background noise, a bright ellipsoid whose centre moves with the case. */
function phantom(nx: number, ny: number, nz: number, seed: number, k0 = 0, nzTotal = nz): Int16Array {
  const rnd = lcg(seed);
  const out = new Int16Array(nx * ny * nz);
  const cx = nx * (0.4 + 0.2 * rnd()), cy = ny * (0.4 + 0.2 * rnd()), cz = nzTotal / 2;
  const rx = nx * 0.3, ry = ny * 0.25, rz = Math.max(1, nzTotal * 0.4);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const d = ((i - cx) / rx) ** 2 + ((j - cy) / ry) ** 2 + ((k + k0 - cz) / rz) ** 2;
        out[i + nx * (j + ny * k)] = (d < 1 ? 800 + 200 * (1 - d) : 20) + Math.floor(rnd() * 30);
      }
    }
  }
  return out;
}

const pad = (n: number, w = 4): string => String(n).padStart(w, '0');

async function niftiCase(patient: number): Promise<SynthFile> {
  const [nx, ny, nz] = NIFTI_DIMS;
  const data = phantom(nx, ny, nz, patient * 7919);
  // RAS, 1 × 1 × 2 mm, centred near the origin.
  const affine = [1, 0, 0, -nx / 2, 0, 1, 0, -ny / 2, 0, 0, 2, -nz, 0, 0, 0, 1];
  const nii = encodeNifti({ data, datatype: 'int16', dims: [nx, ny, nz], affine }, { description: 'SliceSAM bench' });
  return { path: `patient-${pad(patient)}/t1.nii.gz`, bytes: await gzip(nii) };
}

function dicomCase(patient: number): SynthFile[] {
  const study = `${UID_ROOT}.${patient}.1`;
  const series = `${UID_ROOT}.${patient}.2`;
  const out: SynthFile[] = [];
  for (let k = 0; k < DICOM_SLICES; k++) {
    const pixels = phantom(DICOM_SIZE, DICOM_SIZE, 1, patient * 104729 + k, k, DICOM_SLICES);
    out.push({
      path: `patient-${pad(patient)}/MR/IM-${pad(k + 1)}.dcm`,
      bytes: writeImage({
        studyInstanceUid: study,
        seriesInstanceUid: series,
        sopInstanceUid: `${series}.${k + 1}`,
        sopClassUid: MR_IMAGE_STORAGE,
        modality: 'MR',
        seriesDescription: 'bench T1',
        seriesNumber: 2,
        instanceNumber: k + 1,
        position: [-32, -32, k * 3],
        orientation: [1, 0, 0, 0, 1, 0],
        pixelSpacing: [1, 1],
        sliceThickness: 3,
        rows: DICOM_SIZE,
        columns: DICOM_SIZE,
        pixels,
      }, { transferSyntax: 'explicit-le' }),
    });
  }
  return out;
}

/** `cases` cases: 4 of 5 NIfTI, 1 of 5 a DICOM series (every 5th patient). */
export async function makeCohort(cases: number): Promise<Cohort> {
  const enc = new TextEncoder();
  const files: SynthFile[] = [
    { path: 'README.txt', bytes: enc.encode(`Synthetic SliceSAM benchmark cohort: ${cases} cases.\n`) },
  ];
  const rows = ['participant_id\tmodality'];
  let niftiCases = 0, dicomCases = 0;
  for (let p = 1; p <= cases; p++) {
    if (p % 5 === 0) {
      files.push(...dicomCase(p));
      dicomCases++;
      rows.push(`patient-${pad(p)}\tMR (DICOM)`);
    } else {
      files.push(await niftiCase(p));
      niftiCases++;
      rows.push(`patient-${pad(p)}\tMR (NIfTI)`);
    }
  }
  files.push({ path: 'participants.tsv', bytes: enc.encode(`${rows.join('\n')}\n`) });
  return { files, cases, niftiCases, dicomCases, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0) };
}
