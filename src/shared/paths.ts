/** Relative paths inside an opened folder ('/' separated) and their order. */

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Natural order of '/'-separated paths: segment by segment, numbers by
 * value ('case2' before 'case10'), case-insensitive first; ties broken by
 * plain code-unit order so the order is total and the same everywhere
 * (the Node walker, the browser walker, the scan and the case queue).
 */
export function comparePaths(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const c = collator.compare(sa[i]!, sb[i]!);
    if (c !== 0) return c;
  }
  if (sa.length !== sb.length) return sa.length - sb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
