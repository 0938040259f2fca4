/**
 * I/O benchmark (not a test): `npm run bench:io`.
 *
 *  - loading a DICOM series with scanFiles + loadVolume, in process, warm: the
 *    shared 120-slice 512² MPRAGE and a synthetic 512×512×300 int16 CT
 *    (RescaleIntercept -1024), written once to a temp folder with the test
 *    DICOM writer (src/io/dicom/testing/);
 *  - dcm2niix -z n on the same folders, alternating with ours: one warm-up of
 *    each, then N rounds of one load of ours and one dcm2niix run (which goes
 *    first alternates), so both see the same machine; the figure is the median
 *    of the per-round ratios ours / dcm2niix, with its spread (dcm2niix also
 *    writes its .nii, we only load; target for the CT: ≤ 1.5);
 *  - writing a 512×512×300 label .nii.gz (a few blobs of 1..3 in zeros) with
 *    writeLabelNifti (warm, median of 5; target ≤ 0.5 s);
 *  - peak memory: each measured once more in its own child process
 *    (`node --import tsx tools/bench/io.ts --child …`) so peaks are clean:
 *    the process's own peak RSS (VmHWM in /proc/self/status; maxRSS from
 *    process.resourceUsage() where there is no /proc — but on Linux maxRSS
 *    also counts the parent's RSS at the fork, as execve keeps it), RSS
 *    before the work as baseline,
 *    arrayBuffers sampled every 2 ms; (peak − baseline) ÷ volume size, target ≤ 2.5.
 *
 *  - the same CT compressed file by file with DCMTK's dcmcjpeg +e1 (JPEG
 *    Lossless, process 14, selection value 1), loaded by ours and by
 *    dcm2niix alternating as above (target: median ratio ≤ 2); left out,
 *    with a note, when dcmcjpeg is not installed;
 *
 * Options: --runs N (default 7), --keep (keep the synthetic CT folders; they
 * are reused while present), --ct-dir DIR, --jpeg-dir DIR, --only TEXT (only
 * the DICOM cases whose name contains TEXT, e.g. "jpeg"), --no-label (skip
 * the label write), --no-memory (skip the child processes that measure peak
 * memory).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vec3 } from '../../src/shared/volume.ts';
import { imageElements, CT_IMAGE_STORAGE } from '../../src/io/dicom/testing/synthetic.ts';
import { writeDicom } from '../../src/io/dicom/testing/write-dicom.ts';
import { writeLabelNifti } from '../../src/io/nifti/write.ts';
import { diskFiles } from '../../src/io/node/files.ts';
import { loadVolume, scanFiles } from '../../src/io/scan.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = fileURLToPath(import.meta.url);
const MPRAGE = resolve(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');
const MB = 1024 * 1024;

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

// ---------------------------------------------------------------- helpers
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

/** One full open: list the files, scan headers, read voxels. */
async function openFolder(dir: string): Promise<{ bytes: number; type: string; dims: Vec3; scanMs: number; loadMs: number }> {
  const t0 = performance.now();
  const files = await diskFiles(dir);
  const report = await scanFiles(files);
  const t1 = performance.now();
  if (report.volumes.length !== 1) throw new Error(`${dir}: expected one volume, found ${report.volumes.length} (skipped ${report.skipped.length})`);
  const v = await loadVolume(report.volumes[0]!, new Map(files.map((f) => [f.path, f])));
  const t2 = performance.now();
  return { bytes: v.data.byteLength, type: v.datatype, dims: v.dims, scanMs: t1 - t0, loadMs: t2 - t1 };
}

/** 512×512×300 label: three ellipsoid blobs (1, 2, 3; the third inside the first) in zeros. */
function makeLabel(dims: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const lab = new Uint8Array(nx * ny * nz);
  const blobs: Array<[number, number, number, number, number, number, number]> = [
    // value, centre i, j, k, radii i, j, k (voxels)
    [1, 200, 260, 150, 60, 45, 40],
    [2, 340, 220, 120, 35, 50, 25],
    [3, 210, 250, 160, 20, 15, 12],
  ];
  for (const [value, ci, cj, ck, ri, rj, rk] of blobs) {
    for (let k = Math.max(0, ck - rk); k <= Math.min(nz - 1, ck + rk); k++) {
      for (let j = Math.max(0, cj - rj); j <= Math.min(ny - 1, cj + rj); j++) {
        for (let i = Math.max(0, ci - ri); i <= Math.min(nx - 1, ci + ri); i++) {
          if (((i - ci) / ri) ** 2 + ((j - cj) / rj) ** 2 + ((k - ck) / rk) ** 2 <= 1) lab[i + nx * (j + ny * k)] = value;
        }
      }
    }
  }
  return lab;
}

