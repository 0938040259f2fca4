/** Input and waiting helpers for end-to-end tests of the app (through its test hook). */
import type { Page } from '@playwright/test';
import type { TestSnapshot } from '../src/app/test-hook.ts';

export async function state(page: Page): Promise<TestSnapshot> {
  return page.evaluate(() => window.__slicesam!.state());
}

/**
 * Wait until a case is open and the app is idle. With `leaving`, wait until
 * another case than that one is open: right after a click the app may not be
 * busy yet, so idleness alone would answer with the old state.
 */
export async function idle(page: Page, leaving?: string): Promise<TestSnapshot> {
  await page.waitForFunction((from) => {
    const s = window.__slicesam?.state();
    return s !== undefined && !s.busy && s.selectedId !== null && s.selectedId !== from;
  }, leaving ?? null, { timeout: 60_000 });
  return state(page);
}

/** Short pen strokes over the three views (shifted right by `shift` of the width): at least one crosses the image. */
export async function scribble(page: Page, shift = 0): Promise<void> {
  const box = (await page.locator('canvas[aria-label="Image viewer"]').boundingBox())!;
  for (const [fx, fy] of [[0.28, 0.22], [0.28, 0.72], [0.7, 0.22]] as const) {
    const x = box.x + box.width * (fx + shift), y = box.y + box.height * fy;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let step = 1; step <= 12; step++) await page.mouse.move(x + step * 3, y + step * 2);
    await page.mouse.up();
  }
}
