/**
 * The shell's events (typed in the UI's event map), each routed to the part whose job it
 * is. No state; the only place that listens to the shell.
 */
import * as queue from '../cohort/queue.ts';
import type { SliceSamApp } from '../ui/app-shell.ts';
import type { SliceSamEventName } from '../ui/events.ts';
import type { Volume } from '../shared/volume.ts';
import type { AnnotationController } from './annotation.ts';
import type { BiasCorrection } from './bias-correction.ts';
import type { CaseSession } from './case-session.ts';
import type { CohortSession } from './cohort-session.ts';
import type { DisplaySettings } from './display-settings.ts';
import type { DrawTools } from './draw-tools.ts';
import type { Models } from './models.ts';
import type { ObjectList } from './objects.ts';
import type { Tasks } from './tasks.ts';

/** The parts the shell's events go to (the app controller has them all). */
export interface ShellTargets {
  readonly cohort: CohortSession;
  readonly case: CaseSession;
  readonly tasks: Tasks;
  readonly models: Models;
  readonly display: DisplaySettings;
  readonly objects: ObjectList;
  readonly tools: DrawTools;
  readonly bias: BiasCorrection;
  readonly annotation: AnnotationController | null;
  readonly shownVolume: Volume | null;
  readonly caseOpen: boolean;
  showAbout(): Promise<void>;
  closeAbout(): void;
  applyUpdate(): void;
}

export function wireShell(shell: SliceSamApp, app: ShellTargets): void {
  const { cohort, tasks, models, display, objects, tools, bias } = app;
  const caseSession = app.case;
  const on = <K extends SliceSamEventName>(type: K, listener: (e: HTMLElementEventMap[K]) => unknown): void => {
    shell.addEventListener(type, listener as (e: Event) => void);
  };
  // The cohort and its queue.
  on('open-files', (e) => void cohort.openFiles(e.detail.files.map((file) => ({ path: file.webkitRelativePath || file.name, file }))));
  on('open-folder', () => void cohort.openFolder());
  on('open-demo', () => void cohort.openDemo());
  on('resume-root', () => void cohort.resume());
  on('next-case', () => void cohort.move(queue.next));
  on('previous-case', () => void cohort.move(queue.previous));
  on('skip-case', (e) => void cohort.move((s) => queue.skip(s, e.detail.reason)));
  on('retry-case', (e) => void cohort.retry(e.detail.id));
  // The open case.
  on('select-volume', (e) => void caseSession.open(e.detail.id));
  on('save-case', () => void caseSession.save());
  on('download-outputs', () => void caseSession.downloadOutputs());
  on('close-summary', () => caseSession.closeSummary());
  // Objects and tools.
  on('set-tool', (e) => tools.set(e.detail.tool));
  on('set-prompt-tool', (e) => tools.setPromptTool(e.detail.tool));
  on('new-object', () => objects.add());
  on('select-object', (e) => objects.select(e.detail.labelValue));
  on('cycle-object', (e) => objects.cycle(e.detail.delta));
  on('toggle-lock', (e) => objects.toggleLock(e.detail.labelValue));
  on('toggle-visible', (e) => objects.toggleVisible(e.detail.labelValue));
  on('rename-object', (e) => objects.rename(e.detail.labelValue, e.detail.name));
  on('recolor-object', (e) => objects.recolor(e.detail.labelValue, e.detail.color));
  on('delete-object', (e) => void objects.remove(e.detail.labelValue));
  // Prompts, propagation, undo.
  on('propagate', (e) => void app.annotation?.propagate(e.detail.mode));
  on('undo', () => void app.annotation?.undo());
  on('redo', () => void app.annotation?.redo());
  on('mask-to-prompt', () => void app.annotation?.maskToPrompt());
  on('clear-prompts', (e) => void app.annotation?.clearPrompts(e.detail.labelValue, e.detail.slice));
  on('go-to-slice', (e) => app.annotation?.goToSlice(e.detail.axis, e.detail.slice));
  on('step-slice', (e) => app.annotation?.step(e.detail.delta));
  // Display.
  on('set-window-preset', (e) => display.setWindowPreset(e.detail.id, app.shownVolume));
  on('view-action', (e) => app.caseOpen && display.viewAction(e.detail.action));
  on('set-layout', (e) => app.caseOpen && display.setLayout(e.detail.layout));
  on('set-pen-size', (e) => display.setPenSize(e.detail.size));
  on('set-label-style', (e) => display.setLabelStyle(e.detail.opacity, e.detail.outline));
  on('toggle-n4', () => void (app.caseOpen && bias.toggle()));
  on('set-n4-preset', (e) => void bias.setPreset(e.detail.preset));
  // Tasks, models, the app.
  on('cancel-task', () => tasks.cancel());
  on('dismiss-messages', () => tasks.dismissErrors());
  on('select-model', (e) => models.select(e.detail.id));
  on('load-model-from-disk', () => void models.loadFromDisk());
  on('show-about', () => void app.showAbout());
  on('close-about', () => app.closeAbout());
  on('apply-update', () => app.applyUpdate());
}
