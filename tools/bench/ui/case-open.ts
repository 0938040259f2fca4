/**
 * bench:ui's case open from the list: with the folder's cases listed and the viewer started, a
 * click on the MPRAGE's row while a small case is open, until its first slice is painted. That
 * is the load, display and first frame of a case, as every case after the first one opens
 * (Next, Prev, a click in the list), without the folder's walk and scan.
 */
import type { Page } from '@playwright/test';
import type { TestSnapshot } from '../../../src/app/test-hook.ts';
import { IDENTITY } from '../../../src/io/geometry.ts';
import { encodeNifti } from '../../../src/io/nifti/write.ts';
import { sleep } from '../shared/cli.ts';
import { takeOpen, type OpenRecord } from './page.ts';

/** The small case beside the series (its name sorts after the series', which opens first). */
export const SMALL_CASE = 'zz-small-case.nii';
const SMALL_DIMS: [number, number, number] = [64, 64, 24];

/** A 64×64×24 int16 ramp as a .nii file. */
export function smallCase(): Uint8Array {
  const data = new Int16Array(SMALL_DIMS[0] * SMALL_DIMS[1] * SMALL_DIMS[2]);
  for (let i = 0; i < data.length; i++) data[i] = i % 997;
  return encodeNifti({ data, datatype: 'int16', dims: SMALL_DIMS, affine: IDENTITY });
}

export const CASE_OPEN_PHASES = ['click → loading', 'load series (worker)', 'display (NIfTI → NiiVue)', 'first frame'] as const;

export interface CaseOpenRun {
  label: string;
  rec: OpenRecord;
  /** ms after the click at which each phase begins, then painted (null where not seen). */
  phases: Map<(typeof CASE_OPEN_PHASES)[number], number | null>;
  shownMs: number | null;
  gpuDoneMs: number | null;
  paintedMs: number | null;
  problems: string[];
}

const snapshot = (page: Page): Promise<TestSnapshot> => page.evaluate(() => window.__slicesam!.state());

async function openFromList(page: Page, name: string, dims: string, timeoutMs: number): Promise<boolean> {
  await page.locator('button.volume', { hasText: name }).click();
  return page.waitForFunction((d) => { const s = window.__slicesam!.state(); return !s.busy && s.volume?.dims.join('×') === d && s.viewer?.volumeCount === 1; }, dims, { timeout: timeoutMs })
    .then(() => true, () => false);
}

/** Open the small case, then (measured) the series `name`, whose volume has `dims` (a×b×c). */
export async function caseOpenRun(page: Page, label: string, name: string, dims: string, timeoutMs: number): Promise<CaseOpenRun> {
  const problems: string[] = [];
  if (!(await openFromList(page, SMALL_CASE, SMALL_DIMS.join('×'), timeoutMs))) problems.push(`${SMALL_CASE} did not open`);
  await sleep(500); // its colouring and frames settle
  await page.evaluate(() => window.__uiBench!.armOpen!());
  if (!(await openFromList(page, name, dims, timeoutMs))) problems.push(`${name} did not open`);
  await page.evaluate(() => window.__uiBench!.open!.done);
  await sleep(300);
  const rec = await page.evaluate(takeOpen);
  const s = await snapshot(page);
  problems.push(...rec.problems, ...s.errors.map((e) => `app error: ${e}`));
  if (rec.volumeCountAtShown !== 1) problems.push(`viewer held ${rec.volumeCountAtShown ?? 'no'} volume(s) when the busy label cleared`);
  const t0 = rec.t0 ?? 0;
  const at = (pred: (l: string | null) => boolean): number | null => {
    const b = rec.busy.find((x) => pred(x.label));
    return b ? b.t - t0 : null;
  };
  const since = (t: number | null): number | null => (t === null || rec.t0 === null ? null : t - t0);
  const phases = new Map<(typeof CASE_OPEN_PHASES)[number], number | null>([
    ['click → loading', 0],
    ['load series (worker)', at((l) => l?.startsWith('Loading') ?? false)],
    ['display (NIfTI → NiiVue)', at((l) => l?.startsWith('Displaying') ?? false)],
    ['first frame', since(rec.shownAt)],
  ]);
  return { label, rec, phases, shownMs: since(rec.shownAt), gpuDoneMs: since(rec.gpuDoneAt), paintedMs: since(rec.paintedAt), problems: [...new Set(problems)] };
}

/** Each phase's length in ms (to the next phase's start; the last one to painted). */
export function caseOpenDurations(r: CaseOpenRun): (number | null)[] {
  const starts = [...CASE_OPEN_PHASES.map((p) => r.phases.get(p) ?? null), r.paintedMs];
  return CASE_OPEN_PHASES.map((_, i) => (starts[i] !== null && starts[i + 1] !== null ? starts[i + 1]! - starts[i]! : null));
}
