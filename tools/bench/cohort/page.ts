/**
 * Code of `npm run bench:cohort` that runs IN THE PAGE (passed to
 * page.evaluate / addInitScript). Every function here must be self-contained:
 * Playwright sends its source text, so no imports, no module-level values.
 * (tsx compiles with esbuild's keepNames, which wraps inner functions in
 * `__name(…)`; ../shared/page.ts's pickerInitScript defines a no-op
 * `__name` in the page for that.)
 */

/** One call of the controller's #render, seen through the shell's `caption` setter (the last property #render sets). */
export interface RenderRecord {
  t: number;
  label: string | null;
  done: number;
  total: number;
  volumes: number;
  selected: string | null;
  caption: string;
}

/** One Lit update (performUpdate) of a component: render + commit of its template, synchronous. */
export interface LitUpdate {
  el: string;
  t: number;
  ms: number;
}

export interface LongTask {
  start: number;
  duration: number;
}

export interface LoafScript {
  invoker: string;
  invokerType: string;
  source: string;
  fn: string;
  charPos: number;
  ms: number;
  layoutMs: number;
}

export interface Loaf {
  start: number;
  duration: number;
  blocking: number;
  /** start of style and layout, relative to the frame's start (ms); 0 when none. */
  styleLayoutMs: number;
  renderMs: number;
  scripts: LoafScript[];
}

export interface BenchRecord {
  t0: number | null;
  renders: RenderRecord[];
  lit: LitUpdate[];
  longTasks: LongTask[];
  loafs: Loaf[];
  loafSupported: boolean;
  shownAt: number | null;
  paintedAt: number | null;
  /** Hooks that could not be installed (then the figures that need them are missing). */
  problems: string[];
}

interface BenchState extends BenchRecord {
  done: Promise<void>;
}

declare global {
  interface Window {
    __bench?: BenchState;
  }
}

/** The WebGPU adapter, in words (machine info; the rest is shared/page.ts's pageInfo): 'n/a' without navigator.gpu. */
export async function gpuAdapter(): Promise<string> {
  const gpu = 'gpu' in navigator && !!(navigator as { gpu?: unknown }).gpu;
  let gpuAdapter = 'n/a';
  if (gpu) {
    try {
      const g = (navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
      const adapter = await Promise.race([g.requestAdapter(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000))]);
      if (adapter === 'timeout') gpuAdapter = 'requestAdapter timed out';
      else if (!adapter) gpuAdapter = 'no adapter';
      else gpuAdapter = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'adapter (no info)';
    } catch (e) {
      gpuAdapter = `error: ${String(e)}`;
    }
  }
  return gpuAdapter;
}

/**
 * Start watching: long tasks and long animation frames (buffered, filtered to
 * after t0 later), the click that starts it all (t0), every #render of the
 * controller (through an own accessor on the shell's `caption`, which
 * delegates to Lit's), and every Lit update of the shell and its parts.
 * `__bench.done` resolves once the queue holds `expected` cases and the first
 * case is shown and a frame has been painted after it.
 */
