/**
 * `window.__slicesam`: read-only numbers for Playwright. Installed in dev
 * builds and when the browser is driven by automation (navigator.webdriver),
 * never for an ordinary user of the production build.
 */
import type { VolumeItem } from '../ui/types.ts';
import type { ViewerState } from '../viewer/viewer-controller.ts';
import type { AppController } from './app-controller.ts';
import type { Vec3, VoxelType } from '../shared/volume.ts';

export interface TestSnapshot {
  volumes: Pick<VolumeItem, 'id' | 'name' | 'kind' | 'fileCount' | 'dims' | 'status'>[];
  skipped: { path: string; code: string; reason: string }[];
  selectedId: string | null;
  busy: boolean;
  /** Error texts in the status bar, oldest first. */
  errors: string[];
  /** The volume as io read it, or null. */
  volume: { dims: Vec3; spacing: Vec3; datatype: VoxelType; voxels: number; sourceFiles: number } | null;
  /** What NiiVue holds, or null when the viewer could not start (no WebGL2). */
  viewer: ViewerState | null;
}

export interface TestHook {
  state(): TestSnapshot;
}

declare global {
  interface Window {
    __slicesam?: TestHook;
  }
}

export function shouldInstallTestHook(): boolean {
  return import.meta.env.DEV || navigator.webdriver === true;
}

export function installTestHook(app: AppController, viewerState: () => ViewerState | null): void {
  const hook: TestHook = {
    state() {
      const s = app.state;
      const v = app.volume;
      return structuredClone({
        volumes: s.volumes.map(({ id, name, kind, fileCount, dims, status }) => ({ id, name, kind, fileCount, dims, status })),
        skipped: s.skipped.map(({ path, code, reason }) => ({ path, code, reason })),
        selectedId: s.selectedId,
        busy: s.busy !== null,
        errors: s.messages.filter((m) => m.level === 'error').map((m) => m.text),
        volume: v
          ? { dims: v.dims, spacing: v.spacing, datatype: v.datatype, voxels: v.data.length, sourceFiles: v.meta.sourcePaths.length }
          : null,
        viewer: viewerState(),
      });
    },
  };
  Object.defineProperty(window, '__slicesam', { value: Object.freeze(hook), configurable: true });
}
