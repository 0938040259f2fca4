/**
 * Synthetic enhanced multi-frame images FOR TESTS, written with the
 * production writer (../write.ts): one or more stacks of frames, each stack
 * from an origin, direction cosines, pixel spacing and a step vector, the
 * frames stored in any order (interleaving the stacks), with per-frame
 * rescale. The description says where every voxel must land (LPS) and what
 * it must hold, so a reader's result can be checked voxel by voxel.
 */
import { memoryFile, type SourceFile } from '../../../shared/source-file.ts';
import type { Vec3 } from '../../../shared/volume.ts';
import {
  type EnhancedFrameSpec, enhancedImageElements, type EnhancedImageSpec, type EnhancedSharedSpec, writeDicom, type WriteOptions,
} from '../write.ts';
import { cross, shuffled } from './synthetic.ts';

export interface StackSpec {
  /** Frames (slices) in the stack. */
  frames: number;
  origin: Vec3;
  /** Row cosine then column cosine (LPS). */
  orientation: readonly number[];
  /** [row spacing, column spacing] mm. */
  pixelSpacing: readonly [number, number];
  /** LPS step from slice k to k + 1; default: the normal × 2 mm. */
  step?: Vec3;
  /** SliceThickness written in each frame's Pixel Measures. */
  sliceThickness?: number;
  /** StackID (0020,9056); with it, InStackPositionNumber k + 1 is written too. */
  stackId?: string;
  /** Per-frame rescale of slice k (default: none written per frame). */
  slope?: (k: number) => number;
  intercept?: (k: number) => number;
  /** Write orientation and pixel spacing once, in the shared groups (one-stack files only), positions per frame: default false. */
  geometryShared?: boolean;
}

export interface EnhancedSpec {
  rows: number;
  columns: number;
  stacks: readonly StackSpec[];
  /** Storage order: a permutation of all (stack, slice) pairs; default a deterministic shuffle. */
  order?: ReadonlyArray<readonly [number, number]>;
  /** Stored value of voxel (i, j) of slice k of stack s; default distinct per voxel. */
  value?: (s: number, i: number, j: number, k: number) => number;
  shared?: EnhancedSharedSpec;
  path?: string;
  seriesInstanceUid?: string;
  image?: Partial<EnhancedImageSpec>;
  write?: WriteOptions;
}

export const enhancedValue = (s: number, i: number, j: number, k: number): number => 1000 * s + 100 * k + 10 * j + i;

export function stackStep(stack: StackSpec): Vec3 {
  if (stack.step) return stack.step;
  const n = cross(stack.orientation.slice(0, 3), stack.orientation.slice(3, 6));
  return [n[0] * 2, n[1] * 2, n[2] * 2];
}

/** LPS centre of voxel (i, j) of slice k of a stack. */
export function stackVoxel(stack: StackSpec, i: number, j: number, k: number): Vec3 {
  const o = stack.orientation, ps = stack.pixelSpacing, step = stackStep(stack);
  return [0, 1, 2].map((a) => stack.origin[a]! + o[a]! * ps[1] * i + o[3 + a]! * ps[0] * j + step[a]! * k) as Vec3;
}

/** The storage order used: `spec.order`, or every (stack, slice) pair shuffled. */
export function storageOrder(spec: EnhancedSpec): Array<readonly [number, number]> {
  if (spec.order) return [...spec.order];
  return shuffled(spec.stacks.flatMap((st, s) => Array.from({ length: st.frames }, (_, k) => [s, k] as const)), 11);
}

export function enhancedFrame(stack: StackSpec, k: number): EnhancedFrameSpec {
  return {
    position: stackVoxel(stack, 0, 0, k),
    ...(stack.geometryShared ? {} : { orientation: stack.orientation, pixelSpacing: stack.pixelSpacing }),
    ...(stack.sliceThickness !== undefined ? { sliceThickness: stack.sliceThickness } : {}),
    ...(stack.slope ? { slope: stack.slope(k) } : {}),
    ...(stack.intercept ? { intercept: stack.intercept(k), slope: stack.slope?.(k) ?? 1 } : {}),
    ...(stack.stackId !== undefined ? { stackId: stack.stackId, inStackPosition: k + 1 } : {}),
  };
}

/** The elements of the enhanced image a spec describes (frames in storage order). */
export function enhancedElements(spec: EnhancedSpec, overrides: Partial<EnhancedImageSpec> = {}) {
  const order = storageOrder(spec);
  const value = spec.value ?? enhancedValue;
  const frameLength = spec.rows * spec.columns;
  const pixels = new Int16Array(frameLength * order.length);
  order.forEach(([s, k], f) => {
    for (let j = 0; j < spec.rows; j++) for (let i = 0; i < spec.columns; i++) pixels[f * frameLength + i + j * spec.columns] = value(s, i, j, k);
  });
  const one = spec.stacks.length === 1 && spec.stacks[0]!.geometryShared;
  const st = spec.stacks[0]!;
  const shared: EnhancedSharedSpec = {
    ...(one ? { orientation: st.orientation, pixelSpacing: st.pixelSpacing } : {}),
    ...spec.shared,
  };
  return enhancedImageElements({
    studyInstanceUid: '1.2.826.0.1.3680043.2.1125.7',
    seriesInstanceUid: spec.seriesInstanceUid ?? '1.2.826.0.1.3680043.2.1125.9',
    sopInstanceUid: '1.2.826.0.1.3680043.2.1125.9.1',
    modality: 'CT', seriesNumber: 4, seriesDescription: 'enhanced', instanceNumber: 1,
    rows: spec.rows, columns: spec.columns, pixels,
    frames: order.map(([s, k]) => enhancedFrame(spec.stacks[s]!, k)),
    shared,
    ...spec.image,
    ...overrides,
  });
}

/** The enhanced image a spec describes, as a file. */
export function enhancedFile(spec: EnhancedSpec, overrides: Partial<EnhancedImageSpec> = {}): SourceFile {
  return memoryFile(spec.path ?? 'enhanced.dcm', writeDicom(enhancedElements(spec, overrides), spec.write));
}
