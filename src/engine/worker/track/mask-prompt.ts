/**
 * The decoder prompt that stands in for a hand-drawn mask: the exported decoder has no mask
 * input, so a mask-only conditioning slice takes its object pointer from this prompt.
 */
import type { DecoderPrompt } from '../graphs.ts';
import { promptToModel } from '../image/preprocess.ts';

/**
 * A prompt that stands for a mask: its bounding box and a positive point at the pixel
 * farthest from the background (chessboard distance), in model coordinates.
 */
export function promptFromMask(mask: Uint8Array, width: number, height: number, imageSize: number): DecoderPrompt {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  // Two-pass chessboard distance to the nearest background pixel; outside the slice counts as background.
  const d = new Int32Array(width * height);
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= width || y >= height ? 0 : d[y * width + x]!);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) d[y * width + x] = 1 + Math.min(at(x - 1, y), at(x - 1, y - 1), at(x, y - 1), at(x + 1, y - 1));
    }
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const v = Math.min(d[i]!, 1 + Math.min(at(x + 1, y), at(x + 1, y + 1), at(x, y + 1), at(x - 1, y + 1)));
      d[i] = v;
      if (v > best || (v === best && (y < by || (y === by && x < bx)))) {
        best = v;
        bx = x;
        by = y;
      }
    }
  }
  return promptToModel([{ x: bx, y: by, positive: true }], { x0, y0, x1, y1 }, width, height, imageSize);
}
