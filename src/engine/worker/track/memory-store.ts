/**
 * Spatial memories that selection does not reach for now, kept instead of dropped: PyTorch's
 * video predictor keeps every slice's memory, and a later pass (a correction mid-volume, a
 * pass started elsewhere, a second propagation) may attend one again. They are held packed
 * as the bfloat16 values they are (maskmem_features.to(torch.bfloat16): the low 16 bits of
 * each float32 are zero, so the upper half alone is exact), half the bytes of the float32
 * tokens, in RAM up to a budget and beyond it in a spill file (OPFS in the engine worker),
 * read back when selection asks for one. Nothing is lost: a memory that cannot be packed
 * exactly (low bits set) stays float32.
 */

/** A file memories spill to (OPFS's FileSystemSyncAccessHandle has this shape); its owner closes it. */
export interface SpillFile {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
}

/** A case's worth of spatial memories at 512 px, 3 objects, ~300 slices, fits: 256 MiB. */
export const DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024;

type Held =
  | { where: 'ram'; values: Uint16Array | Float32Array }
  | { where: 'disk'; at: number; bytes: number; float: boolean };

export class SpatialMemoryStore {
  readonly #held = new Map<string, Held>();
  #ramBytes = 0;
  #diskBytes = 0;
  /** End of the spill file, and free slots in it by size (all memories of a model are one size). */
  #fileEnd = 0;
  readonly #free = new Map<number, number[]>();

  constructor(
    private readonly budget = DEFAULT_MEMORY_BUDGET,
    private readonly spill: SpillFile | null = null,
  ) {}

  /** Keep `tokens` under `key` (replacing what it held). */
  put(key: string, tokens: Float32Array): void {
    this.delete(key);
    const values = packBfloat16(tokens) ?? tokens.slice();
    const bytes = values.byteLength;
    if (this.spill && this.#ramBytes + bytes > this.budget) {
      const reused = this.#free.get(bytes)?.pop();
      const at = reused ?? this.#fileEnd;
      let written = 0;
      try {
        written = this.spill.write(new Uint8Array(values.buffer, values.byteOffset, bytes), { at });
      } catch {
        written = -1; // the disk is full or the file is gone: RAM then
      }
      if (written === bytes) {
        if (reused === undefined) this.#fileEnd += bytes;
        this.#held.set(key, { where: 'disk', at, bytes, float: values instanceof Float32Array });
        this.#diskBytes += bytes;
        return;
      }
      if (reused !== undefined) this.#free.get(bytes)!.push(reused);
    }
    this.#held.set(key, { where: 'ram', values });
    this.#ramBytes += bytes;
  }

  has(key: string): boolean {
    return this.#held.has(key);
  }

  /** The float32 tokens kept under `key`, or null. */
  get(key: string): Float32Array | null {
    const h = this.#held.get(key);
    if (!h) return null;
    if (h.where === 'ram') return h.values instanceof Float32Array ? h.values.slice() : unpackBfloat16(h.values);
    const raw = new Uint8Array(h.bytes);
    let got = -1;
    try {
      got = this.spill!.read(raw, { at: h.at });
    } catch {
      // the file went away (the browser cleared site data, say): reported below
    }
    if (got !== h.bytes) {
      this.delete(key); // never handed out half read
      throw new Error(`a memory kept on disk could not be read back (${got < 0 ? 'the file is gone' : `${got} of ${h.bytes} bytes`}): propagate again from the prompts`);
    }
    return h.float ? new Float32Array(raw.buffer) : unpackBfloat16(new Uint16Array(raw.buffer));
  }

  delete(key: string): void {
    const h = this.#held.get(key);
    if (!h) return;
    this.#held.delete(key);
    if (h.where === 'ram') {
      this.#ramBytes -= h.values.byteLength;
      return;
    }
    this.#diskBytes -= h.bytes;
    const slots = this.#free.get(h.bytes) ?? [];
    slots.push(h.at);
    this.#free.set(h.bytes, slots);
  }

  /** Bytes held in RAM and in the spill file, and how many memories. */
  stats(): { ramBytes: number; diskBytes: number; count: number } {
    return { ramBytes: this.#ramBytes, diskBytes: this.#diskBytes, count: this.#held.size };
  }

  /** Forget everything; the spill file is emptied (it stays open for its owner). */
  close(): void {
    this.#held.clear();
    this.#free.clear();
    this.#ramBytes = 0;
    this.#diskBytes = 0;
    this.#fileEnd = 0;
    try {
      this.spill?.truncate(0);
    } catch {
      // a file that is gone holds nothing either
    }
  }

}

/** The upper halves of bfloat16-exact float32 values, or null where a value has low bits set. */
export function packBfloat16(values: Float32Array): Uint16Array | null {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if ((b & 0xffff) !== 0) return null;
    out[i] = b >>> 16;
  }
  return out;
}

export function unpackBfloat16(packed: Uint16Array): Float32Array {
  const bits = new Uint32Array(packed.length);
  for (let i = 0; i < packed.length; i++) bits[i] = packed[i]! << 16;
  return new Float32Array(bits.buffer);
}
