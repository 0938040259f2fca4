/**
 * The annotation loop of one open case: prompts drawn on the viewer become engine calls,
 * engine results become label edits (locks respected), brush, eraser and fill edits are
 * checked against the object rules, every change is one undo step, and the confidence
 * strip is kept. State: the prompt tool, the history, the prompts (prompts.ts), the case as
 * the engine holds it (engine-link.ts), the slice cursor (slice-cursor.ts) and where each
 * object is (label-census.ts). Calls the viewer, the models (through the link) and the
 * tasks; propagation is in propagation.ts.
 */
import { mergeSliceResult } from '../engine/client/merge.ts';
import type { PropagationMode, SliceAxis, SlicePrompt, SliceResult } from '../engine/protocol.ts';
import { sliceGeometry, voxelIndex } from '../engine/slices.ts';
import type { ObjectSpec } from '../shared/cohort.ts';
import type { Vec3, Volume } from '../shared/volume.ts';
import type { LabelDiff, PromptGesture, PromptTool, ViewerController, ViewPlane } from '../viewer/viewer-controller.ts';
import { EngineLink } from './engine-link.ts';
import { History, type HistoryStep } from './history.ts';
import { LabelCensus } from './label-census.ts';
import { fillEnclosed, objectMask, splitStroke } from './label-edits.ts';
import type { Models } from './models.ts';
import { propagate } from './propagation.ts';
import { PromptStore, isMask, type ForgottenObject, type MaskPrompt, type PromptRow, type SliceConfidence, type SlicePrompts } from './prompts.ts';
import { SliceCursor, confidenceView, type ConfidenceView } from './slice-cursor.ts';
import { axisPlane, clampPoint, planeAxis, toSlice, worldToVoxel } from './slice-geometry.ts';
import { errorText, isAbort, type TaskHost } from './tasks.ts';

export type { SliceConfidence } from './prompts.ts';
export type { ConfidenceView } from './slice-cursor.ts';

/** What the annotation needs from the app around it. */
export interface AnnotationHost {
  readonly viewer: ViewerController;
  readonly tasks: TaskHost;
  readonly models: Models;
  /** The label map changed (dirty, autosave). */
  changed(): void;
  objects(): readonly ObjectSpec[];
  activeLabel(): number;
  /** The brush tool in use ('pen', 'erase' or 'off'). */
  drawTool(): 'off' | 'pen' | 'erase';
  /** Something shown changed (tools, confidence, model). */
  render(): void;
}

export class AnnotationController {
  readonly history = new History();
  readonly #prompts = new PromptStore();
  readonly #link: EngineLink;
  readonly #cursor: SliceCursor;
  readonly #census = new LabelCensus();
  #tool: PromptTool | null = null;

  constructor(private readonly host: AnnotationHost) {
    this.#link = new EngineLink(host.models, this.#prompts, () => host.viewer.displayWindow());
    this.#cursor = new SliceCursor(host.viewer, () => this.#link.volume);
    host.viewer.onPrompt = (g) => void this.onGesture(g);
    host.viewer.onStroke = (diff) => this.#stroke(diff);
    host.viewer.onLabelDiff = (diff, side) => this.#census.apply(diff, side);
  }

  get tool(): PromptTool | null {
    return this.#tool;
  }

  /** Locked objects: propagation and brushing never change them. */
  get locked(): ReadonlySet<number> {
    return new Set(this.host.objects().filter((o) => o.locked).map((o) => o.labelValue));
  }

  /** The plane the user last worked in (slice keys and the confidence strip follow it). */
  get plane(): ViewPlane {
    return this.#cursor.plane;
  }

  setTool(tool: PromptTool | null): void {
    this.#tool = tool;
    this.host.viewer.setPromptTool(tool);
    this.host.render();
  }

  /** A case opened with this label map (native order; null: empty). */
  openCase(id: string, volume: Volume, labels: ArrayLike<number> | null): void {
    this.#link.open(id, volume);
    this.#census.reset(labels, volume.dims);
    this.#prompts.clear();
    this.history.clear();
    this.#showMarks();
    this.host.render();
  }

