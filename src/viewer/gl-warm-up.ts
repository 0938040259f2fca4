/**
 * A software GL (SwiftShader: the GL of a laptop without a usable GPU driver, and of this
 * project's test machine) builds each shader pipeline at its first draw: on the 2-core test
 * machine about 0.15 s of GPU-process work that the first case's first slice waited for. One
 * draw of a blank volume while the folder is still being scanned builds them ahead. Nothing of
 * it stays: the volume goes once drawn, and a case shown meanwhile replaces it anyway.
 */
import { SLICE_TYPE, type Niivue, type NVImage } from '@niivue/niivue';
import type { DisplayColours } from './display-colours.ts';
import type { DrawScheduler } from './draw-scheduler.ts';
import { imageFromPair } from './niivue-setup.ts';

function frame(): Promise<void> {
  return new Promise((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => resolve()) : setTimeout(resolve, 16)));
}

export class GlWarmUp {
  /** The blank image while it is in NiiVue (the viewer reports nothing of it). */
  image: NVImage | null = null;

  constructor(private readonly nv: Niivue, private readonly frames: DrawScheduler, private readonly colours: DisplayColours | null) {}

  /** Draw `pair` (a small blank volume) once, then remove it; false when a volume was shown first. */
  async run(pair: { header: ArrayBuffer; image: ArrayBuffer }): Promise<boolean> {
    const { nv } = this;
    if (nv.volumes.length > 0) return false;
    const image = await imageFromPair(pair, { min: 0, max: 1 });
    if (nv.volumes.length > 0) return false; // a case came first
    this.image = image;
    if (this.colours) this.colours.quiet = image;
    try {
      this.frames.batched(() => {
        nv.addVolume(image);
        nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
      });
      // The frame that draws it, and one more: its GL work is queued before the next case's.
      await frame();
      await frame();
    } finally {
      if (nv.volumes.includes(image)) this.frames.batched(() => nv.removeVolume(image));
      this.image = null;
    }
    return true;
  }
}
