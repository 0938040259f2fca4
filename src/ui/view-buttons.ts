/**
 * The annotation bar's reading buttons: the left–right convention, the crosshair, and the
 * zoom (whole slices again). A template the bar renders; it fires `view-action`.
 */
import { html } from 'lit';
import { fire } from './events.ts';
import type { AnnotationState } from './types.ts';

export function viewButtons(host: HTMLElement, a: AnnotationState) {
  const convention = a.radiological ? 'Radiological' : 'Neurological';
  return html`<button type="button" aria-label="Left–right convention: ${convention}"
      title="${a.radiological ? 'Radiological: the patient\'s left is on the screen\'s right (as on a PACS)' : 'Neurological: the patient\'s left is on the screen\'s left'}; V switches"
      @click=${() => fire(host, 'view-action', { action: 'toggle-convention' })}>${convention} <kbd>V</kbd></button>
    <button type="button" title="Show or hide the crosshair (X); brush and eraser strokes leave it where it is" aria-pressed=${a.crosshair}
      @click=${() => fire(host, 'view-action', { action: 'toggle-crosshair' })}>Crosshair <kbd>X</kbd></button>
    <button type="button" title="Whole slices again: zoom and pan reset (0). Zoom: Z / Shift+Z or Ctrl+wheel; pan: middle-drag or Shift+drag"
      @click=${() => fire(host, 'view-action', { action: 'reset-view' })}>Fit <kbd>0</kbd></button>`;
}
