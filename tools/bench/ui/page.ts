/**
 * Code of `npm run bench:ui` that runs IN THE PAGE (passed to page.evaluate).
 * Every function here must be self-contained: Playwright sends its source
 * text, so no imports and no module-level values. (tsx compiles with
 * esbuild's keepNames, which wraps inner functions in `__name(…)`;
 * ../shared/page.ts's pickerInitScript defines a no-op `__name` in every page
 * for that.)
 *
 * Everything is read from the outside: the app's test hook
 * (`window.__slicesam`), an own accessor on the shell's `busy` property (the
 * controller sets it on every render; its label names the phase), DOM events
 * in the capture phase, requestAnimationFrame and PerformanceObserver.
 */

export interface BusyRecord {
  t: number;
  label: string | null;
}

export interface OpenRecord {
  t0: number | null;
  busy: BusyRecord[];
  /** First time busy went back to null after a "Displaying" label, with the viewer holding one volume. */
  shownAt: number | null;
  /**
   * After shownAt, a frame, then a 1-pixel readPixels on the viewer's WebGL context: every GL
   * command issued so far (texture upload, NiiVue's passes, the first draw) has run, which a
   * rAF alone does not prove (a software GL works through them long after).
   */
  gpuDoneAt: number | null;
  /** The task after the next rAF after gpuDoneAt: the frame with the slice was painted. */
  paintedAt: number | null;
  volumeCountAtShown: number | null;
  longTasks: { start: number; duration: number }[];
  problems: string[];
}

export interface BoxRecord {
  upAt: number | null;
  /** historySize went past `before`. */
  doneAt: number | null;
  /** The task after the rAF after doneAt. */
  paintedAt: number | null;
  busy: BusyRecord[];
  historySize: number | null;
  longTasks: { start: number; duration: number }[];
  timedOut: boolean;
}

export interface KeyRecord {
  key: string;
  /** keydown seen in the capture phase at window (before the app's listener). */
  downAt: number;
  /** after the app's listener (bubble phase at window, registered later). */
  handledAt: number;
  sliceBefore: number | null;
  sliceAfter: number | null;
  /** performance.now() in the first rAF callback after handledAt (the frame that shows it). */
  frameAt: number | null;
}

export interface ScrollRecord {
  /** performance.now() in each rAF callback while recording. */
  frames: number[];
  /** The axial slice at each of those frames (what that frame draws). */
  frameSlices: (number | null)[];
  keys: KeyRecord[];
  longTasks: { start: number; duration: number }[];
  startAt: number;
  endAt: number;
}

interface UiBenchState {
  busy: BusyRecord[];
  longTasks: { start: number; duration: number }[];
  open?: { rec: OpenRecord; done: Promise<void> };
  box?: { rec: BoxRecord; done: Promise<BoxRecord> };
  scroll?: { rec: ScrollRecord; stop: () => void };
}

declare global {
  interface Window {
    __uiBench?: UiBenchState;
  }
}

/**
 * Install the watchers of this page (once): every change of the shell's busy
 * label (through an own accessor over Lit's), long tasks, and the open
 * record (click → case shown). `__uiBench.open.done` resolves once the first
 * case is shown and a frame has been painted after it.
 */
export function installWatch(): string[] {
  const problems: string[] = [];
  const now = (): number => performance.now();
  const S: UiBenchState = { busy: [], longTasks: [] };
  window.__uiBench = S;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) S.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: false });

  let resolveOpen!: () => void;
  /** Wait (readPixels) until the viewer's GL context has run everything issued so far. */
  const syncViewerGl = (): void => {
    const find = (root: Document | ShadowRoot): HTMLCanvasElement | null => {
      const c = root.querySelector<HTMLCanvasElement>('canvas[aria-label="Image viewer"]');
      if (c) return c;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { const f = find(el.shadowRoot); if (f) return f; }
      return null;
    };
    const gl = find(document)?.getContext('webgl2'); // the context NiiVue made (same type: the same object)
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    if (!gl) problems.push('no viewer canvas with a WebGL2 context to wait for');
  };
  const open: OpenRecord = { t0: null, busy: [], shownAt: null, gpuDoneAt: null, paintedAt: null, volumeCountAtShown: null, longTasks: [], problems };
  S.open = { rec: open, done: new Promise<void>((r) => { resolveOpen = r; }) };
  let sawDisplaying = false;

  window.addEventListener('click', () => { if (open.t0 === null) open.t0 = now(); }, true);

  const shell = document.querySelector('slicesam-app') as (HTMLElement & Record<string, unknown>) | null;
  if (!shell) {
    problems.push('no <slicesam-app>');
    return problems;
  }
  let d: PropertyDescriptor | undefined;
  for (let p = Object.getPrototypeOf(shell); p && !d; p = Object.getPrototypeOf(p)) d = Object.getOwnPropertyDescriptor(p, 'busy');
  if (!d?.set || !d.get) {
    problems.push('shell.busy is no accessor: no phases');
    return problems;
  }
  const desc = d;
  let last: string | null | undefined;
  Object.defineProperty(shell, 'busy', {
    configurable: true,
    get() { return desc.get!.call(this); },
    set(v: { label: string } | null) {
      desc.set!.call(this, v);
      const label = v?.label ?? null;
      // Progress counts change the label text too ("… 12 files"); keep the first of each kind only.
      const kind = label?.replace(/[\d,]+( of [\d,]+)?/g, '#') ?? null;
      if (kind === last) return;
      last = kind;
      const r = { t: now(), label };
      S.busy.push(r);
      if (open.t0 !== null && open.shownAt === null) {
        open.busy.push(r);
        if (label?.startsWith('Displaying')) sawDisplaying = true;
        if (label === null && sawDisplaying) {
          open.shownAt = r.t;
          open.volumeCountAtShown = window.__slicesam?.state().viewer?.volumeCount ?? null;
          requestAnimationFrame(() => setTimeout(() => {
            syncViewerGl();
            open.gpuDoneAt = now();
            requestAnimationFrame(() => setTimeout(() => { open.paintedAt = now(); resolveOpen(); }, 0));
          }, 0));
        }
      }
    },
  });
  return problems;
}

