/**
 * The colour worker's service: keeps the voxels of the shown volume (sent once per volume)
 * and computes its display colours for a window (display-texture.ts) off the main thread.
 */
import * as Comlink from 'comlink';
import { greyAlphaVolume, type DisplayColours, type RawVoxels } from '../display-texture.ts';
import type { RasMapping } from '../label-layer.ts';

/** Everything of DisplayColours but the voxels, which the worker keeps. */
export type ColourParams = Omit<DisplayColours, 'voxels'>;

export interface ColourWorkerApi {
  /** Keep these voxels (in NiiVue's RAS walk `mapping`) under `id`. */
  load(id: number, voxels: RawVoxels, mapping: RasMapping): void;
  /** Grey + alpha pairs of volume `id` for these colours (the buffer is transferred). */
  colour(id: number, params: ColourParams): Uint8Array;
  drop(id: number): void;
}

export class ColourService implements ColourWorkerApi {
  readonly #volumes = new Map<number, { voxels: RawVoxels; mapping: RasMapping }>();

  load(id: number, voxels: RawVoxels, mapping: RasMapping): void {
    this.#volumes.set(id, { voxels, mapping });
  }

  colour(id: number, params: ColourParams): Uint8Array {
    const v = this.#volumes.get(id);
    if (!v) throw new Error(`no volume ${id} in the colour worker`);
    const out = greyAlphaVolume({ ...params, voxels: v.voxels }, v.mapping);
    return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
  }

  drop(id: number): void {
    this.#volumes.delete(id);
  }
}
