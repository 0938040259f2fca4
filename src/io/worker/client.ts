/**
 * Main-thread side of the I/O worker: wraps it with Comlink, gives each call
 * an AbortSignal and turns the worker's plain error data back into errors.
 */
import * as Comlink from 'comlink';
import { cancellableCall } from '../../shared/cancellable-call.ts';
import type { Volume } from '../../shared/volume.ts';
import {
  isIoErrorData,
  type IoErrorCode,
  type IoProgressCallback,
  type IoWorkerApi,
  type FolderScanOptions,
  type LabelArray,
  type ScanInput,
  type ScanResult,
} from './protocol.ts';

export type { IoProgress, IoProgressCallback, LabelArray, ScanInput, ScanResult, SkippedFile, VolumeSummary } from './protocol.ts';

/** A failed scan or load; always names the file and the reason. */
export class IoError extends Error {
  override readonly name = 'IoError';
  constructor(
    readonly code: IoErrorCode,
    readonly file: string,
    readonly reason: string,
  ) {
    // The file is named once: a reason that already starts with it (an error passed on from deeper down) loses that prefix.
    const once = reason.startsWith(`${file}: `) ? reason.slice(file.length + 2) : reason;
    super(`${file}: ${once}`);
    this.reason = once;
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: IoProgressCallback;
}

export class IoClient {
  readonly #worker: Worker;
  readonly #api: Comlink.Remote<IoWorkerApi>;
  #nextId = 1;

  constructor(worker?: Worker) {
    this.#worker = worker ?? new Worker(new URL('./io-worker.ts', import.meta.url), { type: 'module', name: 'slicesam-io' });
    this.#api = Comlink.wrap<IoWorkerApi>(this.#worker);
  }

  /** Group files into volumes (headers only). Replaces the worker's previous scan when it succeeds. */
  scan(inputs: ScanInput[], options: CallOptions = {}): Promise<ScanResult> {
    return this.#call(options, (id, progress) => this.#api.scan(id, inputs, progress));
  }

  /** Walk and scan a folder in the worker. Replaces the worker's previous scan when it succeeds. */
  scanFolder(root: FileSystemDirectoryHandle, options: FolderScanOptions, call: CallOptions = {}): Promise<ScanResult> {
    return this.#call(call, (id, progress) => this.#api.scanFolder(id, root, options, progress));
  }

  /** .nii.gz bytes of a label map for a loaded volume (compressed in the worker). */
  encodeLabel(volumeId: string, labels: LabelArray, call: CallOptions = {}): Promise<Uint8Array> {
    return this.#call(call, (id) => this.#api.encodeLabel(id, volumeId, labels));
  }

  /** A label file's voxels, checked to be on the loaded volume's grid. */
  decodeLabel(volumeId: string, bytes: Uint8Array, path: string, call: CallOptions = {}): Promise<LabelArray> {
    return this.#call(call, (id) => this.#api.decodeLabel(id, volumeId, bytes, path) as Promise<LabelArray>);
  }

  /** Read a scanned volume's voxels; the buffer arrives transferred. */
  load(volumeId: string, options: CallOptions = {}): Promise<Volume> {
    return this.#call(options, (id, progress) => this.#api.load(id, volumeId, progress));
  }

  dispose(): void {
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }

  async #call<T>(
    { signal, onProgress }: CallOptions,
    run: (requestId: number, progress: IoProgressCallback | undefined) => Promise<T>,
  ): Promise<T> {
    const requestId = this.#nextId++;
    try {
      return await cancellableCall({ signal, onProgress, cancel: () => this.#api.cancel(requestId), run: (progress) => run(requestId, progress) });
    } catch (e) {
      if (signal?.aborted) throw e; // the signal's own reason
      if (isIoErrorData(e)) {
        if (e.code === 'cancelled') throw new DOMException('Cancelled', 'AbortError');
        throw new IoError(e.code, e.file, e.reason);
      }
      throw e;
    }
  }
}
