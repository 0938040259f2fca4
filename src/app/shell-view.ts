/**
 * The app's state rendered into the shell's properties (the Lit components' view models).
 * No state; reads the parts it is given and writes only the shell.
 */
import * as queue from '../cohort/queue.ts';
import type { SliceSamApp } from '../ui/app-shell.ts';
import type { AboutInfo, VolumeItem } from '../ui/types.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';
import type { AnnotationController } from './annotation.ts';
import type { BiasCorrection } from './bias-correction.ts';
import type { CaseSession } from './case-session.ts';
import type { CohortSession } from './cohort-session.ts';
import type { DisplaySettings } from './display-settings.ts';
import type { DrawTools } from './draw-tools.ts';
import type { Models } from './models.ts';
import type { ObjectList } from './objects.ts';
import type { Tasks } from './tasks.ts';

export interface ShownParts {
  tasks: Tasks;
  cohort: CohortSession;
  case: CaseSession;
  objects: ObjectList;
  tools: DrawTools;
  display: DisplaySettings;
  bias: BiasCorrection;
  models: Models;
  annotation: AnnotationController | null;
  viewer: ViewerController | null;
  about: AboutInfo | null;
  updateReady: boolean;
}

function caseItems(p: ShownParts): VolumeItem[] {
  const { selectedId, loadingId, volume } = p.case;
  return p.cohort.queue.cases.map((c) => {
    const source = p.cohort.source(c.id);
    const item: VolumeItem = {
      id: c.id,
      name: c.name,
      kind: c.kind,
      fileCount: c.sourcePaths.length,
      status: c.id === loadingId ? 'loading' : c.id === selectedId && volume ? 'shown' : c.status === 'failed' ? 'failed' : 'idle',
      caseStatus: c.status,
    };
    if (source) item.dims = source.dims;
    if (c.reason) item.reason = c.reason;
    return item;
  });
}

export function renderShell(shell: SliceSamApp, p: ShownParts): void {
  const session = p.cohort.session;
  const volume = p.case.volume;
  const objects = p.objects.list;
  shell.volumes = caseItems(p);
  shell.skipped = p.cohort.skipped;
  shell.selectedId = p.case.selectedId;
  shell.busy = p.tasks.busy;
  shell.messages = p.tasks.messages;
  shell.counts = session ? queue.counts(p.cohort.queue) : null;
  shell.resumeName = p.cohort.resumeName;
  shell.tools = {
    caseOpen: volume !== null,
    writable: session?.root != null,
    tool: p.tools.tool,
    objects: objects.map((o) => ({ labelValue: o.labelValue, name: o.name, color: o.color })),
    activeLabel: p.objects.activeLabel,
    dirty: p.case.dirty,
    downloadable: session?.kind === 'demo',
  };
  const summary = p.case.summary;
  shell.saveSummary = summary && { ...summary, render3d: p.viewer?.renderOnScreen ?? false };
  shell.about = p.about;
  shell.updateReady = p.updateReady;
  const a = p.annotation;
  if (a) {
    shell.annotation = {
      promptTool: a.tool,
      canUndo: a.history.canUndo,
      canRedo: a.history.canRedo,
      models: p.models.list.map((m) => ({ id: m.id, name: `${m.bytes ? `${m.name} — ${Math.round(m.bytes / 1e6)} MB` : m.name}${m.fromDisk ? ' (from disk)' : ''}` })),
      modelId: p.models.modelId,
      device: p.models.device,
      activeLocked: a.locked.has(p.objects.activeLabel),
      windowPresets: p.display.presets,
      windowPreset: p.display.presetShown(),
      ...p.display.shown,
      n4: { status: p.bias.status, preset: p.bias.preset, shown: p.bias.shown },
    };
    shell.objectRows = objects.map((o) => ({
      labelValue: o.labelValue, name: o.name, color: o.color, visible: o.visible, locked: o.locked, prompted: a.promptRows(o.labelValue),
    }));
    shell.confidence = volume ? a.confidence() : null;
  }
  const shown = p.cohort.entry(p.case.selectedId);
  const n4 = p.bias.shown === 'corrected' ? ' · N4 bias-corrected' : '';
  shell.caption = shown && volume ? `${shown.name} · ${volume.dims.join(' × ')}${n4}` : '';
}
