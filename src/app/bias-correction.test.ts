// The per-case N4 switch over a real N4 worker thread (the same N4Service the browser runs):
// on shows the corrected volume, off the original without a new run, cancel and failure
// leave the original, and a case left while N4 runs ignores the result. No folder (rootId
// null) and no OPFS in Node: nothing is remembered or cached here (see e2e/n4.spec.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { nodeN4Endpoint } from '../../tools/bench/n4/node-endpoint.ts';
import type { N4Endpoint } from '../preprocess/index.ts';
import type { Vec3, Volume } from '../shared/volume.ts';
import { BiasCorrection, type BiasHost, type ShownImage } from './bias-correction.ts';

const dims: Vec3 = [40, 40, 16];

function volume(fill: (x: number, y: number, z: number) => number): Volume {
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  let i = 0;
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) data[i++] = fill(x, y, z);
  return { data, datatype: 'int16', dims, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], meta: { format: 'nifti', sourcePaths: ['t1.nii'], warnings: [] } };
}

/** A head-like blob with stripes, brighter to the right. */
const head = volume((x, y, z) => {
  const r = Math.hypot((x - 20) / 18, (y - 20) / 18, (z - 8) / 7);
  const v = r < 0.85 ? (Math.floor(y / 5) % 2 ? 180 : 110) : r < 1 ? 250 : 5;
  return Math.round(v * (1 + 0.3 * ((2 * x) / 39 - 1)) * 4 + ((x * 7 + y * 13 + z * 5) % 9));
});
const blank = volume(() => 0);

/** Only 'message' listeners reach the worker thread (Comlink's Node adapter ignores the event type). */
const endpoints: N4Endpoint[] = [];
function worker(): N4Endpoint {
  const inner = nodeN4Endpoint();
  endpoints.push(inner);
  return {
    postMessage: (m: unknown, t?: Transferable[]) => inner.postMessage(m, t),
    addEventListener: (type: string, l: EventListenerOrEventListenerObject) => { if (type === 'message') inner.addEventListener('message', l); },
    removeEventListener: (type: string, l: EventListenerOrEventListenerObject) => { if (type === 'message') inner.removeEventListener('message', l); },
    terminate: () => inner.terminate(),
  } as N4Endpoint;
}
afterAll(() => endpoints.forEach((e) => e.terminate()));

/** A host like the app's; with `cancelAtFit`, Cancel is pressed at the first fitting report (deterministic midway). */
function host(cancelAtFit = false) {
  const log = { shown: [] as ShownImage[], failed: [] as { what: string; error: unknown }[], messages: [] as string[], progress: [] as string[] };
  let task: AbortController | null = null;
  const h: BiasHost = {
    begin: () => (task = new AbortController()).signal,
    progress: (_s, done, total, label) => {
      log.progress.push(`${label} ${done}/${total}`);
      if (cancelAtFit && /fitting/.test(label ?? '')) task?.abort(new DOMException('Cancelled', 'AbortError'));
    },
    end: () => { task = null; },
    fail: (_s, error, what) => { task = null; log.failed.push({ what, error }); },
    message: (_l, text) => log.messages.push(text),
    cancel: () => task?.abort(new DOMException('Cancelled', 'AbortError')),
    display: async (_v, image) => { log.shown.push(image); },
    render: () => undefined,
  };
  return { h, log };
}

function rightLeft(v: Volume): number {
  let l = 0, r = 0;
  for (let i = 0; i < v.data.length; i++) if (v.data[i]! > 300) ((i % dims[0]) < dims[0] / 2 ? (l += v.data[i]!) : (r += v.data[i]!));
  return r / l;
}

describe('BiasCorrection', () => {
  it('on: corrected in the worker and shown; off and on again: no new run', async () => {
    const { h, log } = host();
    const bias = new BiasCorrection(h, worker);
    expect(await bias.openCase('t1', 't1.nii', null, head)).toBe(head);
    expect(bias.pending).toBe(false);
    await bias.toggle();
    expect(bias.status).toBe('on');
    expect(log.shown).toEqual(['corrected']);
    expect(log.progress.some((p) => /fitting, level 1 of 4/.test(p))).toBe(true);
    const corrected = bias.shownVolume!;
    expect(corrected.datatype).toBe('float32');
    expect(corrected.dims).toEqual(dims);
    expect(corrected.affine).toBe(head.affine);
    expect(Math.abs(rightLeft(corrected) - 1)).toBeLessThan(Math.abs(rightLeft(head) - 1) / 2);
    await bias.toggle();
    expect([bias.status, bias.shown, bias.shownVolume]).toEqual(['off', 'original', head]);
    await bias.toggle();
    expect([bias.status, bias.shown, bias.shownVolume]).toEqual(['on', 'corrected', corrected]);
    expect(bias.counters.runs).toBe(1);
    expect(log.shown).toEqual(['corrected', 'original', 'corrected']);
    bias.dispose();
  }, 60_000);

  it('cancel midway leaves the original, and a failure says so with the case name', async () => {
    const { h, log } = host(true);
    const bias = new BiasCorrection(h, worker);
    await bias.openCase('t1', 't1.nii', null, head);
    await bias.enable();
    expect(log.progress.filter((p) => /fitting/.test(p))).toHaveLength(1);
    expect([bias.status, bias.shown]).toEqual(['off', 'original']);
    expect(log.shown).toEqual([]);
    expect(log.failed[0]).toMatchObject({ what: 'N4 bias-field correction of t1.nii', error: { name: 'AbortError' } });

    await bias.openCase('blank', 'blank.nii', null, blank);
    await bias.enable();
    expect(bias.status).toBe('failed');
    expect(log.failed[1]!.what).toBe('N4 bias-field correction of blank.nii');
    expect(String(log.failed[1]!.error)).toMatch(/no tissue to fit a field on/);
    expect(log.shown).toEqual([]);
    bias.dispose();
  }, 60_000);

  it('a worker that dies is an error named with the case, and the next run starts a new worker', async () => {
    const { h, log } = host();
    let started = 0;
    const dying = (): N4Endpoint => {
      started++;
      return {
        postMessage: () => undefined, // never answers, as a crashed worker
        addEventListener: (type: string, l: EventListenerOrEventListenerObject) => {
          if (type === 'error') setTimeout(() => (l as (e: unknown) => void)({ message: 'out of memory' }), 5);
        },
        removeEventListener: () => undefined,
        terminate: () => undefined,
      } as N4Endpoint;
    };
    const bias = new BiasCorrection(h, dying);
    await bias.openCase('t1', 't1.nii', null, head);
    await bias.enable();
    expect(bias.status).toBe('failed');
    expect(log.failed[0]!.what).toBe('N4 bias-field correction of t1.nii');
    expect(String(log.failed[0]!.error)).toMatch(/the N4 worker stopped \(out of memory\)/);
    await bias.enable();
    expect(started).toBe(2);
    expect(log.shown).toEqual([]);
  });

  it('a case left while N4 runs: its result is not shown', async () => {
    const { h, log } = host();
    const bias = new BiasCorrection(h, worker);
    await bias.openCase('t1', 't1.nii', null, head);
    const run = bias.enable();
    bias.closeCase();
    await bias.openCase('t2', 't2.nii', null, blank);
    await run;
    expect(log.shown).toEqual([]);
    expect([bias.status, bias.shown]).toEqual(['off', 'original']);
    bias.dispose();
  }, 60_000);
});