const LABEL_DIMS: Vec3 = [512, 512, 300];
const LABEL_SOURCE = {
  dims: LABEL_DIMS,
  // LPS DICOM axial at 0.7 × 0.7 × 1 mm, as RAS.
  affine: [-0.7, 0, 0, 179, 0, -0.7, 0, 179, 0, 0, 1, -150, 0, 0, 0, 1],
};

// ---------------------------------------------------------------- synthetic CT
const CT_SLICES = 300, CT_SIZE = 512;
const CT_STAMP = 'slicesam-bench-ct v1 512x512x300 int16 explicit-le intercept -1024';

/** Stored value (HU + 1024) of a simple body phantom: air, soft tissue, lungs, a bone ring, a little noise. */
function ctSlice(k: number): Int16Array {
  const px = new Int16Array(CT_SIZE * CT_SIZE);
  let seed = 12345 + k * 7919;
  const noise = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed % 41) - 20; };
  for (let j = 0; j < CT_SIZE; j++) {
    for (let i = 0; i < CT_SIZE; i++) {
      const x = (i - 256) / 200, y = (j - 266) / 150;
      const r = x * x + y * y;
      let hu = -1000;
      if (r < 1) {
        hu = 40 + noise();
        if (r > 0.8) hu = 700 + noise() * 5; // bone ring
        const lx = (Math.abs(i - 256) - 95) / 60, ly = (j - 250) / 90;
        if (lx * lx + ly * ly < 1 && k > 60 && k < 260) hu = -820 + noise(); // lungs
      }
      px[i + j * CT_SIZE] = hu + 1024;
    }
  }
  return px;
}

