/**
 * Display settings that outlive a case: the window preset and the window it gave (a
 * right-drag in the viewer makes it 'custom'), the presets the open image is offered (by
 * modality), the layout, the brush size, the label style, and how slices are read: the
 * left–right convention and the crosshair, both remembered in this browser (localStorage).
 * State: those settings. Calls the viewer only; the window presets are in display.ts.
 */
import type { Volume } from '../shared/volume.ts';
import type { DisplayRange, ViewAction, ViewerController, ViewLayout } from '../viewer/viewer-controller.ts';
import { WINDOW_PRESETS, presetWindow, presetsFor, type WindowPreset } from './display.ts';

/** localStorage keys of the reading settings (per browser, not per case). */
const NEUROLOGICAL_KEY = 'slicesam.view.neurological';
const NO_CROSSHAIR_KEY = 'slicesam.view.noCrosshair';

function remembered(key: string): boolean {
  try {
    return globalThis.localStorage?.getItem(key) === '1';
  } catch {
    return false; // storage blocked: the defaults
  }
}

function remember(key: string, on: boolean): void {
  try {
    if (on) globalThis.localStorage?.setItem(key, '1');
    else globalThis.localStorage?.removeItem(key);
  } catch {
    // storage blocked: the setting lasts for this page only
  }
}

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
  #presets: WindowPreset[] = presetsFor(undefined);
  /** Radiological convention (patient left on screen right) unless the user chose neurological. */
  #radiological = !remembered(NEUROLOGICAL_KEY);
  #crosshair = !remembered(NO_CROSSHAIR_KEY);

  constructor(private readonly viewer: () => ViewerController | null, private readonly onChange: () => void) {}

  /** Brush size, layout and label style as the bars show them. */
  get shown(): { penSize: number; layout: ViewLayout; opacity: number; outline: boolean; radiological: boolean; crosshair: boolean } {
    return { penSize: this.#penSize, layout: this.#layout, opacity: this.#opacity, outline: this.#outline, radiological: this.#radiological, crosshair: this.#crosshair };
  }

  /** The window presets the open image is offered (by its modality), the automatic one first. */
  get presets(): { id: string; name: string }[] {
    return this.#presets.map((p) => ({ id: p.id, name: p.name }));
  }

  /** CT with a window in its header keeps it; everything else (and any N4-corrected image) gets the automatic percentile window. */
  chooseWindow(volume: Volume, corrected = false): DisplayRange {
    const header = corrected ? undefined : headerWindow(volume);
    this.#presets = presetsFor(volume.meta.modality, volume.data);
    this.#preset = header ? 'custom' : 'auto';
    this.#window = header ?? presetWindow(WINDOW_PRESETS[0]!, volume.data);
    return this.#window;
  }

  /** A preset's window for the image shown (and so for the model). */
  setWindowPreset(id: string, shown: Volume | null): void {
    const preset = this.#presets.find((p) => p.id === id) ?? WINDOW_PRESETS.find((p) => p.id === id);
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

  /** Zoom, pan reset, the left–right convention or the crosshair (keys and the bar's buttons). */
  viewAction(action: ViewAction | 'toggle-convention' | 'toggle-crosshair'): void {
    const viewer = this.viewer();
    if (action === 'toggle-convention') {
      this.#radiological = !this.#radiological;
      remember(NEUROLOGICAL_KEY, !this.#radiological);
      viewer?.setRadiological(this.#radiological);
    } else if (action === 'toggle-crosshair') {
      this.#crosshair = !this.#crosshair;
      remember(NO_CROSSHAIR_KEY, !this.#crosshair);
      viewer?.setCrosshairVisible(this.#crosshair);
    } else {
      viewer?.navigate(action);
    }
    this.onChange();
  }

  #applyReading(viewer: ViewerController): void {
    viewer.setRadiological(this.#radiological);
    viewer.setCrosshairVisible(this.#crosshair);
  }

  /** After an image was put in the viewer: label style, layout and reading settings as the user left them. */
  applyToViewer(viewer: ViewerController): void {
    viewer.setLabelStyle(this.#opacity, this.#outline);
    this.#applyReading(viewer);
    if (this.#layout !== 'multiplanar') viewer.setLayout(this.#layout);
  }

  /** The preset in use, or 'custom' once the window was dragged away from it. */
  presetShown(): string {
    // The window asked for last: a preset chosen while the previous window's colours are still computed is no custom one.
    const shown = this.viewer()?.windowWanted();
    const w = this.#window;
    if (!shown || !w) return this.#preset;
    const same = Math.abs(shown.min - w.min) < 1e-6 * (1 + Math.abs(w.min)) && Math.abs(shown.max - w.max) < 1e-6 * (1 + Math.abs(w.max));
    return same ? this.#preset : 'custom';
  }
}
