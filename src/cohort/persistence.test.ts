/**
 * The restore… shape checks and the autosave encoding, in Node. The IndexedDB
 * round trips (handles, statuses, autosaves across a reload) run in Chromium:
 * e2e/fs.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { gzip } from '../io/gzip.ts';
import type { ObjectSpec } from '../shared/cohort.ts';
import {
  type Autosave,
  encodeAutosave,
  KEYS,
  restoreAutosave,
  restoreCaseStatuses,
  restoreObject,
  restoreRoot,
  restoreRoots,
} from './persistence.ts';

const handle = { kind: 'directory', name: 'cohort' } as unknown as FileSystemDirectoryHandle;
const object: ObjectSpec = { id: 1, labelValue: 1, name: 'tumour', color: [255, 0, 0], visible: true, locked: false };

describe('restoreRoot(s)', () => {
  it('keeps good records, drops bad ones and duplicates', () => {
    const good = { id: 'a', name: 'cohort', handle, openedAt: 5 };
    expect(restoreRoot(good)).toEqual(good);
    expect(restoreRoot({ id: 'b', handle })).toEqual({ id: 'b', name: 'cohort', handle, openedAt: 0 });
    for (const bad of [null, 1, 'x', [], { id: '', handle }, { id: 'c' }, { id: 'c', handle: { kind: 'file', name: 'x' } }]) {
      expect(restoreRoot(bad)).toBeNull();
    }
    expect(restoreRoots([good, { id: 'z' }, good, { id: 'b', handle }]).map((r) => r.id)).toEqual(['a', 'b']);
    expect(restoreRoots({ not: 'an array' })).toEqual([]);
  });
});

describe('restoreCaseStatuses', () => {
  it('keeps valid entries, drops unknown statuses and junk', () => {
    const stored = {
      a: { status: 'done', updatedAt: '2025-01-01T00:00:00.000Z' },
      b: { status: 'skipped', reason: 'motion', extra: 1 },
      c: { status: 'finished' },
      d: 'done',
    };
    const out = restoreCaseStatuses(stored);
    expect(out.a).toEqual({ status: 'done', updatedAt: '2025-01-01T00:00:00.000Z' });
    expect(out.b).toEqual({ status: 'skipped', reason: 'motion' });
    expect('c' in out || 'd' in out).toBe(false);
    expect(restoreCaseStatuses(null)).toEqual({});
    expect(restoreCaseStatuses([1, 2])).toEqual({});
  });

  it('keeps a case id such as __proto__ as plain data', () => {
    const stored = JSON.parse('{"__proto__": {"status": "todo"}}') as unknown;
    const out = restoreCaseStatuses(stored);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ status: 'todo' });
  });
});

describe('restoreObject', () => {
  it('checks every field, defaults the flags', () => {
    expect(restoreObject(object)).toEqual(object);
    expect(restoreObject({ id: 2, labelValue: 300, name: 'x', color: [1, 2, 3] })).toEqual({ id: 2, labelValue: 300, name: 'x', color: [1, 2, 3], visible: true, locked: false });
    for (const bad of [{ ...object, labelValue: 0 }, { ...object, labelValue: 70000 }, { ...object, color: [256, 0, 0] }, { ...object, name: 3 }, { ...object, id: 1.5 }]) {
      expect(restoreObject(bad)).toBeNull();
    }
  });
});

describe('autosave encoding', () => {
  const dims: [number, number, number] = [7, 5, 3];
  const labels8 = new Uint8Array(105).map((_, i) => (i % 11 === 0 ? 1 : 0));
  const labels16 = new Uint16Array(105).map((_, i) => (i % 13 === 0 ? 300 : 0));

  it('round-trips uint8 and uint16 labels, objects and prompts', async () => {
    for (const labels of [labels8, labels16]) {
      const save: Autosave = { savedAt: 123, labels, dims, objects: [object], prompts: [{ kind: 'point', at: [1, 2, 0] }] };
      const stored = await encodeAutosave(save);
      expect(stored.labelsGz[0]).toBe(0x1f);
      const back = await restoreAutosave(structuredClone(stored));
      expect(back).not.toBeNull();
      expect(back!.labels.constructor).toBe(labels.constructor);
      expect(Array.from(back!.labels)).toEqual(Array.from(labels));
      expect(back).toMatchObject({ savedAt: 123, dims, objects: [object], prompts: [{ kind: 'point', at: [1, 2, 0] }] });
    }
  });

  it('encodes a view into a larger buffer as just its voxels', async () => {
    const big = new Uint16Array(200).fill(9);
    const view = big.subarray(50, 155);
    const back = await restoreAutosave(await encodeAutosave({ savedAt: 1, labels: view, dims, objects: [], prompts: [] }));
    expect(back!.labels.length).toBe(105);
    expect(back!.labels.every((v) => v === 9)).toBe(true);
  });

  it('refuses labels that do not match dims', async () => {
    await expect(encodeAutosave({ savedAt: 1, labels: new Uint8Array(10), dims, objects: [], prompts: [] })).rejects.toThrow(RangeError);
    await expect(encodeAutosave({ savedAt: 1, labels: labels8, dims: [7, 5, 0], objects: [], prompts: [] })).rejects.toThrow(RangeError);
  });

  it('answers null for anything it cannot use', async () => {
    const stored = await encodeAutosave({ savedAt: 1, labels: labels8, dims, objects: [object, { junk: true } as unknown as ObjectSpec], prompts: [] });
    expect((await restoreAutosave(stored))!.objects).toEqual([object]);
    expect(await restoreAutosave({ ...stored, format: 2 })).toBeNull();
    expect(await restoreAutosave({ ...stored, dims: [7, 5, 4] })).toBeNull();
    expect(await restoreAutosave({ ...stored, labelType: 'uint16' })).toBeNull();
    expect(await restoreAutosave({ ...stored, labelsGz: stored.labelsGz.subarray(0, 10) })).toBeNull();
    expect(await restoreAutosave({ ...stored, labelsGz: await gzip(new Uint8Array(3)) })).toBeNull();
    expect(await restoreAutosave(undefined)).toBeNull();
  });
});

describe('KEYS', () => {
  it('keeps roots and cases apart whatever characters their ids hold', () => {
    expect(KEYS.autosave('r/1', 'c')).not.toEqual(KEYS.autosave('r', '1/c'));
    expect(KEYS.statuses('r')).not.toEqual(KEYS.lastCase('r'));
  });
});