function ensureCtFolder(): string {
  const dir = opt('--ct-dir') ?? join(tmpdir(), 'slicesam-bench-ct-512x512x300');
  const stamp = join(dir, 'STAMP');
  if (existsSync(stamp) && readdirSync(dir).filter((f) => f.endsWith('.dcm')).length === CT_SLICES) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const series = '1.2.826.0.1.3680043.2.1125.424242.1';
  for (let k = 0; k < CT_SLICES; k++) {
    const els = imageElements({
      rows: CT_SIZE, columns: CT_SIZE,
      sopClassUid: CT_IMAGE_STORAGE, modality: 'CT',
      sopInstanceUid: `${series}.${k + 1}`, seriesInstanceUid: series, seriesNumber: 2, seriesDescription: 'bench CT',
      instanceNumber: k + 1,
      position: [-179, -179, -150 + k], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [0.7, 0.7], sliceThickness: 1,
      slope: 1, intercept: -1024, windowCenter: 40, windowWidth: 400,
      pixels: ctSlice(k),
    });
    writeFileSync(join(dir, `ct-${String(k + 1).padStart(3, '0')}.dcm`), writeDicom(els, { transferSyntax: 'explicit-le' }));
  }
  writeFileSync(stamp, `${CT_STAMP}\n`);
  process.stderr.write(`wrote the synthetic CT (${CT_SLICES} files) to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dir;
}

// ---------------------------------------------------------------- the CT as JPEG Lossless
const JPEG_STAMP = `slicesam-bench-ct-jpeg-lossless v1: ${CT_STAMP} through dcmcjpeg +e1 (JPEG Lossless, process 14, selection value 1)`;

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
  }
  return true;
}

/**
 * The synthetic CT, each file compressed by DCMTK's dcmcjpeg +e1 (JPEG
 * Lossless, Non-Hierarchical, First-Order Prediction: 1.2.840.10008.1.2.4.70),
 * written once beside it and reused while its stamp and file count are right.
 * Undefined (the case is left out, with a note) without dcmcjpeg.
 */
function ensureJpegLosslessFolder(ct: string): string | undefined {
  const dir = opt('--jpeg-dir') ?? join(tmpdir(), 'slicesam-bench-ct-512x512x300-jpeg-lossless');
  const stamp = join(dir, 'STAMP');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === `${JPEG_STAMP}\n`
    && readdirSync(dir).filter((f) => f.endsWith('.dcm')).length === CT_SLICES) return dir;
  if (!hasTool('dcmcjpeg')) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  for (const name of readdirSync(ct).filter((f) => f.endsWith('.dcm')).sort()) {
    execFileSync('dcmcjpeg', ['+e1', join(ct, name), join(dir, name)], { stdio: 'ignore' });
  }
  writeFileSync(stamp, `${JPEG_STAMP}\n`);
  process.stderr.write(`wrote the synthetic CT as JPEG Lossless SV1 (${CT_SLICES} files, ${(folderBytes(dir) / MB).toFixed(0)} MB) to ${dir} `
    + `in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dir;
}

/** Whether two folders load to the same voxels (the JPEG Lossless CT must be its uncompressed original, bit for bit). */
async function sameVolume(a: string, b: string): Promise<string> {
  const load = async (dir: string) => {
    const files = await diskFiles(dir);
    const report = await scanFiles(files);
    return loadVolume(report.volumes[0]!, new Map(files.map((f) => [f.path, f])));
  };
  const va = await load(a);
  const vb = await load(b);
  if (va.datatype !== vb.datatype || va.data.length !== vb.data.length) return `differ: ${va.datatype}[${va.data.length}] vs ${vb.datatype}[${vb.data.length}]`;
  for (let i = 0; i < va.data.length; i++) if (va.data[i] !== vb.data[i]) return `NOT bit-exact: differ first at voxel ${i}: ${va.data[i]} vs ${vb.data[i]}`;
  return va.affine.every((x, i) => Math.abs(x - vb.affine[i]!) < 1e-9) ? 'bit-exact, same affine' : 'same voxels, affines differ';
}

// ---------------------------------------------------------------- child: one clean measurement
interface ChildReport { ms: number; baselineRss: number; peakRss: number; peakArrayBuffers: number; volumeBytes: number }

async function child(kind: string, target: string | undefined): Promise<void> {
  let label: Uint8Array | undefined;
  if (kind === 'label') label = makeLabel(LABEL_DIMS);
  // Let go of whatever the imports and set-up left behind, then take the baseline.
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage.rss();
  let peakArrayBuffers = process.memoryUsage().arrayBuffers;
  const sampler = setInterval(() => { peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers); }, 2);
  const t0 = performance.now();
  let volumeBytes: number;
  if (kind === 'load') {
    volumeBytes = (await openFolder(target!)).bytes;
  } else {
    const out = await writeLabelNifti(label!, LABEL_SOURCE);
    volumeBytes = label!.byteLength;
    if (out.byteLength < 100) throw new Error('label too small');
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
  const report: ChildReport = { ms, baselineRss, peakRss: peakRss(), peakArrayBuffers, volumeBytes };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/**
 * This process's peak RSS in bytes: VmHWM, the high-water mark of its own
 * memory map (new at execve). Not resourceUsage().maxRSS: on Linux that keeps
 * the high-water mark of the memory map execve replaced, which for a child
 * of this benchmark is the parent's RSS when it forked (often more than the
 * child ever uses).
 */
function peakRss(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // no /proc: fall back to maxRSS
  }
  return process.resourceUsage().maxRSS * 1024;
}

function measureInChild(kind: 'load' | 'label', target?: string): ChildReport {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', HERE, '--child', kind, ...(target ? [target] : [])], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`child ${kind} ${target ?? ''} failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildReport;
}

// ---------------------------------------------------------------- dcm2niix
function hasDcm2niix(): boolean {
  try {
    execFileSync('dcm2niix', ['-v', 'n'], { stdio: 'ignore' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
  }
  return true;
}

/** One dcm2niix conversion of `dir` into an emptied `out`, timed (process start to exit). */
function dcm2niixOnce(dir: string, out: string): number {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const t0 = performance.now();
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-o', out, '-f', 'bench', dir], { stdio: 'ignore' });
  return performance.now() - t0;
}

// ---------------------------------------------------------------- main
const CT_TARGET = 1.5;
const JPEG_TARGET = 2;

async function bench(): Promise<void> {
  const runs = Number(opt('--runs') ?? 7);
  const ct = ensureCtFolder();
  const jpeg = ensureJpegLosslessFolder(ct);
  const only = opt('--only');
  const cases = [
    { name: 'MPRAGE 512×512×120 uint16 (shared)', dir: MPRAGE, target: undefined },
    { name: 'synthetic CT 512×512×300 int16', dir: ct, target: CT_TARGET },
    ...(jpeg ? [{ name: 'synthetic CT 512×512×300 JPEG Lossless SV1', dir: jpeg, target: JPEG_TARGET }] : []),
  ].filter((c) => !only || c.name.toLowerCase().includes(only.toLowerCase()));
  const withD2n = hasDcm2niix();
  const withMemory = !args.includes('--no-memory');
  const rows: string[][] = [];
  const notes: string[] = [];
  if (!jpeg) notes.push('JPEG Lossless case left out: dcmcjpeg (DCMTK, apt-get install dcmtk) is not installed');
  const header = ['case', 'ours ms (median)', 'MB/s (files)', 'scan / load ms', 'dcm2niix ms', 'ours ÷ dcm2niix', 'ratio min–max', 'peak RSS MB', '(peak−base) ÷ vol', 'peak arrayBuf ÷ vol'];
  const d2nOut = mkdtempSync(join(tmpdir(), 'slicesam-bench-d2n-'));

  try {
    for (const c of cases) {
      if (!existsSync(c.dir)) throw new Error(`missing ${c.dir}`);
      const onDisk = folderBytes(c.dir);
      await openFolder(c.dir); // warm-up: JIT, page cache
      if (withD2n) dcm2niixOnce(c.dir, d2nOut);
      const times: number[] = [], scans: number[] = [], loads: number[] = [], d2n: number[] = [], ratios: number[] = [];
      let last = { bytes: 0, type: '', dims: [0, 0, 0] as Vec3 };
      const ours = async (): Promise<number> => {
        const t0 = performance.now();
        const r = await openFolder(c.dir);
        const ms = performance.now() - t0;
        scans.push(r.scanMs); loads.push(r.loadMs);
        last = r;
        return ms;
      };
      for (let n = 0; n < runs; n++) {
        // Alternate which goes first, so neither always follows the other's page-cache and allocator state.
        let mine: number, theirs: number | undefined;
        if (n % 2 === 0 || !withD2n) {
          mine = await ours();
          theirs = withD2n ? dcm2niixOnce(c.dir, d2nOut) : undefined;
        } else {
          theirs = dcm2niixOnce(c.dir, d2nOut);
          mine = await ours();
        }
        times.push(mine);
        if (theirs !== undefined) { d2n.push(theirs); ratios.push(mine / theirs); }
      }
      const mem = withMemory ? measureInChild('load', c.dir) : undefined;
      const ratio = ratios.length ? median(ratios) : undefined;
      rows.push([
        c.name,
        median(times).toFixed(0),
        (onDisk / MB / (median(times) / 1000)).toFixed(0),
        `${median(scans).toFixed(0)} / ${median(loads).toFixed(0)}`,
        d2n.length ? median(d2n).toFixed(0) : 'n/a',
        ratio === undefined ? 'n/a' : ratio.toFixed(2),
        ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : 'n/a',
        mem ? (mem.peakRss / MB).toFixed(0) : '–',
        mem ? ((mem.peakRss - mem.baselineRss) / mem.volumeBytes).toFixed(2) : '–',
        mem ? (mem.peakArrayBuffers / mem.volumeBytes).toFixed(2) : '–',
      ]);
      const rounds = times.map((t, n) => `${t.toFixed(0)}${d2n[n] === undefined ? '' : ` / ${d2n[n]!.toFixed(0)} = ${ratios[n]!.toFixed(2)}`}`);
      notes.push(`${c.name}: ${last.dims.join('×')} → ${last.type}, ${(last.bytes / MB).toFixed(1)} MB in memory, ${(onDisk / MB).toFixed(1)} MB of files; `
        + `rounds (ours${withD2n ? ' / dcm2niix = ratio' : ''}, ms) ${rounds.join('; ')}`
        + (mem ? `; child (cold, 1 run) ${mem.ms.toFixed(0)} ms, baseline RSS ${(mem.baselineRss / MB).toFixed(0)} MB` : '')
        + (c.target !== undefined && ratio !== undefined ? `; target median ratio ≤ ${c.target}: ${ratio <= c.target ? 'met' : 'MISSED'}` : ''));
    }
    if (jpeg && cases.some((c) => c.dir === jpeg)) notes.push(`JPEG Lossless CT vs the uncompressed CT: ${await sameVolume(jpeg, ct)}`);
  } finally {
    rmSync(d2nOut, { recursive: true, force: true });
  }

  // Label write.
  if (!args.includes('--no-label')) await labelBench(runs, withMemory, rows, notes);

  // Table.
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join(' | ')} |`;
  const out = [
    `SliceSAM I/O benchmark — node ${process.version}, ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cpus, `
      + `${runs} rounds (DICOM: ours and dcm2niix alternating, medians; ratio: median of the per-round ratios)`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    'MB/s: size of the files read (DICOM) or of the uncompressed label, per second. dcm2niix also writes its .nii; ours only loads.',
    'peak RSS: peak RSS (VmHWM) of a fresh child process doing the one operation; base: its RSS just before (after imports'
      + ' and, for the label, after building the label). arrayBuf: largest process.memoryUsage().arrayBuffers seen (sampled every 2 ms).',
    ...notes.map((n) => `- ${n}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (!args.includes('--keep') && !opt('--ct-dir')) {
    // Keep the folder between runs by default only when asked: it is 150 MB of /tmp.
    rmSync(ct, { recursive: true, force: true });
    if (jpeg && !opt('--jpeg-dir')) rmSync(jpeg, { recursive: true, force: true });
  }
}

async function labelBench(runs: number, withMemory: boolean, rows: string[][], notes: string[]): Promise<void> {
  const label = makeLabel(LABEL_DIMS);
  let nonzero = 0;
  for (const x of label) if (x) nonzero++;
  let gzBytes = (await writeLabelNifti(label, LABEL_SOURCE)).byteLength; // warm-up
  const labelTimes: number[] = [];
  for (let n = 0; n < runs; n++) {
    const t0 = performance.now();
    gzBytes = (await writeLabelNifti(label, LABEL_SOURCE)).byteLength;
    labelTimes.push(performance.now() - t0);
  }
  const labelMs = median(labelTimes);
  const lmem = withMemory ? measureInChild('label') : undefined;
  rows.push([
    'write label 512×512×300 .nii.gz',
    labelMs.toFixed(0),
    (label.byteLength / MB / (labelMs / 1000)).toFixed(0),
    '–', '–', '–',
    '–',
    lmem ? (lmem.peakRss / MB).toFixed(0) : '–',
    lmem ? ((lmem.peakRss - lmem.baselineRss) / lmem.volumeBytes).toFixed(2) : '–',
    lmem ? (lmem.peakArrayBuffers / lmem.volumeBytes).toFixed(2) : '–',
  ]);
  notes.push(`label: ${(100 * nonzero / label.length).toFixed(2)} % labelled (values 1..3), ${(label.byteLength / MB).toFixed(1)} MB uint8 → ${(gzBytes / MB).toFixed(2)} MB .nii.gz; `
    + `runs ${labelTimes.map((t) => t.toFixed(0)).join(', ')} ms; target ≤ 500 ms: ${labelMs <= 500 ? 'met' : 'MISSED'}`
    + (lmem ? `; child (cold) ${lmem.ms.toFixed(0)} ms; (peak−base) ÷ label target ≤ 2.5: ${(lmem.peakRss - lmem.baselineRss) / lmem.volumeBytes <= 2.5 ? 'met' : 'MISSED'}` : ''));
}

if (args[0] === '--child') {
  await child(args[1]!, args[2]);
} else {
  await bench();
}
