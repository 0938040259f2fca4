import { describe, expect, it } from 'vitest';
import { recommendModel, type Capabilities } from './capabilities.ts';

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
