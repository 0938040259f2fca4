/**
 * The intensity window the volume is shown with, which is also what the model sees. A new
 * window's colours are computed off the main thread first (DisplayColours); when several
 * changes overlap, only the last one's colours are shown.
 */
import type { Niivue } from '@niivue/niivue';
import type { DisplayColours } from './display-colours.ts';
import type { DrawScheduler } from './draw-scheduler.ts';
import type { DisplayRange } from './viewer-types.ts';

export class DisplayWindow {
  /** Bumped by each window change: only the last one's colours are shown. */
  #rangeChange = 0;

  /** `nv` is read at each use: it is null once the viewer is disposed. */
  constructor(
    private readonly nv: () => Niivue | null,
    private readonly frames: DrawScheduler,
  ) {}

  /** The intensity window shown, or null without a volume. */
  get(): DisplayRange | null {
    const image = this.nv()?.volumes[0] as { cal_min?: number; cal_max?: number } | undefined;
    if (!image || image.cal_min === undefined || image.cal_max === undefined) return null;
    return { min: image.cal_min, max: image.cal_max };
  }

  /** Show the volume with this intensity window. */
  set(nv: Niivue, colours: DisplayColours | null, range: DisplayRange): void {
    const image = nv.volumes[0];
    if (!image) return;
    image.cal_min = range.min;
    image.cal_max = range.max;
    const change = ++this.#rangeChange;
    void (colours?.prepare(image) ?? Promise.resolve()).then(() => {
      if (change !== this.#rangeChange || nv.volumes[0] !== image || this.nv() !== nv) return;
      this.frames.batched(() => nv.updateGLVolume());
    });
  }
}
