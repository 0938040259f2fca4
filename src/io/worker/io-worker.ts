/**
 * The I/O worker: scanning and voxel reading run here, off the main thread.
 * It keeps the last scan (files and the volumes found in them) so that `load`
 * takes just an id. Cancelling a call aborts its signal (scanFiles checks it)
 * and makes its file reads reject, so the readers stop at their next read;
 * the worker stays alive and keeps its last completed scan.
 */
import * as Comlink from 'comlink';
import { isVolumeError } from '../../shared/errors.ts';
import { blobFile, memoryFile, type SourceFile } from '../../shared/source-file.ts';
import { walkDirectory } from '../fs/index.ts';
import { labelGridOf, labelVoxelsOnGrid, type LabelGrid } from '../label-grid.ts';
import { readNifti } from '../nifti/read.ts';
import { writeLabelNifti } from '../nifti/write.ts';
import { loadVolume, scanFiles, type ScanReport, type VolumeSource } from '../scan.ts';
import type {
  IoErrorData,
  IoProgress,
  IoProgressCallback,
  IoWorkerApi,
  FolderScanOptions,
  LabelArray,
  ScanInput,
  ScanResult,
  VolumeSummary,
} from './protocol.ts';

/** One running call. */
interface Ticket {
  readonly id: number;
  readonly abort: AbortController;
}

class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

const running = new Map<number, Ticket>();
/** The files of the last successful scan, by path. */
let files = new Map<string, SourceFile>();
/** The volumes the last successful scan found, by id. */
let sources = new Map<string, VolumeSource>();
/** Grids of the volumes loaded since that scan (labels are written and read on them). */
const grids = new Map<string, LabelGrid>();

/**
 * The same files seen through one call: reads reject once the call is
 * cancelled (so readers without a signal stop at their next read), and each
 * first read of a path is reported (load progress counts files).
 */
function guarded(base: ReadonlyMap<string, SourceFile>, ticket: Ticket, onFirstRead?: (path: string) => void): Map<string, SourceFile> {
  const seen = new Set<string>();
  const out = new Map<string, SourceFile>();
  for (const [path, file] of base) {
    out.set(path, {
      path,
      size: file.size,
      async read(start?: number, end?: number) {
        if (ticket.abort.signal.aborted) throw new CancelledError(path);
        const bytes = await file.read(start, end);
        if (ticket.abort.signal.aborted) throw new CancelledError(path);
        if (onFirstRead && !seen.has(path)) {
          seen.add(path);
          onFirstRead(path);
        }
        return bytes;
      },
    });
  }
  return out;
}

/** Progress through a Comlink proxy, at most every 50 ms plus the final count. */
function reporter(phase: IoProgress['phase'], onProgress: IoProgressCallback | undefined) {
  let last = 0;
  return (done: number, total: number): void => {
    if (!onProgress) return;
    const now = performance.now();
    // Throttled unless it is the last step; an open-ended count (total 0) is always throttled.
    if ((total === 0 || done < total) && now - last < 50) return;
    last = now;
    // Fire and forget: the main thread may be busy, the worker must not wait for it.
    try {
      void Promise.resolve(onProgress({ phase, done, total })).catch(() => undefined);
    } catch {
      // The caller went away (proxy released); progress is best effort.
    }
  };
}

function release(callback: unknown): void {
  (callback as Partial<Comlink.Remote<IoProgressCallback>> | undefined)?.[Comlink.releaseProxy]?.();
}

function cancelledData(what: string): IoErrorData {
  return { code: 'cancelled', file: what, reason: 'cancelled', message: `${what}: cancelled` };
}

function toErrorData(e: unknown, file: string): IoErrorData {
  if (isVolumeError(e)) return e.toJSON();
  const reason = e instanceof Error ? e.message : String(e);
  return { code: 'internal', file, reason, message: `${file}: ${reason}` };
}

function summarise(source: VolumeSource): VolumeSummary {
  return {
    id: source.id,
    kind: source.kind,
    name: source.name,
    fileCount: source.paths.length,
    dims: [source.dims[0], source.dims[1], source.dims[2]],
  };
}

async function withTicket<T>(requestId: number, what: string, work: (t: Ticket) => Promise<T>): Promise<T> {
  const ticket: Ticket = { id: requestId, abort: new AbortController() };
  running.set(requestId, ticket);
  try {
    const result = await work(ticket);
    if (ticket.abort.signal.aborted) throw new CancelledError(what);
    return result;
  } catch (e) {
    // Plain data, thrown as is: Comlink sends non-Error throwables unchanged.
    throw ticket.abort.signal.aborted || e instanceof CancelledError ? cancelledData(what) : toErrorData(e, what);
  } finally {
    running.delete(requestId);
  }
}

