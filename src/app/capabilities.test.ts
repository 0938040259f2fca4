import { describe, expect, it } from 'vitest';
import { detectWebgpu, recommendModel, storageVerdict, type Capabilities } from './capabilities.ts';

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

describe('a software WebGPU adapter counts as no GPU', () => {
  const gpu = (adapter: object | null) => ({ requestAdapter: async () => adapter as never });
  it('SwiftShader (headless Chromium, VMs): WASM and the 512 px model, and About says why', async () => {
    const found = await detectWebgpu(gpu({ features: new Set(['shader-f16']), info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' } }));
    expect(found).toEqual({ webgpu: null, webgpuSoftware: 'SwiftShader', webgpuMissing: 'WebGPU adapter is a software renderer (SwiftShader): WASM is faster' });
    const c = recommendModel({ ...base, ...found }, models)!;
    expect(c.id).toBe('sam2.1-tiny-video-fp16-512');
    expect(c.reason).toBe('WebGPU adapter is a software renderer (SwiftShader): WASM is faster; WASM on 4 threads, and 512 px keeps it responsive');
  });
  it('a fallback adapter, or llvmpipe by name, likewise; a real GPU is WebGPU', async () => {
    expect((await detectWebgpu(gpu({ features: new Set(), info: { vendor: 'x', isFallbackAdapter: true } }))).webgpuSoftware).toBe('a fallback adapter');
    expect((await detectWebgpu(gpu({ features: new Set(), info: { description: 'llvmpipe (LLVM 15)' } }))).webgpuSoftware).toBe('llvmpipe');
    expect(await detectWebgpu(gpu({ features: new Set(['shader-f16']), info: { vendor: 'intel', architecture: 'gen-12lp' } }))).toEqual({ webgpu: { adapter: 'intel gen-12lp', shaderF16: true } });
    expect(await detectWebgpu(gpu(null))).toEqual({ webgpu: null, webgpuMissing: 'no WebGPU adapter' });
    expect(await detectWebgpu(undefined)).toEqual({ webgpu: null, webgpuMissing: 'this browser has no WebGPU' });
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
