/**
 * Turning what the page recorded (tools/bench/cohort/page.ts) into figures:
 * the phases of opening a folder (from the controller's renders), long tasks
 * and long animation frames placed in those phases, Lit update time per
 * phase, and, for the diagnostic run, a V8 CPU profile cut down to the long
 * tasks.
 */
import type { BenchRecord, Loaf, LongTask } from './page.ts';

export interface Phase {
  name: string;
  /** ms after t0. */
  from: number;
  to: number;
}

export interface RunFigures {
  cases: number;
  files: number | null;
  /** Click → the case list holds every case (scan, classify, restore done). */
  queueMs: number | null;
  /** Click → the first case's caption set (loaded, handed to NiiVue, labels restored). */
  shownMs: number | null;
  /** Click → the task after the first frame that shows it. */
  paintedMs: number | null;
  longestMs: number;
  over50: number;
  over100: number;
  /** Long tasks after t0, start relative to t0. */
  longTasks: LongTask[];
  loafs: Loaf[];
  phases: Phase[];
  renders: number;
}

/** Phases of an open, from the labels and lengths the controller rendered (times relative to t0). */
export function phasesOf(rec: BenchRecord, expected: number, endAt: number): Phase[] {
  const t0 = rec.t0 ?? 0;
  const rs = rec.renders.filter((r) => r.t >= t0).map((r) => ({ ...r, t: r.t - t0 }));
  const first = (pred: (r: (typeof rs)[number]) => boolean, after = 0): number | null => rs.find((r) => r.t >= after && pred(r))?.t ?? null;
  const walk = first((r) => r.label?.startsWith('Reading folder') ?? false);
  const scan = first((r) => r.label?.startsWith('Scanning') ?? false);
  const scanEnd = first((r) => r.label === null, Math.max(walk ?? 0, scan ?? 0));
  const queue = first((r) => r.volumes >= expected);
  const load = first((r) => r.label?.startsWith('Loading') ?? false, queue ?? 0);
  const display = first((r) => r.label?.startsWith('Displaying') ?? false, load ?? 0);
  const shown = rec.shownAt === null ? null : rec.shownAt - t0;
  const painted = rec.paintedAt === null ? null : rec.paintedAt - t0;
  const marks: Array<[string, number | null]> = [
    ['pick + remember root', 0],
    ['walk (list files)', walk],
    ['scan headers (worker)', scan],
    ['classify + restore', scanEnd],
    ['list shown → load', queue],
    ['load case (worker)', load],
    ['display + labels', display],
    ['first frame', shown],
    ['after (settle)', painted],
  ];
  const known = marks.filter((m): m is [string, number] => m[1] !== null);
  return known.map(([name, from], i) => ({ name, from, to: known[i + 1]?.[1] ?? endAt }));
}

export function phaseAt(phases: readonly Phase[], t: number): string {
  if (phases.length && t < phases[0]!.from) return 'before click';
  for (const p of phases) if (t >= p.from && t < p.to) return p.name;
  return phases.at(-1)?.name ?? '?';
}

/**
 * The phase a long task belongs to: the one its end lies in. The controller's
 * renders that mark phase changes run inside tasks, so a task that holds a
 * change did the new phase's work after it (e.g. the task that sets
 * "Displaying …" then hands the volume to NiiVue).
 */
export function taskPhase(phases: readonly Phase[], l: LongTask): string {
  return phaseAt(phases, l.start + Math.max(0, l.duration - 0.5));
}

export function figuresOf(rec: BenchRecord, expected: number, endAt: number): RunFigures {
  const t0 = rec.t0 ?? 0;
  // A task that started just before t0 holds the click itself.
  const longTasks = rec.longTasks
    .filter((l) => l.start + l.duration > t0)
    .map((l) => ({ start: l.start - t0, duration: l.duration }))
    .sort((a, b) => a.start - b.start);
  const loafs = rec.loafs
    .filter((l) => l.start + l.duration > t0)
    .map((l) => ({ ...l, start: l.start - t0 }))
    .sort((a, b) => a.start - b.start);
  const rs = rec.renders.filter((r) => r.t >= t0);
  const queue = rs.find((r) => r.volumes >= expected);
  const walked = rs.filter((r) => r.label?.startsWith('Reading folder'));
  const files = walked.length ? Math.max(...walked.map((r) => r.done)) : null;
  return {
    cases: rs.length ? Math.max(...rs.map((r) => r.volumes)) : 0,
    files,
    queueMs: queue ? queue.t - t0 : null,
    shownMs: rec.shownAt === null ? null : rec.shownAt - t0,
    paintedMs: rec.paintedAt === null ? null : rec.paintedAt - t0,
    longestMs: longTasks.reduce((m, l) => Math.max(m, l.duration), 0),
    over50: longTasks.length,
    over100: longTasks.filter((l) => l.duration > 100).length,
    longTasks,
    loafs,
    phases: phasesOf(rec, expected, endAt),
    renders: rs.length,
  };
}

