/**
 * The parts of SAM2VideoPredictor that decide the direction of tracking and where an output
 * is stored (conditioning vs non-conditioning).
 * Reference: facebookresearch/sam2 @ 2b90b9f5, sam2/sam2_video_predictor.py.
 */
import type { Direction } from './select.ts';

/** frames_tracked_per_obj[obj]: frame -> direction it was last tracked in (lines 616-618). */
export type TrackedFrames = ReadonlyMap<number, Direction>;

export interface PromptContext {
  /** Not tracked before -> initial conditioning frame, no memory (line 234). */
  readonly isInitCondFrame: boolean;
  /** Direction used when correcting: the one the frame was tracked in; forward for a new one (236-239). */
  readonly direction: Direction;
  /** Stored under cond_frame_outputs? (line 244, add_all_frames_to_correct_as_cond default False) */
  readonly storeAsConditioning: boolean;
}

/** add_new_points_or_box / add_new_mask bookkeeping (lines 233-245 and 338-350). */
export function promptContext(
  frame: number,
  tracked: TrackedFrames,
  addAllFramesToCorrectAsCond = false,
): PromptContext {
  const prior = tracked.get(frame);
  const isInitCondFrame = prior === undefined;
  return {
    isInitCondFrame,
    direction: prior ?? 'forward',
    storeAsConditioning: isInitCondFrame || addAllFramesToCorrectAsCond,
  };
}

/**
 * propagate_in_video processing order (lines 561-581). `startFrame` defaults (in Python) to
 * the earliest conditioning frame over all objects; pass it explicitly.
 * The start frame itself is included; if it is a conditioning frame its stored output is
 * reused rather than recomputed (lines 591-599), any other frame is tracked with
 * is_init_cond_frame=False and stored as non-conditioning (lines 601-613).
 */
export function propagationOrder(
  startFrame: number,
  numFrames: number,
  direction: Direction,
  maxFrameNumToTrack: number = numFrames,
): number[] {
  const order: number[] = [];
  if (direction === 'reverse') {
    const end = Math.max(startFrame - maxFrameNumToTrack, 0); // line 572
    if (startFrame > 0) for (let t = startFrame; t >= end; t--) order.push(t); // 573-576
    return order;
  }
  const end = Math.min(startFrame + maxFrameNumToTrack, numFrames - 1); // 578-580
  for (let t = startFrame; t <= end; t++) order.push(t);
  return order;
}
