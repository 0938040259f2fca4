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
