import { css } from 'lit';

/** Colours and type shared by the components: light panels, dark viewer. */
export const theme = css`
  :host {
    --ss-bar-bg: #1f2a36;
    --ss-bar-fg: #e8eef4;
    --ss-panel-bg: #f7f9fb;
    --ss-panel-border: #d9dfe6;
    --ss-text: #1c2733;
    --ss-muted: #5d6b7a;
    --ss-accent: #1668c4;
    --ss-accent-soft: #e3eefb;
    --ss-error: #b3261e;
    --ss-error-soft: #fdecea;
    --ss-warning: #8a5a00;
    --ss-viewer-bg: #000;
    --ss-radius: 4px;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    font-size: 13px;
    color: var(--ss-text);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--ss-radius);
  }
  button:focus-visible { outline: 2px solid var(--ss-accent); outline-offset: 1px; }
  kbd {
    font: 600 10px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    padding: 0 4px;
    border: 1px solid currentColor;
    border-radius: 3px;
    opacity: 0.7;
  }
`;

/**
 * Buttons and selects on the dark bars (tool bar, annotation bar). Each bar sets its own shade
 * and size: --ss-control-bg, --ss-control-hover, --ss-control-pad, --ss-control-gap,
 * --ss-select-pad, --ss-select-max.
 */
export const barControls = css`
  button,
  select {
    color: inherit;
    border: 1px solid #4a5a6b;
    background: var(--ss-control-bg);
  }
  button {
    white-space: nowrap;
    flex-shrink: 0;
    display: inline-flex;
    align-items: center;
    gap: var(--ss-control-gap);
    padding: var(--ss-control-pad);
  }
  button:hover:not(:disabled) { background: var(--ss-control-hover); }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  button[aria-pressed='true'], button[aria-checked='true'] { background: var(--ss-accent); border-color: #4d8fd9; }
  select {
    font: inherit;
    padding: var(--ss-select-pad);
    border-radius: var(--ss-radius);
    max-width: var(--ss-select-max);
  }
  select:disabled { opacity: 0.5; }
`;
