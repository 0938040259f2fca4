import * as Comlink from 'comlink';

/**
 * One call into a worker that an AbortSignal cancels. On abort the worker is told to drop
 * the request (`cancel`) and the promise rejects at once with the signal's reason, without
 * waiting for the worker to notice; progress reaches the caller only while the call runs.
 * Errors other than the abort are the caller's to translate.
 */
export async function cancellableCall<T, P>(options: {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: P) => void) | undefined;
  cancel: () => unknown;
  run: (progress: ((p: P) => void) | undefined) => Promise<T>;
}): Promise<T> {
  const { signal, onProgress, cancel, run } = options;
  signal?.throwIfAborted();
  let settled = false;
  const progress = onProgress
    ? Comlink.proxy((p: P) => {
        if (!settled && !signal?.aborted) onProgress(p);
      })
    : undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => {
      void cancel();
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([run(progress), aborted]);
  } catch (e) {
    if (signal?.aborted) throw abortReason(signal);
    throw e;
  } finally {
    settled = true;
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Cancelled', 'AbortError');
}
