/**
 * Main-thread side of the N4 worker: wraps it with Comlink, turns an AbortSignal into
 * cancel(requestId), and hands progress back as plain data.
 *
 *   const n4 = new N4Client();
 *   const r = await n4.correct(volume, { preset: 'fast', signal, onProgress: (p) => … });
 *   // r.corrected: Float32Array on volume's grid; r.field: the multiplicative field
 */
import * as Comlink from 'comlink';
import { cancellableCall } from '../shared/cancellable-call.ts';
import type { N4CorrectOptions, N4CorrectResult, N4Progress, N4Volume, N4WorkerApi } from './protocol.ts';

export type { N4CorrectOptions, N4CorrectResult, N4Progress, N4Volume } from './protocol.ts';

/** A browser Worker, or anything Comlink can talk to that can be shut (tests and benchmarks pass a Node worker). */
export type N4Endpoint = Comlink.Endpoint & { terminate(): void };

export interface N4CallOptions extends N4CorrectOptions {
  signal?: AbortSignal;
  onProgress?: (progress: N4Progress) => void;
  /**
   * Give the volume's buffer to the worker instead of copying it (default false: the
   * caller keeps using its volume, as the viewer does).
   */
  transfer?: boolean;
}

export function createN4Worker(): Worker {
  return new Worker(new URL('./worker/n4-worker.ts', import.meta.url), { type: 'module', name: 'slicesam-n4' });
}

export class N4Client {
  private readonly api: Comlink.Remote<N4WorkerApi>;
  private nextId = 1;

  constructor(private readonly endpoint: N4Endpoint = createN4Worker()) {
    this.api = Comlink.wrap<N4WorkerApi>(endpoint);
  }

  /** Corrects one volume. Rejects with the signal's reason (an AbortError) when aborted. */
  async correct(volume: N4Volume, call: N4CallOptions = {}): Promise<N4CorrectResult> {
    const { signal, onProgress, transfer, ...options } = call;
    signal?.throwIfAborted();
    const id = this.nextId++;
    const data = transfer ? volume.data : volume.data.slice();
    const mask = volume.mask ? (transfer ? volume.mask : volume.mask.slice()) : null;
    const buffers = [data.buffer as ArrayBuffer, ...(mask ? [mask.buffer as ArrayBuffer] : [])];
    const plain: N4Volume = { data, dims: [...volume.dims], mask, ...(volume.spacing ? { spacing: [...volume.spacing] } : {}) };
    try {
      return await cancellableCall({
        signal,
        onProgress,
        cancel: () => this.api.cancel(id), // the worker stops at its next iteration
        run: (progress) => this.api.correct(Comlink.transfer(plain, buffers), options, id, progress),
      });
    } catch (e) {
      if (signal?.aborted) throw e; // the signal's own reason
      if (e instanceof Error && e.name === 'AbortError') throw new DOMException(e.message, 'AbortError');
      throw e;
    }
  }

  terminate(): void {
    this.api[Comlink.releaseProxy]();
    this.endpoint.terminate();
  }
}
