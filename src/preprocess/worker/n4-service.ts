/**
 * What the N4 worker runs: one correction at a time (each holds several copies of a
 * volume), progress after every iteration, and a yield to the event loop there so that
 * a `cancel` message can be read while the run is in progress.
 */
import * as Comlink from 'comlink';
import { correctBiasField } from '../n4/index.ts';
import type { N4CorrectOptions, N4CorrectResult, N4ProgressCallback, N4Volume, N4WorkerApi } from '../protocol.ts';

/** Raised for a run cancelled before it finished (the client maps it to an AbortError). */
export class CancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('N4 bias-field correction was cancelled');
  }
}

/**
 * Lets queued messages run. A MessageChannel round trip, not setTimeout: nested timers
 * are clamped to 4 ms, which over 200 iterations would add most of a second.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      // Both ends closed: an open port is a live handle in Node's worker threads.
      channel.port1.close();
      channel.port2.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export class N4Service implements N4WorkerApi {
  private readonly cancelled = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  async cancel(requestId: number): Promise<void> {
    this.cancelled.add(requestId);
  }

  correct(volume: N4Volume, options: N4CorrectOptions, requestId: number, onProgress?: N4ProgressCallback): Promise<N4CorrectResult> {
    const job = async (): Promise<N4CorrectResult> => {
      try {
        const start = performance.now();
        const result = await correctBiasField({ data: volume.data, dims: volume.dims, mask: volume.mask ?? null }, options, async (progress) => {
          onProgress?.(progress);
          await yieldToEventLoop();
          if (this.cancelled.has(requestId)) throw new CancelledError();
        });
        // The lattice stays here: the app needs the voxels, not the spline.
        const { lattice: _lattice, ...rest } = result;
        const out: N4CorrectResult = { ...rest, elapsedMs: performance.now() - start };
        const buffers = [out.corrected.buffer as ArrayBuffer];
        if (out.field) buffers.push(out.field.buffer as ArrayBuffer);
        return Comlink.transfer(out, buffers);
      } finally {
        this.cancelled.delete(requestId);
      }
    };
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
