import { describe, expect, it } from 'vitest';
import type { CaseEntry, CaseStatus } from '../shared/cohort.ts';
import {
  allFinished, counts, createQueue, currentCase, jump, markDone, markFailed, next, nextIndex, open, previous,
  previousIndex, restore, retry, setStatus, skip, snapshot, startWork, type QueueState,
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

describe('open / jump / startWork', () => {
  it('opening changes no status: looking at a case is not working on it', () => {
    for (const status of ['todo', 'done', 'skipped', 'failed', 'in-progress'] as const) {
      const q0 = createQueue([entry('a'), entry('x', status, status === 'failed' ? 'why' : undefined)]);
      const q = open(q0, 'x');
      expect(q.current).toBe(1);
      expect(q.cases).toBe(q0.cases); // same array: nothing changed but the cursor
      expect(currentCase(q)!.status).toBe(status);
    }
  });

  it('the first edit makes a todo case in progress, with the time; other statuses stay', () => {
    const q = startWork(open(queue(), 'c'), T);
    expect(currentCase(q)).toMatchObject({ id: 'c', status: 'in-progress', updatedAt: T });
    expect(startWork(q, T2)).toBe(q);
    for (const status of ['done', 'skipped', 'failed'] as const) {
      const q0 = createQueue([entry('x', status, 'r')], 'x');
      expect(startWork(q0, T)).toBe(q0);
    }
    expect(startWork(queue(), T)).toEqual(queue()); // nothing open
  });

  it('is immutable: the old state and the untouched entries are shared, not modified', () => {
    const q0 = open(queue(), 'c');
    const frozen = JSON.stringify(q0);
    const q = startWork(q0, T);
    expect(JSON.stringify(q0)).toBe(frozen);
    expect(q).not.toBe(q0);
    expect(q.cases[0]).toBe(q0.cases[0]);
    expect(q.cases[2]).not.toBe(q0.cases[2]);
  });

  it('returns the same state when nothing changes', () => {
    const q = open(queue(), 'c');
    expect(open(q, 'c')).toBe(q);
    expect(open(q, 'nope')).toBe(q);
  });

  it('jump is open and reaches failed cases too', () => {
    const q = jump(queue(), 'b');
    expect(currentCase(q)).toMatchObject({ id: 'b', status: 'failed', reason: 'truncated' });
    expect(jump).toBe(open);
  });

  it('walking through cases without editing leaves them all to do', () => {
    const q = next(next(open(queue(), 'a')));
    expect(statuses(q)).toBe('a:todo b:failed c:todo d:todo e:failed');
  });
});

describe('next / previous', () => {
  it('with nothing open, next starts at the top and previous at the bottom, over failed cases', () => {
    const q0 = createQueue([entry('x', 'failed', 'r'), entry('y'), entry('z'), entry('w', 'failed', 'r')]);
    expect(currentCase(next(q0))?.id).toBe('y');
    expect(currentCase(previous(q0))?.id).toBe('z');
  });

  it('steps over failed, done and skipped cases both ways, wrapping round', () => {
    const q0 = createQueue([entry('a'), entry('b', 'failed', 'r'), entry('c', 'done'), entry('d'), entry('e', 'skipped'), entry('f')], 'a');
    let q = next(q0);
    expect(currentCase(q)?.id).toBe('d');
    q = next(q);
    expect(currentCase(q)?.id).toBe('f');
    q = next(q); // wraps
    expect(currentCase(q)?.id).toBe('a');
    q = previous(q); // wraps backwards
    expect(currentCase(q)?.id).toBe('f');
    expect(previousIndex(q)).toBe(3);
  });

  it('with no other case left to do, changes nothing; allFinished says whether anything is left at all', () => {
    const q = createQueue([entry('a', 'done'), entry('b', 'in-progress'), entry('c', 'skipped'), entry('d', 'failed', 'r')], 'b');
    expect(nextIndex(q)).toBe(-1);
    expect(next(q)).toBe(q);
    expect(previous(q)).toBe(q);
    expect(allFinished(q)).toBe(false);
    const done = markDone(q, T);
    expect(allFinished(done)).toBe(true);
    expect(next(done)).toBe(done);
    // From a finished case, the one unfinished case elsewhere is found.
    const other = createQueue([entry('a', 'done'), entry('b')], 'a');
    expect(currentCase(next(other))?.id).toBe('b');
  });

  it('from a failed case (reached by jump), moves to the nearest cases to do', () => {
    const q = jump(queue(), 'b');
    expect(currentCase(next(q))?.id).toBe('c');
    expect(currentCase(previous(q))?.id).toBe('a');
  });

  it('does nothing on an empty queue', () => {
    const q = createQueue([]);
    expect(next(q)).toBe(q);
    expect(previous(q)).toBe(q);
    expect(skip(q)).toBe(q);
    expect(markDone(q)).toBe(q);
    expect(allFinished(q)).toBe(true);
    expect(counts(q)).toEqual({ total: 0, todo: 0, inProgress: 0, done: 0, skipped: 0, failed: 0, remaining: 0 });
  });
});

describe('skip', () => {
  it('marks the open case skipped with its reason and moves on', () => {
    let q = open(queue(), 'a');
    q = skip(q, '  motion artefact ', T2);
    expect(q.cases[0]).toMatchObject({ status: 'skipped', reason: 'motion artefact', updatedAt: T2 });
    expect(currentCase(q)).toMatchObject({ id: 'c', status: 'todo' });
  });

  it('keeps no reason when none (or only spaces) is given', () => {
    const q = skip(open(queue(), 'a'), '   ', T2);
    expect(q.cases[0]!.status).toBe('skipped');
    expect('reason' in q.cases[0]!).toBe(false);
    const q2 = skip(open(queue(), 'a'), undefined, T2);
    expect('reason' in q2.cases[0]!).toBe(false);
  });

  it('at the last case to do marks it and stays', () => {
    const q = skip(createQueue([entry('a', 'done'), entry('d')], 'd'), 'no lesion', T2);
    expect(currentCase(q)).toMatchObject({ id: 'd', status: 'skipped', reason: 'no lesion' });
    expect(allFinished(q)).toBe(true);
  });

  it('skips a failed case too, with its reason, and moves on', () => {
    const q = skip(jump(queue(), 'b'), ' unreadable export ', T2);
    expect(q.cases[1]).toMatchObject({ status: 'skipped', reason: 'unreadable export' });
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
    const q = jump(queue(), 'b');
    expect(markDone(q, T)).toBe(q);
    expect(markDone(queue(), T)).toEqual(queue());
  });

  it('markFailed records the reason (a default when blank), on any case', () => {
    let q = open(queue(), 'c');
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

  it('retry makes a failed case todo again and changes nothing else', () => {
    const q0 = createQueue([entry('a', 'failed', 'truncated'), entry('b', 'done')], 'a');
    const q = retry(q0, 'a', T);
    expect(q.cases[0]).toMatchObject({ status: 'todo', updatedAt: T });
    expect('reason' in q.cases[0]!).toBe(false);
    expect(q.current).toBe(0);
    expect(retry(q0, 'b', T)).toBe(q0);
    expect(retry(q0, 'zz', T)).toBe(q0);
  });
});

describe('counts', () => {
  it('counts every status; remaining is todo + in progress', () => {
    let q = queue();
    expect(counts(q)).toEqual({ total: 5, todo: 3, inProgress: 0, done: 0, skipped: 0, failed: 2, remaining: 3 });
    q = open(q, 'a');
    q = markDone(q, T);
    q = next(q); // c
    q = skip(q, undefined, T); // c skipped, d open
    q = startWork(q, T); // d edited
    expect(counts(q)).toEqual({ total: 5, todo: 0, inProgress: 1, done: 1, skipped: 1, failed: 2, remaining: 1 });
  });
});

describe('a whole session', () => {
  it('walks a cohort with n / b / skip / done and ends with nothing remaining', () => {
    let q = createQueue([entry('p1'), entry('p2'), entry('p3', 'failed', 'truncated'), entry('p4'), entry('p5')]);
    q = next(q); // p1
    q = markDone(startWork(q, T), T);
    q = next(q); // p2
    q = skip(q, 'poor quality', T); // → p4
    expect(currentCase(q)?.id).toBe('p4');
    q = previous(q); // p5 (wrapping: p2 is skipped, p1 done, p3 failed)
    expect(currentCase(q)?.id).toBe('p5');
    q = jump(q, 'p2'); // skipped, reached from the list
    q = markDone(startWork(q, T), T); // annotated after all (a skipped case stays skipped until saved)
    q = next(q); // p4
    q = markDone(q, T);
    q = next(q); // p5
    q = markDone(q, T);
    expect(next(q)).toBe(q);
    expect(allFinished(q)).toBe(true);
    expect(statuses(q)).toBe('p1:done p2:done p3:failed p4:done p5:done');
    expect(counts(q).remaining).toBe(0);
  });
});

describe('snapshot / restore', () => {
  it('round-trips statuses, reasons, times and the open case', () => {
    let q = open(queue(), 'a');
    q = markDone(q, T);
    q = next(q); // c
    q = skip(q, 'motion', T2); // d open
    q = startWork(q, T2);
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

  it('a case that failed when opened is read again when the fresh scan reads it: todo, no reason', () => {
    const r = restore([entry('a')], { a: { status: 'failed', reason: 'JPEG 2000 is not decoded yet', updatedAt: T } });
    expect(r.cases[0]).toMatchObject({ status: 'todo', updatedAt: T });
    expect('reason' in r.cases[0]!).toBe(false);
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
