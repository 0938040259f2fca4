import { LitElement, css, html } from 'lit';
import { fire } from './events.ts';
import { viewButtons } from './view-buttons.ts';
import { barControls, theme } from './theme.ts';
import type { AnnotationState, N4State, PromptToolName, PropagationModeName, ToolState } from './types.ts';

/**
 * The second bar, shown while a case is open: prompt tools, brush and eraser, propagation,
 * undo / redo, lock, and the SAM2 model with the device it runs on.
 * @fires set-prompt-tool, set-tool, propagate, undo, redo, toggle-lock, select-model, load-model-from-disk, toggle-n4, set-n4-preset
 */
export class SliceSamAnnotationBar extends LitElement {
  static override properties = {
    tools: { attribute: false },
    annotation: { attribute: false },
  };

  static override styles = [
    theme,
    barControls,
    css`
      :host([inert]) { opacity: 0.5; }
      :host {
        display: flex;
        align-items: center;
        gap: 6px;
        min-height: 38px;
        padding: 3px 12px;
        background: #2a3744;
        color: var(--ss-bar-fg);
        flex-wrap: wrap;
        --ss-control-bg: #33424f;
        --ss-control-hover: #3d4f5f;
        --ss-control-pad: 4px 8px;
        --ss-control-gap: 5px;
        --ss-select-pad: 3px 6px;
        --ss-select-max: 170px;
      }
      button.running { background: #5b4a1f; border-color: #b08a2e; }
      button.failed { border-color: #e06c6c; }
      .group { display: inline-flex; align-items: center; gap: 5px; padding-right: 8px; border-right: 1px solid #44546a; }
      .group:last-child { border-right: 0; }
      .label { color: #9fb0c0; font-size: 12px; }
      .device { font-size: 12px; color: #bfe3c8; }
      input[type='range'] { width: 70px; }
    `,
  ];

  declare tools: ToolState;
  declare annotation: AnnotationState;

  constructor() {
    super();
    this.tools = { caseOpen: false, writable: false, tool: 'off', objects: [], activeLabel: 1, dirty: false, downloadable: false };
    this.annotation = {
      promptTool: null, canUndo: false, canRedo: false, models: [], modelId: null, device: null, activeLocked: false,
      windowPresets: [], windowPreset: 'auto', penSize: 1, layout: 'multiplanar', opacity: 0.6, outline: false, radiological: true, crosshair: true,
      n4: { status: 'off', preset: 'default', shown: 'original' },
    };
  }

  override updated(): void {
    // Shown (greyed out) before a case is open, so the viewer does not resize when one opens.
    this.inert = !this.tools.caseOpen;
  }

