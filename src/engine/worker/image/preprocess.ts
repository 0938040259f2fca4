/**
 * Slice → SAM2 image-encoder input, and prompt coordinates → model coordinates.
 * Pure functions, no DOM, no onnxruntime.
 *
 * Reference: facebookresearch/sam2 `sam2/utils/transforms.py` (`SAM2Transforms`):
 *   __call__: ToTensor (pixels on [0,1]) → Resize((S, S)) → Normalize(mean, std)
 *   transform_coords(normalize=True, orig_hw): x / w, y / h, then × resolution
 *   transform_boxes: boxes.reshape(-1, 2, 2) → transform_coords
 * and `sam2/sam2_video_predictor.py` `add_new_points_or_box` (box → two points labelled 2, 3,
 * placed *before* the click points; points / [video_W, video_H] then × image_size).
 */
import { resizeBilinear } from './resize.ts';

export interface IntensityWindow {
  min: number;
  max: number;
}

export interface Point2 {
  x: number;
  y: number;
}

/** A box in slice pixels: any two opposite corners (normalised to x0 ≤ x1, y0 ≤ y1). */
export interface Box2 {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** SAM prompt-encoder labels (`input_labels`, int32). */
export const LABEL_NEGATIVE = 0;
export const LABEL_POSITIVE = 1;
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

/**
 * Window a raw intensity as the viewer shows it: clamp to [min, max], map linearly to [0, 1].
 * A degenerate window (max ≤ min) is a threshold: values ≥ max → 1, else 0.
 */
export function windowValue(v: number, window: IntensityWindow): number {
  const { min, max } = window;
  if (!(max > min)) return v >= max ? 1 : 0;
  if (v <= min) return 0;
  if (v >= max) return 1;
  return (v - min) / (max - min);
}

/**
 * `pixel_values` for the vision encoder: Float32Array of shape [1, 3, S, S] (NCHW).
 *
 * 1. window (→ [0, 1], what ToTensor gives for an RGB image shown to the user),
 * 2. replicate the grey value to R, G, B,
 * 3. resize w×h → S×S bilinear, align_corners=False, antialiased when shrinking
 *    (torchvision `Resize((S, S))` on a tensor, as `SAM2Transforms` does; when enlarging,
 *    e.g. a 512² CT slice to 1024², this is exactly `F.interpolate(bilinear, align_corners=False)`),
 * 4. (x − mean[c]) / std[c] per channel (`Normalize`).
 *
 * Since the three channels are the same grey image and the resize is linear, the image is
 * resized once and normalised three times.
 * Note: SAM2's video predictor instead loads uint8 JPEGs resized by PIL; a volume has no
 * JPEG, so the tensor path of SAM2Transforms is followed and values are not quantised to 1/255.
 */
export function sliceToModelInput(
  slice: Float32Array,
  w: number,
  h: number,
  window: IntensityWindow,
  imageSize: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Float32Array {
  if (slice.length !== w * h) throw new RangeError(`sliceToModelInput: expected ${w * h} values, got ${slice.length}`);
  const grey = new Float32Array(w * h);
  for (let i = 0; i < grey.length; i++) grey[i] = windowValue(slice[i]!, window);
  const resized = resizeBilinear(grey, w, h, imageSize, imageSize, { antialias: true });
  const plane = imageSize * imageSize;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const s = std[c]!;
    const off = c * plane;
    for (let i = 0; i < plane; i++) out[off + i] = (resized[i]! - m) / s;
  }
  return out;
}

/**
 * Slice-pixel points → model input coordinates (pixels of the S×S input):
 * `transform_coords(normalize=True, orig_hw=(h, w))` = (x / w · S, y / h · S).
 * No +0.5 here: SAM's prompt encoder adds the half-pixel shift itself.
 * Returns interleaved [x0, y0, x1, y1, …] (the `input_points` [1, 1, N, 2] payload).
 */
export function pointsToModel(points: readonly Point2[], w: number, h: number, imageSize: number): Float32Array {
  const out = new Float32Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    out[2 * i] = (p.x / w) * imageSize;
    out[2 * i + 1] = (p.y / h) * imageSize;
  }
  return out;
}

export interface ModelPrompt {
  /** Interleaved x, y in model pixels, N pairs. */
  points: Float32Array;
  /** N labels (int32). */
  labels: Int32Array;
}

/**
 * A box → two corner points with labels 2 (top-left) and 3 (bottom-right), in model coordinates
 * (`transform_boxes` = reshape(-1, 2, 2) then transform_coords).
 */
export function boxToModel(box: Box2, w: number, h: number, imageSize: number): ModelPrompt {
  const x0 = Math.min(box.x0, box.x1);
  const x1 = Math.max(box.x0, box.x1);
  const y0 = Math.min(box.y0, box.y1);
  const y1 = Math.max(box.y0, box.y1);
  return {
    points: pointsToModel([{ x: x0, y: y0 }, { x: x1, y: y1 }], w, h, imageSize),
    labels: Int32Array.of(LABEL_BOX_TOP_LEFT, LABEL_BOX_BOTTOM_RIGHT),
  };
}

/**
 * Full prompt: optional box first (as in `add_new_points_or_box`: `torch.cat([box_coords, points])`),
 * then the clicks with their labels (1 positive, 0 negative).
 */
export function promptToModel(
  clicks: readonly (Point2 & { positive: boolean })[],
  box: Box2 | null,
  w: number,
  h: number,
  imageSize: number,
): ModelPrompt {
  const boxPart = box ? boxToModel(box, w, h, imageSize) : { points: new Float32Array(0), labels: new Int32Array(0) };
  const clickPts = pointsToModel(clicks, w, h, imageSize);
  const points = new Float32Array(boxPart.points.length + clickPts.length);
  points.set(boxPart.points, 0);
  points.set(clickPts, boxPart.points.length);
  const labels = new Int32Array(boxPart.labels.length + clicks.length);
  labels.set(boxPart.labels, 0);
  for (let i = 0; i < clicks.length; i++) labels[boxPart.labels.length + i] = clicks[i]!.positive ? LABEL_POSITIVE : LABEL_NEGATIVE;
  return { points, labels };
}
