/**
 * Time left in a propagation from the graph times measured in this run: each slice still to
 * visit needs the image encoder once (shared by the objects), each object × pass visit still
 * to run the rest (memory attention, pointer positions, decoder, memory encoder, and our own
 * work between them). So an estimate follows the objects still going, not a per-slice average
 * of a time when more (or fewer) of them were.
 */

import type { PropagationWork } from './propagate.ts';

const ENCODER_GRAPH = 'vision_encoder';

export class PropagationClock {
  readonly #encoder: number[] = [];
  #encoderMs = 0;
  readonly #started: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.#started = now();
  }

  /** A graph run of this propagation (OrtSam2Graphs.onRun). */
  graphRan(graph: string, ms: number): void {
    if (graph !== ENCODER_GRAPH) return;
    this.#encoder.push(ms);
    this.#encoderMs += ms;
  }

  /** Seconds left, or null until an encoder run and two visits were measured. */
  secondsLeft(work: PropagationWork): number | null {
    if (work.visitsLeft <= 0) return 0;
    if (this.#encoder.length === 0 || work.visitsRun < 2) return null;
    const sorted = [...this.#encoder].sort((a, b) => a - b);
    const perSlice = sorted[sorted.length >> 1]!; // the median: the first run also pays for warm-up
    const perVisit = Math.max(0, this.now() - this.#started - this.#encoderMs) / work.visitsRun;
    return (work.slicesUnvisited * perSlice + work.visitsLeft * perVisit) / 1000;
  }
}
