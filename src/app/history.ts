/**
 * Undo / redo: a bounded stack of steps, each knowing how to undo and redo itself.
 * A new step drops everything that was undone; the oldest steps fall off past the limit.
 */
export interface HistoryStep {
  /** Shown in messages ("Undone: box on slice 12"). */
  readonly label: string;
  undo(): void | Promise<void>;
  redo(): void | Promise<void>;
}

export const HISTORY_LIMIT = 100;

export class History {
  #done: HistoryStep[] = [];
  #undone: HistoryStep[] = [];

  constructor(private readonly limit = HISTORY_LIMIT) {}

  push(step: HistoryStep): void {
    this.#done.push(step);
    if (this.#done.length > this.limit) this.#done.shift();
    this.#undone = [];
  }

  get canUndo(): boolean {
    return this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#undone.length > 0;
  }

  get size(): number {
    return this.#done.length;
  }

  async undo(): Promise<HistoryStep | null> {
    const step = this.#done.pop();
    if (!step) return null;
    await step.undo();
    this.#undone.push(step);
    return step;
  }

  async redo(): Promise<HistoryStep | null> {
    const step = this.#undone.pop();
    if (!step) return null;
    await step.redo();
    this.#done.push(step);
    return step;
  }

  clear(): void {
    this.#done = [];
    this.#undone = [];
  }
}
