// The label file of a case in labels/: saved under its name for people; a file an earlier version
// saved under the old name (the case id's stem) still opens, is never removed or changed, and
// loses to the new file when both are there.
import { describe, expect, it } from 'vitest';
import { caseFileStem } from '../cohort/cases.ts';
import { memoryDirectory, treeOf } from '../io/fs/testing/memory-directory.ts';
import type { CaseEntry } from '../shared/cohort.ts';
import { labelPath, readCaseOutputs, saveCaseOutputs } from './case-outputs.ts';

const entry: Pick<CaseEntry, 'id' | 'sourcePaths' | 'labelFile'> = {
  id: 'p1/mr/1.2.840.113619.2.55.3.604688119.969.1268071029.320',
  sourcePaths: ['p1/mr/IM1', 'p1/mr/IM2'],
  labelFile: 'P001_2_T1.nii.gz',
};
const oldPath = `labels/${caseFileStem(entry.id)}.nii.gz`;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string | null => (b ? new TextDecoder().decode(b) : null);

async function save(root: Awaited<ReturnType<typeof memoryDirectory>>, label: string): Promise<string[]> {
  return saveCaseOutputs({ root: root.handle, outputFolder: 'labels' }, {
    entry, objects: [{ id: 1, labelValue: 1, name: 'Tumour', color: [255, 0, 0], visible: true, locked: false }],
    labels: new Uint8Array([0, 1, 1, 0]), spacing: [1, 1, 1], labelFile: bytes(label), savedAt: new Date('2026-01-02T03:04:05Z'),
  });
}

describe('label file names in labels/', () => {
  it('a save writes the new name; the old file stays byte for byte', async () => {
    const root = await memoryDirectory({ [oldPath]: 'saved by an earlier version' });
    const written = await save(root, 'new label');
    expect(written[0]).toBe('labels/P001_2_T1.nii.gz');
    expect(labelPath({ root: root.handle, outputFolder: 'labels' }, entry)).toBe('labels/P001_2_T1.nii.gz');
    const tree = treeOf(root);
    expect(text(tree.get('labels/P001_2_T1.nii.gz'))).toBe('new label');
    expect(text(tree.get(oldPath))).toBe('saved by an earlier version');
  });

  it('reopening: the old name when the new one is not there, the new one when both are, nothing when neither', async () => {
    const out = async (files: Record<string, string>) => readCaseOutputs({ root: (await memoryDirectory(files)).handle, outputFolder: 'labels' }, entry);
    const onlyOld = await out({ [oldPath]: 'old' });
    expect([onlyOld.path, text(onlyOld.labelFile)]).toEqual([oldPath, 'old']);
    const both = await out({ [oldPath]: 'old', 'labels/P001_2_T1.nii.gz': 'new' });
    expect([both.path, text(both.labelFile)]).toEqual(['labels/P001_2_T1.nii.gz', 'new']);
    const none = await out({ 'labels/other.nii.gz': 'x' });
    expect([none.path, none.labelFile]).toEqual(['labels/P001_2_T1.nii.gz', null]);
    // An entry from before the names for people (no labelFile): the old name, as before.
    const before = await readCaseOutputs({ root: (await memoryDirectory({ [oldPath]: 'old' })).handle, outputFolder: 'labels' }, { id: entry.id });
    expect([before.path, text(before.labelFile)]).toEqual([oldPath, 'old']);
  });
});
