/**
 * The prompts of the open case: per object, the axis it is prompted along and, per slice,
 * its box and points or a hand-corrected mask; and the engine's per-slice confidence for
 * it. State: those two maps. Pure bookkeeping: calls nothing (the marks it computes are
 * drawn by the caller).
 */
import type { SliceAxis, SlicePrompt, SliceResult } from '../engine/protocol.ts';
import type { ObjectSpec } from '../shared/cohort.ts';
import type { Affine, Vec3 } from '../shared/volume.ts';
import type { PromptMark, ViewPlane } from '../viewer/viewer-controller.ts';
import { axisPlane, slicePointToWorld } from './slice-geometry.ts';

/** A slice whose hand-corrected mask conditions the engine (instead of boxes and points). */
export interface MaskPrompt {
  mask: Uint8Array;
}

export type SlicePrompts = SlicePrompt | MaskPrompt;

export const isMask = (p: SlicePrompts | null | undefined): p is MaskPrompt => p != null && 'mask' in p;

export interface ObjectPrompts {
  axis: SliceAxis;
  slices: Map<number, SlicePrompts>;
}

export interface SliceConfidence {
  iou: number;
  objectScore: number;
}

export interface ObjectConfidence {
  axis: SliceAxis;
  bySlice: Map<number, SliceConfidence>;
}

/** What a deleted object had, so that undo can bring it back. */
export interface ForgottenObject {
  prompts: ObjectPrompts | undefined;
  confidence?: ObjectConfidence;
}

/** A prompted slice as the objects panel lists it. */
export interface PromptRow {
  axis: SliceAxis;
  slice: number;
  plane: string;
  mask: boolean;
}

export class PromptStore {
  #prompts = new Map<number, ObjectPrompts>();
  #confidence = new Map<number, ObjectConfidence>();

  clear(): void {
    this.#prompts.clear();
    this.#confidence.clear();
  }

  /** An object's prompts along an axis; a new plane starts them over (the engine does the same). */
  of(object: number, axis: SliceAxis): ObjectPrompts {
    let p = this.#prompts.get(object);
    if (!p || p.axis !== axis) {
      p = { axis, slices: new Map() };
      this.#prompts.set(object, p);
      this.#confidence.set(object, { axis, bySlice: new Map() });
    }
    return p;
  }

  get(object: number): ObjectPrompts | undefined {
    return this.#prompts.get(object);
  }

  entries(): [number, ObjectPrompts][] {
    return [...this.#prompts.entries()];
  }

  /** Keep the engine's confidence for the slices it returned. */
  recordConfidence(results: readonly SliceResult[]): void {
    for (const r of results) {
      const conf = this.#confidence.get(r.object);
      if (conf && conf.axis === r.axis) conf.bySlice.set(r.slice, { iou: r.iou, objectScore: r.objectScore });
    }
  }

  confidence(object: number): ObjectConfidence | undefined {
    return this.#confidence.get(object);
  }

  forget(object: number): ForgottenObject {
    const prompts = this.#prompts.get(object);
    const confidence = this.#confidence.get(object);
    this.#prompts.delete(object);
    this.#confidence.delete(object);
    return { prompts, ...(confidence ? { confidence } : {}) };
  }

  restore(object: number, saved: ForgottenObject): void {
    if (saved.confidence) this.#confidence.set(object, saved.confidence);
    if (saved.prompts) this.#prompts.set(object, saved.prompts);
  }

  /** Prompted slices of an object on its axis. */
  slices(object: number): number[] {
    return [...(this.#prompts.get(object)?.slices.keys() ?? [])].sort((a, b) => a - b);
  }

  rows(object: number, affine: Affine): PromptRow[] {
    const p = this.#prompts.get(object);
    if (!p) return [];
    const plane = axisPlane(affine, p.axis);
    return this.slices(object).map((slice) => ({ axis: p.axis, slice, plane, mask: isMask(p.slices.get(slice)) }));
  }

  /** Box and point marks on the slices under the crosshair (`sliceIn` gives the slice shown in a plane). */
  marks(affine: Affine, objects: readonly ObjectSpec[], active: number, sliceIn: (plane: ViewPlane) => number | null): PromptMark[] {
    const marks: PromptMark[] = [];
    for (const [object, p] of this.#prompts) {
      const plane = axisPlane(affine, p.axis);
      const slice = sliceIn(plane);
      const prompt = slice === null ? undefined : p.slices.get(slice);
      if (slice === null || !prompt || isMask(prompt)) continue;
      const color = objects.find((o) => o.labelValue === object)?.color ?? [255, 255, 0];
      const at = (pt: { x: number; y: number }): Vec3 => slicePointToWorld(affine, p.axis, slice, pt);
      if (prompt.box) {
        marks.push({ plane, kind: 'box', a: at({ x: prompt.box.x0, y: prompt.box.y0 }), b: at({ x: prompt.box.x1, y: prompt.box.y1 }), color, active: object === active });
      }
      for (const pt of prompt.points ?? []) marks.push({ plane, kind: pt.positive ? 'positive' : 'negative', a: at(pt), color, active: object === active });
    }
    return marks;
  }
}
