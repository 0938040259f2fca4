import { describe, expect, it } from 'vitest';
import { offeredModels, type ModelEntry } from './model-catalog.ts';

const index: ModelEntry[] = [
  { id: 'fixture-512', name: 'SliceSAM fixture', manifest: 'models/fixture/manifest.json', bytes: 37_040 },
  { id: 'sam2.1-tiny-video-fp16-512', name: 'SAM 2.1 tiny fp16 512', manifest: 'models/sam2.1-tiny-video-fp16-512.json', bytes: 83_165_390 },
];
const disk: ModelEntry = { id: 'medsam2', name: 'MedSAM2 (exported)', manifest: '', bytes: 70e6, fromDisk: { id: 'medsam2' } };

describe('the model list', () => {
  it('never offers the test fixture, development included, unless the address names it', () => {
    expect(offeredModels(index, [], null).map((m) => m.id)).toEqual(['sam2.1-tiny-video-fp16-512']);
    expect(offeredModels(index, [], 'sam2.1-tiny-video-fp16-512').map((m) => m.id)).toEqual(['sam2.1-tiny-video-fp16-512']);
    expect(offeredModels(index, [], 'fixture-512').map((m) => m.id)).toEqual(['fixture-512', 'sam2.1-tiny-video-fp16-512']);
  });
  it('offers the models loaded from disk, each in place of an index entry of the same id', () => {
    expect(offeredModels(index, [disk], null).map((m) => m.id)).toEqual(['sam2.1-tiny-video-fp16-512', 'medsam2']);
    // The fixture folder picked from disk is the user's own choice: listed, from disk.
    const fixture = { ...index[0]!, manifest: '', fromDisk: {} };
    const both = offeredModels(index, [fixture], null);
    expect(both.map((m) => m.id)).toEqual(['sam2.1-tiny-video-fp16-512', 'fixture-512']);
    expect(both[1]!.fromDisk).toBeDefined();
    expect(offeredModels(index, [fixture], 'fixture-512').filter((m) => m.id === 'fixture-512')).toHaveLength(1);
  });
});
