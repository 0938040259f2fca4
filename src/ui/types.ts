/** View models the components render. Plain data; the app layer fills them. */
import type { SourceFormat, Vec3 } from '../shared/volume.ts';

export type VolumeItemStatus = 'idle' | 'loading' | 'shown' | 'failed';

/** A volume found in what the user opened. */
export interface VolumeItem {
  id: string;
  name: string;
  kind: SourceFormat;
  fileCount: number;
  /** Known once the scan or a load has told us. */
  dims?: Vec3;
  status: VolumeItemStatus;
}

/** A file that was not used, and why. */
export interface SkippedItem {
  path: string;
  code: string;
  reason: string;
}

/** Work in progress: drives the progress bar and the Cancel button. */
export interface BusyState {
  label: string;
  done: number;
  /** 0 when the total is not known yet (indeterminate bar). */
  total: number;
}

export type MessageLevel = 'info' | 'warning' | 'error';

export interface StatusMessage {
  id: number;
  level: MessageLevel;
  text: string;
  /** For problems with a file: which file, and why. */
  file?: string;
  reason?: string;
}
