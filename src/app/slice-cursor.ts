/**
 * Where the user is in the open case: the plane last worked in (slice keys and the
 * confidence strip follow it) and the native slice under the crosshair in each plane;
 * moving a slice, or to a slice; the confidence strip's view. State: the plane. Calls the viewer.
 */
import type { SliceAxis } from '../engine/protocol.ts';
import { sliceGeometry } from '../engine/slices.ts';
import type { Volume } from '../shared/volume.ts';
import type { ViewerController, ViewPlane } from '../viewer/viewer-controller.ts';
import type { ObjectConfidence, SliceConfidence } from './prompts.ts';
import { axisPlane, planeAxis, slicePointToWorld, toSlice, worldToVoxel } from './slice-geometry.ts';

/** What the confidence strip shows for the active object. */
export interface ConfidenceView {
  object: number;
  axis: SliceAxis;
  plane: ViewPlane;
  count: number;
  current: number;
  slices: (SliceConfidence | null)[];
  /** Slices where the object is in the label map. */
  labelled: boolean[];
}

/** The object's confidence per slice along its axis (else the plane worked in), and the slice the crosshair is on. */
export function confidenceView(
  volume: Volume, object: number, conf: ObjectConfidence | undefined, cursor: SliceCursor, labelled: (axis: SliceAxis) => boolean[],
): ConfidenceView {
  const axis = conf?.axis ?? planeAxis(volume.affine, cursor.plane);
  const plane = axisPlane(volume.affine, axis);
  const count = sliceGeometry(volume.dims, axis).count;
  const slices: (SliceConfidence | null)[] = Array.from({ length: count }, (_, s) => conf?.bySlice.get(s) ?? null);
  return { object, axis, plane, count, current: cursor.current(plane)?.slice ?? 0, slices, labelled: labelled(axis) };
}

export class SliceCursor {
  #plane: ViewPlane = 'axial';

  constructor(private readonly viewer: ViewerController, private readonly volume: () => Volume | null) {}

  /** The plane the user last worked in. */
  get plane(): ViewPlane {
    return this.#plane;
  }

  /** A prompt or gesture was made in this plane. */
  workIn(plane: ViewPlane): void {
    this.#plane = plane;
  }

  /** The native axis and slice under the crosshair, in the plane given. */
  current(plane: ViewPlane = this.#plane): { axis: SliceAxis; slice: number } | null {
    const v = this.volume();
    const mm = this.viewer.crosshairMm();
    if (!v || !mm) return null;
    const axis = planeAxis(v.affine, plane);
    const { slice } = toSlice(axis, worldToVoxel(v.affine, mm));
    const count = sliceGeometry(v.dims, axis).count;
    return { axis, slice: Math.min(count - 1, Math.max(0, slice)) };
  }

  /** Move the crosshair to a slice along an axis (the confidence strip's click). */
  goTo(axis: SliceAxis, slice: number): void {
    const v = this.volume();
    const mm = this.viewer.crosshairMm();
    if (!v || !mm) return;
    const ijk = worldToVoxel(v.affine, mm);
    ijk[axis] = slice;
    const world = slicePointToWorld(v.affine, 2, ijk[2], { x: ijk[0], y: ijk[1] });
    this.#plane = axisPlane(v.affine, axis);
    this.viewer.setCrosshairMm(world);
  }

  /** Slice keys: one slice through the plane under the pointer (else the plane last worked in). */
  step(delta: number): void {
    const plane = this.viewer.hoverPlane() ?? this.#plane;
    this.#plane = plane;
    this.viewer.moveSlice(plane, delta);
  }
}
