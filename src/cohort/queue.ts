/**
 * The cohort queue: a pure state machine over the cases and the case that is
 * open. Every function returns a new state and leaves its input untouched;
 * when nothing changes it returns the very same state object, and a changed
 * state shares every unchanged CaseEntry object with the old one, so a UI can
 * diff by identity.
 *
 * Rules (the queue follows the work, not the looking):
 * - Opening (open / jump / next / previous) a case changes no status: looking
 *   at a case is not working on it. startWork marks the open case
 *   'in-progress' at its first edit when it was 'todo'.
 * - next / previous move to the nearest unfinished case (todo or in
 *   progress) after / before the open one, wrapping round the queue; done,
 *   skipped and failed cases are stepped over. With nothing open, next starts
 *   at the top and previous at the bottom. When no other case is unfinished
 *   they change nothing (allFinished tells whether anything is left at all).
 *   jump / open reach any case, failed too.
 * - skip marks the open case 'skipped' (with the reason, trimmed, if one is
 *   given; a failed case too) and moves on as next does.
 * - markDone marks the open case 'done' (clearing any reason) and stays on
 *   it; the app saves, then calls next.
 * - markFailed (opening failed) records the reason; retry makes a failed
 *   case 'todo' again (setStatus does any other change by hand).
 * - restore: statuses saved earlier are put back on a fresh scan by case id.
 *   The fresh scan decides failures: a case it could not read is failed,
 *   whatever was saved, and a case saved as failed that it reads is 'todo'
 *   again (so re-opening the folder retries it). Cases that disappeared are
 *   dropped; new cases are todo. The open case is restored when it is still
 *   there.
 */
import { CASE_STATUSES, type CaseEntry, type CaseStatus } from '../shared/cohort.ts';

export interface QueueState {
  readonly cases: readonly CaseEntry[];
  /** Index into `cases` of the open case; -1 when none is open. */
  readonly current: number;
}

export interface QueueCounts {
  total: number;
  todo: number;
  inProgress: number;
  done: number;
  skipped: number;
  failed: number;
  /** Still to do: todo + in progress. */
  remaining: number;
}

/** A case's status as persisted (IndexedDB), keyed by case id in SavedQueue. */
export interface SavedStatus {
  status: CaseStatus;
  reason?: string;
  updatedAt?: string;
}

/** What the app persists for a root folder (see src/cohort/persistence.ts). Plain JSON. */
export interface SavedQueue {
  /** Id of the case that was open, or null. */
  current: string | null;
  statuses: Record<string, SavedStatus>;
}

function now(): string {
  return new Date().toISOString();
}

export function createQueue(cases: readonly CaseEntry[], currentId?: string | null): QueueState {
  const current = currentId == null ? -1 : cases.findIndex((c) => c.id === currentId);
  return { cases, current };
}

export function currentCase(state: QueueState): CaseEntry | undefined {
  return state.current >= 0 ? state.cases[state.current] : undefined;
}

export function indexOfCase(state: QueueState, id: string): number {
  return state.cases.findIndex((c) => c.id === id);
}

/** Replace case `index` by `entry`, sharing everything else. */
function withCase(state: QueueState, index: number, entry: CaseEntry, current = state.current): QueueState {
  const cases = state.cases.slice();
  cases[index] = entry;
  return { cases, current };
}

function changed(entry: CaseEntry, status: CaseStatus, at: string, reason?: string): CaseEntry {
  const out: CaseEntry = { ...entry, status, updatedAt: at };
  if (reason !== undefined && reason !== '') out.reason = reason;
  else delete out.reason;
  return out;
}

function openIndex(state: QueueState, index: number): QueueState {
  if (!state.cases[index]) return state;
  return index === state.current ? state : { cases: state.cases, current: index };
}

/** Open case `id` (any status; no status changes). Unknown ids change nothing. */
export function open(state: QueueState, id: string): QueueState {
  const index = indexOfCase(state, id);
  return index < 0 ? state : openIndex(state, index);
}

/** Jump to any case: the same as open. */
export const jump = open;

/** The first edit of the open case: a 'todo' case becomes 'in-progress'. */
export function startWork(state: QueueState, at: string = now()): QueueState {
  const entry = currentCase(state);
  if (!entry || entry.status !== 'todo') return state;
  return withCase(state, state.current, changed(entry, 'in-progress', at));
}

function unfinished(c: CaseEntry): boolean {
  return c.status === 'todo' || c.status === 'in-progress';
}

/** Whether no case is left to do (every case done, skipped or failed). */
export function allFinished(state: QueueState): boolean {
  return !state.cases.some(unfinished);
}

/** The nearest unfinished case other than the open one, stepping `dir`, wrapping round; -1 when none. */
function nearestUnfinished(state: QueueState, dir: 1 | -1): number {
  const n = state.cases.length;
  const from = state.current >= 0 ? state.current : dir === 1 ? -1 : n;
  for (let k = 1; k <= n; k++) {
    const i = (((from + dir * k) % n) + n) % n;
    if (i !== state.current && unfinished(state.cases[i]!)) return i;
  }
  return -1;
}

/** Index of the case next would open, or -1. */
export function nextIndex(state: QueueState): number {
  return nearestUnfinished(state, 1);
}

