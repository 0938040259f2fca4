import { LitElement, css, html } from 'lit';
import { fire } from './events.ts';
import { theme } from './theme.ts';
import type { ConfidenceStrip } from './types.ts';

/** IoU → colour: red below 0.5, through amber, to green at 0.9 and above. */
export function confidenceColor(iou: number, objectScore: number): string {
  if (!(objectScore > 0)) return '#3b4652'; // the model finds no object here
  const t = Math.max(0, Math.min(1, (iou - 0.5) / 0.4));
  const hue = Math.round(0 + 120 * t);
  return `hsl(${hue}, 70%, 45%)`;
}

/** A slice labelled without a model result in this session: saved earlier, or drawn by hand. */
const LABELLED = '#4f6f94';

/**
 * One cell per slice of the active object's axis: where the model was sure (green), unsure
 * (amber, red), found nothing (grey), where the object is labelled without a model result
 * (blue: a saved label reopened, or brushed), or nothing (empty). Click a cell to go there.
 * @fires go-to-slice
 */
export class SliceSamConfidenceStrip extends LitElement {
  static override properties = { strip: { attribute: false } };

  static override styles = [
    theme,
    css`
      :host { display: block; background: #111820; color: #c9d4de; padding: 3px 10px 4px; }
      .head { display: flex; justify-content: space-between; font-size: 11px; margin-bottom: 2px; }
      .cells { display: flex; height: 14px; gap: 1px; cursor: pointer; }
      .cell { flex: 1 1 0; min-width: 1px; background: #1c252f; position: relative; }
      .cell.current { outline: 2px solid #fff; outline-offset: -1px; z-index: 1; }
    `,
  ];

  declare strip: ConfidenceStrip | null;

  constructor() {
    super();
    this.strip = null;
  }

  override render() {
    const s = this.strip;
    if (!s) return html`<div class="head"><span>Confidence per slice appears here after propagation.</span></div><div class="cells"></div>`;
    const computed = s.slices.filter((c) => c !== null);
    const unsure = computed.filter((c) => c!.objectScore > 0 && c!.iou < 0.7).length;
    const segmented = s.labelled.filter(Boolean).length;
    return html`
      <div class="head">
        <span>Confidence of object ${s.object} along the ${s.plane} slices (${segmented} of ${s.count} segmented${unsure ? `, ${unsure} unsure` : ''})</span>
        <span>slice ${s.current + 1} / ${s.count}</span>
      </div>
      <div class="cells" role="list" aria-label="Confidence per slice">
        ${s.slices.map((c, i) => html`<div
          class="cell ${i === s.current ? 'current' : ''}"
          role="listitem"
          title=${c ? `slice ${i + 1}: IoU ${c.iou.toFixed(2)}, object score ${c.objectScore.toFixed(1)}` : s.labelled[i] ? `slice ${i + 1}: labelled (saved or drawn), no model result yet` : `slice ${i + 1}: not segmented`}
          style=${c ? `background:${confidenceColor(c.iou, c.objectScore)}` : s.labelled[i] ? `background:${LABELLED}` : ''}
          @click=${() => fire(this, 'go-to-slice', { axis: s.axis, slice: i })}
        ></div>`)}
      </div>
    `;
  }
}

customElements.define('slicesam-confidence-strip', SliceSamConfidenceStrip);

declare global {
  interface HTMLElementTagNameMap {
    'slicesam-confidence-strip': SliceSamConfidenceStrip;
  }
}
