/**
 * The objects of the open case (label value, name, colour, visible, locked) and which one
 * is active; every edit of an object is one undo step, and a deletion takes its voxels and
 * prompts with it (one undo brings all back). State: the list and the active label.
 * Calls the viewer, the annotation (undo steps, prompts of a deleted object) and the host.
 */
import { nextObject, type ObjectSpec } from '../shared/cohort.ts';
import type { MessageLevel } from '../ui/types.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';
import type { AnnotationController } from './annotation.ts';

export interface ObjectsHost {
  viewer(): ViewerController | null;
  annotation(): AnnotationController | null;
  /** The number of voxels of the open case, or null when none is open. */
  voxelCount(): number | null;
  message(level: MessageLevel, text: string): void;
  /** The label map or the objects changed (dirty, autosave). */
  changed(): void;
  /** The active object or the colours changed: the brush takes the active value again. */
  activeChanged(): void;
  render(): void;
}

export class ObjectList {
  #objects: ObjectSpec[] = [];
  #active = 1;

  constructor(private readonly host: ObjectsHost) {}

  get list(): readonly ObjectSpec[] {
    return this.#objects;
  }

  get activeLabel(): number {
    return this.#active;
  }

  /** A case opened (or closed: an empty list) with these objects; the first is active. */
  reset(objects: ObjectSpec[]): void {
    this.#objects = objects;
    this.#active = objects[0]?.labelValue ?? 1;
    this.host.render();
  }

  find(labelValue: number): ObjectSpec | undefined {
    return this.#objects.find((o) => o.labelValue === labelValue);
  }

  /** Colours of the visible objects to the viewer (hidden objects stay in the label map, undrawn). */
  apply(): void {
    this.host.viewer()?.setLabelColors(this.#objects.filter((o) => o.visible).map((o) => ({ value: o.labelValue, color: o.color })));
    this.host.annotation()?.refreshMarks();
    this.host.activeChanged();
  }

  toggleLock(labelValue = this.#active): void {
    const o = this.find(labelValue);
    if (!o) return;
    this.#edit(labelValue, { locked: !o.locked }, `${o.locked ? 'unlock' : 'lock'} ${o.name}`);
    this.host.message('info', `${o.name} ${o.locked ? 'unlocked' : 'locked: propagation and brushing leave it alone'}.`);
  }

  toggleVisible(labelValue: number): void {
    const o = this.find(labelValue);
    if (o) this.#edit(labelValue, { visible: !o.visible }, `${o.visible ? 'hide' : 'show'} ${o.name}`);
  }

  rename(labelValue: number, name: string): void {
    const o = this.find(labelValue);
    const clean = name.trim();
    if (!o || clean === '' || clean === o.name) {
      this.host.render();
      return;
    }
    this.#edit(labelValue, { name: clean }, `rename ${o.name} to ${clean}`);
  }

  recolor(labelValue: number, color: [number, number, number]): void {
    const o = this.find(labelValue);
    if (o) this.#edit(labelValue, { color }, `recolour ${o.name}`);
  }

  /** Delete an object and its voxels; one undo step brings both back. */
  async remove(labelValue: number): Promise<void> {
    const index = this.#objects.findIndex((o) => o.labelValue === labelValue);
    const spec = this.#objects[index];
    const viewer = this.host.viewer();
    const voxels = this.host.voxelCount();
    const a = this.host.annotation();
    if (!spec || voxels === null || !viewer) return;
    const diff = viewer.editLabels((labels) => {
      for (let v = 0; v < voxels; v++) if (labels.get(v) === labelValue) labels.set(v, 0);
    });
    const saved = a ? await a.forgetObject(labelValue) : { prompts: undefined };
    const drop = () => {
      const objects = this.#objects.filter((o) => o.labelValue !== labelValue);
      const active = this.#active === labelValue ? (objects[Math.max(0, index - 1)]?.labelValue ?? objects[0]?.labelValue ?? 1) : this.#active;
      this.#set(objects, active);
    };
    drop();
    a?.record({
      label: `delete ${spec.name}`,
      undo: async () => {
        const objects = [...this.#objects];
        objects.splice(index, 0, spec);
        this.#objects = objects;
        this.#active = labelValue;
        this.host.render();
        if (diff) viewer.applyDiff(diff, 'before');
        this.apply();
        await a.restoreObject(labelValue, saved);
      },
      redo: async () => {
        if (diff) viewer.applyDiff(diff, 'after');
        await a.forgetObject(labelValue);
        drop();
      },
    });
    this.host.message('info', `${spec.name} deleted; undo with Ctrl+Z.`);
  }

  cycle(delta: number): void {
    const objects = this.#objects;
    if (objects.length === 0) return;
    const at = objects.findIndex((o) => o.labelValue === this.#active);
    this.select(objects[(at + delta + objects.length) % objects.length]!.labelValue);
  }

  add(): void {
    if (this.host.voxelCount() === null) return;
    const object = nextObject(this.#objects);
    this.#set([...this.#objects, object], object.labelValue);
  }

  select(labelValue: number): void {
    if (!this.#objects.some((o) => o.labelValue === labelValue)) return;
    this.#active = labelValue;
    this.host.render();
    this.host.activeChanged();
    this.host.annotation()?.refreshMarks();
  }

  /** Change one object's spec, as one undo step. */
  #edit(labelValue: number, patch: Partial<ObjectSpec>, what: string): void {
    const before = this.find(labelValue);
    if (!before || this.host.voxelCount() === null) return;
    const after = { ...before, ...patch };
    const put = (spec: ObjectSpec) => this.#set(this.#objects.map((o) => (o.labelValue === labelValue ? spec : o)), this.#active);
    put(after);
    this.host.annotation()?.record({ label: what, undo: () => put(before), redo: () => put(after) });
  }

  /** A new list (and active object): shown, drawn and autosaved. */
  #set(objects: ObjectSpec[], active: number): void {
    this.#objects = objects;
    this.#active = active;
    this.host.render();
    this.apply();
    this.host.changed();
  }
}
