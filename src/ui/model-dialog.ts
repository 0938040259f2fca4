/**
 * The model dialog: asks before a model's first download (its name, size and the host it
 * comes from: Download, or Choose files… to load it from disk), says in full when the
 * browser is offline or the download failed, and shows why picked files were refused.
 * State: the view it is given (null: closed). Properties down, one event up
 * (model-dialog-answer). Without a folder picker it holds the file inputs itself, so the
 * pick happens within the user's click. No logic beyond that.
 */
import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';

export interface ModelDialogView {
  kind: 'ask' | 'offline' | 'refused' | 'pick';
  title: string;
  /** What to say, in full: one paragraph each. */
  lines: string[];
  /** Facts shown as a table (model, size, host). */
  facts?: [string, string][];
  /** The browser has a folder picker (File System Access); otherwise the dialog's file inputs pick. */
  folderPicker: boolean;
}

export class SliceSamModelDialog extends LitElement {
  static override properties = { view: { attribute: false } };

  static override styles = [
    theme,
    css`
      /* The shadow's wide spread dims the app behind (a ::backdrop set from a shadow root may not apply). */
      dialog { border: 0; border-radius: 6px; padding: 18px 22px; max-width: min(560px, 92vw); box-shadow: 0 8px 30px #0006, 0 0 0 100vmax #0007; color: var(--ss-text); }
      h2 { margin: 0 0 10px; font-size: 16px; }
      p { margin: 0 0 10px; line-height: 1.45; overflow-wrap: anywhere; }
      p.problem { color: var(--ss-error); background: var(--ss-error-soft); padding: 6px 8px; border-radius: var(--ss-radius); }
      table { border-collapse: collapse; margin: 0 0 12px; }
      td { padding: 2px 12px 2px 0; vertical-align: top; }
      td:first-child { color: var(--ss-muted); white-space: nowrap; }
      .actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 14px; }
      button { padding: 5px 12px; border: 1px solid var(--ss-panel-border); background: #fff; }
      button.primary { background: var(--ss-accent); color: #fff; border-color: var(--ss-accent); }
      input { display: none; }
    `,
  ];

  declare view: ModelDialogView | null;

  constructor() {
    super();
    this.view = null;
  }

  override updated(): void {
    const d = this.renderRoot.querySelector('dialog');
    if (d && !d.open) d.showModal();
  }

  #answer(answer: 'download' | 'choose' | 'cancel', files?: { path: string; file: File }[]): void {
    fire(this, 'model-dialog-answer', files ? { answer, files } : { answer });
  }

  /** Without a folder picker, Choose files… opens this dialog's own input, in the user's click. */
  #choose(input: 'files' | 'folder'): void {
    if (this.view?.folderPicker) this.#answer('choose');
    else this.renderRoot.querySelector<HTMLInputElement>(`input[data-pick=${input}]`)?.click();
  }

  #picked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    input.value = '';
    if (files.length > 0) this.#answer('choose', files);
  }

  override render() {
    const v = this.view;
    if (!v) return nothing;
    const primaryChoose = v.kind !== 'ask';
    return html`<dialog aria-label=${v.title} @cancel=${(e: Event) => (e.preventDefault(), this.#answer('cancel'))}>
      <h2>${v.title}</h2>
      ${v.facts ? html`<table>${v.facts.map(([k, val]) => html`<tr><td>${k}</td><td>${val}</td></tr>`)}</table>` : nothing}
      ${v.lines.map((l, i) => html`<p class=${v.kind === 'refused' && i === 0 ? 'problem' : ''}>${l}</p>`)}
      <input type="file" multiple data-pick="files" @change=${this.#picked} />
      <input type="file" multiple webkitdirectory data-pick="folder" @change=${this.#picked} />
      <div class="actions">
        <button type="button" @click=${() => this.#answer('cancel')}>${v.kind === 'refused' ? 'Close' : 'Cancel'} <kbd>Esc</kbd></button>
        ${v.folderPicker ? nothing : html`<button type="button" @click=${() => this.#choose('folder')}>Choose folder…</button>`}
        <button type="button" class=${primaryChoose ? 'primary' : ''} ?autofocus=${primaryChoose} @click=${() => this.#choose('files')}>Choose files…</button>
        ${v.kind === 'ask' ? html`<button type="button" class="primary" autofocus @click=${() => this.#answer('download')}>Download</button>` : nothing}
      </div>
    </dialog>`;
  }
}

customElements.define('slicesam-model-dialog', SliceSamModelDialog);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-model-dialog': SliceSamModelDialog;
  }
}
