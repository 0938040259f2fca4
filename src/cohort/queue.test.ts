import { describe, expect, it } from 'vitest';
import type { CaseEntry, CaseStatus } from '../shared/cohort.ts';
import {
  counts, createQueue, currentCase, jump, markDone, markFailed, next, nextIndex, nextUnfinished, open, previous,
  previousIndex, restore, setStatus, skip, snapshot, type QueueState,
} from './queue.ts';

const T = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T11:00:00.000Z';

function entry(id: string, status: CaseStatus = 'todo', reason?: string): CaseEntry {
  const e: CaseEntry = { id, name: id, kind: 'nifti', sourcePaths: [`${id}.nii.gz`], status };
  if (reason !== undefined) e.reason = reason;
  return e;
}

/** a b(failed) c d e(failed) */
function queue(): QueueState {
  return createQueue([entry('a'), entry('b', 'failed', 'truncated'), entry('c'), entry('d'), entry('e', 'failed', 'bad header')]);
}

const statuses = (s: QueueState): string => s.cases.map((c) => `${c.id}:${c.status}`).join(' ');

describe('createQueue / currentCase', () => {
  it('starts with nothing open unless told', () => {
    expect(queue().current).toBe(-1);
    expect(currentCase(queue())).toBeUndefined();
    const q = createQueue(queue().cases, 'c');
    expect(currentCase(q)?.id).toBe('c');
    expect(createQueue(queue().cases, 'gone').current).toBe(-1);
  });
});

describe('open / jump', () => {
  it('marks a todo case in progress with the time', () => {
    const q = open(queue(), 'c', T);
    expect(currentCase(q)).toMatchObject({ id: 'c', status: 'in-progress', updatedAt: T });
  });

  it('leaves done, skipped, failed and in-progress cases as they are', () => {
    for (const status of ['done', 'skipped', 'failed', 'in-progress'] as const) {
      const q0 = createQueue([entry('a'), entry('x', status, status === 'failed' ? 'why' : undefined)]);
      const q = open(q0, 'x', T);
      expect(q.current).toBe(1);
      expect(q.cases).toBe(q0.cases); // same array: nothing changed but the cursor
      expect(currentCase(q)!.status).toBe(status);
    }
  });

  it('is immutable: the old state and the untouched entries are shared, not modified', () => {
    const q0 = queue();
    const frozen = JSON.stringify(q0);
    const q = open(q0, 'c', T);
    expect(JSON.stringify(q0)).toBe(frozen);
    expect(q).not.toBe(q0);
    expect(q.cases[0]).toBe(q0.cases[0]);
    expect(q.cases[2]).not.toBe(q0.cases[2]);
  });

  it('returns the same state when nothing changes', () => {
    const q = open(queue(), 'c', T);
    expect(open(q, 'c', T2)).toBe(q);
    expect(open(q, 'nope', T2)).toBe(q);
  });

  it('jump is open and reaches failed cases too', () => {
    const q = jump(queue(), 'b', T);
    expect(currentCase(q)).toMatchObject({ id: 'b', status: 'failed', reason: 'truncated' });
    expect(jump).toBe(open);
  });

  it('leaving a case does not change its status', () => {
    const q = open(open(queue(), 'a', T), 'c', T);
    expect(statuses(q)).toBe('a:in-progress b:failed c:in-progress d:todo e:failed');
  });
});

