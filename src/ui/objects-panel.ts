import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import type { ObjectRow } from './types.ts';

const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const rgbOf = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/**
 * The open case's objects: pick the active one, rename, recolour, hide, lock, delete;
 * each lists the slices it has prompts on (click to go there, × to remove them).
 * @fires select-object, rename-object, recolor-object, toggle-visible, toggle-lock, delete-object, go-to-slice, clear-prompts, new-object
 */
export class SliceSamObjectsPanel extends LitElement {
  static override properties = { objects: { attribute: false }, activeLabel: { attribute: false } };

  static override styles = [
    theme,
    css`
      :host { display: flex; flex-direction: column; overflow: auto; background: var(--ss-panel-bg); border-left: 1px solid var(--ss-panel-border); }
      li.hidden input[type='text'] { color: var(--ss-muted); font-style: italic; }
      h2 { margin: 0; padding: 10px 12px 6px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; color: var(--ss-muted); display: flex; justify-content: space-between; align-items: center; }
      h2 button { text-transform: none; letter-spacing: 0; font-weight: 500; }
      ul { list-style: none; margin: 0; padding: 0 6px 8px; }
      li { border: 1px solid transparent; border-radius: var(--ss-radius); padding: 5px 6px; margin-bottom: 3px; }
      li.active { border-color: var(--ss-accent); background: var(--ss-accent-soft); }
      .row { display: flex; align-items: center; gap: 4px; }
      input[type='color'] { width: 22px; height: 22px; padding: 0; border: 1px solid #0003; border-radius: 3px; background: none; cursor: pointer; }
      input[type='text'] { flex: 1; min-width: 0; font: inherit; padding: 2px 4px; border: 1px solid transparent; border-radius: 3px; background: transparent; }
      input[type='text']:hover, input[type='text']:focus { border-color: var(--ss-panel-border); background: #fff; }
      button { border: 1px solid var(--ss-panel-border); background: #fff; padding: 1px 6px; font-size: 12px; color: inherit; }
      button[aria-pressed='true'] { background: #ffe9b3; border-color: #d9a400; }
      .value { font-size: 11px; color: var(--ss-muted); width: 22px; text-align: right; cursor: pointer; }
      .actions { margin: 3px 0 0 26px; }
      .slices { display: flex; flex-wrap: wrap; gap: 3px; margin: 4px 0 0 26px; }
      .chip { display: inline-flex; align-items: center; border: 1px solid var(--ss-panel-border); border-radius: 10px; background: #fff; font-size: 11px; }
      .chip button { border: 0; background: none; padding: 0 5px; font-size: 11px; }
      .hint { font-size: 11px; color: var(--ss-muted); margin: 3px 0 0 26px; }
    `,
  ];

  declare objects: ObjectRow[];
  declare activeLabel: number;

  constructor() {
    super();
    this.objects = [];
    this.activeLabel = 1;
  }

  override render() {
    return html`
      <h2>Objects (${this.objects.length}) <button type="button" title="New object (A)" @click=${() => fire(this, 'new-object', {})}>+ Object</button></h2>
      <ul aria-label="Objects">
        ${this.objects.map((o) => {
          const v = o.labelValue;
          return html`<li class="${v === this.activeLabel ? 'active' : ''} ${o.visible ? '' : 'hidden'}" @click=${() => v !== this.activeLabel && fire(this, 'select-object', { labelValue: v })}>
            <div class="row">
              <span class="value" title="Label value">${v}</span>
              <input type="color" aria-label="Colour of ${o.name}" .value=${hex(o.color)}
                @change=${(e: Event) => fire(this, 'recolor-object', { labelValue: v, color: rgbOf((e.target as HTMLInputElement).value) })} />
              <input type="text" aria-label="Name of object ${v}" .value=${o.name}
                @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
                @change=${(e: Event) => fire(this, 'rename-object', { labelValue: v, name: (e.target as HTMLInputElement).value })} />
            </div>
            <div class="row actions">
              <button type="button" title=${o.visible ? 'Hide' : 'Show'} aria-label="${o.visible ? 'Hide' : 'Show'} ${o.name}" aria-pressed=${!o.visible}
                @click=${(e: Event) => { e.stopPropagation(); fire(this, 'toggle-visible', { labelValue: v }); }}>${o.visible ? 'Hide' : 'Show'}</button>
              <button type="button" title=${o.locked ? 'Unlock' : 'Lock: propagation and brushing leave it alone'} aria-label="${o.locked ? 'Unlock' : 'Lock'} ${o.name}" aria-pressed=${o.locked}
                @click=${(e: Event) => { e.stopPropagation(); fire(this, 'toggle-lock', { labelValue: v }); }}>${o.locked ? 'Locked' : 'Lock'}</button>
              <button type="button" title="Delete (undo with Ctrl+Z)" aria-label="Delete ${o.name}"
                @click=${(e: Event) => { e.stopPropagation(); fire(this, 'delete-object', { labelValue: v }); }}>Delete</button>
            </div>
            ${o.prompted.length
              ? html`<div class="slices" aria-label="Prompted slices of ${o.name}">
                  ${o.prompted.map((s) => html`<span class="chip">
                    <button type="button" title="Go to slice ${s.slice + 1}" @click=${(e: Event) => { e.stopPropagation(); fire(this, 'go-to-slice', { axis: s.axis, slice: s.slice }); }}>${s.plane[0]!.toUpperCase()} ${s.slice + 1}${s.mask ? ' (mask)' : ''}</button>
                    <button type="button" title="Remove the prompts on slice ${s.slice + 1}" aria-label="Remove prompts on slice ${s.slice + 1}"
                      @click=${(e: Event) => { e.stopPropagation(); fire(this, 'clear-prompts', { labelValue: v, slice: s.slice }); }}>×</button>
                  </span>`)}
                </div>`
              : v === this.activeLabel ? html`<div class="hint">Draw a box (R) or a point (H) on a slice.</div>` : nothing}
          </li>`;
        })}
      </ul>
    `;
  }
}

customElements.define('slicesam-objects-panel', SliceSamObjectsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-objects-panel': SliceSamObjectsPanel;
  }
}
