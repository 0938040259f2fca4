/** Numbers and text for `npm run bench:ui` (Node side). */
import { fmt, median, percentile } from '../shared/stats.ts';
import type { BusyRecord, KeyRecord, OpenRecord, ScrollRecord, WindowMoveRecord } from './page.ts';

// ------------------------------------------------------------------ open

export interface OpenFigures {
  /** ms after the click at which each phase starts (null: not seen). */
  marks: { name: string; at: number | null }[];
  /** click → busy cleared after display (viewer holds the volume). */
  shownMs: number | null;
  /** click → the viewer's GL work all done (readPixels after the frame after shown). */
  gpuDoneMs: number | null;
  /** click → the task after the first frame after that: the slice is on screen. */
  paintedMs: number | null;
  longestTaskMs: number;
  longTasksOver100: number;
}

export const OPEN_PHASES = ['pick + remember root', 'walk (list files)', 'scan headers (worker)', 'classify + restore', 'load series (worker)', 'display (NIfTI → NiiVue)', 'first frame'] as const;

export function openFigures(rec: OpenRecord): OpenFigures {
  const t0 = rec.t0 ?? 0;
  const bs = rec.busy.map((b) => ({ t: b.t - t0, label: b.label }));
  const first = (pred: (b: { label: string | null }) => boolean, after = -Infinity): number | null =>
    bs.find((b) => b.t >= after && pred(b))?.t ?? null;
  const walk = first((b) => b.label?.startsWith('Reading folder') ?? false);
  const scan = first((b) => b.label?.startsWith('Scanning') ?? false);
  const scanEnd = first((b) => b.label === null, Math.max(walk ?? 0, scan ?? 0));
  const load = first((b) => (b.label?.startsWith('Loading') ?? false) && !b.label!.startsWith('Loading model'), scanEnd ?? 0);
  const display = first((b) => b.label?.startsWith('Displaying') ?? false, load ?? 0);
  const shown = rec.shownAt === null ? null : rec.shownAt - t0;
  const painted = rec.paintedAt === null ? null : rec.paintedAt - t0;
  const gpuDone = rec.gpuDoneAt === null ? null : rec.gpuDoneAt - t0;
  const marks = [
    { name: OPEN_PHASES[0], at: 0 },
    { name: OPEN_PHASES[1], at: walk },
    { name: OPEN_PHASES[2], at: scan },
    { name: OPEN_PHASES[3], at: scanEnd },
    { name: OPEN_PHASES[4], at: load },
    { name: OPEN_PHASES[5], at: display },
    { name: OPEN_PHASES[6], at: shown },
    { name: 'end', at: painted },
  ];
  const tasks = rec.longTasks;
  return {
    marks,
    shownMs: shown,
    gpuDoneMs: gpuDone,
    paintedMs: painted,
    longestTaskMs: tasks.reduce((m, l) => Math.max(m, l.duration), 0),
    longTasksOver100: tasks.filter((l) => l.duration > 100).length,
  };
}

/** Duration of each phase (to the next phase that was seen). */
export function phaseDurations(f: OpenFigures): Map<string, number | null> {
  const out = new Map<string, number | null>();
  f.marks.forEach((m, i) => {
    if (m.name === 'end') return;
    const next = f.marks.slice(i + 1).find((n) => n.at !== null);
    out.set(m.name, m.at !== null && next?.at != null ? next.at - m.at : null);
  });
  return out;
}

/** The long tasks of a window, as text. */
export function longTaskText(tasks: readonly { start: number; duration: number }[], t0: number, phaseOf?: (t: number) => string): string {
  if (tasks.length === 0) return 'none';
  return [...tasks].sort((a, b) => b.duration - a.duration).slice(0, 6)
    .map((l) => `${fmt(l.duration)} ms at +${fmt(l.start - t0)}${phaseOf ? ` (${phaseOf(l.start + l.duration - t0)})` : ''}`).join(', ') +
    (tasks.length > 6 ? `, … (${tasks.length} in all)` : '');
}

export function phaseAt(f: OpenFigures, t: number): string {
  let name = 'before';
  for (const m of f.marks) if (m.at !== null && m.at <= t) name = m.name;
  return name;
}

// ------------------------------------------------------------------ scroll

export interface ScrollFigures {
  steps: number;
  moved: number;
  spanMs: number;
  frames: number;
  fpsMean: number;
  /** 5th percentile of per-frame fps (= 1000 / 95th percentile frame interval). */
  fpsP5: number;
  intervalP50: number;
  intervalP95: number;
  intervalMax: number;
  /** Slices the crosshair moved through per second (moved steps / span). */
  stepsPerSecond: number;
  /** Frames that showed another slice than the frame before, per second: what the user sees move. */
  sliceFps: number;
  /** In-page: keydown → after the app's handler (the crosshair moves and NiiVue draws synchronously in it). */
  handlerMedian: number;
  handlerP95: number;
  /** In-page: keydown → the first frame after the handler. */
  keyToFrameMedian: number;
  keyToFrameP95: number;
  /** Node side: wall time per key press, as driven (includes the CDP round trip). */
  wallPerStep: number;
  longTasks: number;
  longestTaskMs: number;
}