describe('next / previous', () => {
  it('with nothing open, next opens the first case that has not failed; previous does nothing', () => {
    const q0 = createQueue([entry('x', 'failed', 'r'), entry('y'), entry('z')]);
    expect(currentCase(next(q0, T))?.id).toBe('y');
    expect(previous(q0, T)).toBe(q0);
    expect(previousIndex(q0)).toBe(-1);
  });

  it('steps over failed cases both ways', () => {
    let q = open(queue(), 'a', T);
    q = next(q, T);
    expect(currentCase(q)?.id).toBe('c');
    q = next(q, T);
    expect(currentCase(q)?.id).toBe('d');
    expect(nextIndex(q)).toBe(-1); // only e (failed) after d
    expect(next(q, T)).toBe(q); // end: unchanged
    q = previous(q, T);
    expect(currentCase(q)?.id).toBe('c');
    q = previous(q, T);
    expect(currentCase(q)?.id).toBe('a');
    expect(previous(q, T)).toBe(q); // start: unchanged
    expect(statuses(q)).toBe('a:in-progress b:failed c:in-progress d:in-progress e:failed');
  });

  it('goes through done and skipped cases (it walks the list, it does not filter it)', () => {
    const q0 = createQueue([entry('a', 'done'), entry('b', 'skipped'), entry('c', 'done')], 'a');
    const q1 = next(q0, T);
    expect(currentCase(q1)).toMatchObject({ id: 'b', status: 'skipped' });
    expect(currentCase(next(q1, T))).toMatchObject({ id: 'c', status: 'done' });
  });

  it('from a failed case (reached by jump), moves to its neighbours that have not failed', () => {
    const q = jump(queue(), 'b', T);
    expect(currentCase(next(q, T))?.id).toBe('c');
    expect(currentCase(previous(q, T))?.id).toBe('a');
  });

  it('does nothing on an empty queue', () => {
    const q = createQueue([]);
    expect(next(q)).toBe(q);
    expect(previous(q)).toBe(q);
    expect(nextUnfinished(q)).toBe(q);
    expect(skip(q)).toBe(q);
    expect(markDone(q)).toBe(q);
    expect(counts(q)).toEqual({ total: 0, todo: 0, inProgress: 0, done: 0, skipped: 0, failed: 0, remaining: 0 });
  });
});

describe('nextUnfinished', () => {
  it('finds the next todo or in-progress case, wrapping round', () => {
    const q0 = createQueue([entry('a'), entry('b', 'done'), entry('c', 'skipped'), entry('d', 'failed', 'r'), entry('e', 'done')], 'b');
    const q = nextUnfinished(q0, T);
    expect(currentCase(q)).toMatchObject({ id: 'a', status: 'in-progress' });
    expect(nextUnfinished(q, T)).toBe(q); // a is the only one left, and it is open
  });
  it('with nothing open starts at the top; with nothing left does nothing', () => {
    const q0 = createQueue([entry('a', 'done'), entry('b', 'in-progress'), entry('c')]);
    expect(currentCase(nextUnfinished(q0, T))?.id).toBe('b');
    const done = createQueue([entry('a', 'done'), entry('b', 'skipped')], 'a');
    expect(nextUnfinished(done, T)).toBe(done);
  });
});

describe('skip', () => {
  it('marks the open case skipped with its reason and moves on', () => {
    let q = open(queue(), 'a', T);
    q = skip(q, '  motion artefact ', T2);
    expect(q.cases[0]).toMatchObject({ status: 'skipped', reason: 'motion artefact', updatedAt: T2 });
    expect(currentCase(q)).toMatchObject({ id: 'c', status: 'in-progress' });
  });

  it('keeps no reason when none (or only spaces) is given', () => {
    const q = skip(open(queue(), 'a', T), '   ', T2);
    expect(q.cases[0]!.status).toBe('skipped');
    expect('reason' in q.cases[0]!).toBe(false);
    const q2 = skip(open(queue(), 'a', T), undefined, T2);
    expect('reason' in q2.cases[0]!).toBe(false);
  });

  it('at the last case marks it and stays', () => {
    const q = skip(open(queue(), 'd', T), 'no lesion', T2);
    expect(currentCase(q)).toMatchObject({ id: 'd', status: 'skipped', reason: 'no lesion' });
  });

  it('does not change a failed case; only moves on', () => {
    const q = skip(jump(queue(), 'b', T), 'x', T2);
    expect(q.cases[1]).toMatchObject({ status: 'failed', reason: 'truncated' });
    expect(currentCase(q)?.id).toBe('c');
  });

  it('does nothing with nothing open', () => {
    const q = queue();
    expect(skip(q, 'r', T)).toBe(q);
  });

  it('can skip a done case (an explicit choice)', () => {
    const q = skip(createQueue([entry('a', 'done')], 'a'), 'redo later', T);
    expect(q.cases[0]).toMatchObject({ status: 'skipped', reason: 'redo later' });
  });
});

