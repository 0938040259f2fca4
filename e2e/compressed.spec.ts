/**
 * Compressed DICOM in the browser: a folder holding the same MR image uncompressed and as RLE,
 * JPEG-LS and JPEG 2000 (lossless), and a 12-bit JPEG with DCMTK's decompression of it beside
 * it. Each opens in the app (decoded in the I/O worker by codecs the app serves itself, loaded
 * only when such a series is opened) with exactly the voxels of its uncompressed twin.
 * The files come from Debian's python3-pydicom test data; pydicom gives every copy its own
 * series UID (the originals share one) and dcmdjpeg (DCMTK) decompresses the 12-bit file.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idle, state } from './app-helpers.ts';
import { freshFolder, usePickerStandIn, type FolderFile } from './opfs.ts';

const PYDICOM_DATA = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const ROOT = 'compressed-root';
/** Folder in the picked root → pydicom test file; the uncompressed twin of each is named. */
const CASES = [
  { folder: 'a-explicit', file: 'MR_small.dcm', twin: 'a-explicit' },
  { folder: 'b-rle', file: 'MR_small_RLE.dcm', twin: 'a-explicit' },
  { folder: 'c-jpeg-ls', file: 'MR_small_jpeg_ls_lossless.dcm', twin: 'a-explicit' },
  { folder: 'd-jpeg2000', file: 'MR_small_jp2klossless.dcm', twin: 'a-explicit' },
  { folder: 'e-jpeg12', file: 'JPEG-lossy.dcm', twin: 'f-jpeg12-dcmtk' },
  { folder: 'f-jpeg12-dcmtk', file: 'JPEG-lossy.dcm', twin: 'f-jpeg12-dcmtk', decompress: true },
] as const;
/** Codec files (wasm and their glue) by the names Vite gives them. */
const CODEC = /charls|openjpeg|dcmjs-native-codecs|libjpeg|lossless/i;

/** A copy of a pydicom test file with its own series and instance UIDs (pixel data untouched). */
function copyWithOwnSeries(src: string, out: string, description: string): void {
  execFileSync('/usr/bin/python3', ['-c', `
import sys
from pydicom import dcmread
from pydicom.uid import generate_uid
ds = dcmread(sys.argv[1])
ds.SeriesInstanceUID = generate_uid()
ds.SOPInstanceUID = generate_uid()
ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
ds.SeriesDescription = sys.argv[3]
ds.save_as(sys.argv[2])
`, src, out, description]);
}

function folderFiles(): FolderFile[] {
  const work = mkdtempSync(join(tmpdir(), 'slicesam-compressed-'));
  return CASES.map((c) => {
    let src = join(PYDICOM_DATA, c.file);
    if ('decompress' in c) {
      const plain = join(work, `${c.folder}-plain.dcm`);
      execFileSync('dcmdjpeg', [src, plain]);
      src = plain;
    }
    const out = join(work, `${c.folder}.dcm`);
    copyWithOwnSeries(src, out, c.folder);
    return { path: `${c.folder}/image.dcm`, base64: readFileSync(out).toString('base64') };
  });
}

test('compressed series decode in the browser with the voxels of their uncompressed twins; codecs load only when needed, from the app', async ({ context, page }) => {
  await usePickerStandIn(context, ROOT);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/');
  await freshFolder(page, ROOT, folderFiles());
  const origin = new URL(page.url()).origin;
  await page.getByRole('button', { name: /Open folder/ }).click();
  let s = await idle(page);
  expect(s.cases.map((c) => c.sourcePaths[0]!.split('/')[0]).sort()).toEqual(CASES.map((c) => c.folder));
  expect(s.counts.failed).toBe(0);

  const codecRequests = (): string[] => requests.filter((u) => CODEC.test(new URL(u).pathname));
  const voxels = new Map<string, Float32Array>();
  for (let n = 0; n < CASES.length; n++) {
    if (n > 0) {
      await page.keyboard.press('n');
      s = await idle(page, s.selectedId!);
    }
    const folder = s.cases.find((c) => c.id === s.selectedId)!.sourcePaths[0]!.split('/')[0]!;
    // Nothing compressed was opened yet: no codec has been fetched (the bundle cost is paid later).
    if (folder === 'a-explicit') expect(codecRequests()).toEqual([]);
    expect(s.errors).toEqual([]);
    const b64 = await page.evaluate(() => window.__slicesam!.shownImage());
    const bytes = Buffer.from(b64!, 'base64');
    voxels.set(folder, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
  }
  await page.screenshot({ path: join('e2e', 'screenshots', 'compressed-jpeg12.png') });

  for (const c of CASES) {
    const mine = voxels.get(c.folder)!, twin = voxels.get(c.twin)!;
    expect(mine.length, c.folder).toBeGreaterThan(1000);
    let differ = 0;
    for (let i = 0; i < mine.length; i++) if (mine[i] !== twin[i]) differ++;
    expect(differ, `${c.folder} voxels differing from ${c.twin}`).toBe(0);
  }
  // The 12-bit file is really 12-bit (values above 255), so the 12-bit decoder did the work.
  expect(voxels.get('e-jpeg12')!.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(255);

  // Each codec came from the app's own origin, fetched once the series needing it was opened.
  const fetched = codecRequests();
  for (const name of [/charls/i, /openjpeg/i, /dcmjs-native-codecs/i]) expect(fetched.some((u) => name.test(u)), String(name)).toBe(true);
  for (const u of fetched) expect(new URL(u).origin).toBe(origin);
  expect((await state(page)).errors).toEqual([]);
});

