/**
 * Every event the components fire, typed once. All bubble and are composed,
 * so the app listens on <slicesam-app> only.
 */

export interface SliceSamEventDetail {
  /** The user picked files (file input or the `o` key). */
  'open-files': { files: File[] };
  /** The user asked to open a folder; the listener must call showDirectoryPicker synchronously. */
  'open-folder': Record<string, never>;
  /** The user chose a volume in the list. */
  'select-volume': { id: string };
  /** The user cancelled the running scan or load. */
  'cancel-task': Record<string, never>;
  /** The user dismissed the error messages. */
  'dismiss-messages': Record<string, never>;
  /** Open the demo cohort that ships with the app. */
  'open-demo': Record<string, never>;
  /** Reopen the folder of the last session (may ask for permission again). */
  'resume-root': Record<string, never>;
  /** Write the open case's outputs. */
  'save-case': Record<string, never>;
  'next-case': Record<string, never>;
  'previous-case': Record<string, never>;
  /** Mark the open case skipped and move on. */
  'skip-case': { reason?: string };
  /** Read a failed case again (its files, or the folder's scan). */
  'retry-case': { id: string };
  /** Pen, eraser, or neither. */
  'set-tool': { tool: 'off' | 'pen' | 'erase' };
  'new-object': Record<string, never>;
  'select-object': { labelValue: number };
  /** Download the outputs kept in the browser (the demo cohort's labels/ folder). */
  'download-outputs': Record<string, never>;
  /** Box, positive or negative point; null: back to the normal mouse. */
  'set-prompt-tool': { tool: 'box' | 'positive' | 'negative' | 'fill' | null };
  'set-pen-size': { size: number };
  'show-about': Record<string, never>;
  'close-about': Record<string, never>;
  /** Install the new version (after autosaving) and reload. */
  'apply-update': Record<string, never>;
  'set-layout': { layout: 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render' };
  /** The active object's mask on the current slice becomes a prompt (a conditioning slice). */
  'mask-to-prompt': Record<string, never>;
  'propagate': { mode: 'between' | 'forward' | 'backward' | 'until-end' | 'all' };
  'undo': Record<string, never>;
  'redo': Record<string, never>;
  'select-model': { id: string };
  /** Load a model from disk (its folder or files); the listener must call showDirectoryPicker synchronously. */
  'load-model-from-disk': Record<string, never>;
  /** The model dialog's answer: download, pick from disk (with the files when the dialog's own input took them), or cancel. */
  'model-dialog-answer': { answer: 'download' | 'choose' | 'cancel'; files?: { path: string; file: File }[] };
  /** Lock or unlock an object (the active one when no label value is given). */
  'toggle-lock': { labelValue?: number };
  'toggle-visible': { labelValue: number };
  'rename-object': { labelValue: number; name: string };
  'recolor-object': { labelValue: number; color: [number, number, number] };
  'delete-object': { labelValue: number };
  'set-window-preset': { id: string };
  /** Zoom the slices in or out (about the pointer), show them whole again, flip the left–right convention, show or hide the crosshair. */
  'view-action': { action: 'zoom-in' | 'zoom-out' | 'reset-view' | 'toggle-convention' | 'toggle-crosshair' };
  'set-label-style': { opacity: number; outline: boolean };
  /** Close the volumetry shown after a save. */
  'close-summary': Record<string, never>;
  /** Remove an object's prompts on one slice. */
  'clear-prompts': { labelValue: number; slice: number };
  /** The confidence strip was clicked. */
  'go-to-slice': { axis: 0 | 1 | 2; slice: number };
  /** Slice keys. */
  'step-slice': { delta: number };
  /** Cycle the active object. */
  'cycle-object': { delta: number };
  /** N4 bias-field correction of the open case on or off (cancels it while it runs). */
  'toggle-n4': Record<string, never>;
  /** The N4 preset: ITK's defaults or the fast 4 × 4 iterations. */
  'set-n4-preset': { preset: 'default' | 'fast' };
}

export type SliceSamEventName = keyof SliceSamEventDetail;

declare global {
  interface HTMLElementEventMap {
    'open-files': CustomEvent<SliceSamEventDetail['open-files']>;
    'open-folder': CustomEvent<SliceSamEventDetail['open-folder']>;
    'select-volume': CustomEvent<SliceSamEventDetail['select-volume']>;
    'cancel-task': CustomEvent<SliceSamEventDetail['cancel-task']>;
    'dismiss-messages': CustomEvent<SliceSamEventDetail['dismiss-messages']>;
    'open-demo': CustomEvent<SliceSamEventDetail['open-demo']>;
    'resume-root': CustomEvent<SliceSamEventDetail['resume-root']>;
    'save-case': CustomEvent<SliceSamEventDetail['save-case']>;
    'next-case': CustomEvent<SliceSamEventDetail['next-case']>;
    'previous-case': CustomEvent<SliceSamEventDetail['previous-case']>;
    'skip-case': CustomEvent<SliceSamEventDetail['skip-case']>;
    'retry-case': CustomEvent<SliceSamEventDetail['retry-case']>;
    'set-tool': CustomEvent<SliceSamEventDetail['set-tool']>;
    'new-object': CustomEvent<SliceSamEventDetail['new-object']>;
    'select-object': CustomEvent<SliceSamEventDetail['select-object']>;
    'download-outputs': CustomEvent<SliceSamEventDetail['download-outputs']>;
    'set-prompt-tool': CustomEvent<SliceSamEventDetail['set-prompt-tool']>;
    'propagate': CustomEvent<SliceSamEventDetail['propagate']>;
    'undo': CustomEvent<SliceSamEventDetail['undo']>;
    'redo': CustomEvent<SliceSamEventDetail['redo']>;
    'select-model': CustomEvent<SliceSamEventDetail['select-model']>;
    'load-model-from-disk': CustomEvent<SliceSamEventDetail['load-model-from-disk']>;
    'model-dialog-answer': CustomEvent<SliceSamEventDetail['model-dialog-answer']>;
    'toggle-lock': CustomEvent<SliceSamEventDetail['toggle-lock']>;
    'go-to-slice': CustomEvent<SliceSamEventDetail['go-to-slice']>;
    'step-slice': CustomEvent<SliceSamEventDetail['step-slice']>;
    'cycle-object': CustomEvent<SliceSamEventDetail['cycle-object']>;
    'toggle-visible': CustomEvent<SliceSamEventDetail['toggle-visible']>;
    'rename-object': CustomEvent<SliceSamEventDetail['rename-object']>;
    'recolor-object': CustomEvent<SliceSamEventDetail['recolor-object']>;
    'delete-object': CustomEvent<SliceSamEventDetail['delete-object']>;
    'clear-prompts': CustomEvent<SliceSamEventDetail['clear-prompts']>;
    'set-pen-size': CustomEvent<SliceSamEventDetail['set-pen-size']>;
    'show-about': CustomEvent<SliceSamEventDetail['show-about']>;
    'close-about': CustomEvent<SliceSamEventDetail['close-about']>;
    'apply-update': CustomEvent<SliceSamEventDetail['apply-update']>;
    'set-layout': CustomEvent<SliceSamEventDetail['set-layout']>;
    'mask-to-prompt': CustomEvent<SliceSamEventDetail['mask-to-prompt']>;
    'set-window-preset': CustomEvent<SliceSamEventDetail['set-window-preset']>;
    'view-action': CustomEvent<SliceSamEventDetail['view-action']>;
    'set-label-style': CustomEvent<SliceSamEventDetail['set-label-style']>;
    'close-summary': CustomEvent<SliceSamEventDetail['close-summary']>;
    'toggle-n4': CustomEvent<SliceSamEventDetail['toggle-n4']>;
    'set-n4-preset': CustomEvent<SliceSamEventDetail['set-n4-preset']>;
  }
}

/** Fire a typed event from a component. */
export function fire<K extends SliceSamEventName>(from: EventTarget, type: K, detail: SliceSamEventDetail[K]): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
