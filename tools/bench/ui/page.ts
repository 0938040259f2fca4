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
 * controller sets it on every render; its label names the phase), the
 * shell's `saveSummary` property (read only), DOM events in the capture
 * phase, requestAnimationFrame and PerformanceObserver.
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

export interface WindowMoveRecord {
  /** The pointermove seen at the window (capture phase, before the viewer's listener). */
  moveAt: number | null;
  /** annotation().displayWindow first seen other than when armed (the window the viewer shows and the model gets). */
  changedAt: number | null;
  /**
   * Changed, and no colour work in flight (state().viewer.colouring false): on the CPU display
   * path the colour worker answered and the new colours went to the GPU (the viewer's frame
   * that shows them is queued); on the others NiiVue's colour pass has been issued.
   */
  readyAt: number | null;
  /** A frame after readyAt, then a readPixels on the viewer's GL context (every GL command so far has run). */
  gpuDoneAt: number | null;
  /** The task after the next rAF after gpuDoneAt: the frame with the new window was painted. */
  paintedAt: number | null;
  /** Colour work was seen in flight while waiting. */
  sawColouring: boolean;
  before: { min: number; max: number } | null;
  after: { min: number; max: number } | null;
  timedOut: boolean;
}

export interface SaveRecord {
  /** The `s` keydown seen at the window (capture phase). */
  keyAt: number | null;
  /** A "Saving …" busy label came after the key and the app is no longer busy (the case is saved, or the save failed). */
  savedAt: number | null;
  gpuDoneAt: number | null;
  paintedAt: number | null;
  /** Date.now() when armed: OPFS files changed since then are this save's. */
  armedEpoch: number;
  busyLabel: string | null;
  /** After the save: the open case's status, whether it is dirty, the last status message. */
  status: string | null;
  dirty: boolean | null;
  message: string | null;
  timedOut: boolean;
}

interface Settled {
  gpuDoneAt: number | null;
  paintedAt: number | null;
  timedOut: boolean;
}

interface UiBenchState {
  busy: BusyRecord[];
  longTasks: { start: number; duration: number }[];
  /** After the next frame, wait (readPixels) until the viewer's GL context ran everything; then the next frame: `done(gpuDoneAt, paintedAt)`. */
  settle: (done: (gpuDoneAt: number, paintedAt: number) => void) => void;
  /**
   * On the next `type` event at the window (capture phase, before the app's listeners) that
   * `accept` takes: `start()`, then `test` now and every 4 ms (cheap: the hook reads counters)
   * until it holds, then settle, noting gpuDoneAt and paintedAt on `rec`. Answers a copy of
   * `rec`, timedOut when no such event came or `test` never held within `timeoutMs`.
   */
  afterEvent: <R extends Settled>(type: string, accept: (e: Event) => boolean, rec: R, start: () => void, test: () => boolean, timeoutMs: number) => Promise<R>;
  open?: { rec: OpenRecord; done: Promise<void> };
  /** A fresh open record: the next click starts it (a case opened from the list). */
  armOpen?: () => void;
  box?: { rec: BoxRecord; done: Promise<BoxRecord> };
  scroll?: { rec: ScrollRecord; stop: () => void };
  windowMove?: Promise<WindowMoveRecord>;
  save?: Promise<SaveRecord>;
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
    if (!gl && !problems.includes('no viewer canvas with a WebGL2 context to wait for')) problems.push('no viewer canvas with a WebGL2 context to wait for');
  };
  const settle: UiBenchState['settle'] = (done) => requestAnimationFrame(() => setTimeout(() => {
    syncViewerGl();
    const gpuDoneAt = now();
    requestAnimationFrame(() => setTimeout(() => done(gpuDoneAt, now()), 0));
  }, 0));
  const afterEvent: UiBenchState['afterEvent'] = (type, accept, rec, start, test, timeoutMs) => new Promise((resolve) => {
    const finish = (): void => resolve(JSON.parse(JSON.stringify(rec)) as typeof rec);
    const noEvent = setTimeout(() => {
      window.removeEventListener(type, onEvent, true);
      rec.timedOut = true;
      finish();
    }, timeoutMs);
    function onEvent(e: Event): void {
      if (!accept(e)) return;
      window.removeEventListener(type, onEvent, true);
      clearTimeout(noEvent);
      start();
      const t0 = now();
      const poll = (): void => {
        if (test()) settle((gpuDoneAt, paintedAt) => { rec.gpuDoneAt = gpuDoneAt; rec.paintedAt = paintedAt; finish(); });
        else if (now() - t0 > timeoutMs) { rec.timedOut = true; finish(); } else setTimeout(poll, 4);
      };
      poll();
    }
    window.addEventListener(type, onEvent, true);
  });
  const S: UiBenchState = { busy: [], longTasks: [], settle, afterEvent };
  window.__uiBench = S;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) S.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: false });

  let resolveOpen!: () => void;
  let open!: OpenRecord;
  let sawDisplaying = false;
  S.armOpen = () => {
    open = { t0: null, busy: [], shownAt: null, gpuDoneAt: null, paintedAt: null, volumeCountAtShown: null, longTasks: [], problems };
    sawDisplaying = false;
    S.open = { rec: open, done: new Promise<void>((r) => { resolveOpen = r; }) };
  };
  S.armOpen();

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
          settle((gpuDoneAt, paintedAt) => {
            open.gpuDoneAt = gpuDoneAt;
            open.paintedAt = paintedAt;
            resolveOpen();
          });
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

