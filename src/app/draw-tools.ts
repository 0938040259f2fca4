/**
 * Which hand tool is in use: the brush or the eraser (drawn by the viewer with the active
 * object's value), or a prompt tool (box, points, fill; owned by the annotation). Choosing
 * one turns the other kind off. State: the brush tool. Calls the viewer and the annotation.
 */
import type { DrawTool } from '../ui/types.ts';
import type { PromptTool, ViewerController } from '../viewer/viewer-controller.ts';
import type { AnnotationController } from './annotation.ts';

export interface DrawToolsHost {
  viewer(): ViewerController | null;
  annotation(): AnnotationController | null;
  caseOpen(): boolean;
  activeLabel(): number;
  render(): void;
}

export class DrawTools {
  #tool: DrawTool = 'off';

  constructor(private readonly host: DrawToolsHost) {}

  get tool(): DrawTool {
    return this.#tool;
  }

  /** Brush, eraser or off (a prompt tool goes off). */
  set(tool: DrawTool): void {
    if (!this.host.caseOpen()) return;
    if (tool !== 'off') this.host.annotation()?.setTool(null);
    this.#tool = tool;
    this.host.render();
    this.apply();
  }

  /** Box / point / fill prompts (the brush and eraser go off). */
  setPromptTool(tool: PromptTool | null): void {
    const annotation = this.host.annotation();
    if (!this.host.caseOpen() || !annotation) return;
    if (tool) {
      this.#tool = 'off';
      this.host.render();
      this.host.viewer()?.setDrawMode({ kind: 'off' });
    }
    annotation.setTool(tool);
  }

  /** A case opened or closed: nothing in hand. */
  reset(): void {
    this.#tool = 'off';
    this.host.render();
  }

  /** The viewer draws with the tool in hand (the brush with the active object's value). */
  apply(): void {
    const tool = this.#tool;
    this.host.viewer()?.setDrawMode(tool === 'off' ? { kind: 'off' } : tool === 'erase' ? { kind: 'erase' } : { kind: 'pen', value: this.host.activeLabel() });
  }

  /** The active object changed: a brush in hand takes its value. */
  activeChanged(): void {
    if (this.#tool === 'pen') this.apply();
  }
}
