/**
 * In-page side of `npm run bench:load`: an init script (plain JavaScript, run
 * before any of the app's scripts in every document of the context) that
 * records, per document, the milestones of start-up on that document's own
 * clock (ms after its navigation start), and the definition of "interactive"
 * it uses, which the report prints.
 */

/** Quiet window after "ready" with no long task (ms). */
export const QUIET_MS = 100;

export const interactiveDefinition = (requireViewer: boolean): string =>
  `interactive = the first time t ≥ "ready" such that no long task (PerformanceObserver 'longtask', > 50 ms) ` +
  `overlaps [t, t + ${QUIET_MS} ms]; "ready" = the first animation frame at which all of: the <slicesam-app> ` +
  `custom element is defined and has rendered (its shadow root holds the tool bar), the "Open folder…" button ` +
  `exists and is enabled${requireViewer ? `, and the test hook's state().viewer.ready is true (NiiVue attached to its WebGL2 canvas)` : ` (state().viewer.ready NOT required: --no-viewer)`}. ` +
  `Times are ms after the document's navigation start (performance.timeOrigin); the main thread is idle from ` +
  `"interactive" on (the ${QUIET_MS} ms window is waited out, plus 50 ms for the observer's delivery).`;

export interface NavPhases {
  /** ms after navigation start */
  workerStart: number;
  requestStart: number;
  responseEnd: number;
  domInteractive: number;
  domContentLoaded: number;
  load: number;
  /** Resource timing of the document: 0 when it came from a cache or the service worker. */
  transferSize: number;
  /** How the document was fetched: 'navigate' | 'reload' | … */
  type: string;
}

export interface DocRecord {
  /** performance.timeOrigin (epoch ms) of the document: a common clock across documents. */
  timeOrigin: number;
  url: string;
  isolated: boolean;
  controlled: boolean;
  /** 'first-paint' / 'first-contentful-paint' (paint timing) */
  firstPaint: number | null;
  fcp: number | null;
  /** customElements.whenDefined('slicesam-app') resolved */
  definedAt: number | null;
  /** first frame with the shell's shadow root rendered */
  shellAt: number | null;
  /** first frame with an enabled "Open folder…" button */
  buttonAt: number | null;
  /** first frame with state().viewer.ready */
  viewerAt: number | null;
  readyAt: number | null;
  interactiveAt: number | null;
  longTasks: { start: number; duration: number }[];
  nav: NavPhases | null;
  /** script resources of the page (resource timing; workers' own imports are not in it) */
  scripts: { name: string; initiator: string; transferSize: number; encodedBodySize: number; start: number; end: number }[];
}

declare global {
  interface Window {
    __loadBench?: DocRecord;
  }
}

/** Key under which every document of the tab leaves its record (sessionStorage survives the reloads). */
export const STORE_KEY = 'slicesam-bench-load';

/** The init script; with `requireViewer` false, "ready" does not wait for state().viewer.ready (a build that loads NiiVue only when a case opens). */
export const initScript = (requireViewer: boolean): string => `
(() => {
  if (window.top !== window || window.__loadBench) return;
  const rec = {
    timeOrigin: performance.timeOrigin, url: location.href, isolated: globalThis.crossOriginIsolated === true,
    controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
    firstPaint: null, fcp: null, definedAt: null, shellAt: null, buttonAt: null, viewerAt: null, readyAt: null, interactiveAt: null,
    longTasks: [], nav: null, scripts: [],
  };
  window.__loadBench = rec;
  const save = () => {
    try {
      const all = JSON.parse(sessionStorage.getItem(${JSON.stringify(STORE_KEY)}) || '{}');
      all[String(rec.timeOrigin)] = rec;
      sessionStorage.setItem(${JSON.stringify(STORE_KEY)}, JSON.stringify(all));
    } catch (e) { /* storage unavailable */ }
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) rec.longTasks.push({ start: e.startTime, duration: e.duration });
      save();
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no longtask support */ }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'first-paint') rec.firstPaint = e.startTime;
        if (e.name === 'first-contentful-paint') rec.fcp = e.startTime;
      }
      save();
    }).observe({ type: 'paint', buffered: true });
  } catch (e) { /* no paint timing */ }
  customElements.whenDefined('slicesam-app').then(() => { rec.definedAt = performance.now(); save(); });

  const findButton = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'BUTTON' && /Open folder/.test(el.textContent || '')) return el;
      if (el.shadowRoot) {
        const b = findButton(el.shadowRoot);
        if (b) return b;
      }
    }
    return null;
  };
  const frame = (now) => {
    const shell = document.querySelector('slicesam-app');
    if (rec.shellAt === null && customElements.get('slicesam-app') && shell && shell.shadowRoot && shell.shadowRoot.childElementCount > 0) rec.shellAt = now;
    if (rec.buttonAt === null && shell && shell.shadowRoot) {
      const b = findButton(shell.shadowRoot);
      if (b && !b.disabled) rec.buttonAt = now;
    }
    if (rec.viewerAt === null) {
      try {
        const s = window.__slicesam && window.__slicesam.state();
        if (s && s.viewer && s.viewer.ready === true) rec.viewerAt = now;
      } catch (e) { /* hook not ready */ }
    }
    if (rec.shellAt !== null && rec.buttonAt !== null && (rec.viewerAt !== null || !${requireViewer})) {
      rec.readyAt = now;
      save();
      settle();
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  const QUIET = ${QUIET_MS};
  const candidate = () => {
    let t = rec.readyAt;
    const tasks = [...rec.longTasks].sort((a, b) => a.start - b.start);
    for (const l of tasks) {
      const end = l.start + l.duration;
      if (end <= t) continue;
      if (l.start < t + QUIET) t = Math.max(t, end);
      else break;
    }
    return t;
  };
  const settle = () => {
    const t = candidate();
    if (performance.now() >= t + QUIET + 50 && candidate() === t) {
      rec.interactiveAt = t;
      save();
      return;
    }
    setTimeout(settle, 25);
  };

  const navigation = () => {
    const n = performance.getEntriesByType('navigation')[0];
    if (n) {
      rec.nav = {
        workerStart: n.workerStart, requestStart: n.requestStart, responseEnd: n.responseEnd, domInteractive: n.domInteractive,
        domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd, transferSize: n.transferSize, type: n.type,
      };
    }
    rec.scripts = performance.getEntriesByType('resource')
      .filter((r) => /\\.m?js(\\?|$)/.test(r.name) || r.initiatorType === 'script')
      .map((r) => ({ name: r.name, initiator: r.initiatorType, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize, start: r.startTime, end: r.responseEnd }));
    save();
  };
  addEventListener('load', () => setTimeout(navigation, 0));
  addEventListener('pagehide', save);
})();
`;

/** Every document's record left in this tab's sessionStorage, oldest first. */
export function storedRecords(key: string): DocRecord[] {
  const all = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, DocRecord>;
  return Object.values(all).sort((a, b) => a.timeOrigin - b.timeOrigin);
}

