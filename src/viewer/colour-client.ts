/**
 * Main-thread side of the colour worker: the shown volume's voxels go to it once (a copy),
 * then each window's display colours come back without a copy.
 */
import * as Comlink from 'comlink';
import type { RawVoxels } from './display-texture.ts';
import type { RasMapping } from './label-layer.ts';
import type { ColourParams, ColourWorkerApi } from './worker/colour-service.ts';

export type { ColourParams } from './worker/colour-service.ts';

export type ColourEndpoint = Comlink.Endpoint & { terminate(): void };

export function createColourWorker(): Worker {
  return new Worker(new URL('./worker/colour-worker.ts', import.meta.url), { type: 'module', name: 'slicesam-colours' });
}

export class ColourClient {
  readonly #api: Comlink.Remote<ColourWorkerApi>;
  #nextId = 1;

  constructor(private readonly endpoint: ColourEndpoint = createColourWorker()) {
    this.#api = Comlink.wrap<ColourWorkerApi>(endpoint);
  }

  /** Send a copy of the voxels; returns the id to colour them by. */
  async load(voxels: RawVoxels, mapping: RasMapping): Promise<number> {
    const id = this.#nextId++;
    const copy = voxels.slice();
    const plain: RasMapping = { dimsRAS: Array.from(mapping.dimsRAS), img2RASstart: Array.from(mapping.img2RASstart), img2RASstep: Array.from(mapping.img2RASstep) };
    await this.#api.load(id, Comlink.transfer(copy, [copy.buffer as ArrayBuffer]), plain);
    return id;
  }

  colour(id: number, params: ColourParams): Promise<Uint8Array> {
    return this.#api.colour(id, params);
  }

  drop(id: number): Promise<void> {
    return this.#api.drop(id);
  }

  terminate(): void {
    this.endpoint.terminate();
  }
}