/** The open record, with the long tasks since the click. */
export function takeOpen(): OpenRecord {
  const S = window.__uiBench!;
  const rec = S.open!.rec;
  rec.longTasks = S.longTasks.filter((l) => rec.t0 !== null && l.start + l.duration >= rec.t0);
  return JSON.parse(JSON.stringify(rec)) as OpenRecord;
}

/**
 * Arm the watch of one box: the pointerup (capture) starts it; it ends when
 * the annotation's history grew past `before` (polled every 4 ms, which is
 * cheap: the hook reads counters), then a painted frame. `__uiBench.box.done`
 * answers the record.
 */
export function armBox(arg: { before: number; timeoutMs: number }): void {
  const S = window.__uiBench!;
  const now = (): number => performance.now();
  const rec: BoxRecord = { upAt: null, doneAt: null, paintedAt: null, busy: [], historySize: null, longTasks: [], timedOut: false };
  let resolve!: (r: BoxRecord) => void;
  const done = new Promise<BoxRecord>((r) => { resolve = r; });
  S.box = { rec, done };
  const busyFrom = S.busy.length;
  const finish = (): void => {
    rec.busy = S.busy.slice(busyFrom);
    rec.longTasks = S.longTasks.filter((l) => rec.upAt !== null && l.start + l.duration >= rec.upAt);
    resolve(JSON.parse(JSON.stringify(rec)) as BoxRecord);
  };
  window.addEventListener('pointerup', () => {
    rec.upAt = now();
    const poll = (): void => {
      const h = window.__slicesam?.annotation()?.historySize ?? null;
      if (h !== null && h > arg.before) {
        rec.doneAt = now();
        rec.historySize = h;
        requestAnimationFrame(() => setTimeout(() => { rec.paintedAt = now(); finish(); }, 0));
        return;
      }
      if (now() - rec.upAt! > arg.timeoutMs) {
        rec.timedOut = true;
        finish();
        return;
      }
      setTimeout(poll, 4);
    };
    poll();
  }, { capture: true, once: true });
}

/** Wait for the armed box. */
export function boxDone(): Promise<BoxRecord> {
  return window.__uiBench!.box!.done;
}

/**
 * Start recording a scroll: a rAF loop that notes every frame, and every
 * keydown before (capture at window) and after (bubble at window, added
 * after the app's listener) the app's handler, with the axial slice before
 * and after.
 */
export function startScroll(): void {
  const S = window.__uiBench!;
  const now = (): number => performance.now();
  const rec: ScrollRecord = { frames: [], frameSlices: [], keys: [], longTasks: [], startAt: now(), endAt: 0 };
  const slice = (): number | null => window.__slicesam?.currentSlice('axial')?.slice ?? null;
  let running = true;
  let pending: KeyRecord[] = [];
  const frame = (): void => {
    if (!running) return;
    const t = now();
    rec.frames.push(t);
    rec.frameSlices.push(slice());
    for (const k of pending) if (k.frameAt === null && t >= k.handledAt) k.frameAt = t;
    pending = pending.filter((k) => k.frameAt === null);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  let current: KeyRecord | null = null;
  const before = (e: KeyboardEvent): void => {
    current = { key: e.key, downAt: now(), handledAt: 0, sliceBefore: slice(), sliceAfter: null, frameAt: null };
  };
  const after = (e: KeyboardEvent): void => {
    if (!current || current.key !== e.key) return;
    current.handledAt = now();
    current.sliceAfter = slice();
    rec.keys.push(current);
    pending.push(current);
    current = null;
  };
  window.addEventListener('keydown', before, true);
  window.addEventListener('keydown', after, false);
  S.scroll = {
    rec,
    stop: () => {
      running = false;
      rec.endAt = now();
      window.removeEventListener('keydown', before, true);
      window.removeEventListener('keydown', after, false);
    },
  };
}

/** Stop after one more frame (so the last key gets its frame) and answer the record. */
export async function stopScroll(): Promise<ScrollRecord> {
  const S = window.__uiBench!;
  await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  S.scroll!.stop();
  const rec = S.scroll!.rec;
  rec.longTasks = S.longTasks.filter((l) => l.start >= rec.startAt && l.start <= rec.endAt);
  return JSON.parse(JSON.stringify(rec)) as ScrollRecord;
}
