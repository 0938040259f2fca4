/**
 * The label layer as NiiVue holds it (its drawing, in RAS voxel order), read and written in the
 * shown volume's own voxel order: replacing and reading the map, pen and eraser strokes turned
 * into diffs, edits by native voxel index, undo and redo of diffs, and how labels are drawn
 * (colours, opacity, outline, pen).
 */
import type { Niivue } from '@niivue/niivue';
import type { DrawScheduler } from './draw-scheduler.ts';
import { nativeToRas, nativeToRasIndexer, rasToNative, type RasMapping } from './label-layer.ts';
import type { DrawMode, LabelAccess, LabelColor, LabelDiff } from './viewer-types.ts';

/** How the shown volume's voxels map onto NiiVue's RAS order, or null without a volume. */
export function rasMapping(nv: Niivue | null): RasMapping | null {
  const image = nv?.volumes[0] as unknown as Partial<RasMapping> | undefined;
  if (!image?.dimsRAS || !image.img2RASstart || !image.img2RASstep) return null;
  return image as RasMapping;
}

function voxelCount(mapping: RasMapping): number {
  return mapping.dimsRAS[1]! * mapping.dimsRAS[2]! * mapping.dimsRAS[3]!;
}

export class LabelDrawing {
  /** The drawing as it was when a stroke started, to diff it when the stroke ends. */
  #strokeBefore: Uint8Array | null = null;
  #pressed = false;
  #refreshQueued = false;

  /** `nv` is read at each use: it is null once the viewer is disposed. */
  constructor(
    private readonly nv: () => Niivue | null,
    private readonly frames: DrawScheduler,
  ) {}

  /** Replace the label layer with this map, in the shown volume's own voxel order. Null clears it. */
  set(nv: Niivue, labels: ArrayLike<number> | null): void {
    const mapping = rasMapping(nv);
    if (!mapping) throw new Error('no volume is shown');
    const voxels = voxelCount(mapping);
    if (labels && labels.length !== voxels) throw new Error(`a label map of ${labels.length} voxels does not fit this volume (${voxels})`);
    // No labels and no drawing: nothing to upload (an empty drawing texture of a large
    // volume costs seconds on a software GL); the drawing is made when first needed.
    if (!labels && !nv.drawBitmap) return;
    this.frames.batched(() => {
      if (!nv.drawBitmap || nv.drawBitmap.length !== voxels) nv.createEmptyDrawing();
      nv.drawBitmap = labels ? nativeToRas(labels, mapping) : new Uint8Array(voxels);
      nv.drawUndoBitmaps = [];
      nv.refreshDrawing(false); // batched draws
    });
  }

  /** The label layer in the shown volume's own voxel order, or null when there is none. */
  get(): Uint8Array | null {
    const nv = this.nv();
    const mapping = rasMapping(nv);
    if (!nv || !mapping) return null;
    const voxels = voxelCount(mapping);
    // Not drawn on yet: an empty label map.
    if (!nv.drawBitmap) return new Uint8Array(voxels);
    // A drawing left from another grid is no label map of this volume.
    if (nv.drawBitmap.length !== voxels) return null;
    return rasToNative(nv.drawBitmap, mapping);
  }

  /** Colours of the label values (others stay transparent). */
  setColors(nv: Niivue, colors: readonly LabelColor[]): void {
    const lut = new Uint8ClampedArray(256 * 4);
    for (const { value, color } of colors) {
      if (value < 1 || value > 255) continue;
      lut.set([color[0], color[1], color[2], 255], value * 4);
    }
    nv.drawLut = { ...nv.drawLut, lut, min: 0, max: 255 };
    // Only the colour tables need the new colours (the draw LUT is their last row);
    // updateGLVolume would rebuild the background volume and its gradients too
    // (hundreds of ms on a software GL).
    this.frames.batched(() => {
      if (nv.volumes.length > 0) nv.refreshColormaps();
      if (nv.drawBitmap) nv.refreshDrawing(false); // batched draws
    });
  }

