/** verify-model's refusals: bad arguments and unreadable folders exit 2 with a message, before any model runs. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyModel } from './verify-model.ts';

describe('verify-model refuses what it cannot judge', () => {
  const err: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    err.length = 0;
  });
  const run = async (args: string[]) => {
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return verifyModel(args);
  };

  it('no folders, an unknown control, a folder that is not a trace', async () => {
    expect(await run([])).toBe(2);
    expect(err.join('')).toMatch(/usage: slicesam verify-model MODEL_DIR TRACE_DIR/);
    err.length = 0;
    expect(await run(['m', 't', '--ablate', 'everything'])).toBe(2);
    expect(err.join('')).toMatch(/--ablate takes memory, retention, pointers \(got everything\)/);
    err.length = 0;
    expect(await run(['/nonexistent/model', '/nonexistent/trace'])).toBe(2);
    expect(err.join('')).toMatch(/^error: .*\/nonexistent\/trace/);
  });
});
