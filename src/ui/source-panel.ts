import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import type { QueueCounts, SkippedItem, VolumeItem } from './types.ts';

const STATUS_TEXT: Readonly<Record<VolumeItem['caseStatus'], string>> = {
  todo: 'to do',
  'in-progress': 'in progress',
  done: 'done',
  skipped: 'skipped',
  failed: 'failed',
};

function formatDims(dims: VolumeItem['dims']): string {
  return dims ? dims.join(' × ') : '';
}

/**
 * The left panel: the case queue (one case per DICOM series or NIfTI file,
 * with its status; a failed case with its reason and Retry), counts,
 * Previous / Next / Skip, and the files that were left out with the reason
 * (a list that opens on demand and can be dismissed).
 * @fires select-volume - a case was chosen
 * @fires retry-case - Retry on a failed case
 * @fires previous-case, next-case, skip-case
 */
export class SliceSamSourcePanel extends LitElement {
  static override properties = {
    volumes: { attribute: false },
    skipped: { attribute: false },
    selectedId: { attribute: false },
    counts: { attribute: false },
    leftOutDismissed: { state: true },
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
      h2, details.left-out summary {
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
        border-left: 3px solid #b8c2cc;
        background: #eef1f4;
        border-radius: 0 var(--ss-radius) var(--ss-radius) 0;
      }
      .path { display: block; font-weight: 600; overflow-wrap: anywhere; }
      .reason { display: block; color: var(--ss-muted); font-size: 12px; }
      .counts { padding: 0 12px 6px; color: var(--ss-muted); font-size: 12px; }
      .counts b { color: var(--ss-text); }
      .nav { display: flex; gap: 6px; padding: 0 12px 8px; }
      .nav button { flex: 1; padding: 4px 6px; border: 1px solid var(--ss-panel-border); background: #fff; }
      .nav button:hover:not(:disabled) { background: #eef2f6; }
      .nav button:disabled { opacity: 0.5; cursor: not-allowed; }
      .badge {
        display: inline-block;
        padding: 0 6px;
        border-radius: 8px;
        font-size: 11px;
        line-height: 16px;
        background: #e6ebf0;
        color: var(--ss-muted);
      }
      .badge.in-progress { background: #fff1cc; color: var(--ss-warning); }
      .badge.done { background: #daf2e3; color: #17603a; }
      .badge.skipped { background: #ececec; color: #555; }
      .badge.failed { background: var(--ss-error-soft); color: var(--ss-error); }
      .case-reason { display: block; font-size: 12px; color: var(--ss-error); overflow-wrap: anywhere; }
      .case-reason.skipped { color: var(--ss-muted); font-style: italic; }
      .failed-row { display: flex; gap: 4px; align-items: flex-start; }
      .failed-row .volume { flex: 1; min-width: 0; }
      .retry { margin-top: 6px; padding: 2px 8px; border: 1px solid var(--ss-panel-border); background: #fff; font-size: 12px; }
      .retry:hover { background: #eef2f6; }
      details.left-out { padding: 0 0 4px; }
      details.left-out summary { cursor: pointer; padding-top: 8px; }
      .dismiss-left-out { margin: 0 12px 8px; padding: 2px 8px; border: 1px solid var(--ss-panel-border); background: #fff; font-size: 12px; }
      .skip-reason { padding: 0 12px 8px; }
      .skip-reason input {
        width: 100%;
        font: inherit;
        font-size: 12px;
        padding: 3px 6px;
        border: 1px solid var(--ss-panel-border);
        border-radius: var(--ss-radius);
      }
    `,
  ];

  /** Volumes found by the last scan, in scan order. */
  declare volumes: VolumeItem[];
  /** Files the last scan could not use. */
  declare skipped: SkippedItem[];
  /** The volume shown in the viewer. */
  declare selectedId: string | null;
  /** Done / skipped / failed / remaining over the whole queue. */
  declare counts: QueueCounts | null;
  /** The list of left-out files was dismissed (until the next scan gives another list). */
  declare leftOutDismissed: boolean;

  constructor() {
    super();
    this.volumes = [];
    this.skipped = [];
    this.selectedId = null;
    this.counts = null;
    this.leftOutDismissed = false;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('skipped')) this.leftOutDismissed = false;
  }

  override render() {
    return html`
      <h2 id="volumes-heading">Cases (${this.volumes.length})</h2>
      ${this.counts && this.volumes.length > 0 ? this.#renderCounts(this.counts) : nothing}
      ${this.volumes.length === 0
        ? html`<p class="empty">Open files, a folder or the demo cohort to list its cases.</p>`
        : html`<ul class="volumes" aria-labelledby="volumes-heading">
            ${this.volumes.map((v) => this.#renderVolume(v))}
          </ul>`}
      ${this.skipped.length === 0 || this.leftOutDismissed
        ? nothing
        : html`<details class="left-out">
            <summary id="skipped-heading">Files left out (${this.skipped.length})</summary>
            <ul class="skipped" aria-labelledby="skipped-heading">
              ${this.skipped.map(
                (s) => html`<li data-code=${s.code}>
                  <span class="path">${s.path}</span>
                  <span class="reason">${s.reason}</span>
                </li>`,
              )}
            </ul>
            <button type="button" class="dismiss-left-out" @click=${() => (this.leftOutDismissed = true)}>Dismiss this list</button>
          </details>`}
    `;
  }

  #renderCounts(c: QueueCounts) {
    const open = this.selectedId !== null;
    return html`<div class="counts" aria-live="polite">
        <b>${c.done}</b> done · <b>${c.skipped}</b> skipped · <b>${c.remaining}</b> remaining${c.failed ? html` · <b>${c.failed}</b> failed` : nothing}
      </div>
      <div class="nav">
        <button type="button" title="Previous case (B)" @click=${() => fire(this, 'previous-case', {})}>‹ Prev <kbd>B</kbd></button>
        <button type="button" title="Skip this case (with the reason typed below, if any)" ?disabled=${!open} @click=${this.#skip}>Skip</button>
        <button type="button" title="Next case (N)" @click=${() => fire(this, 'next-case', {})}>Next <kbd>N</kbd> ›</button>
      </div>
      <div class="skip-reason"><input type="text" aria-label="Skip reason" placeholder="Skip reason (optional)" ?disabled=${!open} /></div>`;
  }

  #skip(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('.skip-reason input');
    const reason = input?.value.trim() ?? '';
    if (input) input.value = '';
    fire(this, 'skip-case', reason ? { reason } : {});
  }

  #renderVolume(v: VolumeItem) {
    const kind = v.kind === 'dicom' ? `DICOM · ${v.fileCount} ${v.fileCount === 1 ? 'file' : 'files'}` : 'NIfTI';
    const status =
      v.status === 'loading'
        ? html` · <span class="status-loading">loading…</span>`
        : v.status === 'failed' && v.caseStatus !== 'failed' // the badge says so already
          ? html` · <span class="status-failed">failed</span>`
          : nothing;
    const row = html`<button
        type="button"
        class="volume"
        data-id=${v.id}
        aria-current=${v.id === this.selectedId ? 'true' : 'false'}
        @click=${() => fire(this, 'select-volume', { id: v.id })}
      >
        <span class="name">${v.name}</span>
        <span class="meta"
          ><span class="badge ${v.caseStatus}" data-status=${v.caseStatus}>${STATUS_TEXT[v.caseStatus]}</span>
          ${kind}${v.dims ? ` · ${formatDims(v.dims)}` : ''}${status}</span
        >
        ${v.reason ? html`<span class="case-reason ${v.caseStatus}">${v.reason}</span>` : nothing}
      </button>`;
    if (v.caseStatus !== 'failed') return html`<li>${row}</li>`;
    return html`<li class="failed-row">
      ${row}
      <button type="button" class="retry" title="Read this case's files again" aria-label=${`Retry ${v.name}`} @click=${() => fire(this, 'retry-case', { id: v.id })}>Retry</button>
    </li>`;
  }
}

customElements.define('slicesam-source-panel', SliceSamSourcePanel);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-source-panel': SliceSamSourcePanel;
  }
}