  /** Opacity 0–1, and outline mode (only each object's rim is drawn). */
  setStyle(nv: Niivue, opacity: number, outline: boolean): void {
    nv.drawOpacity = outline ? 0.02 : opacity;
    nv.drawRimOpacity = outline ? Math.max(0.3, opacity) : -1;
    this.frames.batched(() => {
      if (nv.drawBitmap) nv.refreshDrawing(false); // batched draws
    });
  }

  setDrawMode(nv: Niivue, mode: DrawMode): void {
    if (mode.kind === 'off') {
      nv.setDrawingEnabled(false);
      return;
    }
    nv.setDrawingEnabled(true);
    nv.setPenValue(mode.kind === 'pen' ? mode.value : 0, false);
  }

  /** Brush and eraser size in voxels. */
  setPenSize(nv: Niivue, size: number): void {
    nv.opts.penSize = Math.max(1, Math.round(size));
  }

  /** A press on the canvas: with drawing on a stroke starts, so keep the drawing as it was. */
  /** A pen or eraser stroke is being drawn: the button pressed with drawing on is still down. */
  get stroking(): boolean {
    return this.#pressed && this.#strokeBefore !== null;
  }

  /** The button is up: whatever changes now is no stroke's. True when a stroke was being drawn. */
  released(): boolean {
    const was = this.stroking;
    this.#pressed = false;
    return was;
  }

  strokeStarted(nv: Niivue): void {
    this.#pressed = nv.opts.drawingEnabled && nv.drawBitmap !== null;
    if (nv.opts.drawingEnabled && nv.drawBitmap) this.#strokeBefore = nv.drawBitmap.slice();
  }

  /** NiiVue's drawing changed (a stroke ended): what the stroke changed, or null. */
  strokeEnded(): LabelDiff | null {
    const nv = this.nv();
    const before = this.#strokeBefore;
    this.#strokeBefore = null;
    if (nv?.drawBitmap && before && before.length === nv.drawBitmap.length) {
      const now = nv.drawBitmap;
      const idx: number[] = [];
      for (let i = 0; i < now.length; i++) if (now[i] !== before[i]) idx.push(i);
      if (idx.length > 0) {
        const indices = Uint32Array.from(idx);
        return { indices, before: Uint8Array.from(idx, (i) => before[i]!), after: Uint8Array.from(idx, (i) => now[i]!) };
      }
    }
    return null;
  }

  /**
   * Change label values by native voxel index; returns the diff (null when nothing changed).
   * The drawing is redrawn once per animation frame however many edits arrive.
   */
  edit(nv: Niivue, edit: (labels: LabelAccess) => void): LabelDiff | null {
    const mapping = rasMapping(nv);
    if (!mapping) throw new Error('no volume is shown');
    const voxels = voxelCount(mapping);
    if (!nv.drawBitmap || nv.drawBitmap.length !== voxels) nv.createEmptyDrawing();
    const bitmap = nv.drawBitmap!;
    const ras = nativeToRasIndexer(mapping);
    const indices: number[] = [];
    const before: number[] = [];
    const after: number[] = [];
    edit({
      get: (n) => bitmap[ras(n)]!,
      set: (n, v) => {
        const i = ras(n);
        if (bitmap[i] === v) return;
        indices.push(i);
        before.push(bitmap[i]!);
        after.push(v);
        bitmap[i] = v;
      },
    });
    if (indices.length === 0) return null;
    this.#queueRefresh();
    return { indices: Uint32Array.from(indices), before: Uint8Array.from(before), after: Uint8Array.from(after) };
  }

  /** Apply a diff's `before` (undo) or `after` (redo) values. */
  applyDiff(nv: Niivue, diff: LabelDiff, side: 'before' | 'after'): void {
    const bitmap = nv.drawBitmap;
    if (!bitmap) return;
    const values = side === 'before' ? diff.before : diff.after;
    if (side === 'before') for (let k = diff.indices.length - 1; k >= 0; k--) bitmap[diff.indices[k]!] = values[k]!;
    else for (let k = 0; k < diff.indices.length; k++) bitmap[diff.indices[k]!] = values[k]!;
    nv.drawUndoBitmaps = [];
    this.#queueRefresh();
  }

  #queueRefresh(): void {
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    requestAnimationFrame(() => {
      this.#refreshQueued = false;
      this.nv()?.refreshDrawing(true);
    });
  }
}
