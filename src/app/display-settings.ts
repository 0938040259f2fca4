/**
 * Display settings that outlive a case: the window preset and the window it gave (a
 * right-drag in the viewer makes it 'custom'), the layout, the brush size and the label
 * style. State: those settings. Calls the viewer only; the window presets are in display.ts.
 */
import type { Volume } from '../shared/volume.ts';
import type { DisplayRange, ViewerController, ViewLayout } from '../viewer/viewer-controller.ts';
import { WINDOW_PRESETS, presetWindow } from './display.ts';

/**
 * The file's own window for CT, where it is a calibrated HU window; MR windows
 * in headers are often stale or vendor-specific, so MR and the rest get the
 * viewer's robust automatic range.
 */
function headerWindow(volume: Volume): DisplayRange | undefined {
  if (volume.meta.modality !== 'CT') return undefined;
  const { windowCenter: c, windowWidth: w } = volume.meta;
  if (c === undefined || w === undefined || !Number.isFinite(c) || !Number.isFinite(w) || w <= 0) return undefined;
  return { min: c - w / 2, max: c + w / 2 };
}

export class DisplaySettings {
  #preset = 'auto';
  #window: DisplayRange | null = null;
  #opacity = 0.6;
  #outline = false;
  #penSize = 1;
  #layout: ViewLayout = 'multiplanar';

  constructor(private readonly viewer: () => ViewerController | null, private readonly onChange: () => void) {}

  /** Brush size, layout and label style as the bars show them. */
  get shown(): { penSize: number; layout: ViewLayout; opacity: number; outline: boolean } {
    return { penSize: this.#penSize, layout: this.#layout, opacity: this.#opacity, outline: this.#outline };
  }

  /** CT with a window in its header keeps it; everything else (and any N4-corrected image) gets the automatic percentile window. */
  chooseWindow(volume: Volume, corrected = false): DisplayRange {
    const header = corrected ? undefined : headerWindow(volume);
    this.#preset = header ? 'custom' : 'auto';
    this.#window = header ?? presetWindow(WINDOW_PRESETS[0]!, volume.data);
    return this.#window;
  }

  /** A preset's window for the image shown (and so for the model). */
  setWindowPreset(id: string, shown: Volume | null): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    const viewer = this.viewer();
    if (!preset || !shown || !viewer) return;
    const window = presetWindow(preset, shown.data);
    this.#preset = id;
    this.#window = window;
    viewer.setDisplayRange(window);
    this.onChange();
  }

  setLayout(layout: ViewLayout): void {
    this.#layout = layout;
    this.viewer()?.setLayout(layout);
    this.onChange();
  }

  setPenSize(size: number): void {
    this.#penSize = Math.min(15, Math.max(1, Math.round(size)));
    this.viewer()?.setPenSize(this.#penSize);
    this.onChange();
  }

  setLabelStyle(opacity: number, outline: boolean): void {
    this.#opacity = Math.min(1, Math.max(0, opacity));
    this.#outline = outline;
    this.viewer()?.setLabelStyle(this.#opacity, outline);
    this.onChange();
  }

  /** After an image was put in the viewer: label style and layout as the user left them. */
  applyToViewer(viewer: ViewerController): void {
    viewer.setLabelStyle(this.#opacity, this.#outline);
    if (this.#layout !== 'multiplanar') viewer.setLayout(this.#layout);
  }

  /** The preset in use, or 'custom' once the window was dragged away from it. */
  presetShown(): string {
    const shown = this.viewer()?.displayWindow();
    const w = this.#window;
    if (!shown || !w) return this.#preset;
    const same = Math.abs(shown.min - w.min) < 1e-6 * (1 + Math.abs(w.min)) && Math.abs(shown.max - w.max) < 1e-6 * (1 + Math.abs(w.max));
    return same ? this.#preset : 'custom';
  }
}
