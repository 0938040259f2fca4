/**
 * NiiVue keeps each image's least and greatest voxel (global_min / global_max) for tools of its
 * own (its contrast drag, histogram and conform; this app shows none of them). Measured as the
 * image is made, they cost a pass over the voxels on the main thread before the first slice
 * (0.17 s for a 512×512×120 series on the 2-core test machine). So an image starts with its
 * display window as that range (KNOWN_RANGE), and the exact range follows here, in background
 * steps once the case is on screen.
 */

interface RangedImage {
  img: ArrayLike<number> | null;
  hdr: { scl_slope?: number; scl_inter?: number } | null;
  global_min?: number;
  global_max?: number;
}

/** About 2 M voxels per step: a few ms each. */
const STEP = 1 << 21;

function later(task: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (t: () => void, o: { priority: string }) => Promise<unknown> } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(task, { priority: 'background' }).catch(() => undefined);
  else setTimeout(task, 0);
}

/**
 * Measure the image's voxels in steps and set its global range (in NiiVue's scaled units);
 * stops, changing nothing, once `current()` is false (the image was replaced). Resolves true
 * when the range was set.
 */
export function measureRangeLater(image: RangedImage, current: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const voxels = image.img;
    if (!voxels || voxels.length === 0) return resolve(false);
    let min = Infinity, max = -Infinity, at = 0;
    const step = (): void => {
      if (!current()) return resolve(false);
      const end = Math.min(voxels.length, at + STEP);
      for (let i = at; i < end; i++) {
        const v = voxels[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      at = end;
      if (at < voxels.length) return later(step);
      // NiiVue's scaling (a slope of 0 means none); a negative slope swaps the ends.
      const slope = image.hdr?.scl_slope || 1;
      const inter = image.hdr?.scl_inter ?? 0;
      const [a, b] = [min * slope + inter, max * slope + inter];
      image.global_min = Math.min(a, b);
      image.global_max = Math.max(a, b);
      resolve(true);
    };
    later(step);
  });
}
