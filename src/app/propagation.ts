/**
 * One propagation through the open case: which objects go (those prompted along the
 * active object's axis, locked ones left out), from which slice, with progress, an ETA
 * measured in this run (eta.ts) and Cancel; the slices come back as label edits and the
 * whole pass is one undo step.
 * No state of its own. Calls the engine link, the tasks and what the host gives it.
 */
import type { PropagationMode, SliceResult } from '../engine/protocol.ts';
import type { Volume } from '../shared/volume.ts';
import type { LabelDiff } from '../viewer/viewer-controller.ts';
import type { EngineLink } from './engine-link.ts';
import { Eta, timeLeftText } from './eta.ts';
import type { HistoryStep } from './history.ts';
import type { PromptStore } from './prompts.ts';
import type { SliceCursor } from './slice-cursor.ts';
import { axisPlane } from './slice-geometry.ts';
import type { TaskHost } from './tasks.ts';

export interface PropagationHost {
  readonly tasks: TaskHost;
  readonly link: EngineLink;
  readonly prompts: PromptStore;
  readonly cursor: SliceCursor;
  volume(): Volume | null;
  activeLabel(): number;
  locked(): ReadonlySet<number>;
  /** Engine results into the label map; the diff, or null when nothing changed. */
  write(results: SliceResult[]): LabelDiff | null;
  applyDiff(diff: LabelDiff, side: 'before' | 'after'): void;
  record(step: HistoryStep): void;
  /** The engine finished on WASM after WebGPU failed. */
  fellBackToWasm(): void;
  changed(): void;
  render(): void;
}

const MODE_WORDS: Record<PropagationMode, string> = {
  between: 'between the prompts', forward: 'forward', backward: 'backward', 'until-end': 'until the object ends', all: 'through the volume',
};

export async function propagate(host: PropagationHost, mode: PropagationMode): Promise<void> {
  const volume = host.volume();
  if (!volume) return;
  const active = host.activeLabel();
  const locked = host.locked();
  const withPrompts = host.prompts.entries().filter(([o, p]) => p.slices.size > 0 && !locked.has(o));
  const activePrompts = host.prompts.get(active);
  const axis = activePrompts?.slices.size ? activePrompts.axis : withPrompts[0]?.[1].axis;
  if (axis === undefined) {
    host.tasks.message('info', 'Draw a box or a point on a slice first (R, H, J), then propagate.');
    return;
  }
  const objects = withPrompts.filter(([, p]) => p.axis === axis).map(([o]) => o);
  const from = host.cursor.current(axisPlane(volume.affine, axis))?.slice;
  const label = MODE_WORDS[mode];
  let engine;
  try {
    engine = await host.link.ready();
  } catch {
    return;
  }
  const signal = host.tasks.begin({ label: `Propagating ${label}…`, done: 0, total: 0 });
  const eta = new Eta();
  eta.start();
  const diffs: LabelDiff[] = [];
  let slices = 0;
  try {
    const summary = await engine.propagate(
      { axis, mode, objects, ...(from !== undefined ? { from } : {}) },
      {
        signal,
        onSlices: (rs) => {
          eta.slices(1, rs.filter((r) => r.source === 'tracked').length);
          const d = host.write(rs);
          if (d) diffs.push(d);
          slices++;
        },
        onProgress: (p) => {
          const left = p.secondsLeft !== undefined ? timeLeftText(p.secondsLeft, p.total - p.done) : eta.text(p.total - p.done);
          host.tasks.progress(signal, p.done, p.total, `Propagating ${label}: ${p.done} of ${p.total} slices${left}`);
        },
      },
    );
    host.tasks.end(signal);
    if (summary.fellBackToWasm) host.fellBackToWasm();
    host.tasks.message('info', `${summary.cancelled ? 'Propagation cancelled after' : 'Propagated'} ${slices} slices${summary.cancelled ? '' : ` ${label}`}; undo with Ctrl+Z.`);
  } catch (e) {
    host.tasks.fail(signal, e, 'Propagation');
  }
  if (diffs.length > 0) {
    host.record({
      label: `propagation ${label}`,
      undo: () => {
        for (let k = diffs.length - 1; k >= 0; k--) host.applyDiff(diffs[k]!, 'before');
      },
      redo: () => {
        for (const d of diffs) host.applyDiff(d, 'after');
      },
    });
    host.changed();
  }
  host.render();
}
