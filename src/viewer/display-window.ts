/**
 * The intensity window the volume is shown with, which is also what the model sees. A new
 * window's colours are computed off the main thread first (DisplayColours), one window at a
 * time: while one is computed, later ones wait and only the last of them is computed next. So
 * a new window is shown as often as colours can be made, and the last one asked is the last shown.
 * While a right-drag moves, only the slices on screen are recoloured at each step (preview),
 * on the main thread and at once; the whole volume follows when the drag ends.
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
  /** Asked by a drag's step: shown on the slices on screen only (preview). */
  live?: boolean;
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

  /**
   * Show this window on the slices on screen only, now (a drag's step; after a whole-volume
   * colouring in flight, which would land over it): false where that cannot be done (NiiVue
   * colours this volume), and the caller shows it with set instead.
   */
  preview(nv: Niivue, colours: DisplayColours | null, range: DisplayRange): boolean {
    const image = nv.volumes[0];
    if (!image || !colours) return false;
    if (this.#busy) {
      // After the colouring in flight (its colours would land over these): the drag's latest step then.
      this.#next = { nv, image, colours, range, live: true };
      return true;
    }
    const [min, max] = [image.cal_min, image.cal_max];
    image.cal_min = range.min;
    image.cal_max = range.max;
    if (!colours.paintShown(image, nv.scene.crosshairPos)) {
      [image.cal_min, image.cal_max] = [min, max];
      return false;
    }
    this.frames.drawNextFrame();
    this.onShown?.();
    return true;
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
        if (next && next.image === nv.volumes[0] && this.nv() === next.nv) {
          if (!next.live || !this.preview(next.nv, next.colours, next.range)) this.set(next.nv, next.colours, next.range);
        }
      });
  }
}