export interface PhaseRow {
  name: string;
  from: number;
  to: number;
  renders: number;
  litMs: number;
  litMax: number;
  litMaxEl: string;
  longCount: number;
  longMs: number;
  longMax: number;
}

export function phaseRows(rec: BenchRecord, fig: RunFigures): PhaseRow[] {
  const t0 = rec.t0 ?? 0;
  return fig.phases.map((p) => {
    const inP = (t: number): boolean => t >= p.from && t < p.to;
    const lit = rec.lit.filter((u) => inP(u.t - t0));
    const top = lit.reduce<{ ms: number; el: string }>((m, u) => (u.ms > m.ms ? { ms: u.ms, el: u.el } : m), { ms: 0, el: '' });
    const long = fig.longTasks.filter((l) => taskPhase(fig.phases, l) === p.name);
    return {
      name: p.name, from: p.from, to: p.to,
      renders: rec.renders.filter((r) => inP(r.t - t0)).length,
      litMs: lit.reduce((s, u) => s + u.ms, 0), litMax: top.ms, litMaxEl: top.el,
      longCount: long.length, longMs: long.reduce((s, l) => s + l.duration, 0), longMax: long.reduce((m, l) => Math.max(m, l.duration), 0),
    };
  });
}

/** What happened inside a window (relative to t0): render records and the Lit updates, in words. */
export function insideWindow(rec: BenchRecord, from: number, to: number): string[] {
  const t0 = rec.t0 ?? 0;
  const out: string[] = [];
  const rs = rec.renders.filter((r) => r.t - t0 >= from && r.t - t0 <= to);
  if (rs.length) {
    const labels = [...new Set(rs.map((r) => (r.label ?? 'idle').replace(/\d+ files?$/, 'N files')))];
    out.push(`${rs.length} render(s) of the controller, list length ${[...new Set(rs.map((r) => r.volumes))].join('→')}; busy: ${labels.slice(0, 4).join(' | ')}`);
  }
  const lit = rec.lit.filter((u) => u.t - t0 >= from && u.t - t0 <= to);
  if (lit.length) {
    const byEl = new Map<string, { n: number; ms: number; max: number }>();
    for (const u of lit) {
      const e = byEl.get(u.el) ?? { n: 0, ms: 0, max: 0 };
      e.n++; e.ms += u.ms; e.max = Math.max(e.max, u.ms);
      byEl.set(u.el, e);
    }
    out.push(`Lit updates: ${[...byEl].sort((a, b) => b[1].ms - a[1].ms).map(([el, e]) => `${el} ×${e.n} ${e.ms.toFixed(1)} ms (max ${e.max.toFixed(1)})`).join(', ')}`);
  }
  return out;
}

// ------------------------------------------------------------------ CPU profile

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** ms covered by samples inside the windows. */
  sampledMs: number;
  self: Array<{ key: string; ms: number }>;
  inclusive: Array<{ key: string; ms: number }>;
}

function frameKey(cf: CpuProfile['nodes'][number]['callFrame']): string {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  const file = cf.url.replace(/^.*\//, '');
  return `${name} ${file}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`;
}

/**
 * Profile time of the marker function's first sample (µs, profile clock), to
 * line the profile up with performance.now().
 */
export function markerTime(profile: CpuProfile, markerName: string): number | null {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (byId.get(profile.samples[i]!)?.callFrame.functionName === markerName) return t;
  }
  return null;
}

/** Self and inclusive time per function over the samples inside the windows (profile clock, µs). */
export function summariseProfile(profile: CpuProfile, windowsUs: Array<[number, number]>, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let sampled = 0;
  let t = profile.startTime;
  const times: number[] = [];
  for (let i = 0; i < profile.samples.length; i++) { t += profile.timeDeltas[i] ?? 0; times.push(t); }
  for (let i = 0; i < profile.samples.length; i++) {
    const ts = times[i]!;
    if (!windowsUs.some(([a, b]) => ts >= a && ts < b)) continue;
    const weight = ((times[i + 1] ?? ts) - ts) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    sampled += weight;
    const k = frameKey(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + weight);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName === '(root)') continue;
      const key = frameKey(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + weight);
    }
  }
  const sorted = (m: Map<string, number>): Array<{ key: string; ms: number }> =>
    [...m].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms).slice(0, top);
  return { sampledMs: sampled, self: sorted(self), inclusive: sorted(incl) };
}
