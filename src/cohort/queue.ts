/**
 * The cohort queue: a pure state machine over the cases and the case that is
 * open. Every function returns a new state and leaves its input untouched;
 * when nothing changes it returns the very same state object, and a changed
 * state shares every unchanged CaseEntry object with the old one, so a UI can
 * diff by identity.
 *
 * Rules:
 * - Opening (open / jump / next / previous) a 'todo' case makes it
 *   'in-progress'; every other status stays as it is (a done case stays done
 *   until it is saved again or its status is set; a skipped case keeps its
 *   skip until it is done or set; a failed case can be looked at — its reason
 *   shown — but stays failed). Leaving a case never changes its status:
 *   'in-progress' means "opened, not finished".
 * - next / previous move to the nearest case in queue order that has not
 *   failed (n / b never land on a case that cannot be opened); at either end
 *   they do nothing. With nothing open, next opens the first case that has not
 *   failed and previous does nothing. jump / open reach any case, failed too.
 * - skip marks the open case 'skipped' (with the reason, trimmed, if one is
 *   given) and moves on as next does. It does not change a failed case's
 *   status (it only moves on).
 * - markDone marks the open case 'done' (clearing any reason) and stays on
 *   it; the app saves, then calls next (or nextUnfinished).
 * - markFailed (opening failed) records the reason; setStatus(id, 'todo')
 *   is "retry".
 * - restore: statuses saved earlier are put back on a fresh scan by case id.
 *   A case the fresh scan could not read is failed, whatever was saved; a
 *   case that failed when it was opened stays failed (with its reason) until
 *   retried; cases that disappeared are dropped; new cases are todo. The open
 *   case is restored when it is still there.
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

function openIndex(state: QueueState, index: number, at: string): QueueState {
  const entry = state.cases[index];
  if (!entry) return state;
  if (entry.status === 'todo') return withCase(state, index, changed(entry, 'in-progress', at), index);
  return index === state.current ? state : { cases: state.cases, current: index };
}

/** Open case `id` (any status). Unknown ids change nothing. */
export function open(state: QueueState, id: string, at: string = now()): QueueState {
  const index = indexOfCase(state, id);
  return index < 0 ? state : openIndex(state, index, at);
}

/** Jump to any case: the same as open. */
export const jump = open;

/** Index of the case next would open, or -1. */
export function nextIndex(state: QueueState): number {
  for (let i = state.current + 1; i < state.cases.length; i++) if (state.cases[i]!.status !== 'failed') return i;
  return -1;
}

/** Index of the case previous would open, or -1. */
export function previousIndex(state: QueueState): number {
  if (state.current < 0) return -1;
  for (let i = state.current - 1; i >= 0; i--) if (state.cases[i]!.status !== 'failed') return i;
  return -1;
}

export function next(state: QueueState, at: string = now()): QueueState {
  const i = nextIndex(state);
  return i < 0 ? state : openIndex(state, i, at);
}

export function previous(state: QueueState, at: string = now()): QueueState {
  const i = previousIndex(state);
  return i < 0 ? state : openIndex(state, i, at);
}

/**
 * Open the first unfinished case (todo or in progress) after the open one,
 * wrapping round to the start; with nothing open, the first unfinished case.
 * Nothing left to do → unchanged.
 */
export function nextUnfinished(state: QueueState, at: string = now()): QueueState {
  const n = state.cases.length;
  for (let k = 1; k <= n; k++) {
    const i = (((state.current + k) % n) + n) % n;
    const s = state.cases[i]!.status;
    if (s === 'todo' || s === 'in-progress') return i === state.current ? state : openIndex(state, i, at);
  }
  return state;
}

/** Mark the open case skipped (optional reason) and move on as next does. */
export function skip(state: QueueState, reason?: string, at: string = now()): QueueState {
  const entry = currentCase(state);
  if (!entry) return state;
  let marked = state;
  if (entry.status !== 'failed') {
    const why = reason?.trim();
    marked = withCase(state, state.current, changed(entry, 'skipped', at, why || undefined));
  }
  return next(marked, at);
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
    const out: CaseEntry = { ...c, status: s.status };
    delete out.reason;
    delete out.updatedAt;
    if (s.status === 'failed') out.reason = s.reason || 'could not be opened';
    else if (s.status === 'skipped' && s.reason) out.reason = s.reason;
    if (s.updatedAt) out.updatedAt = s.updatedAt;
    return out;
  });
  return createQueue(cases, typeof currentId === 'string' ? currentId : null);
}
