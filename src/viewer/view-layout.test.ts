import { describe, expect, it } from 'vitest';
import { heroLayout, type HeroLayout, type TileRect } from './view-layout.ts';

/** The shared MR: 240 × 240 mm axial, 180 mm high. */
const FOV = { axial: [240, 240], coronal: [240, 180], sagittal: [240, 180] } as const satisfies Parameters<typeof heroLayout>[2];

const px = (r: TileRect, w: number, h: number) => [r[0] * w, r[1] * h, r[2] * w, r[3] * h] as const;
const overlap = (a: readonly number[], b: readonly number[]) =>
  a[0]! < b[0]! + b[2]! && b[0]! < a[0]! + a[2]! && a[1]! < b[1]! + b[3]! && b[1]! < a[1]! + a[3]!;

function check(layout: HeroLayout | null, w: number, h: number): void {
  expect(layout).not.toBeNull();
  const tiles = [layout!.axial, layout!.coronal, layout!.sagittal].map((r) => px(r, w, h));
  for (const [l, t, tw, th] of tiles) {
    expect(l).toBeGreaterThanOrEqual(-1e-6);
    expect(t).toBeGreaterThanOrEqual(-1e-6);
    expect(l + tw).toBeLessThanOrEqual(w + 1e-6);
    expect(t + th).toBeLessThanOrEqual(h + 1e-6);
  }
  expect(overlap(tiles[0]!, tiles[1]!) || overlap(tiles[0]!, tiles[2]!) || overlap(tiles[1]!, tiles[2]!)).toBe(false);
  // the working plane is the largest tile
  expect(tiles[0]![2] * tiles[0]![3]).toBeGreaterThan(2 * tiles[1]![2] * tiles[1]![3]);
}

describe('the default three-plane layout', () => {
  it('a wide viewer: the axial tile is the full height, the other two stacked beside it, the group centred', () => {
    const [w, h] = [1500, 800];
    const l = heroLayout(w, h, FOV)!;
    check(l, w, h);
    const ax = px(l.axial, w, h);
    expect(ax[3]).toBeCloseTo(800);
    expect(ax[2]).toBeCloseTo(800);
    const cor = px(l.coronal, w, h);
    const sag = px(l.sagittal, w, h);
    expect(cor[0]).toBeGreaterThan(ax[0] + ax[2]);
    expect(sag[1]).toBeGreaterThan(cor[1] + cor[3]);
    expect(cor[2] / cor[3]).toBeCloseTo(240 / 180);
    const right = w - (cor[0] + cor[2]);
    expect(Math.abs(ax[0] - right)).toBeLessThan(2);
    // about two thirds of the viewer holds image (the 2 × 2 grid: under half)
    const area = [ax, cor, sag].reduce((t, r) => t + r[2] * r[3], 0);
    expect(area / (w * h)).toBeGreaterThan(0.6);
  });
  it('a nearly square viewer caps the main tile so the others stay readable', () => {
    const [w, h] = [900, 800];
    const l = heroLayout(w, h, FOV)!;
    check(l, w, h);
    expect(px(l.axial, w, h)[2]).toBeLessThanOrEqual(0.72 * w + 1e-6);
  });
  it('a portrait viewer puts the other two below', () => {
    const [w, h] = [700, 1200];
    const l = heroLayout(w, h, FOV)!;
    check(l, w, h);
    expect(px(l.coronal, w, h)[1]).toBeGreaterThan(px(l.axial, w, h)[1] + px(l.axial, w, h)[3]);
  });
  it('no layout without a size', () => {
    expect(heroLayout(0, 500, FOV)).toBeNull();
  });
});
