/** A Node worker thread running the N4 worker, as an endpoint N4Client accepts. */
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { N4Endpoint } from '../../../src/preprocess/client.ts';

export function nodeN4Endpoint(): N4Endpoint {
  const worker = new Worker(new URL('./node-worker.mjs', import.meta.url));
  return Object.assign(nodeEndpoint(worker), { terminate: () => void worker.terminate() });
}
