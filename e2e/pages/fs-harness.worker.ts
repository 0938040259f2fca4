/**
 * The worker half of the fs harness: proves that a directory handle posted
 * to a worker can be walked there, and that the demo cohort can be written
 * and scanned from inside a worker (as the app's io worker will).
 */
import { walkDirectory } from '../../src/io/fs/index.ts';
import { openDemoCohort } from '../../src/io/demo/index.ts';
import { scanFiles } from '../../src/io/scan.ts';
import type { WalkResult, WorkerRequest, WorkerReply } from './fs-harness.ts';

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerRequest>) => void): void;
};

async function walk(root: FileSystemDirectoryHandle, skip: string[]): Promise<WalkResult> {
  const progress: number[] = [];
  const files = await walkDirectory(root, { skipFolders: skip, onProgress: (n) => progress.push(n) });
  const heads: string[] = [];
  for (const f of files) heads.push(new TextDecoder().decode(await f.read(0, 4)));
  return { paths: files.map((f) => f.path), sizes: files.map((f) => f.size), heads, progress: progress.at(-1) ?? 0 };
}

scope.addEventListener('message', (e) => {
  const request = e.data;
  const run = async (): Promise<WorkerReply> => {
    if (request.op === 'walk') return { ok: true, walk: await walk(request.root, request.skip) };
    const t0 = performance.now();
    const demo = await openDemoCohort();
    const files = await walkDirectory(demo.root, { skipFolders: ['labels'] });
    const report = await scanFiles(files);
    return {
      ok: true,
      demo: {
        reused: demo.reused, caseCount: demo.caseCount, written: demo.files.length, walked: files.length,
        volumes: report.volumes.map((v) => ({ name: v.name, dims: v.dims })),
        skipped: report.skipped.map((s) => ({ path: s.path, code: s.code })),
        ms: Math.round(performance.now() - t0),
      },
    };
  };
  run().then(scope.postMessage.bind(scope), (err: unknown) => scope.postMessage({ ok: false, error: String(err) }));
});
