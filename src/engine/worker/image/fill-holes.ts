/**
 * Hole filling of mask logits, ported from facebookresearch/sam2 `sam2/utils/misc.py`
 * `fill_holes_in_mask_scores(mask, max_area)` with `get_connected_components`
 * (8-connectivity). The video predictor applies it to the low-res (256²) `pred_masks` with
 * `fill_hole_area=8` (build_sam.py `++model.fill_hole_area=8`, sam2_video_predictor.py
 * `_run_single_frame_inference`). Pure functions (the fast path reuses module buffers).
 */

/** Score given to filled hole pixels by `fill_holes_in_mask_scores` (0.1). */
export const HOLE_FILL_SCORE = 0.1;
/** build_sam.py video predictor override `fill_hole_area=8`. */
export const DEFAULT_MAX_HOLE_AREA = 8;

/**
 * 8-connected components of `on` (1 = in the set). Returns per-pixel label (0 = not in set,
 * 1.. = component) and per-pixel component area (0 for pixels not in the set), the same
 * outputs as SAM2's `get_connected_components`.
 */
export function connectedComponents8(on: Uint8Array, w: number, h: number): { labels: Int32Array; areas: Int32Array } {
  const labels = new Int32Array(w * h);
  const areas = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const members = new Int32Array(w * h);
  let next = 0;
  for (let seed = 0; seed < w * h; seed++) {
    if (!on[seed] || labels[seed] !== 0) continue;
    next++;
    let sp = 0;
    let count = 0;
    stack[sp++] = seed;
    labels[seed] = next;
    while (sp > 0) {
      const p = stack[--sp]!;
      members[count++] = p;
      const px = p % w;
      const py = (p - px) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = px + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (on[q] && labels[q] === 0) {
            labels[q] = next;
            stack[sp++] = q;
          }
        }
      }
    }
    for (let k = 0; k < count; k++) areas[members[k]!] = count;
  }
  return { labels, areas };
}

/**
 * `fill_holes_in_mask_scores`: background = logits ≤ 0; every 8-connected background
 * component with area ≤ maxHoleArea becomes HOLE_FILL_SCORE (0.1). As in SAM2 there is no
 * border test: a small background region touching the image edge is filled too.
 * Returns a new array; the input is not modified. Same result as `fillHolesReference`, which
 * labels every component: here a background pixel in a row run longer than maxHoleArea is
 * in a big component at once, and only the rest is flooded (on a padded grid, reused
 * buffers), each flood stopping as soon as its component proves big.
 */
export function fillHoles(logits: Float32Array, w: number, h: number, maxHoleArea: number = DEFAULT_MAX_HOLE_AREA): Float32Array {
  if (logits.length !== w * h) throw new RangeError(`fillHoles: expected ${w * h} values, got ${logits.length}`);
  if (!(maxHoleArea > 0)) throw new RangeError('fillHoles: maxHoleArea must be positive'); // assert max_area > 0
  const out = new Float32Array(logits);
  const W = w + 2;
  const n = W * (h + 2);
  if (floodState.length < n) {
    floodState = new Uint8Array(n);
    floodQueue = new Int32Array(n);
  }
  const st = floodState;
  const queue = floodQueue;
  // On a grid padded by a ring of 0: 0 = foreground or done; BIG = background in a component
  // of more than maxHoleArea pixels (known so far: a row run longer than that); SMALL =
  // background not yet decided; SEEN = in the component being flooded.
  st.fill(0, 0, W);
  st.fill(0, n - W, n);
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    st[row - 1] = 0;
    st[row + w] = 0;
    const src = y * w;
    let x = 0;
    while (x < w) {
      if (!(logits[src + x]! <= 0)) {
        st[row + x] = 0;
        x++;
        continue;
      }
      let end = x + 1;
      while (end < w && logits[src + end]! <= 0) end++;
      st.fill(end - x > maxHoleArea ? BIG : SMALL, row + x, row + end);
      x = end;
    }
  }
  const offsets = [-W - 1, -W, -W + 1, -1, 1, W - 1, W, W + 1];
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    for (let x = 0; x < w; x++) {
      const seed = row + x;
      if (st[seed] !== SMALL) continue;
      // Breadth-first until the component proves big (more than maxHoleArea pixels, or it
      // touches a pixel known to be in a big component) or ends; queue[0 … tail) = visited.
      st[seed] = SEEN;
      queue[0] = seed;
      let head = 0;
      let tail = 1;
      let big = false;
      while (head < tail && !big) {
        const p = queue[head++]!;
        for (let k = 0; k < 8; k++) {
          const q = p + offsets[k]!;
          const v = st[q];
          if (v === SMALL) {
            st[q] = SEEN;
            queue[tail++] = q;
          } else if (v === BIG) {
            big = true;
            break;
          }
        }
        if (tail > maxHoleArea) big = true;
      }
      if (big) {
        // Everything visited is connected to the big component (the rest of it is found later).
        for (let k = 0; k < tail; k++) st[queue[k]!] = BIG;
      } else {
        for (let k = 0; k < tail; k++) {
          const q = queue[k]!;
          st[q] = 0;
          const qy = Math.floor(q / W) - 1;
          out[qy * w + (q - (qy + 1) * W - 1)] = HOLE_FILL_SCORE;
        }
      }
    }
  }
  return out;
}

const SMALL = 1;
const BIG = 2;
const SEEN = 3;
let floodState = new Uint8Array(0);
let floodQueue = new Int32Array(0);

/**
 * `fill_holes_in_mask_scores`: background = logits ≤ 0; every 8-connected background
 * component with area ≤ maxHoleArea becomes HOLE_FILL_SCORE (0.1). As in SAM2 there is no
 * border test: a small background region touching the image edge is filled too.
 * Returns a new array; the input is not modified. The straightforward implementation (full
 * connected-component labelling), kept as the reference `fillHoles` is tested against.
 */
export function fillHolesReference(logits: Float32Array, w: number, h: number, maxHoleArea: number = DEFAULT_MAX_HOLE_AREA): Float32Array {
  if (logits.length !== w * h) throw new RangeError(`fillHoles: expected ${w * h} values, got ${logits.length}`);
  if (!(maxHoleArea > 0)) throw new RangeError('fillHoles: maxHoleArea must be positive'); // assert max_area > 0
  const bg = new Uint8Array(w * h);
  for (let i = 0; i < bg.length; i++) bg[i] = logits[i]! <= 0 ? 1 : 0;
  const { labels, areas } = connectedComponents8(bg, w, h);
  const out = new Float32Array(logits);
  for (let i = 0; i < out.length; i++) {
    if (labels[i]! > 0 && areas[i]! <= maxHoleArea) out[i] = HOLE_FILL_SCORE;
  }
  return out;
}