describe('markDone / markFailed / setStatus', () => {
  it('markDone marks the open case done, clears a skip reason and stays', () => {
    const q0 = createQueue([entry('a', 'skipped', 'unsure'), entry('b')], 'a');
    const q = markDone(q0, T);
    expect(q.cases[0]).toEqual({ ...q0.cases[0], status: 'done', updatedAt: T, reason: undefined });
    expect('reason' in q.cases[0]!).toBe(false);
    expect(q.current).toBe(0);
  });

  it('markDone cannot make a failed case done, and needs an open case', () => {
    const q = jump(queue(), 'b', T);
    expect(markDone(q, T)).toBe(q);
    expect(markDone(queue(), T)).toEqual(queue());
  });

  it('markFailed records the reason (a default when blank), on any case', () => {
    let q = open(queue(), 'c', T);
    q = markFailed(q, 'c', 'JPEG 2000 is not decoded yet', T2);
    expect(q.cases[2]).toMatchObject({ status: 'failed', reason: 'JPEG 2000 is not decoded yet', updatedAt: T2 });
    expect(q.current).toBe(2);
    expect(markFailed(queue(), 'a', '  ', T).cases[0]!.reason).toBe('could not be opened');
    const q0 = queue();
    expect(markFailed(q0, 'zz', 'r', T)).toBe(q0);
  });

  it('setStatus: undo a skip, reopen a done case, retry a failed one', () => {
    const q0 = createQueue([entry('a', 'skipped', 'r'), entry('b', 'done'), entry('c', 'failed', 'r')]);
    let q = setStatus(q0, 'a', 'todo', undefined, T);
    expect(q.cases[0]).toEqual({ ...q0.cases[0], status: 'todo', updatedAt: T, reason: undefined });
    expect('reason' in q.cases[0]!).toBe(false);
    q = setStatus(q, 'b', 'in-progress', 'ignored', T);
    expect(q.cases[1]).toMatchObject({ status: 'in-progress' });
    expect('reason' in q.cases[1]!).toBe(false);
    q = setStatus(q, 'c', 'todo', undefined, T);
    expect(q.cases[2]!.status).toBe('todo');
    expect(setStatus(q, 'c', 'todo', undefined, T2)).toBe(q); // no change
    expect(setStatus(q, 'c', 'skipped', ' later ', T2).cases[2]).toMatchObject({ status: 'skipped', reason: 'later' });
    expect(setStatus(q, 'zz', 'done')).toBe(q);
  });
});

describe('counts', () => {
  it('counts every status; remaining is todo + in progress', () => {
    let q = queue();
    expect(counts(q)).toEqual({ total: 5, todo: 3, inProgress: 0, done: 0, skipped: 0, failed: 2, remaining: 3 });
    q = open(q, 'a', T);
    q = markDone(q, T);
    q = next(q, T); // c in progress
    q = skip(q, undefined, T); // c skipped, d in progress
    expect(counts(q)).toEqual({ total: 5, todo: 0, inProgress: 1, done: 1, skipped: 1, failed: 2, remaining: 1 });
  });
});

