// The client over a real worker thread running the same N4Service (Comlink's Node
// adapter): volumes and results cross the boundary, progress arrives, abort cancels.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeN4Endpoint } from '../../tools/bench/n4/node-endpoint.ts';
import { N4Client } from './client.ts';
import type { N4Progress } from './protocol.ts';

const dims: [number, number, number] = [48, 40, 32];
const data = new Uint16Array(dims[0] * dims[1] * dims[2]).map((_, i) => ((i % 5) < 2 ? 300 : 600) + (i % dims[0]) * 4);
const client = new N4Client(nodeN4Endpoint());
afterAll(() => client.terminate());

describe('N4Client (worker thread)', () => {
  it('corrects a copy of the volume and leaves the caller\'s data alone', async () => {
    const progress: N4Progress[] = [];
    const result = await client.correct({ data, dims }, { preset: 'fast', onProgress: (p) => progress.push(p) });
    expect(data.length).toBe(dims[0] * dims[1] * dims[2]); // not transferred away
    expect(result.corrected).toBeInstanceOf(Float32Array);
    expect(result.corrected).toHaveLength(data.length);
    for (let i = 0; i < data.length; i += 501) expect(result.corrected[i]! * result.field![i]!).toBeCloseTo(data[i]!, 1);
    expect(progress.some((p) => p.phase === 'fit')).toBe(true);
  }, 30_000);

  it('rejects with AbortError when the signal aborts, and serves the next call', async () => {
    const abort = new AbortController();
    const run = client.correct({ data, dims }, {
      convergenceThreshold: 0,
      signal: abort.signal,
      onProgress: (p) => { if (p.phase === 'fit' && p.done === 2) abort.abort(); },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const again = await client.correct({ data, dims }, { preset: 'fast' });
    // A full default run would be 200 iterations; the cancelled one stopped early, so this returns soon.
    expect(again.iterations).toBeGreaterThan(0);
  }, 30_000);

  it('rejects at once when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(client.correct({ data, dims }, { signal: abort.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
