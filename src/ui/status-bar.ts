import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import type { BusyState, StatusMessage } from './types.ts';

/**
 * The bottom bar: progress with Cancel while work runs, otherwise the latest
 * message; the latest error stays visible (file and reason) until dismissed.
 * @fires cancel-task - the Cancel button was pressed
 * @fires dismiss-messages - the error was dismissed
 */
export class SliceSamStatusBar extends LitElement {
  static override properties = {
    busy: { attribute: false },
    device: { attribute: false },
    messages: { attribute: false },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 12px;
        min-height: 30px;
        padding: 3px 12px;
        background: var(--ss-panel-bg);
        border-top: 1px solid var(--ss-panel-border);
      }
      .progress { display: flex; align-items: center; gap: 8px; flex: 0 1 auto; min-width: 0; }
      .device { margin-left: auto; font-size: 12px; color: var(--ss-muted); white-space: nowrap; }
      .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
      progress { width: 180px; height: 10px; accent-color: var(--ss-accent); }
      .count { color: var(--ss-muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
      .cancel { padding: 1px 10px; border: 1px solid var(--ss-panel-border); background: #fff; color: inherit; }
      .cancel:hover { background: #eef2f6; }
      .info { color: var(--ss-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
      .warning { color: var(--ss-warning); }
      .error {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-left: auto;
        min-width: 0;
        padding: 2px 8px;
        border-radius: var(--ss-radius);
        background: var(--ss-error-soft);
        color: var(--ss-error);
      }
      .error .text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .error .file { font-weight: 600; }
      .more { white-space: nowrap; }
      .dismiss { border: none; background: none; color: inherit; padding: 0 2px; font-size: 15px; line-height: 1; }
    `,
  ];

  /** Work in progress, or null. */
  declare busy: BusyState | null;
  /** Messages, oldest first. */
  declare messages: StatusMessage[];

  /** Where the SAM2 engine runs ('WebGPU', 'WASM × 4'), or null before it started. */
  declare device: string | null;

  constructor() {
    super();
    this.device = null;
    this.busy = null;
    this.messages = [];
  }

  override render() {
    const errors = this.messages.filter((m) => m.level === 'error');
    const latest = this.messages.filter((m) => m.level !== 'error').at(-1);
    return html`
      ${this.busy ? this.#renderBusy(this.busy) : nothing}
      ${!this.busy && latest
        ? html`<span class="info ${latest.level === 'warning' ? 'warning' : ''}" role="status">${latest.text}</span>`
        : nothing}
      ${errors.length > 0 ? this.#renderError(errors) : nothing}
      ${this.device ? html`<span class="device" title="Where the SAM2 engine runs">Engine: ${this.device}</span>` : nothing}
    `;
  }

  #renderBusy(busy: BusyState) {
    const known = busy.total > 0;
    return html`<div class="progress" role="status">
      <span class="label">${busy.label}</span>
      <progress max=${known ? busy.total : nothing} value=${known ? busy.done : nothing}></progress>
      ${known ? html`<span class="count">${busy.done} / ${busy.total}</span>` : nothing}
      <button type="button" class="cancel" title="Cancel (Esc)" @click=${() => fire(this, 'cancel-task', {})}>Cancel</button>
    </div>`;
  }

  #renderError(errors: StatusMessage[]) {
    const last = errors.at(-1)!;
    const more = errors.length - 1;
    return html`<div class="error" role="alert">
      <span class="text" title=${last.text}>
        ${last.file
          ? html`<span class="file">${last.file}</span>: ${last.reason ?? last.text}`
          : last.text}
      </span>
      ${more > 0 ? html`<span class="more">(+${more} more)</span>` : nothing}
      <button type="button" class="dismiss" title="Dismiss" aria-label="Dismiss errors" @click=${() => fire(this, 'dismiss-messages', {})}>×</button>
    </div>`;
  }
}

customElements.define('slicesam-status-bar', SliceSamStatusBar);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-status-bar': SliceSamStatusBar;
  }
}
