import { LitElement, html, nothing } from 'lit';
import { shellKey } from './app-shell-keys.ts';
import { aboutDialog, helpDialog, summaryDialog, updateNotice } from './app-shell-overlays.ts';
import { shellStyles } from './app-shell-styles.ts';
import { theme } from './theme.ts';
import './tool-bar.ts';
import './source-panel.ts';
import './status-bar.ts';
import './annotation-bar.ts';
import './confidence-strip.ts';
import './objects-panel.ts';
import type { AboutInfo, AnnotationState, BusyState, ConfidenceStrip, ObjectRow, SaveSummary, QueueCounts, SkippedItem, StatusMessage, ToolState, VolumeItem } from './types.ts';

export { SHORTCUTS } from './app-shell-keys.ts';

/**
 * The app shell: tool bar, source panel, viewer area and status bar.
 * The viewer's canvas comes from outside, in the `viewer` slot.
 *
 * Keys: `o` open files, `Shift+O` open folder, `Esc` cancel running work,
 * `n` / `b` next / previous case, `d` pen, `e` eraser, `s` or Ctrl+S save
 * (all of them in app-shell-keys.ts; the overlays' templates are app-shell-overlays.ts).
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

  static override styles = [theme, shellStyles];

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
      windowPresets: [], windowPreset: 'auto', penSize: 1, layout: 'multiplanar', opacity: 0.6, outline: false, radiological: true, crosshair: true,
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
    window.addEventListener('keydown', (e) => shellKey(this, e), { signal: this.#keys.signal });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#keys?.abort();
    this.#keys = null;
  }

  /** What the empty viewer says: why the selected case shows nothing (it failed), else how to start. */
  #emptyViewer() {
    const failed = this.volumes.find((v) => v.id === this.selectedId && v.caseStatus === 'failed');
    if (failed) {
      return html`<div class="empty" role="note">
        <p><b>${failed.name}</b> could not be read${failed.reason ? html`: ${failed.reason}` : ''}.</p>
        <p>Retry (beside it in the list) reads it again; Skip sets it aside; Next (<kbd>N</kbd>) goes on.</p>
      </div>`;
    }
    return html`<div class="empty">
      <p>Open DICOM or NIfTI files (<kbd>O</kbd>), a folder (<kbd>⇧O</kbd>) or the demo cohort.</p>
      <p>Nothing is uploaded: images are read in this browser.</p>
    </div>`;
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
        ${this.saveSummary ? summaryDialog(this, this.saveSummary) : nothing}
        ${this.caption || this.busy ? nothing : this.#emptyViewer()}
      </main>
      ${this.counts ? html`<slicesam-objects-panel .objects=${this.objectRows} .activeLabel=${this.tools.activeLabel}></slicesam-objects-panel>` : nothing}
      ${this.counts ? html`<slicesam-confidence-strip .strip=${this.tools.caseOpen ? this.confidence : null}></slicesam-confidence-strip>` : nothing}
      <slicesam-status-bar .busy=${this.busy} .messages=${this.messages} .device=${this.annotation.device}></slicesam-status-bar>
      ${this.updateReady ? updateNotice(this) : nothing}
      ${this.about ? aboutDialog(this, this.about) : nothing}
      ${this.helpOpen ? helpDialog(() => (this.helpOpen = false)) : nothing}
    `;
  }
}

customElements.define('slicesam-app', SliceSamApp);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-app': SliceSamApp;
  }
}