/**
 * Arm the watch of one pointer move of a window drag: the next pointermove
 * starts it; it ends once annotation().displayWindow differs from the window
 * when armed and no colour work is in flight (state().viewer.colouring), then
 * a frame, GL done, and a painted frame. `__uiBench.windowMove` answers the
 * record.
 */
export function armWindowMove(arg: { timeoutMs: number }): void {
  const S = window.__uiBench!;
  const hook = window.__slicesam!;
  const now = (): number => performance.now();
  const shown = (): { min: number; max: number } | null => hook.annotation()?.displayWindow ?? null;
  const rec: WindowMoveRecord = {
    moveAt: null, changedAt: null, readyAt: null, gpuDoneAt: null, paintedAt: null, sawColouring: false, before: shown(), after: null, timedOut: false,
  };
  const same = (a: { min: number; max: number } | null, b: { min: number; max: number } | null): boolean =>
    a === b || (a !== null && b !== null && a.min === b.min && a.max === b.max);
  // The first test runs before the viewer's listener (nothing changed yet); then every 4 ms.
  S.windowMove = S.afterEvent('pointermove', () => true, rec, () => { rec.moveAt = now(); }, () => {
    const w = shown();
    const colouring = hook.state().viewer?.colouring ?? false;
    if (colouring) rec.sawColouring = true;
    if (rec.changedAt === null && !same(w, rec.before)) rec.changedAt = now();
    if (rec.changedAt === null || colouring) return false;
    rec.after = w;
    rec.readyAt = now();
    return true;
  }, arg.timeoutMs);
}

/** Wait for the armed window move. */
export function windowMoveDone(): Promise<WindowMoveRecord> {
  return window.__uiBench!.windowMove!;
}

/**
 * Arm the watch of one save: the next `s` keydown starts it; it ends once a
 * "Saving …" busy label came and the app is no longer busy, then a frame, GL
 * done, and a painted frame (with the save summary and the 3D render the app
 * shows after a save). `__uiBench.save` answers the record.
 */
export function armSave(arg: { timeoutMs: number }): void {
  const S = window.__uiBench!;
  const hook = window.__slicesam!;
  const now = (): number => performance.now();
  const busyFrom = S.busy.length;
  const rec: SaveRecord = {
    keyAt: null, savedAt: null, gpuDoneAt: null, paintedAt: null, armedEpoch: Date.now(), busyLabel: null, status: null, dirty: null, message: null, timedOut: false,
  };
  S.save = S.afterEvent('keydown', (e) => (e as KeyboardEvent).key === 's', rec, () => { rec.keyAt = now(); }, () => {
    rec.busyLabel ??= S.busy.slice(busyFrom).find((b) => b.label?.startsWith('Saving'))?.label ?? null;
    if (rec.busyLabel === null) return false;
    const s = hook.state();
    if (s.busy) return false;
    rec.savedAt = now();
    rec.status = s.cases.find((c) => c.id === s.selectedId)?.status ?? null;
    rec.dirty = s.dirty;
    rec.message = s.messages.at(-1) ?? null;
    return true;
  }, arg.timeoutMs);
}

/** Wait for the armed save. */
export function saveDone(): Promise<SaveRecord> {
  return window.__uiBench!.save!;
}

/** Whether the shell shows the save summary (its own property). */
export function summaryShown(): boolean {
  return ((document.querySelector('slicesam-app') as { saveSummary?: unknown } | null)?.saveSummary ?? null) !== null;
}
