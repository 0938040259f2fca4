import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import type { SkippedItem, VolumeItem } from './types.ts';

function formatDims(dims: VolumeItem['dims']): string {
  return dims ? dims.join(' × ') : '';
}

/**
 * The left panel: volumes found, and files skipped with the reason.
 * @fires select-volume - a volume was chosen
 */
export class SliceSamSourcePanel extends LitElement {
  static override properties = {
    volumes: { attribute: false },
    skipped: { attribute: false },
    selectedId: { attribute: false },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        overflow: auto;
        background: var(--ss-panel-bg);
        border-right: 1px solid var(--ss-panel-border);
      }
      h2 {
        margin: 0;
        padding: 10px 12px 6px;
        font-size: 11px;
        font-weight: 600;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--ss-muted);
      }
      ul { list-style: none; margin: 0; padding: 0 6px 8px; }
      li { margin: 0 0 2px; }
      .volume {
        display: block;
        width: 100%;
        text-align: left;
        padding: 6px 8px;
        border: 1px solid transparent;
        background: transparent;
        color: inherit;
      }
      .volume:hover { background: #eef2f6; }
      .volume[aria-current='true'] { background: var(--ss-accent-soft); border-color: #b9d3f3; }
      .name { display: block; font-weight: 600; overflow-wrap: anywhere; }
      .meta { display: block; color: var(--ss-muted); font-size: 12px; margin-top: 1px; }
      .status-loading { color: var(--ss-accent); }
      .status-failed { color: var(--ss-error); }
      .empty { padding: 0 12px 10px; color: var(--ss-muted); }
      .skipped li {
        padding: 5px 8px;
        border-left: 3px solid var(--ss-error);
        background: var(--ss-error-soft);
        border-radius: 0 var(--ss-radius) var(--ss-radius) 0;
      }
      .path { display: block; font-weight: 600; overflow-wrap: anywhere; }
      .reason { display: block; color: var(--ss-error); font-size: 12px; }
    `,
  ];

  /** Volumes found by the last scan, in scan order. */
  declare volumes: VolumeItem[];
  /** Files the last scan could not use. */
  declare skipped: SkippedItem[];
  /** The volume shown in the viewer. */
  declare selectedId: string | null;

  constructor() {
    super();
    this.volumes = [];
    this.skipped = [];
    this.selectedId = null;
  }

  override render() {
    return html`
      <h2 id="volumes-heading">Volumes (${this.volumes.length})</h2>
      ${this.volumes.length === 0
        ? html`<p class="empty">Open files or a folder to list the volumes in it.</p>`
        : html`<ul class="volumes" aria-labelledby="volumes-heading">
            ${this.volumes.map((v) => this.#renderVolume(v))}
          </ul>`}
      ${this.skipped.length === 0
        ? nothing
        : html`<h2 id="skipped-heading">Skipped files (${this.skipped.length})</h2>
            <ul class="skipped" aria-labelledby="skipped-heading">
              ${this.skipped.map(
                (s) => html`<li data-code=${s.code}>
                  <span class="path">${s.path}</span>
                  <span class="reason">${s.reason}</span>
                </li>`,
              )}
            </ul>`}
    `;
  }

  #renderVolume(v: VolumeItem) {
    const kind = v.kind === 'dicom' ? `DICOM · ${v.fileCount} files` : 'NIfTI';
    const status =
      v.status === 'loading'
        ? html` · <span class="status-loading">loading…</span>`
        : v.status === 'failed'
          ? html` · <span class="status-failed">failed</span>`
          : nothing;
    return html`<li>
      <button
        type="button"
        class="volume"
        data-id=${v.id}
        aria-current=${v.id === this.selectedId ? 'true' : 'false'}
        @click=${() => fire(this, 'select-volume', { id: v.id })}
      >
        <span class="name">${v.name}</span>
        <span class="meta">${kind}${v.dims ? ` · ${formatDims(v.dims)}` : ''}${status}</span>
      </button>
    </li>`;
  }
}

customElements.define('slicesam-source-panel', SliceSamSourcePanel);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-source-panel': SliceSamSourcePanel;
  }
}