export function scrollFigures(rec: ScrollRecord, wallMs: number): ScrollFigures {
  const keys = rec.keys;
  const moved = keys.filter((k) => k.sliceAfter !== null && k.sliceAfter !== k.sliceBefore).length;
  const from = keys[0]?.downAt ?? rec.startAt;
  const lastFrame = keys.at(-1)?.frameAt ?? rec.endAt;
  const inSpan = rec.frames.map((t, i) => ({ t, slice: rec.frameSlices[i] ?? null, prev: i > 0 ? rec.frameSlices[i - 1] ?? null : null }))
    .filter((f) => f.t >= from && f.t <= lastFrame);
  const frames = inSpan.map((f) => f.t);
  const newSliceFrames = inSpan.filter((f) => f.slice !== f.prev).length;
  const intervals: number[] = [];
  for (let i = 1; i < frames.length; i++) intervals.push(frames[i]! - frames[i - 1]!);
  // the gap from the first keydown to the first frame counts too
  if (frames.length) intervals.unshift(frames[0]! - from);
  const span = lastFrame - from;
  const handler = keys.map((k: KeyRecord) => k.handledAt - k.downAt);
  const toFrame = keys.filter((k) => k.frameAt !== null).map((k) => k.frameAt! - k.downAt);
  const p95 = percentile(intervals, 95);
  return {
    steps: keys.length,
    moved,
    spanMs: span,
    frames: frames.length,
    fpsMean: span > 0 ? (1000 * frames.length) / span : NaN,
    fpsP5: 1000 / p95,
    intervalP50: percentile(intervals, 50),
    intervalP95: p95,
    intervalMax: intervals.length ? Math.max(...intervals) : NaN,
    stepsPerSecond: span > 0 ? (1000 * moved) / span : NaN,
    sliceFps: span > 0 ? (1000 * newSliceFrames) / span : NaN,
    handlerMedian: median(handler),
    handlerP95: percentile(handler, 95),
    keyToFrameMedian: median(toFrame),
    keyToFrameP95: percentile(toFrame, 95),
    wallPerStep: keys.length ? wallMs / keys.length : NaN,
    longTasks: rec.longTasks.length,
    longestTaskMs: rec.longTasks.reduce((m, l) => Math.max(m, l.duration), 0),
  };
}

// ------------------------------------------------------------------ boxes

/** Model load inside a box's window: from its "Loading model" busy label to the next busy change. */
export function modelLoadMs(busy: readonly BusyRecord[]): { start: number; ms: number } | null {
  const i = busy.findIndex((b) => b.label?.startsWith('Loading model') ?? false);
  if (i < 0) return null;
  const end = busy.slice(i + 1).find((b) => !(b.label?.startsWith('Loading model') || b.label?.startsWith('Starting') || b.label?.startsWith('Downloading')));
  return end ? { start: busy[i]!.t, ms: end.t - busy[i]!.t } : null;
}

// ------------------------------------------------------------------ window drag

export interface Spread {
  median: number;
  p95: number;
  max: number;
}

const spread = (xs: readonly number[]): Spread => ({ median: median(xs), p95: percentile(xs, 95), max: xs.length ? Math.max(...xs) : NaN });

export interface WindowFigures {
  /** Moves done (the drag stops at the first that timed out), and those that changed the window. */
  moves: number;
  changed: number;
  /** Moves during which colour work was seen in flight. */
  colouring: number;
  first: { min: number; max: number } | null;
  last: { min: number; max: number } | null;
  /** pointermove → painted (the target's figure), and Node's wall time per move. */
  painted: Spread;
  wall: Spread;
  rows: ({ name: string } & Spread)[];
}

export function windowFigures(moves: readonly WindowMoveRecord[], wallMs: readonly number[]): WindowFigures {
  const since = (at: (m: WindowMoveRecord) => number | null): number[] =>
    moves.filter((m) => !m.timedOut && m.moveAt !== null && at(m) !== null).map((m) => at(m)! - m.moveAt!);
  const painted = spread(since((m) => m.paintedAt));
  const wall = spread(wallMs.filter((_, i) => !moves[i]?.timedOut));
  return {
    moves: moves.length,
    changed: moves.filter((m) => m.changedAt !== null).length,
    colouring: moves.filter((m) => m.sawColouring).length,
    first: moves[0]?.before ?? null,
    last: moves.findLast((m) => m.after !== null)?.after ?? null,
    painted,
    wall,
    rows: [
      { name: 'pointermove → window changed (seen by a 4 ms poll)', ...spread(since((m) => m.changedAt)) },
      { name: 'pointermove → no colour work in flight', ...spread(since((m) => m.readyAt)) },
      { name: 'pointermove → GL done (frame + readPixels)', ...spread(since((m) => m.gpuDoneAt)) },
      { name: 'pointermove → painted (the target\'s figure)', ...painted },
      { name: 'Playwright move → painted (Node wall, CDP round trips)', ...wall },
    ],
  };
}
