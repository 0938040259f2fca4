/**
 * Composition root: builds the shell and the I/O worker client, and wires them
 * (and the viewer, loaded when the first case opens) together through AppController.
 */
import '../ui/app-shell.ts';
import { IoClient } from '../io/worker/client.ts';
import type { DisplayMode, ViewerController } from '../viewer/viewer-controller.ts';
import { AppController } from './app-controller.ts';
import { installTestHook, shouldInstallTestHook } from './test-hook.ts';
import { registerServiceWorker } from './offline.ts';

async function start(): Promise<void> {
  const shell = document.querySelector('slicesam-app') ?? document.body.appendChild(document.createElement('slicesam-app'));
  await shell.updateComplete;

  // The canvas lives in light DOM, slotted into the shell's viewer area.
  const host = document.createElement('div');
  host.slot = 'viewer';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-label', 'Image viewer');
  host.append(canvas);
  shell.append(host);

  // ?display=cpu|gpu|stock overrides how the viewer colours slices (see DisplayMode).
  const asked = new URLSearchParams(location.search).get('display');
  const display = (['auto', 'cpu', 'gpu', 'stock'] as const satisfies readonly DisplayMode[]).find((m) => m === asked) ?? 'auto';

  // NiiVue is most of the app's JavaScript: it loads when a folder is opened.
  const loadViewer = async (): Promise<ViewerController> => {
    const { ViewerController } = await import('../viewer/viewer-controller.ts');
    const v = new ViewerController();
    await v.attach(canvas, { display });
    return v;
  };
  const app = new AppController(shell, new IoClient(), loadViewer);
  if (shouldInstallTestHook()) installTestHook(app, () => app.viewer?.state() ?? null, () => app.viewer?.labels() ?? null, () => app.viewer);
  void registerServiceWorker({
    onUpdateReady: (apply) => app.offerUpdate(apply),
    beforeReload: () => app.flushAutosave(),
    busy: () => app.caseOpen,
    notice: (text) => app.notice(text),
  }).catch((e: unknown) => app.notice(`Offline use is not available: ${e instanceof Error ? e.message : String(e)}`));
}

void start();
