import { describe, expect, it } from 'vitest';
import { recommendModel, storageVerdict, type Capabilities } from './capabilities.ts';

const base: Capabilities = {
  webgpu: null, webgpuMissing: 'no WebGPU adapter', crossOriginIsolated: true, cores: 4, wasmThreads: 4,
  fileSystemAccess: true, opfs: true, serviceWorker: true, deviceMemoryGb: 8, storage: null,
};
const models = [{ id: 'sam2.1-tiny-video-fp16-1024' }, { id: 'sam2.1-tiny-video-fp16-512' }, { id: 'sam2.1-tiny-video-fp32-1024' }];

describe('recommendModel', () => {
  it('fp16 512 on WebGPU with shader-f16', () => {
    expect(recommendModel({ ...base, webgpu: { adapter: 'intel', shaderF16: true } }, models)?.id).toBe('sam2.1-tiny-video-fp16-512');
  });
  it('fp32 on WebGPU without shader-f16', () => {
    expect(recommendModel({ ...base, webgpu: { adapter: 'x', shaderF16: false } }, models)?.id).toBe('sam2.1-tiny-video-fp32-1024');
  });
  it('without WebGPU: WASM, says why', () => {
    const c = recommendModel(base, models)!;
    expect(c.id).toBe('sam2.1-tiny-video-fp16-512');
    expect(c.reason).toMatch(/no WebGPU.*WASM on 4 threads/);
  });
  it('falls back to whatever exists', () => {
    expect(recommendModel(base, [{ id: 'custom' }])).toEqual({ id: 'custom', reason: 'the only model available' });
    expect(recommendModel(base, [])).toBeNull();
  });
});

describe('storageVerdict', () => {
  it('a quota smaller than the model is a clear error; little free room is a warning; room is fine', () => {
    expect(storageVerdict(58e6, 0, 40e6)).toMatchObject({ ok: false, error: expect.stringMatching(/needs 58\.0 MB .* only 40\.0 MB/) });
    expect(storageVerdict(58e6, 30e6, 80e6)).toMatchObject({ ok: true, warning: expect.stringMatching(/50\.0 MB free for a 58\.0 MB model/) });
    expect(storageVerdict(58e6, 0, 1e9)).toEqual({ ok: true });
    expect(storageVerdict(58e6, 0, 0)).toEqual({ ok: true }); // unknown quota
  });
});
