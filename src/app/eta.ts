/**
 * An honest time left for a propagation. The engine sends one made from this run's graph
 * times (worker/track/estimate.ts: the objects still going, each slice's encoder once);
 * this is the fallback where it sends none: from the time per slice measured in this run
 * (slices the model had to compute; a reused prompt slice costs nothing), over the slices
 * still to go. Nothing is promised before two slices were measured. State: the samples.
 */

/** The last slices' times weigh in (the first slices also pay for warm-up). */
const WINDOW = 8;

export class Eta {
  #last: number | null = null;
  #times: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The run started (or resumed after a wait that is not slice work). */
  start(): void {
    this.#last = this.now();
  }

  /** Slices came back; `computed` of them were run by the model. */
  slices(count: number, computed: number): void {
    const t = this.now();
    if (this.#last !== null && computed > 0) this.#times.push((t - this.#last) / Math.max(1, count));
    if (this.#times.length > WINDOW) this.#times.shift();
    this.#last = t;
  }

  /** Seconds left for `remaining` slices, or null while nothing was measured. */
  secondsLeft(remaining: number): number | null {
    if (this.#times.length < 2 || remaining <= 0) return remaining <= 0 ? 0 : null;
    const sorted = [...this.#times].sort((a, b) => a - b);
    const perSlice = sorted[Math.floor(sorted.length / 2)]!; // the median: one slow slice (a GC, a tab switch) does not swing it
    return (perSlice * remaining) / 1000;
  }

  /** ", about 40 s left" / ", about 3 min left" / ", estimating time left" / "" when done. */
  text(remaining: number): string {
    return timeLeftText(this.secondsLeft(remaining), remaining);
  }
}

/** The status-bar words for `seconds` left (null: not measured yet) with `remaining` slices to go. */
export function timeLeftText(seconds: number | null | undefined, remaining: number): string {
  if (remaining <= 0) return '';
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return ', estimating time left';
  if (seconds < 1) return ', under 1 s left';
  return `, about ${seconds < 60 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`} left`;
}
