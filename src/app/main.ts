/**
 * Composition root: builds the shell, the I/O worker client and the viewer,
 * and wires them together through AppController.
 */
import '../ui/app-shell.ts';
import { IoClient } from '../io/worker/client.ts';
import { ViewerController } from '../viewer/viewer-controller.ts';
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

  let viewer: ViewerController | null = new ViewerController();
  let viewerError: string | null = null;
  try {
    await viewer.attach(canvas);
  } catch (e) {
    viewer = null;
    viewerError = `The viewer could not start (WebGL2 needed): ${e instanceof Error ? e.message : String(e)}`;
  }

  const app = new AppController(shell, new IoClient(), viewer);
  if (viewerError) shell.messages = [...shell.messages, { id: 0, level: 'error', text: viewerError }];
  if (shouldInstallTestHook()) installTestHook(app, () => viewer?.state() ?? null, () => viewer?.labels() ?? null, viewer);
  void registerServiceWorker({
    onUpdateReady: (apply) => app.offerUpdate(apply),
    beforeReload: () => app.flushAutosave(),
    busy: () => app.caseOpen,
    notice: (text) => app.notice(text),
  }).catch((e: unknown) => app.notice(`Offline use is not available: ${e instanceof Error ? e.message : String(e)}`));
}

void start();
