import { describe, expect, it } from 'vitest';
import { IoError } from '../io/worker/client.ts';
import { Tasks } from './tasks.ts';

function tasks(): { t: Tasks; changes: () => number } {
  let n = 0;
  const t = new Tasks(() => n++);
  return { t, changes: () => n };
}

describe('Tasks', () => {
  it('runs one task at a time: starting another aborts the first, whose end then changes nothing', () => {
    const { t } = tasks();
    const first = t.begin({ label: 'Scanning…', done: 0, total: 4 });
    t.progress(first, 1, 4);
    expect(t.busy).toEqual({ label: 'Scanning…', done: 1, total: 4 });
    const second = t.begin({ label: 'Loading…', done: 0, total: 0 });
    expect(first.aborted).toBe(true);
    t.progress(first, 3, 4); // a late report of the replaced task
    t.end(first);
    expect(t.busy).toEqual({ label: 'Loading…', done: 0, total: 0 });
    t.progress(second, 2, 5, 'Loading case 1…');
    expect(t.busy).toEqual({ label: 'Loading case 1…', done: 2, total: 5 });
    t.end(second);
    expect(t.busy).toBeNull();
  });

  it('says "cancelled" only for the task the user cancelled, not for one replaced by newer work', () => {
    const { t } = tasks();
    const a = t.begin({ label: 'A', done: 0, total: 0 });
    t.cancel();
    t.fail(a, a.reason, 'Scan');
    const b = t.begin({ label: 'B', done: 0, total: 0 });
    t.begin({ label: 'C', done: 0, total: 0 });
    t.fail(b, b.reason, 'Load');
    expect(t.messages.map((m) => [m.level, m.text])).toEqual([['info', 'Scan: cancelled']]);
    expect(t.busy?.label).toBe('C');
  });

  it('names the file of an I/O error once, keeps the reason apart, and other errors get the task name', () => {
    const { t } = tasks();
    const s = t.begin({ label: 'x', done: 0, total: 0 });
    t.fail(s, new IoError('truncated', 'sub-003/T1.nii.gz', 'the file ends early'), 'Loading sub-003');
    const s2 = t.begin({ label: 'y', done: 0, total: 0 });
    t.fail(s2, new Error('boom'), 'Saving sub-003');
    // Errors passed on from deeper down that already name the file: named once.
    const s3 = t.begin({ label: 'z', done: 0, total: 0 });
    t.fail(s3, new IoError('truncated', 'sub-003/LPI.nii.gz', 'sub-003/LPI.nii.gz: the gzip data is truncated'), 'Loading');
    const s4 = t.begin({ label: 'w', done: 0, total: 0 });
    t.fail(s4, new Error('sub-004/x.nii: not a NIfTI file'), 'sub-004/x.nii');
    expect(t.messages.map(({ level, text, file, reason }) => ({ level, text, file, reason }))).toEqual([
      { level: 'error', text: 'sub-003/T1.nii.gz: the file ends early', file: 'sub-003/T1.nii.gz', reason: 'the file ends early' },
      { level: 'error', text: 'Saving sub-003: boom', file: 'Saving sub-003', reason: 'boom' },
      { level: 'error', text: 'sub-003/LPI.nii.gz: the gzip data is truncated', file: 'sub-003/LPI.nii.gz', reason: 'the gzip data is truncated' },
      { level: 'error', text: 'sub-004/x.nii: not a NIfTI file', file: 'sub-004/x.nii', reason: 'not a NIfTI file' },
    ]);
    expect(t.busy).toBeNull();
  });

  it('keeps the last 50 messages, replaces the list on each change, and dismisses only errors', () => {
    const { t, changes } = tasks();
    for (let i = 0; i < 60; i++) t.message(i % 2 ? 'error' : 'info', `m${i}`);
    expect(t.messages).toHaveLength(50);
    expect(t.messages[0]!.text).toBe('m10');
    const before = t.messages;
    const n = changes();
    t.dismissErrors();
    expect(changes()).toBe(n + 1);
    expect(t.messages).not.toBe(before);
    expect(t.messages.every((m) => m.level === 'info')).toBe(true);
    expect(t.messages).toHaveLength(25);
  });
});
