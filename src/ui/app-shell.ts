import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import './tool-bar.ts';
import './source-panel.ts';
import './status-bar.ts';
import './annotation-bar.ts';
import './confidence-strip.ts';
import './objects-panel.ts';
import type { SliceSamToolBar } from './tool-bar.ts';
import type { AboutInfo, AnnotationState, BusyState, ConfidenceStrip, ObjectRow, SaveSummary, QueueCounts, SkippedItem, StatusMessage, ToolState, VolumeItem } from './types.ts';

/** Every shortcut, for the help overlay (`?`). */
export const SHORTCUTS: [string, string][] = [
  ['O / ⇧O', 'open files / a folder'],
  ['N / B', 'next / previous case'],
  ['R', 'box prompt (drag on a slice)'],
  ['H / J', 'positive / negative point'],
  ['P (or D) / E / F', 'brush / eraser / fill'],
  ['- / =', 'smaller / larger brush'],
  ['M', "the active object's mask on this slice becomes a prompt"],
  ['1 2 3 4 5', 'axial / coronal / sagittal / all three / 3D view'],
  ['T', 'propagate until the object ends'],
  ['⇧T', 'propagate between the prompts'],
  ['[ / ]', 'propagate backward / forward from this slice'],
  ['← → / PgUp PgDn', 'previous / next slice'],
  ['A / C', 'add object / cycle objects'],
  ['L', 'lock or unlock the active object'],
  ['U', 'labels as outlines / filled'],
  ['G', 'MR bias-field correction (N4) on / off: off shows the original at once'],
  ['right-drag', 'window / level (presets in the bar)'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+⇧Z / Ctrl+Y', 'redo'],
  ['S / Ctrl+S', 'save'],
  ['Esc', 'cancel the running work, or leave the current tool'],
  ['I', 'about this device (WebGPU, threads, storage, the model chosen)'],
  ['?', 'this help'],
];

/**
 * The app shell: tool bar, source panel, viewer area and status bar.
 * The viewer's canvas comes from outside, in the `viewer` slot.
 *
 * Keys: `o` open files, `Shift+O` open folder, `Esc` cancel running work,
 * `n` / `b` next / previous case, `d` pen, `e` eraser, `s` or Ctrl+S save.
 *
 * @slot viewer - an element that fills the viewer area (holds the canvas)
 * @fires open-files, open-folder, select-volume, cancel-task, dismiss-messages - from the parts
 * @fires next-case, previous-case, set-tool, save-case - from the keys
 */
export class SliceSamApp extends LitElement {
  static override properties = {
    volumes: { attribute: false },
    skipped: { attribute: false },
    selectedId: { attribute: false },
    busy: { attribute: false },
    messages: { attribute: false },
    caption: { attribute: false },
    folderSupported: { attribute: false },
    counts: { attribute: false },
    resumeName: { attribute: false },
    tools: { attribute: false },
    annotation: { attribute: false },
    confidence: { attribute: false },
    objectRows: { attribute: false },
    saveSummary: { attribute: false },
    about: { attribute: false },
    updateReady: { attribute: false },
    helpOpen: { state: true },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        grid-template-rows: auto auto minmax(0, 1fr) auto auto;
        grid-template-columns: 260px minmax(0, 1fr) auto;
        grid-template-areas:
          'bar bar bar'
          'anno anno anno'
          'side main objs'
          'side strip objs'
          'status status status';
        height: 100%;
        overflow: hidden;
      }
      slicesam-tool-bar { grid-area: bar; }
      slicesam-source-panel { grid-area: side; min-height: 0; }
      slicesam-status-bar { grid-area: status; }
      slicesam-annotation-bar { grid-area: anno; }
      slicesam-confidence-strip { grid-area: strip; }
      slicesam-objects-panel { grid-area: objs; width: 250px; min-height: 0; }
      .summary {
        position: absolute;
        top: 34px;
        right: 10px;
        max-width: 420px;
        background: rgba(255, 255, 255, 0.96);
        border-radius: 6px;
        padding: 10px 14px;
        box-shadow: 0 6px 24px #0007;
        z-index: 5;
      }
      .summary h2 { margin: 0 0 6px; font-size: 14px; }
      .summary table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      .summary th, .summary td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #e3e8ee; }
      .summary th:first-child, .summary td:first-child { text-align: left; }
      .summary tfoot td { font-weight: 600; border-bottom: 0; }
      .summary .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
      .summary .small { font-size: 11px; color: var(--ss-muted); margin: 6px 0; overflow-wrap: anywhere; }
      .summary .actions { display: flex; gap: 8px; justify-content: flex-end; }
      .summary button { padding: 4px 10px; border: 1px solid var(--ss-panel-border); background: #fff; }
      .summary button.primary { background: var(--ss-accent); color: #fff; border-color: var(--ss-accent); }
      .update {
        position: fixed;
        left: 50%;
        top: 8px;
        transform: translateX(-50%);
        z-index: 11;
        background: #fff7d6;
        border: 1px solid #d9a400;
        border-radius: 6px;
        padding: 6px 12px;
        box-shadow: 0 4px 16px #0004;
      }
      .update button { margin-left: 8px; padding: 2px 10px; border: 1px solid #d9a400; background: #ffe083; }
      .small { font-size: 11px; color: var(--ss-muted); }
      td.yes { color: #1f6f43; }
      td.no { color: var(--ss-error); }
      .help {
        position: fixed;
        inset: 0;
        display: grid;
        place-items: center;
        background: rgba(0, 0, 0, 0.45);
        z-index: 10;
      }
      .help section { background: #fff; color: var(--ss-text); padding: 16px 20px; border-radius: 6px; min-width: 420px; box-shadow: 0 8px 30px #0006; }
      .help h2 { margin: 0 0 8px; font-size: 15px; }
      .help table { border-collapse: collapse; }
      .help td { padding: 3px 10px 3px 0; }
      .help td:first-child { font-weight: 600; white-space: nowrap; }
      main {
        grid-area: main;
        position: relative;
        min-width: 0;
        min-height: 0;
        background: var(--ss-viewer-bg);
      }
      ::slotted([slot='viewer']) {
        position: absolute;
        inset: 0;
      }
      .caption {
        position: absolute;
        top: 6px;
        right: 8px;
        padding: 2px 8px;
        border-radius: var(--ss-radius);
        background: rgba(0, 0, 0, 0.55);
        color: #dfe7ef;
        font-size: 12px;
        pointer-events: none;
      }
      .empty {
        position: absolute;
        inset: 0;
        display: grid;
        place-content: center;
        text-align: center;
        color: #8fa0b0;
        pointer-events: none;
      }
      .empty p { margin: 4px 0; }
    `,
  ];

  /** Volumes found by the last scan. */
  declare volumes: VolumeItem[];
  /** Files the last scan skipped. */
  declare skipped: SkippedItem[];
  /** The volume in the viewer. */
  declare selectedId: string | null;
  /** Running work, or null. */
  declare busy: BusyState | null;
  /** Status messages, oldest first. */
  declare messages: StatusMessage[];
  /** One line over the viewer (name and size of what is shown); empty when nothing is shown. */
  declare caption: string;
  /** Whether the browser can open folders. */
  declare folderSupported: boolean;
  /** Queue counts, or null before anything is open. */
  declare counts: QueueCounts | null;
  /** Folder of the last session, offered for resuming. */
  declare resumeName: string | null;
  /** Annotation tools of the open case. */
  declare tools: ToolState;
  /** Prompting, propagation, undo, model. */
  declare annotation: AnnotationState;
  /** The confidence strip of the active object, or null. */
  declare confidence: ConfidenceStrip | null;
  declare helpOpen: boolean;
  /** The open case's objects for the objects panel. */
  declare objectRows: ObjectRow[];
  /** Volumetry after a save, or null. */
  declare saveSummary: SaveSummary | null;
  /** "About this device", when open. */
  declare about: AboutInfo | null;
  /** A new version is installed and can be applied. */
  declare updateReady: boolean;

  #keys: AbortController | null = null;

  constructor() {
    super();
    this.volumes = [];
    this.skipped = [];
    this.selectedId = null;
    this.busy = null;
    this.messages = [];
    this.caption = '';
    this.folderSupported = false;
    this.counts = null;
    this.resumeName = null;
    this.tools = { caseOpen: false, writable: false, tool: 'off', objects: [], activeLabel: 1, dirty: false, downloadable: false };
    this.annotation = {
      promptTool: null, canUndo: false, canRedo: false, models: [], modelId: null, device: null, activeLocked: false,
      windowPresets: [], windowPreset: 'auto', penSize: 1, layout: 'multiplanar', opacity: 0.6, outline: false,
      n4: { status: 'off', preset: 'default', shown: 'original' },
    };
    this.confidence = null;
    this.helpOpen = false;
    this.objectRows = [];
    this.saveSummary = null;
    this.about = null;
    this.updateReady = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#keys = new AbortController();
    window.addEventListener('keydown', (e) => this.#onKey(e), { signal: this.#keys.signal });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#keys?.abort();
    this.#keys = null;
  }

  override render() {
    return html`
      <slicesam-tool-bar ?folder-supported=${this.folderSupported} .resumeName=${this.resumeName} .tools=${this.tools}></slicesam-tool-bar>
      ${this.counts ? html`<slicesam-annotation-bar .tools=${this.tools} .annotation=${this.annotation}></slicesam-annotation-bar>` : nothing}
      <slicesam-source-panel
        .counts=${this.counts}
        .volumes=${this.volumes}
        .skipped=${this.skipped}
        .selectedId=${this.selectedId}
      ></slicesam-source-panel>
      <main aria-label="Viewer">
        <slot name="viewer"></slot>
        ${this.caption ? html`<div class="caption">${this.caption}</div>` : nothing}
        ${this.saveSummary ? this.#renderSummary(this.saveSummary) : nothing}
        ${this.caption || this.busy
          ? nothing
          : html`<div class="empty">
              <p>Open DICOM or NIfTI files (<kbd>O</kbd>), a folder (<kbd>⇧O</kbd>) or the demo cohort.</p>
              <p>Nothing is uploaded: images are read in this browser.</p>
            </div>`}
      </main>
      ${this.counts ? html`<slicesam-objects-panel .objects=${this.objectRows} .activeLabel=${this.tools.activeLabel}></slicesam-objects-panel>` : nothing}
      ${this.counts ? html`<slicesam-confidence-strip .strip=${this.tools.caseOpen ? this.confidence : null}></slicesam-confidence-strip>` : nothing}
      <slicesam-status-bar .busy=${this.busy} .messages=${this.messages} .device=${this.annotation.device}></slicesam-status-bar>
      ${this.updateReady
        ? html`<div class="update" role="status">A new version of SliceSAM is ready.
            <button type="button" @click=${() => fire(this, 'apply-update', {})}>Update now</button>
            <span class="small">(your open case is saved to this browser first)</span></div>`
        : nothing}
      ${this.about
        ? html`<div class="help" role="dialog" aria-label="About this device" @click=${(e: Event) => e.target === e.currentTarget && fire(this, 'close-about', {})}>
            <section>
              <h2>About this device</h2>
              <table>${this.about.rows.map((r) => html`<tr><td>${r.label}</td><td class=${r.ok === false ? 'no' : r.ok ? 'yes' : ''}>${r.value}</td></tr>`)}</table>
              <p><b>Model:</b> ${this.about.model}<br /><span class="small">${this.about.reason}. Choose another in the model list of the annotation bar.</span></p>
              <p class="small">Nothing you open leaves this computer: the only network requests are the app's own files and the model downloads you start.</p>
              <button type="button" @click=${() => fire(this, 'close-about', {})}>Close <kbd>Esc</kbd></button>
            </section>
          </div>`
        : nothing}
      ${this.helpOpen
        ? html`<div class="help" role="dialog" aria-label="Keyboard shortcuts" @click=${() => (this.helpOpen = false)}>
            <section>
              <h2>Keyboard shortcuts</h2>
              <table>${SHORTCUTS.map(([k, what]) => html`<tr><td>${k}</td><td>${what}</td></tr>`)}</table>
            </section>
          </div>`
        : nothing}
    `;
  }

  #renderSummary(s: SaveSummary) {
    const total = s.rows.reduce((t, r) => ({ voxels: t.voxels + r.voxels, mm3: t.mm3 + r.mm3, ml: t.ml + r.ml }), { voxels: 0, mm3: 0, ml: 0 });
    const fmt = (n: number, d: number) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    return html`<section class="summary" role="dialog" aria-label="Volumetry of ${s.caseName}">
      <h2>Saved ${s.caseName}</h2>
      <table>
        <thead><tr><th>Object</th><th>Voxels</th><th>mm³</th><th>mL</th></tr></thead>
        <tbody>
          ${s.rows.map((r) => html`<tr>
            <td><span class="swatch" style="background:rgb(${r.color.join(',')})"></span>${r.labelValue} · ${r.name}</td>
            <td>${fmt(r.voxels, 0)}</td><td>${fmt(r.mm3, 1)}</td><td>${fmt(r.ml, 3)}</td></tr>`)}
        </tbody>
        <tfoot><tr><td>Total</td><td>${fmt(total.voxels, 0)}</td><td>${fmt(total.mm3, 1)}</td><td>${fmt(total.ml, 3)}</td></tr></tfoot>
      </table>
      <p class="small">Drag the 3D view to rotate it. Written: ${s.written.join(', ')}</p>
      <div class="actions">
        <button type="button" @click=${() => fire(this, 'close-summary', {})}>Close <kbd>Esc</kbd></button>
        <button type="button" class="primary" @click=${() => fire(this, 'next-case', {})}>Next case <kbd>N</kbd></button>
      </div>
    </section>`;
  }

  #onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault(); // never the browser's "save page"
      if (this.tools.caseOpen) fire(this, 'save-case', {});
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && this.tools.caseOpen) {
      const k = e.key.toLowerCase();
      if (k === 'z' || k === 'y') {
        e.preventDefault();
        fire(this, k === 'y' || e.shiftKey ? 'redo' : 'undo', {});
        return;
      }
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') {
      e.preventDefault();
      this.helpOpen = !this.helpOpen;
      return;
    }
    if (this.tools.caseOpen && this.#annotationKey(e)) {
      e.preventDefault();
      return;
    }
    const tool = this.tools.tool;
    if (e.key === 'n') {
      e.preventDefault();
      fire(this, 'next-case', {});
    } else if (e.key === 'b') {
      e.preventDefault();
      fire(this, 'previous-case', {});
    } else if (e.key === 's' && this.tools.caseOpen) {
      e.preventDefault();
      fire(this, 'save-case', {});
    } else if ((e.key === 'd' || e.key === 'p') && this.tools.caseOpen) {
      e.preventDefault();
      fire(this, 'set-tool', { tool: tool === 'pen' ? 'off' : 'pen' });
    } else if (e.key === 'e' && this.tools.caseOpen) {
      e.preventDefault();
      fire(this, 'set-tool', { tool: tool === 'erase' ? 'off' : 'erase' });
    } else if (e.key === 'o') {
      e.preventDefault();
      this.renderRoot.querySelector<SliceSamToolBar>('slicesam-tool-bar')?.openFilePicker();
    } else if (e.key === 'O') {
      e.preventDefault();
      this.renderRoot.querySelector<SliceSamToolBar>('slicesam-tool-bar')?.openFolderPicker();
    } else if (e.key === 'Escape' && this.busy) {
      e.preventDefault();
      fire(this, 'cancel-task', {});
    } else if (e.key === 'Escape' && this.helpOpen) {
      this.helpOpen = false;
    } else if (e.key === 'Escape' && this.about) {
      fire(this, 'close-about', {});
    } else if (e.key === 'i') {
      e.preventDefault();
      fire(this, 'show-about', {});
    } else if (e.key === 'Escape' && this.saveSummary) {
      fire(this, 'close-summary', {});
    } else if (e.key === 'Escape' && this.tools.caseOpen && (this.annotation.promptTool || this.tools.tool !== 'off')) {
      e.preventDefault();
      fire(this, 'set-prompt-tool', { tool: null });
      fire(this, 'set-tool', { tool: 'off' });
    }
  }

  /** Keys of the open case's annotation; true when the key was used. */
  #annotationKey(e: KeyboardEvent): boolean {
    const prompt = (tool: 'box' | 'positive' | 'negative' | 'fill') => fire(this, 'set-prompt-tool', { tool: this.annotation.promptTool === tool ? null : tool });
    switch (e.key) {
      case 'r': prompt('box'); return true;
      case 'h': prompt('positive'); return true;
      case 'j': prompt('negative'); return true;
      case 't': fire(this, 'propagate', { mode: 'until-end' }); return true;
      case 'T': fire(this, 'propagate', { mode: 'between' }); return true;
      case '[': fire(this, 'propagate', { mode: 'backward' }); return true;
      case ']': fire(this, 'propagate', { mode: 'forward' }); return true;
      case 'ArrowLeft': case 'PageDown': fire(this, 'step-slice', { delta: -1 }); return true;
      case 'ArrowRight': case 'PageUp': fire(this, 'step-slice', { delta: 1 }); return true;
      case 'a': fire(this, 'new-object', {}); return true;
      case 'c': fire(this, 'cycle-object', { delta: 1 }); return true;
      case 'l': fire(this, 'toggle-lock', {}); return true;
      case 'f': prompt('fill'); return true;
      case 'm': fire(this, 'mask-to-prompt', {}); return true;
      case '1': case '2': case '3': case '4': case '5':
        fire(this, 'set-layout', { layout: (['axial', 'coronal', 'sagittal', 'multiplanar', 'render'] as const)[Number(e.key) - 1]! });
        return true;
      case '-': fire(this, 'set-pen-size', { size: this.annotation.penSize - 1 }); return true;
      case '=': case '+': fire(this, 'set-pen-size', { size: this.annotation.penSize + 1 }); return true;
      case 'u': fire(this, 'set-label-style', { opacity: this.annotation.opacity, outline: !this.annotation.outline }); return true;
      case 'g': fire(this, 'toggle-n4', {}); return true;
      default: return false;
    }
  }
}

customElements.define('slicesam-app', SliceSamApp);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-app': SliceSamApp;
  }
}
