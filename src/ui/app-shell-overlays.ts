/**
 * The shell's overlays over the viewer: the volumetry after a save, the notice of an update,
 * "About this device" and the keyboard shortcuts. Each is a template of what it shows; the
 * shell decides when (its properties) and gets the user's answers as events fired from `host`.
 * The template text is as it was in the shell's render, whitespace included (it is DOM text).
 */
import { html } from 'lit';
import { SHORTCUTS } from './app-shell-keys.ts';
import { fire } from './events.ts';
import type { AboutInfo, SaveSummary } from './types.ts';

/** Volumetry of the case just saved, with the way on to the next case. */
export function summaryDialog(host: EventTarget, s: SaveSummary) {
  const total = s.rows.reduce((t, r) => ({ voxels: t.voxels + r.voxels, mm3: t.mm3 + r.mm3, ml: t.ml + r.ml }), { voxels: 0, mm3: 0, ml: 0 });
  const fmt = (n: number, d: number) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return html`<section class="summary" role="dialog" aria-label="Volumetry of ${s.caseName}">
      <h2>Saved ${s.caseName}</h2>
      <table>
        <thead><tr><th>Object</th><th>Voxels</th><th>mm³</th><th>mL</th></tr></thead>
        <tbody>
          ${s.rows.map((r) => html`<tr>
            <td><span class="swatch" style="background:rgb(${r.color.join(',')})"></span>${r.labelValue} · ${r.name}</td>
            <td>${fmt(r.voxels, 0)}</td><td>${fmt(r.mm3, 1)}</td><td>${fmt(r.ml, 3)}</td></tr>`)}
        </tbody>
        <tfoot><tr><td>Total</td><td>${fmt(total.voxels, 0)}</td><td>${fmt(total.mm3, 1)}</td><td>${fmt(total.ml, 3)}</td></tr></tfoot>
      </table>
      <p class="small">${s.render3d ? 'Drag the 3D view to rotate it. ' : 'The 3D layout (5) shows the labels in 3D. '}Written: ${s.written.join(', ')}</p>
      <div class="actions">
        <button type="button" @click=${() => fire(host, 'close-summary', {})}>Close <kbd>Esc</kbd></button>
        <button type="button" class="primary" @click=${() => fire(host, 'next-case', {})}>Next case <kbd>N</kbd></button>
      </div>
    </section>`;
}

/** A new version is installed and can be applied. */
export function updateNotice(host: EventTarget) {
  return html`<div class="update" role="status">A new version of SliceSAM is ready.
            <button type="button" @click=${() => fire(host, 'apply-update', {})}>Update now</button>
            <span class="small">(your open case is saved to this browser first)</span></div>`;
}

/** About this device: what the browser offers, and the model chosen and why. */
export function aboutDialog(host: EventTarget, about: AboutInfo) {
  return html`<div class="help" role="dialog" aria-label="About this device" @click=${(e: Event) => e.target === e.currentTarget && fire(host, 'close-about', {})}>
            <section>
              <h2>About this device</h2>
              <table>${about.rows.map((r) => html`<tr><td>${r.label}</td><td class=${r.ok === false ? 'no' : r.ok ? 'yes' : ''}>${r.value}</td></tr>`)}</table>
              <p><b>Model:</b> ${about.model}<br /><span class="small">${about.reason}. Choose another in the model list of the annotation bar.</span></p>
              <p class="small">Nothing you open leaves this computer: the only network requests are the app's own files and the model downloads you start.</p>
              <button type="button" @click=${() => fire(host, 'close-about', {})}>Close <kbd>Esc</kbd></button>
            </section>
          </div>`;
}

/** The shortcut help (`?`); a click anywhere closes it. */
export function helpDialog(close: () => void) {
  return html`<div class="help" role="dialog" aria-label="Keyboard shortcuts" @click=${close}>
            <section>
              <h2>Keyboard shortcuts</h2>
              <table>${SHORTCUTS.map(([k, what]) => html`<tr><td>${k}</td><td>${what}</td></tr>`)}</table>
            </section>
          </div>`;
}
