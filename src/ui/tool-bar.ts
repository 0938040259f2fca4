import { LitElement, css, html } from 'lit';
import { fire } from './events.ts';
import { barControls, theme } from './theme.ts';
import type { ToolState } from './types.ts';

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/**
 * The top bar: app name, the Open buttons, and the annotation tools of the
 * open case (active object, new object, save); the rest is in the annotation bar.
 * @fires open-files - files picked through the hidden file input
 * @fires open-folder - the Open folder button was pressed
 * @fires open-demo, resume-root, set-tool, new-object, select-object, save-case
 */
export class SliceSamToolBar extends LitElement {
  static override properties = {
    folderSupported: { type: Boolean, attribute: 'folder-supported' },
    resumeName: { attribute: false },
    tools: { attribute: false },
  };

  static override styles = [
    theme,
    barControls,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 44px;
        padding: 0 12px;
        background: var(--ss-bar-bg);
        color: var(--ss-bar-fg);
        --ss-control-bg: #2b3946;
        --ss-control-hover: #364757;
        --ss-control-pad: 5px 12px;
        --ss-control-gap: 6px;
        --ss-select-pad: 4px 6px;
        --ss-select-max: 180px;
      }
      h1 {
        margin: 0 16px 0 0;
        font-size: 15px;
        font-weight: 600;
        letter-spacing: 0.02em;
      }
      input { display: none; }
      .spacer { flex: 1; }
      .note { color: #9fb0c0; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
      .group { flex-shrink: 0; }
      .group { display: inline-flex; align-items: center; gap: 6px; padding-left: 10px; border-left: 1px solid #3a4a5a; }
      button.save { background: #1f6f43; border-color: #3c9a66; }
      button.save.dirty::after { content: '•'; color: #ffd166; margin-left: 2px; }
      .swatch { width: 14px; height: 14px; border-radius: 3px; border: 1px solid #0008; display: inline-block; }
    `,
  ];

  /** Whether the browser has showDirectoryPicker; the folder button is disabled otherwise. */
  declare folderSupported: boolean;
  /** Name of the folder the last session used, offered for resuming; null hides the button. */
  declare resumeName: string | null;
  /** The annotation tools' state. */
  declare tools: ToolState;

  constructor() {
    super();
    this.folderSupported = false;
    this.resumeName = null;
    this.tools = { caseOpen: false, writable: false, tool: 'off', objects: [], activeLabel: 1, dirty: false, downloadable: false };
  }

  /** Open the system file chooser (needs a user gesture). */
  openFilePicker(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]:not([webkitdirectory])')?.click();
  }

  /** A folder: through showDirectoryPicker where the browser has it (read and write), else read-only through the file input. */
  openFolderPicker(): void {
    if (this.folderSupported) fire(this, 'open-folder', {});
    else this.renderRoot.querySelector<HTMLInputElement>('input.folder-input')?.click();
  }

  override render() {
    return html`
      <h1>SliceSAM</h1>
      <button type="button" title="Open files (O)" @click=${this.openFilePicker}>Open files… <kbd>O</kbd></button>
      <button
        type="button"
        title=${this.folderSupported
          ? 'Open a folder (Shift+O): outputs are saved into it'
          : 'Open a folder (Shift+O) to read; this browser cannot write into folders, so outputs are downloaded'}
        @click=${() => this.openFolderPicker()}
      >
        Open folder… <kbd>⇧O</kbd>
      </button>
      <button type="button" title="Open the demo cohort that ships with the app" @click=${() => fire(this, 'open-demo', {})}>Demo cohort</button>
      ${this.resumeName
        ? html`<button type="button" class="resume" title="Reopen the folder of your last session" @click=${() => fire(this, 'resume-root', {})}>
            Resume ${this.resumeName}
          </button>`
        : ''}
      <!-- No accept filter: DICOM files often have no extension. -->
      <input type="file" multiple aria-label="Open files" @change=${this.#onChange} />
      <!-- Browsers without the File System Access API: a folder, read-only. -->
      <input type="file" webkitdirectory multiple aria-label="Open folder (read-only)" class="folder-input" @change=${this.#onChange} />
      ${this.tools.caseOpen ? this.#renderTools() : ''}
      <span class="spacer"></span>
      <span class="note">Images stay on this computer</span>
      <button type="button" title="What this device can do, and which model runs where (I)" @click=${() => fire(this, 'show-about', {})}>About <kbd>I</kbd></button>
    `;
  }

  #renderTools() {
    const t = this.tools;
    const active = t.objects.find((o) => o.labelValue === t.activeLabel);
    return html`<span class="group" role="group" aria-label="Annotation">
        ${active ? html`<span class="swatch" style="background:${rgb(active.color)}"></span>` : ''}
        <select
          aria-label="Active object"
          .value=${String(t.activeLabel)}
          @change=${(e: Event) => fire(this, 'select-object', { labelValue: Number((e.target as HTMLSelectElement).value) })}
        >
          ${t.objects.map((o) => html`<option value=${o.labelValue} ?selected=${o.labelValue === t.activeLabel}>${o.labelValue} · ${o.name}</option>`)}
        </select>
      </span>
      <span class="group">
        ${t.downloadable
          ? html`<button type="button" title="Download this case's saved outputs (they live in this browser)" @click=${() => fire(this, 'download-outputs', {})}>Download outputs</button>`
          : ''}
        ${t.writable ? '' : html`<span class="note" title="This browser cannot write into the opened folder">outputs are downloaded</span>`}
        <button
          type="button"
          class="save ${t.dirty ? 'dirty' : ''}"
          title=${t.writable ? 'Save the label map and volumetry into the folder (S)' : 'Download the label map (S)'}
          @click=${() => fire(this, 'save-case', {})}
        >${t.writable ? 'Save' : 'Download'} <kbd>S</kbd></button>
      </span>`;
  }

  #onChange(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = ''; // so that picking the same files again fires change
    if (files.length > 0) fire(this, 'open-files', { files });
  }
}

customElements.define('slicesam-tool-bar', SliceSamToolBar);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-tool-bar': SliceSamToolBar;
  }
}
