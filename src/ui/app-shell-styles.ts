/**
 * The app shell's own styles: the grid of its parts (tool bar, annotation bar, source panel,
 * viewer, objects panel, confidence strip, status bar) and its overlays (volumetry, update
 * notice, help and about dialogs, caption, the empty viewer's hint).
 */
import { css } from 'lit';

export const shellStyles = css`
  :host {
    display: grid;
    grid-template-rows: auto auto minmax(0, 1fr) auto auto;
    grid-template-columns: 260px minmax(0, 1fr) auto;
    grid-template-areas:
      'bar bar bar'
      'anno anno anno'
      'side main objs'
      'side strip objs'
      'status status status';
    height: 100%;
    overflow: hidden;
  }
  slicesam-tool-bar { grid-area: bar; }
  slicesam-source-panel { grid-area: side; min-height: 0; }
  slicesam-status-bar { grid-area: status; }
  slicesam-annotation-bar { grid-area: anno; }
  slicesam-confidence-strip { grid-area: strip; }
  slicesam-objects-panel { grid-area: objs; width: 250px; min-height: 0; }
  .summary {
    position: absolute;
    top: 34px;
    right: 10px;
    max-width: 420px;
    background: rgba(255, 255, 255, 0.96);
    border-radius: 6px;
    padding: 10px 14px;
    box-shadow: 0 6px 24px #0007;
    z-index: 5;
  }
  .summary h2 { margin: 0 0 6px; font-size: 14px; }
  .summary table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  .summary th, .summary td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #e3e8ee; }
  .summary th:first-child, .summary td:first-child { text-align: left; }
  .summary tfoot td { font-weight: 600; border-bottom: 0; }
  .summary .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
  .summary .small { font-size: 11px; color: var(--ss-muted); margin: 6px 0; overflow-wrap: anywhere; }
  .summary .actions { display: flex; gap: 8px; justify-content: flex-end; }
  .summary button { padding: 4px 10px; border: 1px solid var(--ss-panel-border); background: #fff; }
  .summary button.primary { background: var(--ss-accent); color: #fff; border-color: var(--ss-accent); }
  .update {
    position: fixed;
    left: 50%;
    top: 8px;
    transform: translateX(-50%);
    z-index: 11;
    background: #fff7d6;
    border: 1px solid #d9a400;
    border-radius: 6px;
    padding: 6px 12px;
    box-shadow: 0 4px 16px #0004;
  }
  .update button { margin-left: 8px; padding: 2px 10px; border: 1px solid #d9a400; background: #ffe083; }
  .small { font-size: 11px; color: var(--ss-muted); }
  td.yes { color: #1f6f43; }
  td.no { color: var(--ss-error); }
  .help {
    position: fixed;
    inset: 0;
    display: grid;
    place-items: center;
    background: rgba(0, 0, 0, 0.45);
    z-index: 10;
  }
  .help section { background: #fff; color: var(--ss-text); padding: 16px 20px; border-radius: 6px; min-width: 420px; box-shadow: 0 8px 30px #0006; }
  .help h2 { margin: 0 0 8px; font-size: 15px; }
  .help table { border-collapse: collapse; }
  .help td { padding: 3px 10px 3px 0; }
  .help td:first-child { font-weight: 600; white-space: nowrap; }
  main {
    grid-area: main;
    position: relative;
    min-width: 0;
    min-height: 0;
    background: var(--ss-viewer-bg);
  }
  ::slotted([slot='viewer']) {
    position: absolute;
    inset: 0;
  }
  .caption {
    position: absolute;
    top: 6px;
    right: 8px;
    padding: 2px 8px;
    border-radius: var(--ss-radius);
    background: rgba(0, 0, 0, 0.55);
    color: #dfe7ef;
    font-size: 12px;
    pointer-events: none;
  }
  .empty {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    text-align: center;
    color: #8fa0b0;
    pointer-events: none;
  }
  .empty p { margin: 4px 0; }
`;