  override render() {
    const a = this.annotation;
    const t = this.tools;
    const prompt = (tool: PromptToolName, text: string, key: string, tip: string) =>
      html`<button type="button" title="${tip} (${key})" aria-pressed=${a.promptTool === tool}
        @click=${() => fire(this, 'set-prompt-tool', { tool: a.promptTool === tool ? null : tool })}>${text} <kbd>${key}</kbd></button>`;
    const draw = (tool: 'pen' | 'erase', text: string, key: string, tip: string) =>
      html`<button type="button" title="${tip} (${key})" aria-pressed=${a.promptTool === null && t.tool === tool}
        @click=${() => fire(this, 'set-tool', { tool: t.tool === tool && a.promptTool === null ? 'off' : tool })}>${text} <kbd>${key}</kbd></button>`;
    const propagate = (mode: PropagationModeName, text: string, key: string, tip: string) =>
      html`<button type="button" title="${tip} (${key})" @click=${() => fire(this, 'propagate', { mode })}>${text} <kbd>${key}</kbd></button>`;
    return html`
      <span class="group" role="group" aria-label="Prompts">
        <span class="label">Prompt</span>
        ${prompt('box', 'Box', 'R', 'Drag a box around the object on a slice')}
        ${prompt('positive', '+ Point', 'H', 'Click inside the object')}
        ${prompt('negative', '− Point', 'J', 'Click where the object is not')}
      </span>
      <span class="group" role="group" aria-label="Correction">
        ${draw('pen', 'Brush', 'P', 'Paint the active object')}
        ${draw('erase', 'Eraser', 'E', 'Erase the active object')}
        ${prompt('fill', 'Fill', 'F', 'Click inside a closed outline to fill it with the active object')}
        <input type="range" min="1" max="15" step="1" aria-label="Brush size" title="Brush and eraser size: ${a.penSize} voxels (- / =)"
          .value=${String(a.penSize)} @input=${(e: Event) => fire(this, 'set-pen-size', { size: Number((e.target as HTMLInputElement).value) })} />
      </span>
      <span class="group" role="group" aria-label="Propagate">
        <span class="label">Propagate</span>
        ${propagate('between', 'Between', '⇧T', 'Segment the slices between the first and last prompted slice')}
        ${propagate('backward', '◀ Back', '[', 'Segment from this slice towards the first slice')}
        ${propagate('forward', 'Fwd ▶', ']', 'Segment from this slice towards the last slice')}
        ${propagate('until-end', 'To the end', 'T', 'Segment outward both ways until the object ends')}
        <button type="button" title="Use the active object's mask on this slice (e.g. after a brush correction) as a prompt for the next propagation (M)"
          @click=${() => fire(this, 'mask-to-prompt', {})}>Mask → prompt <kbd>M</kbd></button>
      </span>
      <span class="group" role="group" aria-label="History">
        <button type="button" title="Undo (Ctrl+Z)" ?disabled=${!a.canUndo} @click=${() => fire(this, 'undo', {})}>Undo</button>
        <button type="button" title="Redo (Ctrl+Shift+Z or Ctrl+Y)" ?disabled=${!a.canRedo} @click=${() => fire(this, 'redo', {})}>Redo</button>
        <button type="button" title="Lock the active object: propagation and brushing leave it alone (L)" aria-pressed=${a.activeLocked}
          @click=${() => fire(this, 'toggle-lock', {})}>${a.activeLocked ? 'Locked' : 'Lock'} <kbd>L</kbd></button>
      </span>
      <span class="group" role="group" aria-label="Display">
        <select aria-label="View" title="View layout (1 axial, 2 coronal, 3 sagittal, 4 all three, 5 3D)"
          @change=${(e: Event) => fire(this, 'set-layout', { layout: (e.target as HTMLSelectElement).value as AnnotationState['layout'] })}>
          ${(['axial', 'coronal', 'sagittal', 'multiplanar', 'render'] as const).map((l, i) => html`<option value=${l} ?selected=${a.layout === l}>${i + 1} ${{ axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal', multiplanar: 'Multiplanar', render: '3D' }[l]}</option>`)}
        </select>
        <select aria-label="Window" title="Intensity window (right-drag on the image to adjust); the model sees the same"
          @change=${(e: Event) => fire(this, 'set-window-preset', { id: (e.target as HTMLSelectElement).value })}>
          ${a.windowPreset === 'custom' ? html`<option value="custom" selected>Custom window</option>` : ''}
          ${a.windowPresets.map((p) => html`<option value=${p.id} ?selected=${p.id === a.windowPreset}>${p.name}</option>`)}
        </select>
        <input type="range" min="0" max="100" step="5" aria-label="Label opacity" title="Label opacity"
          .value=${String(Math.round(a.opacity * 100))}
          @input=${(e: Event) => fire(this, 'set-label-style', { opacity: Number((e.target as HTMLInputElement).value) / 100, outline: a.outline })} />
        <button type="button" title="Draw only the outline of each object (U)" aria-pressed=${a.outline}
          @click=${() => fire(this, 'set-label-style', { opacity: a.opacity, outline: !a.outline })}>Outline <kbd>U</kbd></button>
        ${viewButtons(this, a)}
      </span>
      <span class="group" role="group" aria-label="MR preprocessing">
        ${this.#renderN4(a.n4)}
      </span>
      <span class="group" role="group" aria-label="Model">
        <select aria-label="SAM2 model" title="The model that segments; downloaded once, then kept in this browser"
          @change=${(e: Event) => fire(this, 'select-model', { id: (e.target as HTMLSelectElement).value })}>
          ${a.models.map((m) => html`<option value=${m.id} ?selected=${m.id === a.modelId}>${m.name}</option>`)}
        </select>
        <button type="button" aria-label="Load model from disk…" title="Load a model from disk: its folder as tools/export writes it, or its files; kept in this browser, also for offline use"
          @click=${() => fire(this, 'load-model-from-disk', {})}>From disk…</button>
        <span class="device" title="Where the model runs">${a.device ?? 'model not loaded yet'}</span>
      </span>
    `;
  }

  #renderN4(n4: N4State) {
    const running = n4.status === 'running';
    const tip = running
      ? 'N4 bias-field correction is running: press G or Esc to cancel (the original stays shown)'
      : n4.status === 'on'
        ? 'Showing the bias-corrected image (the model sees it too). G shows the original at once'
        : 'Correct MR bias field (N4): computed in the background for this case, kept in this browser, shown to you and the model; labels stay on the same grid (G)';
    const text = running ? 'Bias field (N4)…' : 'Bias field (N4)';
    return html`<button type="button" role="switch" aria-label="Correct MR bias field (N4)" aria-checked=${n4.status === 'on' || running}
        class=${running ? 'running' : n4.status === 'failed' ? 'failed' : ''} title=${tip}
        @click=${() => fire(this, 'toggle-n4', {})}>${text} <kbd>G</kbd></button>
      <select aria-label="N4 preset" ?disabled=${running}
        title="N4 preset: default = ITK's 4 levels × 50 iterations; fast = 4 × 4 (the seed tool's)"
        @change=${(e: Event) => {
          const select = e.target as HTMLSelectElement;
          select.blur(); // the keys (G among them) work again at once
          fire(this, 'set-n4-preset', { preset: select.value as N4State['preset'] });
        }}>
        <option value="default" ?selected=${n4.preset === 'default'}>Default</option>
        <option value="fast" ?selected=${n4.preset === 'fast'}>Fast</option>
      </select>`;
  }
}

customElements.define('slicesam-annotation-bar', SliceSamAnnotationBar);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-annotation-bar': SliceSamAnnotationBar;
  }
}