/** Scan these files; on success they become the worker's current scan. */
async function scanInto(scanned: Map<string, SourceFile>, ticket: Ticket, onProgress: IoProgressCallback | undefined): Promise<ScanResult> {
  const report = reporter('scan', onProgress);
  report(0, scanned.size);
  const result: ScanReport = await scanFiles([...guarded(scanned, ticket).values()], {
    signal: ticket.abort.signal,
    onProgress: (p) => report(p.done, p.total),
  });
  ticket.abort.signal.throwIfAborted();
  report(scanned.size, scanned.size);
  files = scanned;
  sources = new Map(result.volumes.map((v) => [v.id, v]));
  grids.clear();
  return {
    volumes: result.volumes.map(summarise),
    skipped: result.skipped.map(({ path, code, reason }) => ({ path, code, reason })),
    // The per-file headers stay here: the main thread needs the series, not every slice's header.
    sources: result.volumes.map((v) => (v.series ? { ...v, series: { ...v.series, headers: [] } } : v)),
  };
}

function gridOf(id: string): LabelGrid {
  const grid = grids.get(id);
  if (!grid) {
    const data: IoErrorData = { code: 'unknown-volume', file: id, reason: 'load the volume before writing or reading its labels', message: `${id}: not loaded` };
    throw data;
  }
  return grid;
}

const api: IoWorkerApi = {
  async scan(requestId: number, inputs: ScanInput[], onProgress?: IoProgressCallback): Promise<ScanResult> {
    try {
      return await withTicket(requestId, 'scan', async (ticket) => {
        const scanned = new Map<string, SourceFile>();
        for (const { path, file } of inputs) scanned.set(path, blobFile(path, file));
        return scanInto(scanned, ticket, onProgress);
      });
    } finally {
      release(onProgress);
    }
  },

  async scanFolder(requestId: number, root: FileSystemDirectoryHandle, options: FolderScanOptions, onProgress?: IoProgressCallback): Promise<ScanResult> {
    try {
      return await withTicket(requestId, root.name, async (ticket) => {
        const walked = reporter('walk', onProgress);
        const found = await walkDirectory(root, {
          skipFolders: options.skipFolders,
          signal: ticket.abort.signal,
          onProgress: (n) => walked(n, 0),
        });
        walked(found.length, found.length); // the final count, past the throttle
        return scanInto(new Map(found.map((f) => [f.path, f])), ticket, onProgress);
      });
    } finally {
      release(onProgress);
    }
  },

  async encodeLabel(requestId: number, id: string, labels: LabelArray): Promise<Uint8Array> {
    const grid = gridOf(id);
    return withTicket(requestId, id, async () => {
      const gz = await writeLabelNifti(labels, grid, id);
      return Comlink.transfer(gz, [gz.buffer as ArrayBuffer]);
    });
  },

  async decodeLabel(requestId: number, id: string, bytes: Uint8Array, path: string): Promise<LabelArray> {
    const grid = gridOf(id);
    return withTicket(requestId, path, async () => {
      const label = await readNifti(memoryFile(path, bytes));
      // In the volume's order (written by an earlier version) or in its files' order: either opens.
      const data = labelVoxelsOnGrid(label, grid, path);
      const out = data instanceof Uint8Array || data instanceof Uint16Array ? data : Uint16Array.from(data);
      return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
    });
  },

  async load(requestId: number, id: string, onProgress?: IoProgressCallback) {
    try {
      const source = sources.get(id);
      if (!source) {
        const data: IoErrorData = {
          code: 'unknown-volume', file: id, reason: 'not found in the last scan', message: `${id}: not found in the last scan`,
        };
        throw data;
      }
      return await withTicket(requestId, source.name, async (ticket) => {
        const report = reporter('load', onProgress);
        const total = source.paths.length;
        let done = 0;
        report(0, total);
        const mine = new Map<string, SourceFile>();
        for (const path of source.paths) {
          const f = files.get(path);
          if (f) mine.set(path, f);
        }
        const volume = await loadVolume(source, guarded(mine, ticket, () => report(++done, total)));
        ticket.abort.signal.throwIfAborted();
        grids.set(id, labelGridOf(volume));
        report(total, total);
        const buffer = volume.data.buffer;
        return buffer instanceof ArrayBuffer ? Comlink.transfer(volume, [buffer]) : volume;
      });
    } finally {
      release(onProgress);
    }
  },

  cancel(requestId: number): void {
    running.get(requestId)?.abort.abort(new CancelledError('cancelled'));
  },
};

Comlink.expose(api);
