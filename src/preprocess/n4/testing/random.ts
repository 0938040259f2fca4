/** Deterministic normal samples for unit tests (Box–Muller on a fixed LCG). */
export function normals(n: number, mean: number, sd: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return out;
}
