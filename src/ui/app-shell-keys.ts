/**
 * The shell's keyboard shortcuts: the list the help overlay shows, and what a key press on
 * the page does (events for the app, the file pickers, the overlays). Keys typed into a
 * field are left to it.
 */
import { fire } from './events.ts';
import type { SliceSamToolBar } from './tool-bar.ts';
import type { AboutInfo, AnnotationState, BusyState, SaveSummary, ToolState } from './types.ts';

/** Every shortcut, for the help overlay (`?`). */
export const SHORTCUTS: [string, string][] = [
  ['O / ⇧O', 'open files / a folder'],
  ['N / B', 'next / previous case'],
  ['R', 'box prompt (drag on a slice)'],
  ['H / J', 'positive / negative point'],
  ['P (or D) / E / F', 'brush / eraser / fill'],
  ['- / =', 'smaller / larger brush'],
  ['M', "the active object's mask on this slice becomes a prompt"],
  ['1 2 3 4 5', 'axial / coronal / sagittal / all three / 3D view'],
  ['T', 'propagate until the object ends'],
  ['⇧T', 'propagate between the prompts'],
  ['[ / ]', 'propagate backward / forward from this slice'],
  ['← → / PgUp PgDn', 'previous / next slice'],
  ['A / C', 'add object / cycle objects'],
  ['L', 'lock or unlock the active object'],
  ['U', 'labels as outlines / filled'],
  ['G', 'MR bias-field correction (N4) on / off: off shows the original at once'],
  ['right-drag', 'window / level: ↔ width (contrast), ↕ level (up is brighter); W and L show top left'],
  ['Z / ⇧Z, Ctrl+wheel', 'zoom in / out about the pointer'],
  ['middle-drag / ⇧+drag', 'pan'],
  ['0', 'whole slices again (zoom and pan reset)'],
  ['V', 'radiological (patient left on screen right) / neurological convention'],
  ['X', 'crosshair on / off'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+⇧Z / Ctrl+Y', 'redo'],
  ['S / Ctrl+S', 'save'],
  ['Esc', 'cancel the running work, or leave the current tool'],
  ['I', 'about this device (WebGPU, threads, storage, the model chosen)'],
  ['?', 'this help'],
];

/** What the keys read and change of the shell (SliceSamApp). */
export interface KeyHost extends EventTarget {
  readonly tools: ToolState;
  readonly annotation: AnnotationState;
  readonly busy: BusyState | null;
  readonly about: AboutInfo | null;
  readonly saveSummary: SaveSummary | null;
  helpOpen: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** A key pressed on the page (the shell listens on the window). */
export function shellKey(host: KeyHost, e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  const target = e.composedPath()[0];
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
    e.preventDefault(); // never the browser's "save page"
    if (host.tools.caseOpen) fire(host, 'save-case', {});
    return;
  }
  if ((e.ctrlKey || e.metaKey) && !e.altKey && host.tools.caseOpen) {
    const k = e.key.toLowerCase();
    if (k === 'z' || k === 'y') {
      e.preventDefault();
      fire(host, k === 'y' || e.shiftKey ? 'redo' : 'undo', {});
      return;
    }
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '?') {
    e.preventDefault();
    host.helpOpen = !host.helpOpen;
    return;
  }
  if (host.tools.caseOpen && annotationKey(host, e)) {
    e.preventDefault();
    return;
  }
  const tool = host.tools.tool;
  if (e.key === 'n') {
    e.preventDefault();
    fire(host, 'next-case', {});
  } else if (e.key === 'b') {
    e.preventDefault();
    fire(host, 'previous-case', {});
  } else if (e.key === 's' && host.tools.caseOpen) {
    e.preventDefault();
    fire(host, 'save-case', {});
  } else if ((e.key === 'd' || e.key === 'p') && host.tools.caseOpen) {
    e.preventDefault();
    fire(host, 'set-tool', { tool: tool === 'pen' ? 'off' : 'pen' });
  } else if (e.key === 'e' && host.tools.caseOpen) {
    e.preventDefault();
    fire(host, 'set-tool', { tool: tool === 'erase' ? 'off' : 'erase' });
  } else if (e.key === 'o') {
    e.preventDefault();
    host.renderRoot.querySelector<SliceSamToolBar>('slicesam-tool-bar')?.openFilePicker();
  } else if (e.key === 'O') {
    e.preventDefault();
    host.renderRoot.querySelector<SliceSamToolBar>('slicesam-tool-bar')?.openFolderPicker();
  } else if (e.key === 'Escape' && host.busy) {
    e.preventDefault();
    fire(host, 'cancel-task', {});
  } else if (e.key === 'Escape' && host.helpOpen) {
    host.helpOpen = false;
  } else if (e.key === 'Escape' && host.about) {
    fire(host, 'close-about', {});
  } else if (e.key === 'i') {
    e.preventDefault();
    fire(host, 'show-about', {});
  } else if (e.key === 'Escape' && host.saveSummary) {
    fire(host, 'close-summary', {});
  } else if (e.key === 'Escape' && host.tools.caseOpen && (host.annotation.promptTool || host.tools.tool !== 'off')) {
    e.preventDefault();
    fire(host, 'set-prompt-tool', { tool: null });
    fire(host, 'set-tool', { tool: 'off' });
  }
}

/** Keys of the open case's annotation; true when the key was used. */
function annotationKey(host: KeyHost, e: KeyboardEvent): boolean {
  const prompt = (tool: 'box' | 'positive' | 'negative' | 'fill') => fire(host, 'set-prompt-tool', { tool: host.annotation.promptTool === tool ? null : tool });
  switch (e.key) {
    case 'r': prompt('box'); return true;
    case 'h': prompt('positive'); return true;
    case 'j': prompt('negative'); return true;
    case 't': fire(host, 'propagate', { mode: 'until-end' }); return true;
    case 'T': fire(host, 'propagate', { mode: 'between' }); return true;
    case '[': fire(host, 'propagate', { mode: 'backward' }); return true;
    case ']': fire(host, 'propagate', { mode: 'forward' }); return true;
    case 'ArrowLeft': case 'PageDown': fire(host, 'step-slice', { delta: -1 }); return true;
    case 'ArrowRight': case 'PageUp': fire(host, 'step-slice', { delta: 1 }); return true;
    case 'a': fire(host, 'new-object', {}); return true;
    case 'c': fire(host, 'cycle-object', { delta: 1 }); return true;
    case 'l': fire(host, 'toggle-lock', {}); return true;
    case 'f': prompt('fill'); return true;
    case 'm': fire(host, 'mask-to-prompt', {}); return true;
    case '1': case '2': case '3': case '4': case '5':
      fire(host, 'set-layout', { layout: (['axial', 'coronal', 'sagittal', 'multiplanar', 'render'] as const)[Number(e.key) - 1]! });
      return true;
    case '-': fire(host, 'set-pen-size', { size: host.annotation.penSize - 1 }); return true;
    case '=': case '+': fire(host, 'set-pen-size', { size: host.annotation.penSize + 1 }); return true;
    case 'u': fire(host, 'set-label-style', { opacity: host.annotation.opacity, outline: !host.annotation.outline }); return true;
    case 'g': fire(host, 'toggle-n4', {}); return true;
    // Not - / = (the brush) nor Ctrl+- / Ctrl+= (the browser's zoom).
    case 'z': fire(host, 'view-action', { action: 'zoom-in' }); return true;
    case 'Z': fire(host, 'view-action', { action: 'zoom-out' }); return true;
    case '0': fire(host, 'view-action', { action: 'reset-view' }); return true;
    case 'v': fire(host, 'view-action', { action: 'toggle-convention' }); return true;
    case 'x': fire(host, 'view-action', { action: 'toggle-crosshair' }); return true;
    default: return false;
  }
}
