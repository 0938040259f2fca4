/**
 * File System Access, persistence and the demo cohort in real Chromium, on
 * the origin private file system (OPFS) and IndexedDB.
 *
 * They run on a test page, e2e/pages/fs-harness.html, that is not part of the
 * app: beforeAll builds it with Vite's API into dist/__fs-harness/ (the
 * preview server serves files added to dist/ after it started) and afterAll
 * removes it again, so vite.config.ts needs no extra input.
 */
import { expect, test, type Page } from '@playwright/test';
import { harness } from './harness.ts';
import type { FsHarness } from './pages/fs-harness.ts';


test.describe.configure({ mode: 'serial' });

const harnessPage = harness('fs-harness');
const HARNESS = harnessPage.url;
test.beforeAll(() => harnessPage.build());
test.afterAll(() => harnessPage.remove());

type Args<K extends keyof FsHarness> = Parameters<FsHarness[K]>;
type Result<K extends keyof FsHarness> = Awaited<ReturnType<FsHarness[K]>>;

/** Call one harness function in the page and answer its (plain data) result. */
async function call<K extends keyof FsHarness>(page: Page, name: K, ...args: Args<K>): Promise<Result<K>> {
  return page.evaluate(async ([n, a]) => {
    const h = window.fsHarness;
    if (!h) throw new Error('fs harness missing');
    return (h[n] as (...x: unknown[]) => Promise<unknown>)(...a);
  }, [name, args] as const) as Promise<Result<K>>;
}

async function openHarness(page: Page): Promise<void> {
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.fsHarness !== undefined);
}

let pageErrors: string[] = [];

test.beforeEach(async ({ page }) => {
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await openHarness(page);
});

test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

test('walkDirectory: nested folders in natural order, hidden entries and labels/ left out, on the main thread and in a worker', async ({ page }) => {
  await call(page, 'reset');
  await call(page, 'buildTree');
  const expected = {
    paths: ['case-2/a.dcm', 'case-2/deeper/still/c.nii', 'case-10/b.dcm', 'notes.txt'],
    sizes: [4, 8, 4, 4],
    heads: ['A2--', 'C---', 'B10-', 'NOTE'],
    progress: 4,
  };
  expect(await call(page, 'walk', 'main', ['labels'])).toEqual(expected);
  expect(await call(page, 'walk', 'worker', ['labels'])).toEqual(expected);
  const all = await call(page, 'walk', 'main', []);
  expect(all.paths).toEqual(['case-2/a.dcm', 'case-2/deeper/still/c.nii', 'case-10/b.dcm', 'labels/case-2.nii.gz', 'notes.txt']);
  expect(await call(page, 'abortedWalk')).toBe('AbortError');
});

test('writeFileAtomic creates folders, replaces content, and a failed write leaves the old file (and no new one)', async ({ page }) => {
  const r = await call(page, 'writeAndRead');
  expect(r).toEqual({
    equal: true,
    csv: 'case_id\n',
    // Chromium fails the write with NotReadableError (the File's file was replaced).
    failures: ['NotReadableError', 'NotReadableError'],
    newLeftBehind: false,
    missing: null,
    missingFolder: null,
    folderAsFile: null,
    exists: true,
    existsFolder: false,
  });
});

test('a walked file rewritten with the same size is read again; one whose size changed says to rescan', async ({ page }) => {
  const [same, grown] = await call(page, 'staleRead');
  expect(same).toBe('wxyz');
  expect(grown).toMatch(/grown\.txt: the file changed on disk since the folder was scanned \(4 → 6 bytes\); scan the folder again/);
});

test('ensurePermission on OPFS handles is granted', async ({ page }) => {
  expect(await call(page, 'permission')).toEqual(['granted', 'granted', 'granted']);
});

test('persistence: root handle, statuses, last case and autosave survive a reload', async ({ page }) => {
  await call(page, 'reset');
  const saved = await call(page, 'persistSave');
  expect(saved.sameId).toBe(true);
  await page.reload();
  await page.waitForFunction(() => window.fsHarness !== undefined);
  const loaded = await call(page, 'persistLoad');
  expect(loaded).toEqual({
    id: saved.id,
    name: 'e2e-persist',
    openedAt: 2000,
    isHandle: true,
    sameEntry: true,
    permission: 'granted',
    rootNames: ['e2e-persist', 'e2e-persist-other'],
    files: ['case-1/a.txt'],
    content: 'persisted root',
    statuses: {
      'case-1': { status: 'done', updatedAt: '2025-01-01T10:00:00.000Z' },
      'case-2': { status: 'skipped', reason: 'motion', updatedAt: '2025-01-01T10:01:00.000Z' },
      'case-4': { status: 'failed', reason: 'truncated' },
    },
    lastCase: 'case-2',
    autosaves: ['case-2'],
    cleared: null,
    autosave: {
      savedAt: 1234,
      dims: [64, 48, 20],
      type: 'Uint16Array',
      equal: true,
      objects: [
        { id: 1, labelValue: 2, name: 'tumour', color: [255, 0, 0], visible: true, locked: false },
        { id: 2, labelValue: 300, name: 'oedema', color: [0, 255, 0], visible: false, locked: true },
      ],
      prompts: [{ kind: 'box', box: [1, 2, 3, 4], slice: 5 }],
    },
    otherStatuses: {},
  });
  await call(page, 'reset');
});

test('demo cohort: written into OPFS from a worker, walked and scanned; reused when current; regenerated keeping labels/', async ({ page }) => {
  await call(page, 'reset');
  const expectedVolumes = [
    { name: 'patient-01 — T1 head phantom', dims: [128, 128, 40] },
    { name: 'patient-02 — FLAIR phantom', dims: [112, 128, 32] },
    { name: 'patient-02 — T1 phantom', dims: [112, 128, 32] },
    { name: 'patient-03/ct.nii.gz', dims: [144, 112, 40] },
  ];
  const expectedSkipped = [{ path: 'patient-04/broken.dcm', code: 'truncated' }];

  const fresh = await call(page, 'demo', 'worker');
  expect(fresh).toMatchObject({ reused: false, caseCount: 4, written: 106, walked: 106, volumes: expectedVolumes, skipped: expectedSkipped });
  console.log(`demo cohort written + walked + scanned in a worker: ${fresh.ms} ms`);

  const reused = await call(page, 'demo', 'main');
  expect(reused).toMatchObject({ reused: true, caseCount: 4, walked: 106, volumes: expectedVolumes, skipped: expectedSkipped });
  console.log(`demo cohort reused + walked + scanned on the main thread: ${reused.ms} ms`);

  await call(page, 'demoOutdate');
  const regenerated = await call(page, 'demo', 'main');
  expect(regenerated).toMatchObject({ reused: false, walked: 106, volumes: expectedVolumes, skipped: expectedSkipped });
  console.log(`demo cohort regenerated on the main thread: ${regenerated.ms} ms`);
  expect(await call(page, 'demoLabel')).toBe('earlier output');
  await call(page, 'reset');
});
