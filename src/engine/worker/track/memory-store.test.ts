import { describe, expect, it } from 'vitest';
import { roundToBfloat16 } from '../bank/bf16.ts';
import { ObjectTrack, type StoredSlice } from './object-track.ts';
import { packBfloat16, SpatialMemoryStore, unpackBfloat16 } from './memory-store.ts';
import { memoryFile } from '../../testing/spill-file.ts';

const tokens = (seed: number, n = 64) => roundToBfloat16(Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 31 + i) * 10 ** ((i % 7) - 3)));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('spatial memories set aside', () => {
  it('bfloat16 values pack into their upper halves and come back bit for bit; others are not packed', () => {
    const t = tokens(1);
    t[3] = -0; t[4] = Infinity; t[5] = -Infinity;
    const packed = packBfloat16(t)!;
    expect(packed.byteLength).toBe(t.byteLength / 2);
    expect(bits(unpackBfloat16(packed))).toEqual(bits(t));
    expect(packBfloat16(Float32Array.of(1, 1 + 2 ** -20))).toBeNull();
  });

  it('in RAM up to the budget, then in the spill file; each comes back exactly; freed file slots are reused', () => {
    const file = memoryFile();
    const store = new SpatialMemoryStore(2 * 128, file); // two packed memories of 64 values
    const kept = [1, 2, 3, 4].map((k) => tokens(k));
    kept.forEach((t, k) => store.put(`m${k}`, t));
    expect(store.stats()).toEqual({ ramBytes: 256, diskBytes: 256, count: 4 });
    kept.forEach((t, k) => expect(bits(store.get(`m${k}`)!), `m${k}`).toEqual(bits(t)));
    store.delete('m3');
    store.put('m9', tokens(9));
    expect(file.bytes.length).toBe(256); // m9 took m3's slot
    expect(bits(store.get('m9')!)).toEqual(bits(tokens(9)));
    // A memory that is not bfloat16-exact is kept as float32, exactly, on disk as in RAM.
    const odd = Float32Array.of(1 + 2 ** -20, 2, 3);
    store.put('odd', odd);
    expect(bits(store.get('odd')!)).toEqual(bits(odd));
    expect(store.get('nothing')).toBeNull();
    store.close();
    expect([file.bytes.length, store.stats().count]).toEqual([0, 0]);
  });

  it('a spill file that refuses a write (a full disk) leaves the memory in RAM', () => {
    const file = memoryFile();
    const store = new SpatialMemoryStore(128, file);
    store.put('a', tokens(1));
    file.write = () => { throw new DOMException('full', 'QuotaExceededError'); };
    store.put('b', tokens(2));
    expect(store.stats()).toEqual({ ramBytes: 256, diskBytes: 0, count: 2 });
    expect(bits(store.get('b')!)).toEqual(bits(tokens(2)));
  });

  it('a spilled memory that cannot be read back is an error that says what to do, and is not kept', () => {
    const file = memoryFile();
    const store = new SpatialMemoryStore(0, file);
    store.put('a', tokens(1));
    store.put('b', tokens(2));
    file.read = () => { throw new DOMException('gone', 'NotFoundError'); };
    expect(() => store.get('a')).toThrow(/could not be read back \(the file is gone\): propagate again/);
    expect(store.has('a')).toBe(false);
    file.read = () => 3;
    expect(() => store.get('b')).toThrow(/3 of 128 bytes/);
    expect(store.stats()).toEqual({ ramBytes: 0, diskBytes: 0, count: 0 });
    file.truncate = () => { throw new DOMException('gone', 'NotFoundError'); };
    expect(() => store.close()).not.toThrow();
  });

  it('without a spill file everything stays in RAM, beyond the budget too (nothing is dropped)', () => {
    const store = new SpatialMemoryStore(100, null);
    for (let k = 0; k < 5; k++) store.put(`m${k}`, tokens(k));
    expect(store.stats()).toEqual({ ramBytes: 5 * 128, diskBytes: 0, count: 5 });
    expect(bits(store.get('m4')!)).toEqual(bits(tokens(4)));
  });
});

describe('an object track keeps every slice\'s spatial memory', () => {
  const slice = (t: number, isConditioning = false): StoredSlice => ({
    isConditioning, tokens: tokens(t), pos: Float32Array.of(7, 7), pointer: Float32Array.of(t),
    objectScore: 1, iou: 1, mask: null, source: isConditioning ? 'prompt' : 'tracked',
  } as StoredSlice);

  it('a long pass sets the old memories aside and every one comes back as it was stored, as PyTorch keeps them', () => {
    const file = memoryFile();
    const store = new SpatialMemoryStore(3 * 128, file);
    const o = new ObjectTrack(1, 2, 7, store);
    o.store(40, slice(40, true));
    for (let t = 0; t < 30; t++) o.store(t, slice(t));
    // Newest 12 and those within 6 of slice 40 stay float32 at hand; 18 were set aside, 15 of them on disk.
    expect(store.stats()).toEqual({ ramBytes: 3 * 128, diskBytes: 15 * 128, count: 18 });
    for (let t = 0; t < 30; t++) {
      expect(o.hasSpatial(t), `slice ${t}`).toBe(true);
      expect(bits(o.memory(t).tokens!), `slice ${t}`).toEqual(bits(tokens(t)));
    }
    // A slice tracked again replaces what was set aside (and is at hand, the newest; slice 18 goes aside instead).
    o.store(2, slice(2));
    expect([store.stats().count, o.outputs.get(2)!.tokens !== null, o.outputs.get(18)!.tokens]).toEqual([18, true, null]);
    expect(bits(o.memory(18).tokens!)).toEqual(bits(tokens(18)));
    // A slice the bank takes for its object pointer only is not read back from disk.
    let reads = 0;
    const read = file.read.bind(file);
    file.read = (b, at) => (reads++, read(b, at));
    expect(Array.from(o.memory(10).pointer)).toEqual([10]);
    expect(reads).toBe(0);
    expect(bits(o.memory(10).tokens!)).toEqual(bits(tokens(10)));
    expect(reads).toBe(1);
    // Removing the object frees everything.
    o.clear();
    expect(store.stats()).toEqual({ ramBytes: 0, diskBytes: 0, count: 0 });
  });
});