/** Index of the case previous would open, or -1. */
export function previousIndex(state: QueueState): number {
  return nearestUnfinished(state, -1);
}

export function next(state: QueueState): QueueState {
  const i = nextIndex(state);
  return i < 0 ? state : openIndex(state, i);
}

export function previous(state: QueueState): QueueState {
  const i = previousIndex(state);
  return i < 0 ? state : openIndex(state, i);
}

/** Mark the open case skipped (optional reason; a failed case too) and move on as next does. */
export function skip(state: QueueState, reason?: string, at: string = now()): QueueState {
  const entry = currentCase(state);
  if (!entry) return state;
  const why = reason?.trim();
  return next(withCase(state, state.current, changed(entry, 'skipped', at, why || undefined)));
}

/** Mark the open case done (after its label map was saved). A failed case cannot be done. */
export function markDone(state: QueueState, at: string = now()): QueueState {
  const entry = currentCase(state);
  if (!entry || entry.status === 'failed') return state;
  return withCase(state, state.current, changed(entry, 'done', at));
}

/** Record that case `id` could not be opened. */
export function markFailed(state: QueueState, id: string, reason: string, at: string = now()): QueueState {
  const index = indexOfCase(state, id);
  const entry = state.cases[index];
  if (!entry) return state;
  return withCase(state, index, changed(entry, 'failed', at, reason.trim() || 'could not be opened'));
}

/** A failed case is to be read again: 'todo'. Other cases change nothing. */
export function retry(state: QueueState, id: string, at: string = now()): QueueState {
  const entry = state.cases[indexOfCase(state, id)];
  return entry?.status === 'failed' ? setStatus(state, id, 'todo', undefined, at) : state;
}

/**
 * Set a case's status by hand (undo a skip, reopen a done case, retry a failed
 * one with 'todo'). 'failed' is set with markFailed, which needs a reason.
 * The reason is kept only for 'skipped'.
 */
export function setStatus(
  state: QueueState,
  id: string,
  status: Exclude<CaseStatus, 'failed'>,
  reason?: string,
  at: string = now(),
): QueueState {
  const index = indexOfCase(state, id);
  const entry = state.cases[index];
  if (!entry) return state;
  const why = status === 'skipped' ? reason?.trim() || undefined : undefined;
  if (entry.status === status && entry.reason === why) return state;
  return withCase(state, index, changed(entry, status, at, why));
}

export function counts(state: QueueState): QueueCounts {
  const out: QueueCounts = { total: state.cases.length, todo: 0, inProgress: 0, done: 0, skipped: 0, failed: 0, remaining: 0 };
  for (const c of state.cases) {
    switch (c.status) {
      case 'todo': out.todo++; break;
      case 'in-progress': out.inProgress++; break;
      case 'done': out.done++; break;
      case 'skipped': out.skipped++; break;
      case 'failed': out.failed++; break;
    }
  }
  out.remaining = out.todo + out.inProgress;
  return out;
}

/** What to persist: every case's status and the open case's id. */
export function snapshot(state: QueueState): SavedQueue {
  const entries = state.cases.map((c): [string, SavedStatus] => {
    const s: SavedStatus = { status: c.status };
    if (c.reason !== undefined) s.reason = c.reason;
    if (c.updatedAt !== undefined) s.updatedAt = c.updatedAt;
    return [c.id, s];
  });
  // fromEntries defines own properties: a case id such as "__proto__" stays data.
  return { current: currentCase(state)?.id ?? null, statuses: Object.fromEntries(entries) };
}

function validSaved(value: unknown): SavedStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.status !== 'string' || !(CASE_STATUSES as readonly string[]).includes(v.status)) return undefined;
  const out: SavedStatus = { status: v.status as CaseStatus };
  if (typeof v.reason === 'string') out.reason = v.reason;
  if (typeof v.updatedAt === 'string') out.updatedAt = v.updatedAt;
  return out;
}

/**
 * Put statuses saved earlier (`snapshot(state).statuses`, by case id) onto
 * the cases of a fresh scan; the open case is `currentId` when it is still
 * there (its status is not touched: call open to mark it).
 * Tolerates missing, older or damaged saved data (entries it cannot read are
 * ignored; the scan's cases are always all there).
 */
export function restore(
  fresh: readonly CaseEntry[],
  statuses: Readonly<Record<string, SavedStatus>> | null | undefined,
  currentId: string | null = null,
): QueueState {
  const saved: Readonly<Record<string, unknown>> = typeof statuses === 'object' && statuses !== null ? statuses : {};
  const cases = fresh.map((c): CaseEntry => {
    if (c.status === 'failed') return c;
    const s = Object.prototype.hasOwnProperty.call(saved, c.id) ? validSaved(saved[c.id]) : undefined;
    if (!s) return c;
    // A failure is the scan's to decide: one it no longer sees is read again.
    const out: CaseEntry = { ...c, status: s.status === 'failed' ? 'todo' : s.status };
    delete out.reason;
    delete out.updatedAt;
    if (s.status === 'skipped' && s.reason) out.reason = s.reason;
    if (s.updatedAt) out.updatedAt = s.updatedAt;
    return out;
  });
  return createQueue(cases, typeof currentId === 'string' ? currentId : null);
}