  /** The same case, other voxels on its grid (N4 on or off): prompts and history stay, the engine gets them before its next call. */
  replaceVolume(volume: Volume): void {
    this.#link.replaceVolume(volume);
  }

  /** The voxels the engine was last given (tests compare them with what is shown). */
  get engineVolume(): Volume | null {
    return this.#link.sentVolume;
  }

  closeCase(): void {
    this.#link.close();
    this.#prompts.clear();
    this.history.clear();
    this.host.viewer.setPromptMarks([]);
  }

  /** The native axis and slice under the crosshair, in the plane given. */
  currentSlice(plane?: ViewPlane): { axis: SliceAxis; slice: number } | null {
    return this.#cursor.current(plane);
  }

  // --- prompts ---

  async onGesture(g: PromptGesture): Promise<void> {
    const volume = this.#link.volume;
    if (!volume) return;
    this.#cursor.workIn(g.plane);
    if (g.tool === 'fill') {
      this.#fill(volume, g.plane, g.start);
      return;
    }
    const object = this.host.activeLabel();
    if (this.locked.has(object)) {
      this.host.tasks.message('warning', `Object ${object} is locked: unlock it to prompt it.`);
      return;
    }
    const axis = planeAxis(volume.affine, g.plane);
    const { width, height } = sliceGeometry(volume.dims, axis);
    const a = toSlice(axis, worldToVoxel(volume.affine, g.start));
    const b = toSlice(axis, worldToVoxel(volume.affine, g.end));
    const slice = a.slice;
    const prior = this.#prompts.of(object, axis).slices.get(slice);
    const before = isMask(prior) ? undefined : prior;
    const next: SlicePrompt = { box: before?.box ?? null, points: [...(before?.points ?? [])] };
    if (g.tool === 'box') {
      const p0 = clampPoint(a, width, height);
      const p1 = clampPoint(b, width, height);
      if (Math.abs(p1.x - p0.x) < 1 || Math.abs(p1.y - p0.y) < 1) {
        this.host.tasks.message('info', 'Drag to draw a box (it was too small).');
        return;
      }
      next.box = { x0: p0.x, y0: p0.y, x1: p1.x, y1: p1.y };
    } else {
      next.points!.push({ ...clampPoint(a, width, height), positive: g.tool === 'positive' });
    }
    await this.#applyPrompt(object, axis, slice, prior ?? null, next, `${g.tool === 'box' ? 'box' : 'point'} on slice ${slice + 1}`);
  }

