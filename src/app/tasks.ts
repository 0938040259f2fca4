/**
 * Tasks and messages: the one long task that runs at a time (its progress drives the
 * status bar and Cancel; starting another cancels it) and the status-bar messages.
 * State: the busy task and the last messages. Calls nothing but `onChange`.
 */
import { IoError } from '../io/worker/client.ts';
import type { BusyState, MessageLevel, StatusMessage } from '../ui/types.ts';

const MAX_MESSAGES = 50;

/** What the parts that run long work need: start, report, finish, fail, and tell the user. */
export interface TaskHost {
  begin(busy: BusyState): AbortSignal;
  progress(signal: AbortSignal, done: number, total: number, label?: string): void;
  end(signal: AbortSignal): void;
  fail(signal: AbortSignal, e: unknown, what: string): void;
  message(level: MessageLevel, text: string, file?: string, reason?: string): void;
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Tasks implements TaskHost {
  #task: AbortController | null = null;
  #busy: BusyState | null = null;
  #messages: StatusMessage[] = [];
  #nextMessageId = 1;

  constructor(private readonly onChange: () => void) {}

  get busy(): BusyState | null {
    return this.#busy;
  }

  /** Replaced on each change, never changed in place (the shell compares by reference). */
  get messages(): StatusMessage[] {
    return this.#messages;
  }

  /** Start a task (cancelling the one running); its signal aborts on Cancel or when replaced. */
  begin(busy: BusyState): AbortSignal {
    this.cancel();
    const task = new AbortController();
    this.#task = task;
    this.#setBusy(busy);
    return task.signal;
  }

  progress(signal: AbortSignal, done: number, total: number, label?: string): void {
    if (signal.aborted || !this.#busy) return;
    this.#setBusy({ label: label ?? this.#busy.label, done, total });
  }

  end(signal: AbortSignal): void {
    if (this.#task?.signal === signal) {
      this.#task = null;
      this.#setBusy(null);
    }
  }

  fail(signal: AbortSignal, e: unknown, what: string): void {
    const current = this.#task?.signal === signal;
    this.end(signal);
    if (isAbort(e)) {
      // Only say so when the user cancelled; a task replaced by a newer one ends quietly.
      if (current) this.message('info', `${what}: cancelled`);
      return;
    }
    if (e instanceof IoError) this.message('error', e.message, e.file, e.reason);
    else {
      // Named once: an error that already starts with what failed keeps only its reason.
      const text = errorText(e);
      const reason = text.startsWith(`${what}: `) ? text.slice(what.length + 2) : text;
      this.message('error', `${what}: ${reason}`, what, reason);
    }
  }

  /** Cancel the running task, if any. */
  cancel(): void {
    this.#task?.abort(new DOMException('Cancelled', 'AbortError'));
  }

  message(level: MessageLevel, text: string, file?: string, reason?: string): void {
    const message: StatusMessage = { id: this.#nextMessageId++, level, text };
    if (file !== undefined) message.file = file;
    if (reason !== undefined) message.reason = reason;
    this.#messages = [...this.#messages, message].slice(-MAX_MESSAGES);
    this.onChange();
  }

  /** The user dismissed the errors shown. */
  dismissErrors(): void {
    this.#messages = this.#messages.filter((m) => m.level !== 'error');
    this.onChange();
  }

  #setBusy(busy: BusyState | null): void {
    this.#busy = busy;
    this.onChange();
  }
}
