/**
 * Memory attention for one slice of an object (SAM2Base._prepare_memory_conditioned_features):
 * the memories selected as bank/select.ts chooses them, assembled into a bank in reused
 * buffers, and attended by the graphs.
 */
import { assembleBank, BankBuffers, fixedGeometry, pointerDiffs, pointerInputLength, selectForBank, type BankShape } from '../bank/assemble.ts';
import type { BankConfig } from '../bank/config.ts';
import type { Direction } from '../bank/select.ts';
import type { ConditionedFeatures, FrameFeatures, Sam2Graphs } from '../graphs.ts';
import type { ObjectTrack } from './object-track.ts';

export class MemoryAttention {
  /**
   * The bank's buffers, reused: lent to one graph run at a time and taken back when the run
   * has resolved; while lent, a concurrent call allocates its own.
   */
  private readonly bank = new BankBuffers();
  private bankLent = false;

  /** `graphs` is read at each use: the tracker may swap them (see Tracker.replaceGraphs). */
  constructor(
    private readonly graphs: () => Sam2Graphs,
    private readonly config: BankConfig,
  ) {}

  private bankShape(): BankShape {
    const g = this.graphs();
    const hw = g.featureGrid * g.featureGrid;
    const tpp = g.hiddenDim / g.memDim;
    return {
      tokensPerMaskmem: hw,
      memDim: g.memDim,
      hiddenDim: g.hiddenDim,
      fixed: g.fixedBankRows === null ? null : fixedGeometry(g.fixedBankRows, hw, g.pointerSlots, tpp),
    };
  }

  /** Memory attention for `frame` of an object's `numFrames` slices. */
  async conditioned(o: ObjectTrack, numFrames: number, frame: number, direction: Direction, f: FrameFeatures): Promise<ConditionedFeatures> {
    const shape = this.bankShape();
    const sel = selectForBank(frame, direction, { outputs: o.outputs, numFrames }, this.config, shape.fixed, (t) => o.hasSpatial(t));
    let pointerPos: Float32Array | null = null;
    if (sel.pointerEncoding === 'sine' && sel.pointers.length > 0) {
      pointerPos = await this.graphs().pointerPositions(pointerDiffs(sel, pointerInputLength(sel, this.graphs().pointerSlots, shape.fixed !== null)));
    }
    // The bank's buffers are reused once attend() has resolved (the runtime no longer reads them).
    const lend = !this.bankLent;
    if (lend) this.bankLent = true;
    try {
      const bank = assembleBank(sel, (t) => o.memory(t), shape, this.graphs().temporalEncoding, pointerPos, lend ? this.bank : undefined);
      return await this.graphs().attend(f, bank.memory, bank.memoryPos, bank.rows);
    } finally {
      if (lend) this.bankLent = false;
    }
  }
}
