/**
 * The intensity window the volume is shown with, which is also what the model sees. A new
 * window's colours are computed off the main thread first (DisplayColours), one window at a
 * time: while one is computed, later ones wait and only the last of them is computed next. So
 * a right-drag shows a new window as often as colours can be made, and ends on its last one.
 */
import type { Niivue } from '@niivue/niivue';
import type { DisplayColours } from './display-colours.ts';
import type { DrawScheduler } from './draw-scheduler.ts';
import type { DisplayRange } from './viewer-types.ts';

interface Wanted {
  nv: Niivue;
  image: unknown;
  colours: DisplayColours | null;
  range: DisplayRange;
}

export class DisplayWindow {
  /** A window's colours are being computed. */
  #busy = false;
  /** The window asked for while another was computed (the last one asked). */
  #next: Wanted | null = null;
  /** Called once a new window is on screen. */
  onShown: (() => void) | null = null;

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

  /** The window last asked for: the one shown, or the one waiting to be. */
  wanted(): DisplayRange | null {
    const next = this.#next;
    return next && next.image === this.nv()?.volumes[0] ? next.range : this.get();
  }

  /** Show the volume with this intensity window. */
  set(nv: Niivue, colours: DisplayColours | null, range: DisplayRange): void {
    const image = nv.volumes[0];
    if (!image) return;
    if (this.#busy) {
      this.#next = { nv, image, colours, range };
      return;
    }
    this.#busy = true;
    image.cal_min = range.min;
    image.cal_max = range.max;
    void (colours?.prepare(image) ?? Promise.resolve())
      .catch(() => undefined) // NiiVue colours it then
      .then(() => {
        this.#busy = false;
        if (nv.volumes[0] === image && this.nv() === nv) {
          this.frames.batched(() => nv.updateGLVolume());
          this.onShown?.();
        }
        const next = this.#next;
        this.#next = null;
        if (next && next.image === nv.volumes[0] && this.nv() === next.nv) this.set(next.nv, next.colours, next.range);
      });
  }
}
