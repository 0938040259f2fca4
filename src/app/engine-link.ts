/**
 * The open case as the engine holds it: its voxels (original or N4-corrected), the window
 * the user sees, and every prompt. New voxels or a newly loaded model start the engine
 * over, so before its next call the link hands it the volume and the prompts again (their
 * masks are already in the label map, so those results are not written).
 * State: the case sent and whether the engine holds it. Calls the models and the prompts.
 */
import type { EngineClient } from '../engine/client/engine-client.ts';
import type { SliceAxis } from '../engine/protocol.ts';
import type { Volume } from '../shared/volume.ts';
import type { DisplayRange } from '../viewer/viewer-controller.ts';
import type { Models } from './models.ts';
import { isMask, type ObjectPrompts, type PromptStore, type SlicePrompts } from './prompts.ts';

interface SentCase {
  id: string;
  volume: Volume;
  sent: boolean;
  /** Models.loads when it was sent: another model holds none of it. */
  atLoad: number;
}

export class EngineLink {
  #case: SentCase | null = null;
  #sentVolume: Volume | null = null;

  constructor(
    private readonly models: Models,
    private readonly prompts: PromptStore,
    private readonly window: () => DisplayRange | null,
  ) {}

  open(id: string, volume: Volume): void {
    this.#case = { id, volume, sent: false, atLoad: -1 };
  }

  close(): void {
    this.#case = null;
  }

  /** The voxels the model is to see (the image shown). */
  get volume(): Volume | null {
    return this.#case?.volume ?? null;
  }

  /** The voxels the engine was last given (tests compare them with what is shown). */
  get sentVolume(): Volume | null {
    return this.#sentVolume;
  }

  /** The same case on the same grid with other voxels (N4 on or off): sent again before the next call. */
  replaceVolume(volume: Volume): void {
    const c = this.#case;
    if (!c) return;
    const dims = c.volume.dims;
    if (!volume.dims.every((n, a) => n === dims[a])) throw new Error(`the new volume (${volume.dims.join(' × ')}) is not on the case's grid (${dims.join(' × ')})`);
    c.volume = volume;
    c.sent = false;
  }

  /** The engine with the model loaded, holding this case, its window and its prompts (but `except`, which the caller sends itself). */
  async ready(signal?: AbortSignal, except?: { object: number; slice: number }): Promise<EngineClient> {
    const c = this.#case;
    if (!c) throw new Error('no case is open');
    const engine = await this.models.engine(signal);
    const window = this.window();
    if (!c.sent || c.atLoad !== this.models.loads) {
      await engine.setVolume({ id: c.id, data: c.volume.data, dims: c.volume.dims });
      c.sent = true;
      c.atLoad = this.models.loads;
      this.#sentVolume = c.volume;
      if (window) await engine.setWindow(window);
      for (const [object, p] of this.prompts.entries()) {
        for (const [slice, prompt] of p.slices) {
          if (except && except.object === object && except.slice === slice) continue;
          await this.#send(engine, object, p.axis, slice, prompt);
        }
      }
    }
    if (window) await engine.setWindow(window);
    return engine;
  }

  /**
   * The engine's conditioning follows a slice's prompt (undo, redo, restore); the labels
   * come from the caller's diff. Never starts the engine.
   */
  async follow(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompts | null): Promise<void> {
    const engine = this.models.started;
    if (!engine) return;
    if (prompt) await this.#send(engine, object, axis, slice, prompt).catch(() => undefined);
    else await engine.clearSlice(object, slice).catch(() => undefined);
  }

  /** All of an object's prompts again (undo of its deletion). */
  async followObject(object: number, prompts: ObjectPrompts): Promise<void> {
    for (const [slice, prompt] of prompts.slices) await this.follow(object, prompts.axis, slice, prompt);
  }

  async removeObject(object: number): Promise<void> {
    await this.models.started?.removeObject(object).catch(() => undefined);
  }

  async #send(engine: EngineClient, object: number, axis: SliceAxis, slice: number, prompt: SlicePrompts): Promise<unknown> {
    return isMask(prompt) ? engine.addMask(object, axis, slice, prompt.mask) : engine.addPrompt(object, axis, slice, prompt);
  }
}
