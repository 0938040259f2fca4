/**
 * propagate_in_video for several objects: the passes each object's conditioning slices call
 * for (schedule.ts), walked forward first, then in reverse, one slice at a time for all the
 * objects at once (so a slice's image is encoded once), with early stops after empty slices,
 * cancellation and progress. What a slice step does is the tracker's (PropagationSteps).
 */
import type { Direction } from '../bank/select.ts';
import type { PropagateRequest, PropagateSummary, SliceResult } from '../../protocol.ts';
import type { ObjectTrack } from './object-track.ts';
import { planPasses, type Pass } from './schedule.ts';

export interface PropagationWork {
  /** Slices no pass has visited yet (each needs the encoder once). */
  slicesUnvisited: number;
  visitsLeft: number;
  visitsRun: number;
}

/** Called after every slice of a propagation; return true to stop. */
export interface PropagateHooks {
  /** Awaited, so the last results arrive before the call returns (callbacks cross the worker boundary). */
  onSlices(results: SliceResult[]): void | Promise<void>;
  /** `work`: slices not visited yet, object × pass visits still to come and those run so far (what an estimate needs). */
  onProgress?(done: number, total: number, work: PropagationWork): void;
  isCancelled(): boolean;
}

/** The slices a pass visits, in its order. */
function passSlices(p: Pass): number[] {
  const step = p.to >= p.from ? 1 : -1;
  return Array.from({ length: Math.abs(p.to - p.from) + 1 }, (_, k) => p.from + k * step);
}

/** The tracker's side of a propagation. */
export interface PropagationSteps {
  /** The result for a slice of an object (a conditioning slice's stored mask is handed out again). */
  result(o: ObjectTrack, slice: number, mask: Uint8Array, iou: number, objectScore: number, source: SliceResult['source']): SliceResult;
  /** track_step on a slice without prompts, stored as non-conditioning. */
  track(o: ObjectTrack, slice: number, direction: Direction): Promise<SliceResult>;
}

/** Propagate the requested objects (default: every one with prompts on the axis) through `count` slices. */
export async function propagateObjects(
  request: PropagateRequest,
  objects: ReadonlyMap<number, ObjectTrack>,
  count: number,
  hooks: PropagateHooks,
  steps: PropagationSteps,
): Promise<Omit<PropagateSummary, 'device' | 'fellBackToWasm'>> {
  const axis = request.axis;
  const ids = request.objects ?? [...objects.values()].filter((o) => o.axis === axis && o.conditioningSlices().length > 0).map((o) => o.object);
  if (ids.length === 0) throw new Error(`no object has prompts on axis ${axis} to propagate from`);
  const plans: { o: ObjectTrack; passes: Pass[] }[] = [];
  for (const id of ids) {
    const o = objects.get(id);
    if (!o || o.axis !== axis) throw new Error(`object ${id} has no prompts on axis ${axis}`);
    plans.push({ o, passes: planPasses(request.mode, o.conditioningSlices(), count, request.from, request.stopAfterEmpty) });
  }
  let done = 0;
  // Progress counts slices, not object × pass visits: a slice is done when every pass that
  // would visit it has (the start slice of 'all' is in both passes; objects share slices).
  const visits = new Map<number, number>();
  for (const { passes } of plans) for (const p of passes) for (const t of passSlices(p)) visits.set(t, (visits.get(t) ?? 0) + 1);
  const slicesTotal = visits.size;
  let slicesDone = 0;
  let visitsLeft = [...visits.values()].reduce((a, b) => a + b, 0);
  let visitsRun = 0;
  const seen = new Set<number>();
  const visited = (t: number) => {
    seen.add(t);
    const left = (visits.get(t) ?? 0) - 1;
    visits.set(t, left);
    visitsLeft--;
    if (left === 0) slicesDone++;
  };
  const stops: PropagateSummary['stops'] = [];
  let cancelled = false;

  for (const direction of ['forward', 'reverse'] as const) {
    const active = plans.flatMap(({ o, passes }) =>
      passes.filter((p) => p.direction === direction).map((p) => ({ o, p, empty: 0, stopped: false })),
    );
    if (active.length === 0) continue;
    const step = direction === 'forward' ? 1 : -1;
    const first = direction === 'forward' ? Math.min(...active.map((a) => a.p.from)) : Math.max(...active.map((a) => a.p.from));
    const last = direction === 'forward' ? Math.max(...active.map((a) => a.p.to)) : Math.min(...active.map((a) => a.p.to));
    for (let t = first; direction === 'forward' ? t <= last : t >= last; t += step) {
      const batch: SliceResult[] = [];
      for (const a of active) {
        const inPass = direction === 'forward' ? t >= a.p.from && t <= a.p.to : t <= a.p.from && t >= a.p.to;
        if (!inPass || a.stopped) continue;
        if (hooks.isCancelled()) {
          cancelled = true;
          break;
        }
        const stored = a.o.outputs.get(t);
        let r: SliceResult;
        if (stored?.isConditioning && stored.mask) {
          // A conditioning slice is reused, not recomputed (propagate_in_video).
          r = steps.result(a.o, t, stored.mask, stored.iou, stored.objectScore, stored.source);
          a.o.tracked.set(t, direction);
        } else {
          r = await steps.track(a.o, t, direction);
        }
        batch.push(r);
        done++;
        visitsRun++;
        visited(t);
        if (a.p.stop) {
          const beyond = direction === 'forward' ? t > a.p.stop.beyond : t < a.p.stop.beyond;
          a.empty = beyond && r.objectScore <= 0 ? a.empty + 1 : 0;
          if (beyond && a.empty >= a.p.stop.afterEmpty) {
            a.stopped = true;
            stops.push({ object: a.o.object, direction, stoppedAfter: t });
            done += Math.abs(a.p.to - t); // slices it will not visit
            for (let u = t + step; direction === 'forward' ? u <= a.p.to : u >= a.p.to; u += step) visited(u);
          }
        }
      }
      if (batch.length > 0) await hooks.onSlices(batch);
      hooks.onProgress?.(slicesDone, slicesTotal, { slicesUnvisited: slicesTotal - seen.size, visitsLeft, visitsRun });
      if (cancelled) break;
    }
    if (cancelled) break;
    for (const a of active) if (a.p.stop && !a.stopped) stops.push({ object: a.o.object, direction, stoppedAfter: null });
  }
  return { slices: done, cancelled, stops };
}