  /** Fill the enclosed region under the click on that slice with the active object. */
  #fill(volume: Volume, plane: ViewPlane, mm: Vec3): void {
    const axis = planeAxis(volume.affine, plane);
    const { width, height } = sliceGeometry(volume.dims, axis);
    const at = toSlice(axis, worldToVoxel(volume.affine, mm));
    const x0 = Math.round(at.x);
    const y0 = Math.round(at.y);
    if (x0 < 0 || y0 < 0 || x0 >= width || y0 >= height) return;
    const slice = { width, height, index: (x: number, y: number) => voxelIndex(volume.dims, axis, at.slice, x, y) };
    let result = { enclosed: true, filled: 0 };
    const object = this.host.activeLabel();
    const locked = this.locked;
    const diff = this.host.viewer.editLabels((labels) => {
      result = fillEnclosed(labels, slice, x0, y0, object, locked);
    });
    if (!result.enclosed) {
      this.host.tasks.message('info', 'Fill works inside a closed outline: that region reaches the edge of the slice.');
      return;
    }
    if (diff) {
      this.#pushLabels(`fill of ${result.filled} voxels on slice ${at.slice + 1}`, diff);
      this.host.changed();
    }
  }

  /** Run a slice's prompts in the engine, write the mask, and make it one undo step. */
  async #applyPrompt(object: number, axis: SliceAxis, slice: number, before: SlicePrompts | null, next: SlicePrompt, what: string): Promise<void> {
    const prompts = this.#prompts.of(object, axis);
    prompts.slices.set(slice, next);
    this.#showMarks();
    let result: SliceResult;
    try {
      const engine = await this.#link.ready(undefined, { object, slice });
      result = await engine.addPrompt(object, axis, slice, next);
    } catch (e) {
      if (before) prompts.slices.set(slice, before);
      else prompts.slices.delete(slice);
      this.#showMarks();
      if (!isAbort(e)) this.host.tasks.message('error', `Prompt: ${errorText(e)}`);
      return;
    }
    const diff = this.#write([result]);
    this.history.push({
      label: what,
      undo: async () => {
        if (diff) this.host.viewer.applyDiff(diff, 'before');
        await this.#restorePrompt(object, axis, slice, before);
      },
      redo: async () => {
        if (diff) this.host.viewer.applyDiff(diff, 'after');
        await this.#restorePrompt(object, axis, slice, next);
      },
    });
    this.host.changed();
    this.host.render();
  }

  async #restorePrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompts | null): Promise<void> {
    const prompts = this.#prompts.of(object, axis);
    if (prompt) prompts.slices.set(slice, prompt);
    else prompts.slices.delete(slice);
    this.#showMarks();
    await this.#link.follow(object, axis, slice, prompt);
  }

  /**
   * The active object's mask on the current slice (after a brush correction, say) becomes a
   * conditioning slice: the next propagation follows it (SAM2's add_new_mask).
   */
  async maskToPrompt(): Promise<void> {
    const volume = this.#link.volume;
    if (!volume) return;
    const object = this.host.activeLabel();
    const existing = this.#prompts.get(object);
    const plane = existing?.slices.size ? axisPlane(volume.affine, existing.axis) : (this.host.viewer.hoverPlane() ?? this.#cursor.plane);
    const cur = this.#cursor.current(plane);
    if (!cur) return;
    const { width, height } = sliceGeometry(volume.dims, cur.axis);
    let found: { mask: Uint8Array; voxels: number } = { mask: new Uint8Array(0), voxels: 0 };
    this.host.viewer.editLabels((labels) => {
      found = objectMask(labels, { width, height, index: (x, y) => voxelIndex(volume.dims, cur.axis, cur.slice, x, y) }, object);
    });
    const { mask, voxels: any } = found;
    if (any === 0) {
      this.host.tasks.message('info', `Object ${object} has no voxels on this slice: draw it first (P), then press M.`);
      return;
    }
    const prompts = this.#prompts.of(object, cur.axis);
    const before = prompts.slices.get(cur.slice) ?? null;
    const next: MaskPrompt = { mask };
    try {
      const engine = await this.#link.ready(undefined, { object, slice: cur.slice });
      await engine.addMask(object, cur.axis, cur.slice, mask);
    } catch (e) {
      this.host.tasks.message('error', `Mask as prompt: ${errorText(e)}`);
      return;
    }
    prompts.slices.set(cur.slice, next);
    this.history.push({
      label: `mask of slice ${cur.slice + 1} as a prompt`,
      undo: () => this.#restorePrompt(object, cur.axis, cur.slice, before),
      redo: () => this.#restorePrompt(object, cur.axis, cur.slice, next),
    });
    this.host.tasks.message('info', `Slice ${cur.slice + 1} of object ${object} now guides propagation (${any} voxels).`);
    this.#showMarks();
    this.host.render();
  }

  /** Remove an object's prompts on one slice (its mask stays; undo brings the prompts back). */
  async clearPrompts(object: number, slice: number): Promise<void> {
    const p = this.#prompts.get(object);
    const before = p?.slices.get(slice);
    if (!p || !before) return;
    await this.#restorePrompt(object, p.axis, slice, null);
    this.history.push({
      label: `prompts removed from slice ${slice + 1}`,
      undo: () => this.#restorePrompt(object, p.axis, slice, before),
      redo: () => this.#restorePrompt(object, p.axis, slice, null),
    });
    this.host.render();
  }

  /** Forget an object (its voxels are cleared by the caller). */
  async forgetObject(object: number): Promise<ForgottenObject> {
    const saved = this.#prompts.forget(object);
    this.#showMarks();
    await this.#link.removeObject(object);
    return saved;
  }

  /** Bring a deleted object's prompts back (undo of a delete): the engine re-runs them. */
  async restoreObject(object: number, saved: ForgottenObject): Promise<void> {
    this.#prompts.restore(object, saved);
    if (!saved.prompts) return;
    this.#showMarks();
    await this.#link.followObject(object, saved.prompts);
  }

  /** Prompted slices of an object, for the objects panel. */
  promptRows(object: number): PromptRow[] {
    const volume = this.#link.volume;
    return volume ? this.#prompts.rows(object, volume.affine) : [];
  }

  /** Prompted slices per object on its axis (tests). */
  promptedSlices(object: number): number[] {
    return this.#prompts.slices(object);
  }

  // --- propagation and label edits ---

  propagate(mode: PropagationMode): Promise<void> {
    return propagate({
      tasks: this.host.tasks,
      link: this.#link,
      prompts: this.#prompts,
      cursor: this.#cursor,
      volume: () => this.#link.volume,
      activeLabel: () => this.host.activeLabel(),
      locked: () => this.locked,
      write: (results) => this.#write(results),
      applyDiff: (diff, side) => this.host.viewer.applyDiff(diff, side),
      record: (step) => this.record(step),
      fellBackToWasm: () => this.host.models.fellBackToWasm(),
      changed: () => this.host.changed(),
      render: () => this.host.render(),
    }, mode);
  }

  /** Write engine results into the label layer (locks and other objects kept); one diff. */
  #write(results: SliceResult[]): LabelDiff | null {
    const volume = this.#link.volume;
    if (!volume) return null;
    this.#prompts.recordConfidence(results);
    const locked = this.locked;
    const diff = this.host.viewer.editLabels((labels) => {
      for (const r of results) mergeSliceResult(labels, volume.dims, r, { locked, overlap: 'keep-others' });
    });
    this.host.render();
    return diff;
  }

  /** A brush or eraser stroke: what it should not have changed is put back, the rest is one undo step. */
  #stroke(diff: LabelDiff): void {
    const erasing = this.host.drawTool() === 'erase';
    const { keep, revert } = splitStroke(diff, this.host.activeLabel(), erasing, this.locked);
    if (revert) this.host.viewer.applyDiff(revert, 'after');
    if (keep) this.#pushLabels(erasing ? 'eraser stroke' : 'brush stroke', keep);
  }

  #pushLabels(label: string, diff: LabelDiff): void {
    this.record({
      label,
      undo: () => this.host.viewer.applyDiff(diff, 'before'),
      redo: () => this.host.viewer.applyDiff(diff, 'after'),
    });
  }

  /** Record a change made elsewhere (object deletion, fill) as one undo step. */
  record(step: HistoryStep): void {
    this.history.push(step);
    this.host.render();
  }

  async undo(): Promise<void> {
    const step = await this.history.undo();
    this.host.tasks.message('info', step ? `Undone: ${step.label}` : 'Nothing to undo.');
    if (step) this.host.changed();
    this.host.render();
  }

  async redo(): Promise<void> {
    const step = await this.history.redo();
    this.host.tasks.message('info', step ? `Redone: ${step.label}` : 'Nothing to redo.');
    if (step) this.host.changed();
    this.host.render();
  }

  // --- what the UI shows ---

  #showMarks(): void {
    const volume = this.#link.volume;
    if (!volume) return;
    const marks = this.#prompts.marks(volume.affine, this.host.objects(), this.host.activeLabel(), (plane) => this.#cursor.current(plane)?.slice ?? null);
    this.host.viewer.setPromptMarks(marks);
  }

  /** Redraw the prompt marks (the crosshair moved; objects renamed, recoloured, the active one changed). */
  refreshMarks(): void {
    this.#showMarks();
  }

  confidence(): ConfidenceView | null {
    const volume = this.#link.volume;
    if (!volume) return null;
    const object = this.host.activeLabel();
    return confidenceView(volume, object, this.#prompts.confidence(object), this.#cursor, (axis) => this.#census.slices(object, axis));
  }

  /** Move the crosshair to a slice along an axis (the confidence strip's click). */
  goToSlice(axis: SliceAxis, slice: number): void {
    this.#cursor.goTo(axis, slice);
  }

  /** Slice keys: one slice through the plane under the pointer (else the plane last worked in). */
  step(delta: number): void {
    this.#cursor.step(delta);
  }
}
