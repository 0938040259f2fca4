/**
 * The N4 worker for Node (benchmark, tests): the same N4Service the browser worker
 * exposes, on a worker_threads port. Start it with nodeN4Endpoint() (node-endpoint.ts).
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { N4Service } from '../../../src/preprocess/worker/n4-service.ts';

if (!parentPort) throw new Error('node-worker.ts runs as a worker thread');
Comlink.expose(new N4Service(), nodeEndpoint(parentPort));
