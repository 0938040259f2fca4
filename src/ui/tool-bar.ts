import { LitElement, css, html } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';

/**
 * The top bar: app name and the Open buttons.
 * @fires open-files - files picked through the hidden file input
 * @fires open-folder - the Open folder button was pressed
 */
export class SliceSamToolBar extends LitElement {
  static override properties = {
    folderSupported: { type: Boolean, attribute: 'folder-supported' },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 44px;
        padding: 0 12px;
        background: var(--ss-bar-bg);
        color: var(--ss-bar-fg);
      }
      h1 {
        margin: 0 16px 0 0;
        font-size: 15px;
        font-weight: 600;
        letter-spacing: 0.02em;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 5px 12px;
        border: 1px solid #4a5a6b;
        background: #2b3946;
        color: inherit;
      }
      button:hover:not(:disabled) { background: #364757; }
      button:disabled { opacity: 0.5; cursor: not-allowed; }
      input { display: none; }
      .spacer { flex: 1; }
      .note { color: #9fb0c0; font-size: 12px; }
    `,
  ];

  /** Whether the browser has showDirectoryPicker; the folder button is disabled otherwise. */
  declare folderSupported: boolean;

  constructor() {
    super();
    this.folderSupported = false;
  }

  /** Open the system file chooser (needs a user gesture). */
  openFilePicker(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  override render() {
    return html`
      <h1>SliceSAM</h1>
      <button type="button" title="Open files (O)" @click=${this.openFilePicker}>Open files… <kbd>O</kbd></button>
      <button
        type="button"
        title=${this.folderSupported ? 'Open a folder (Shift+O)' : 'This browser cannot open folders; use Open files'}
        ?disabled=${!this.folderSupported}
        @click=${() => fire(this, 'open-folder', {})}
      >
        Open folder… <kbd>⇧O</kbd>
      </button>
      <!-- No accept filter: DICOM files often have no extension. -->
      <input type="file" multiple aria-label="Open files" @change=${this.#onChange} />
      <span class="spacer"></span>
      <span class="note">Images stay on this computer</span>
    `;
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