export function installMonitor(expected: number): void {
  const now = (): number => performance.now();
  let resolveDone!: () => void;
  const B: BenchState = {
    t0: null, renders: [], lit: [], longTasks: [], loafs: [], loafSupported: false,
    shownAt: null, paintedAt: null, problems: [],
    done: new Promise<void>((r) => { resolveDone = r; }),
  };
  window.__bench = B;

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) B.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  B.loafSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
  if (B.loafSupported) {
    new PerformanceObserver((list) => {
      for (const raw of list.getEntries()) {
        const e = raw as PerformanceEntry & {
          blockingDuration: number; renderStart: number; styleAndLayoutStart: number;
          scripts: Array<{
            invoker: string; invokerType: string; sourceURL: string; sourceFunctionName: string;
            sourceCharPosition: number; duration: number; forcedStyleAndLayoutDuration: number;
          }>;
        };
        const end = e.startTime + e.duration;
        B.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          styleLayoutMs: e.styleAndLayoutStart > 0 ? end - e.styleAndLayoutStart : 0,
          renderMs: e.renderStart > 0 ? end - e.renderStart : 0,
          scripts: [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 6).map((s) => ({
            invoker: s.invoker, invokerType: s.invokerType, source: s.sourceURL.replace(location.origin, ''),
            fn: s.sourceFunctionName, charPos: s.sourceCharPosition, ms: s.duration, layoutMs: s.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  }

  window.addEventListener('click', () => { if (B.t0 === null) B.t0 = now(); }, true);

  const shell = document.querySelector('slicesam-app') as (HTMLElement & Record<string, unknown>) | null;
  if (!shell) {
    B.problems.push('no <slicesam-app>');
    return;
  }

  // The accessor Lit put on the prototype chain for a reactive property.
  const accessor = (obj: object, name: string): PropertyDescriptor | undefined => {
    for (let p = Object.getPrototypeOf(obj); p; p = Object.getPrototypeOf(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d) return d;
    }
    return undefined;
  };
  const caption = accessor(shell, 'caption');
  if (!caption?.set || !caption.get) {
    B.problems.push('shell.caption is no accessor: no render records');
  } else {
    Object.defineProperty(shell, 'caption', {
      configurable: true,
      get() { return caption.get!.call(this); },
      set(v: string) {
        caption.set!.call(this, v);
        const busy = shell.busy as { label: string; done: number; total: number } | null;
        const volumes = (shell.volumes as unknown[] | undefined)?.length ?? 0;
        const r: RenderRecord = {
          t: now(), label: busy?.label ?? null, done: busy?.done ?? 0, total: busy?.total ?? 0,
          volumes, selected: (shell.selectedId as string | null) ?? null, caption: v,
        };
        B.renders.push(r);
        if (B.shownAt === null && v !== '' && busy === null && volumes >= expected) {
          B.shownAt = r.t;
          // The frame that shows it: rAF runs before that frame's paint; the task after it runs after.
          requestAnimationFrame(() => setTimeout(() => { B.paintedAt = now(); resolveDone(); }, 0));
        }
      },
    });
  }

  // Time Lit updates (template render + DOM commit) of the shell and its parts.
  const wrap = (el: Element): void => {
    const target = el as Element & { performUpdate?: () => void };
    const orig = target.performUpdate;
    if (typeof orig !== 'function') return;
    const name = el.tagName.toLowerCase();
    target.performUpdate = function (this: unknown) {
      const t = now();
      try {
        return orig.call(this);
      } finally {
        B.lit.push({ el: name, t, ms: now() - t });
      }
    };
  };
  wrap(shell);
  const parts = shell.shadowRoot?.querySelectorAll('*') ?? [];
  let wrapped = 0;
  for (const el of parts) {
    if (el.tagName.includes('-') && 'performUpdate' in el) { wrap(el); wrapped++; }
  }
  if (wrapped === 0) B.problems.push('no Lit parts found in the shell');
}

/** The record (without the promise). */
export function takeRecord(): BenchRecord {
  const { done: _done, ...rest } = window.__bench!;
  return JSON.parse(JSON.stringify(rest)) as BenchRecord;
}

export interface IoProbe {
  files: number;
  folders: number;
  /** Walk like walkDirectory: folders one after another, getFile() 16 at a time within a folder. */
  walkSerialFoldersMs: number;
  /** The same listing with up to 16 folders in flight at once. */
  walkParallelFoldersMs: number;
  /** One 4 KiB read per file, one file at a time. */
  headSerialMs: number;
  /** One 4 KiB read per file, 16 files in flight. */
  headParallelMs: number;
  /** The scan's reads per file (sniff: 4 KiB head; gzip: 64 KiB + gunzip of the header + 4-byte tail), one file at a time. */
  sniffSerialMs: number;
  /** The same reads with 16 files in flight. */
  sniffParallelMs: number;
}

/**
 * How fast the I/O under a scan can go, in a worker like the app's I/O
 * worker: list the folder (serial folders as walkDirectory does, then 16
 * folders at once) and do the scan's sniff reads (one file at a time, as
 * scanFiles does, then 16 at once). Nothing of the app runs.
 */
export async function ioProbe(folder: string): Promise<IoProbe> {
  // Plain JS: the worker gets this text as it is (no bundler, no helpers).
  const code = `
    const limited = async (items, limit, fn) => {
      let next = 0;
      const lane = async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } };
      await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
    };
    const listSerial = async (root) => {
      const out = []; let folders = 0;
      const walk = async (dir) => {
        folders++;
        const files = [], dirs = [];
        for await (const e of dir.values()) (e.kind === 'directory' ? dirs : files).push(e);
        await limited(files, 16, async (h) => out.push(await h.getFile()));
        for (const d of dirs) await walk(d);
      };
      await walk(root);
      return { files: out, folders };
    };
    const listParallel = async (root) => {
      const out = [];
      const walk = async (dir) => {
        const files = [], dirs = [];
        for await (const e of dir.values()) (e.kind === 'directory' ? dirs : files).push(e);
        await limited(files, 16, async (h) => out.push(await h.getFile()));
        await limited(dirs, 16, walk);
      };
      await walk(root);
      return out;
    };
    const gunzipHead = async (bytes, limit) => {
      const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
      let total = 0;
      try { while (total < limit) { const { done, value } = await reader.read(); if (done) break; total += value.byteLength; } }
      catch { /* truncated at 64 KiB: fine for a header */ }
      await reader.cancel().catch(() => {});
      return total;
    };
    const sniff = async (f) => {
      const head = new Uint8Array(await f.slice(0, Math.min(f.size, 4096)).arrayBuffer());
      if (head[0] === 0x1f && head[1] === 0x8b) {
        const first = new Uint8Array(await f.slice(0, Math.min(f.size, 65536)).arrayBuffer());
        await gunzipHead(first, 352);
        await f.slice(f.size - 4, f.size).arrayBuffer();
      }
    };
    onmessage = async (e) => {
      try {
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(e.data);
        let t = performance.now();
        const { files, folders } = await listSerial(root);
        const walkSerialFoldersMs = performance.now() - t;
        t = performance.now();
        await listParallel(root);
        const walkParallelFoldersMs = performance.now() - t;
        const head = (f) => f.slice(0, Math.min(f.size, 4096)).arrayBuffer();
        t = performance.now();
        for (const f of files) await head(f);
        const headSerialMs = performance.now() - t;
        t = performance.now();
        await limited(files, 16, head);
        const headParallelMs = performance.now() - t;
        t = performance.now();
        for (const f of files) await sniff(f);
        const sniffSerialMs = performance.now() - t;
        t = performance.now();
        await limited(files, 16, sniff);
        const sniffParallelMs = performance.now() - t;
        postMessage({ ok: true, files: files.length, folders, walkSerialFoldersMs, walkParallelFoldersMs, headSerialMs, headParallelMs, sniffSerialMs, sniffParallelMs });
      } catch (err) {
        postMessage({ ok: false, error: String(err) });
      }
    };
  `;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const worker = new Worker(url);
  try {
    return await new Promise<IoProbe>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<IoProbe & { ok: boolean; error?: string }>) => {
        if (e.data.ok) resolve(e.data);
        else reject(new Error(e.data.error));
      };
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(folder);
    });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}
