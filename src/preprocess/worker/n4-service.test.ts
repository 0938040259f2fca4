import { describe, expect, it } from 'vitest';
import type { N4Progress } from '../protocol.ts';
import { N4Service } from './n4-service.ts';

function volume(): { data: Float32Array; dims: [number, number, number] } {
  const dims: [number, number, number] = [40, 36, 30];
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < data.length; i++) data[i] = (i % 7 < 3 ? 100 : 200) * (1 + 0.2 * ((i % dims[0]) / dims[0]));
  return { data, dims };
}

describe('N4Service', () => {
  it('corrects, reporting progress phase by phase', async () => {
    const seen: N4Progress[] = [];
    const result = await new N4Service().correct(volume(), { preset: 'fast' }, 1, (p) => seen.push(p));
    expect(result.corrected).toHaveLength(40 * 36 * 30);
    expect(result.field).toHaveLength(40 * 36 * 30);
    expect(result.options.iterations).toEqual([4, 4, 4, 4]);
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(new Set(seen.map((p) => p.phase))).toEqual(new Set(['prepare', 'fit', 'apply']));
    const fits = seen.filter((p) => p.phase === 'fit').map((p) => p.done);
    expect(fits).toEqual([...fits].sort((a, b) => a - b));
  });

  it('stops a run cancelled by id between iterations, and runs the next one', async () => {
    const service = new N4Service();
    let fits = 0;
    const run = service.correct(volume(), { convergenceThreshold: 0, iterations: [50, 50, 50, 50] }, 7, (p) => {
      if (p.phase === 'fit' && ++fits === 3) void service.cancel(7);
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(fits).toBe(3); // cancelled at the checkpoint right after the request
    const next = await service.correct(volume(), { preset: 'fast' }, 8);
    expect(next.iterations).toBeGreaterThan(0);
  });

  it('cancels a queued run before it starts', async () => {
    const service = new N4Service();
    const first = service.correct(volume(), { preset: 'fast' }, 1);
    let started = false;
    const second = service.correct(volume(), { preset: 'fast' }, 2, () => { started = true; });
    await service.cancel(2);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await first;
    expect(started).toBe(true); // it reached its first checkpoint, where the cancel is read — and no further
  });
});
