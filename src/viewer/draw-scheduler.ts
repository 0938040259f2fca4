/**
 * When NiiVue's scene is drawn. Many NiiVue calls redraw the whole scene, and on a software GL
 * each frame costs tens of milliseconds: calls made in a batch draw once, in the next
 * animation frame, and a redraw waiting for that frame can be drawn early when something
 * needs the scene current (pointer mapping).
 */
export class DrawScheduler {
  #drawQueued = false;
  /** While > 0, redraws asked for wait for the next animation frame (see batched). */
  #deferDraws = 0;

  /** `draw` draws the scene now. */
  constructor(private readonly draw: () => void) {}

  /**
   * Run NiiVue calls that each redraw the whole scene (adding a volume, changing the layout,
   * the labels or their style) and draw once, in the next animation frame: the app makes
   * several such calls in a row when a case opens, and on a software GL each frame costs
   * tens of milliseconds. Pointer mapping draws a waiting frame first (drawPending).
   */
  batched<T>(work: () => T): T {
    this.#deferDraws++;
    try {
      return work();
    } finally {
      this.#deferDraws--;
      this.drawNextFrame();
    }
  }

  drawNextFrame(): void {
    if (this.#drawQueued) return;
    this.#drawQueued = true;
    requestAnimationFrame(() => this.drawPending());
  }

  /** Draw now if a redraw is waiting for the next frame. */
  drawPending(): void {
    if (!this.#drawQueued) return;
    this.#drawQueued = false;
    this.draw();
  }

  /**
   * NiiVue's drawScene as the viewer installs it: inside a batch it waits for the next frame;
   * otherwise it draws, and whatever drew, a waiting redraw is done.
   */
  guard<T>(drawScene: () => T): () => T | undefined {
    return () => {
      if (this.#deferDraws > 0) {
        this.drawNextFrame();
        return undefined;
      }
      this.#drawQueued = false; // whatever drew, a waiting redraw is done
      return drawScene();
    };
  }
}