describe('a whole session', () => {
  it('walks a cohort with n / b / skip / done and ends with nothing remaining', () => {
    let q = createQueue([entry('p1'), entry('p2'), entry('p3', 'failed', 'truncated'), entry('p4'), entry('p5')]);
    q = next(q, T); // p1
    q = markDone(q, T);
    q = next(q, T); // p2
    q = skip(q, 'poor quality', T); // → p4
    expect(currentCase(q)?.id).toBe('p4');
    q = previous(q, T); // p2 (skipped, stays skipped)
    expect(currentCase(q)).toMatchObject({ id: 'p2', status: 'skipped' });
    q = markDone(q, T); // annotated after all
    q = nextUnfinished(q, T); // p4
    q = markDone(q, T);
    q = nextUnfinished(q, T); // p5
    q = markDone(q, T);
    expect(nextUnfinished(q, T)).toBe(q);
    expect(statuses(q)).toBe('p1:done p2:done p3:failed p4:done p5:done');
    expect(counts(q).remaining).toBe(0);
  });
});

describe('snapshot / restore', () => {
  it('round-trips statuses, reasons, times and the open case', () => {
    let q = open(queue(), 'a', T);
    q = markDone(q, T);
    q = next(q, T2); // c
    q = skip(q, 'motion', T2); // d open
    const saved = JSON.parse(JSON.stringify(snapshot(q))) as ReturnType<typeof snapshot>;
    expect(saved.current).toBe('d');
    const fresh = queue().cases;
    const r = restore(fresh, saved.statuses, saved.current);
    expect(r).toEqual(q);
  });

  it('drops cases that disappeared, adds new ones as todo, keeps the scan order', () => {
    const saved = { a: { status: 'done' as const, updatedAt: T }, gone: { status: 'done' as const } };
    const r = restore([entry('new'), entry('a')], saved, 'gone');
    expect(statuses(r)).toBe('new:todo a:done');
    expect(r.current).toBe(-1);
    expect(r.cases[1]!.updatedAt).toBe(T);
  });

  it('the fresh scan decides failures: a file that now fails is failed with the new reason', () => {
    const r = restore([entry('a', 'failed', 'now truncated')], { a: { status: 'done' } });
    expect(r.cases[0]).toMatchObject({ status: 'failed', reason: 'now truncated' });
  });

  it('a case that failed when opened stays failed (until retried)', () => {
    const r = restore([entry('a')], { a: { status: 'failed', reason: 'JPEG 2000 is not decoded yet' } });
    expect(r.cases[0]).toMatchObject({ status: 'failed', reason: 'JPEG 2000 is not decoded yet' });
    const noReason = restore([entry('a')], { a: { status: 'failed' } });
    expect(noReason.cases[0]!.reason).toBe('could not be opened');
  });

  it('ignores damaged saved data', () => {
    const damaged = {
      a: { status: 'finished' }, c: null, d: 'done', __proto__: { status: 'done' },
    } as unknown as Record<string, { status: CaseStatus }>;
    const r = restore(queue().cases, damaged, 42 as unknown as string);
    expect(statuses(r)).toBe(statuses(queue()));
    expect(r.current).toBe(-1);
    expect(restore(queue().cases, null).cases).toEqual(queue().cases);
    expect(restore(queue().cases, undefined).cases).toEqual(queue().cases);
  });

  it('keeps a case id like __proto__ as data', () => {
    const q = markDone(createQueue([entry('__proto__'), entry('x')], '__proto__'), T);
    const saved = snapshot(q);
    expect(Object.keys(saved.statuses)).toEqual(['__proto__', 'x']);
    const r = restore([entry('__proto__'), entry('x')], JSON.parse(JSON.stringify(saved.statuses)) as typeof saved.statuses, saved.current);
    expect(statuses(r)).toBe('__proto__:done x:todo');
    expect(r.current).toBe(0);
  });

  it('a skipped case keeps its reason; other statuses drop stray reasons', () => {
    const r = restore([entry('a'), entry('b')], { a: { status: 'skipped', reason: 'r' }, b: { status: 'done', reason: 'stray' } });
    expect(r.cases[0]!.reason).toBe('r');
    expect('reason' in r.cases[1]!).toBe(false);
  });
});
