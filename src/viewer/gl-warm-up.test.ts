import { describe, expect, it, vi } from 'vitest';

// The blank image NiiVue would make from the pair; NiiVue itself is not needed to follow the warm-up.
vi.mock('./niivue-setup.ts', () => ({ imageFromPair: vi.fn(async () => ({ name: 'blank' })) }));
vi.mock('@niivue/niivue', () => ({ SLICE_TYPE: { MULTIPLANAR: 3 } }));

vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 1));

const { GlWarmUp } = await import('./gl-warm-up.ts');
const { DrawScheduler } = await import('./draw-scheduler.ts');

/** A NiiVue with a volume list, counting the scenes drawn and the volumes seen in each. */
function fakeNiivue(onDraw: () => void = () => undefined) {
  const drawn: string[][] = [];
  const nv = {
    volumes: [] as { name: string }[],
    addVolume(v: { name: string }) { this.volumes.push(v); },
    removeVolume(v: { name: string }) { this.volumes = this.volumes.filter((x) => x !== v); },
    setSliceType: vi.fn(),
  };
  const frames = new DrawScheduler(() => {
    drawn.push(nv.volumes.map((v) => v.name));
    onDraw();
  });
  return { nv, frames, drawn };
}

const PAIR = { header: new ArrayBuffer(352), image: new ArrayBuffer(8) };

describe('the GL warm-up draw', () => {
  it('draws the blank volume once, uncounted, then leaves nothing in NiiVue', async () => {
    const seen: unknown[] = [];
    const { nv, frames, drawn } = fakeNiivue(() => seen.push(warm.image));
    const colours = { quiet: null as unknown };
    const warm = new GlWarmUp(nv as never, frames, colours as never);
    expect(await warm.run(PAIR)).toBe(true);
    expect(drawn).toEqual([['blank']]);
    expect(seen).toEqual([{ name: 'blank' }]); // the viewer knows it for the blank one while it is drawn
    expect(colours.quiet).toEqual({ name: 'blank' }); // its colours do not count as a volume shown
    expect([nv.volumes, warm.image]).toEqual([[], null]);
  });

  it('does nothing once a case is shown, and never removes a case shown meanwhile', async () => {
    const before = fakeNiivue();
    before.nv.volumes.push({ name: 'case' });
    expect(await new GlWarmUp(before.nv as never, before.frames, null).run(PAIR)).toBe(false);
    expect(before.nv.volumes.map((v) => v.name)).toEqual(['case']);

    // the case arrives while the blank volume is drawn, as showNifti shows one: every volume removed, the case added
    const during = fakeNiivue(() => {
      if (during.nv.volumes.some((v) => v.name === 'case')) return;
      for (const v of [...during.nv.volumes]) during.nv.removeVolume(v);
      during.nv.addVolume({ name: 'case' });
    });
    const warm = new GlWarmUp(during.nv as never, during.frames, null);
    expect(await warm.run(PAIR)).toBe(true);
    expect(during.nv.volumes.map((v) => v.name)).toEqual(['case']);
  });
});
