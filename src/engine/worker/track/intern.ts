/**
 * memory_pos depends on the feature grid only, so every slice's copy holds the same values:
 * keep one array and hand it out for equal ones (memory, and a stable identity that lets
 * bank assembly skip rewriting positions).
 */
export class EqualArrayInterner {
  #last: Float32Array | null = null;

  /** The array kept earlier when `a` holds the same values, else `a` (which is kept from now on). */
  intern(a: Float32Array): Float32Array {
    const prev = this.#last;
    if (prev === a) return prev;
    if (prev !== null && prev.length === a.length) {
      let same = true;
      for (let i = 0; i < a.length; i++) {
        if (prev[i] !== a[i]) {
          same = false;
          break;
        }
      }
      if (same) return prev;
    }
    this.#last = a;
    return a;
  }
}
