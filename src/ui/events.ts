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
}

export type SliceSamEventName = keyof SliceSamEventDetail;

declare global {
  interface HTMLElementEventMap {
    'open-files': CustomEvent<SliceSamEventDetail['open-files']>;
    'open-folder': CustomEvent<SliceSamEventDetail['open-folder']>;
    'select-volume': CustomEvent<SliceSamEventDetail['select-volume']>;
    'cancel-task': CustomEvent<SliceSamEventDetail['cancel-task']>;
    'dismiss-messages': CustomEvent<SliceSamEventDetail['dismiss-messages']>;
  }
}

/** Fire a typed event from a component. */
export function fire<K extends SliceSamEventName>(from: EventTarget, type: K, detail: SliceSamEventDetail[K]): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
