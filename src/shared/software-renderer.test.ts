import { describe, expect, it } from 'vitest';
import { softwareAdapter, softwareRendererName } from './software-renderer.ts';

describe('software renderers by name', () => {
  it('names the rasteriser, case-insensitively; hardware is null', () => {
    expect(softwareRendererName('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe('SwiftShader');
    expect(softwareRendererName(undefined, 'llvmpipe (LLVM 15.0.6, 256 bits)')).toBe('llvmpipe');
    expect(softwareRendererName('Microsoft Basic Render Driver')).toBe('Basic Render Driver');
    expect(softwareRendererName('softpipe')).toBe('softpipe');
    expect(softwareRendererName('nvidia', 'ada', 'NVIDIA GeForce RTX 4070')).toBeNull();
  });
  it('a WebGPU adapter: its info, the older requestAdapterInfo(), or the fallback flag', async () => {
    expect(await softwareAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } })).toBe('SwiftShader');
    expect(await softwareAdapter({ requestAdapterInfo: async () => ({ description: 'llvmpipe' }) })).toBe('llvmpipe');
    expect(await softwareAdapter({ info: { vendor: 'x', isFallbackAdapter: true } })).toBe('a fallback adapter');
    expect(await softwareAdapter({ isFallbackAdapter: true })).toBe('a fallback adapter');
    expect(await softwareAdapter({ info: { vendor: 'apple', architecture: 'metal-3' } })).toBeNull();
  });
});
