import { describe, expect, it } from 'vitest';
import { History } from './history.ts';

function counter() {
  const log: string[] = [];
  const step = (n: number) => ({ label: `s${n}`, undo: () => void log.push(`-${n}`), redo: () => void log.push(`+${n}`) });
  return { log, step };
}

describe('History', () => {
  it('undoes newest first, redoes in order, and a new step clears the redo stack', async () => {
    const { log, step } = counter();
    const h = new History();
    h.push(step(1));
    h.push(step(2));
    expect((await h.undo())?.label).toBe('s2');
    expect((await h.undo())?.label).toBe('s1');
    expect(await h.undo()).toBeNull();
    expect((await h.redo())?.label).toBe('s1');
    h.push(step(3));
    expect(h.canRedo).toBe(false);
    expect(log).toEqual(['-2', '-1', '+1']);
  });
  it('keeps at least 50 steps and drops the oldest past its limit', async () => {
    const { log, step } = counter();
    const h = new History(60);
    for (let n = 1; n <= 70; n++) h.push(step(n));
    expect(h.size).toBe(60);
    let k = 0;
    while (await h.undo()) k++;
    expect(k).toBe(60);
    expect(log.at(-1)).toBe('-11');
  });
});
