import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskFile, diskFiles } from './files.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicesam-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 31 + (i >> 9)) & 255); // 3 MiB: larger than a synchronous read
writeFileSync(join(dir, 'big.bin'), bytes);
writeFileSync(join(dir, 'small.bin'), bytes.subarray(0, 10));
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'sub', 'a.bin'), bytes.subarray(0, 1));

describe('disk files', () => {
  it('read ranges, clamped to the file, small and large', async () => {
    const small = await diskFile(join(dir, 'small.bin'));
    expect(small.size).toBe(10);
    expect([...await small.read(2, 5)]).toEqual([...bytes.subarray(2, 5)]);
    expect([...await small.read(8, 100)]).toEqual([...bytes.subarray(8, 10)]);
    expect((await small.read(12, 20)).length).toBe(0);
    const big = await diskFile(join(dir, 'big.bin'));
    const all = await big.read();
    expect(all.length).toBe(bytes.length);
    expect(Buffer.from(all).equals(Buffer.from(bytes))).toBe(true);
  });

  it('readInto fills its targets in turn from a position, and stops short only at the end of the file', async () => {
    const big = await diskFile(join(dir, 'big.bin'));
    const head = new Uint8Array(1000), body = new Uint8Array(2 << 20), empty = new Uint8Array(0);
    expect(await big.readInto([head, empty, body], 7)).toBe(1000 + (2 << 20));
    expect(Buffer.from(head).equals(Buffer.from(bytes.subarray(7, 1007)))).toBe(true);
    expect(Buffer.from(body).equals(Buffer.from(bytes.subarray(1007, 1007 + (2 << 20))))).toBe(true);
    const tail = new Uint8Array(100);
    expect(await big.readInto([tail], bytes.length - 40)).toBe(40);
    expect([...tail.subarray(0, 40)]).toEqual([...bytes.subarray(bytes.length - 40)]);
    expect(await big.readInto([tail], bytes.length + 5)).toBe(0);
  });

  it('a missing file rejects', async () => {
    const gone = join(dir, 'gone.bin');
    writeFileSync(gone, bytes.subarray(0, 4));
    const f = await diskFile(gone);
    rmSync(gone);
    await expect(f.read()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(f.readInto([new Uint8Array(4)], 0)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(diskFile(gone)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('diskFiles lists every regular file under a folder, recursively, sorted, with sizes', async () => {
    const files = await diskFiles(dir);
    expect(files.map((f) => [f.path, f.size])).toEqual([['big.bin', bytes.length], ['small.bin', 10], ['sub/a.bin', 1]]);
    expect((await diskFiles(join(dir, 'small.bin'))).map((f) => f.size)).toEqual([10]);
  });
});
