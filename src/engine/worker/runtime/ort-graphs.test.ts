import { afterEach, describe, expect, it } from 'vitest';
import { restoreManifest } from '../../models/manifest.ts';
import { parseConstants, toTokens, webgpuSupport } from './ort-graphs.ts';
import fixture from '../../../../models/fixture/manifest.json' with { type: 'json' };

const fp32 = restoreManifest(fixture, 'fixture');
const fp16 = { ...fp32, precision: 'fp16' as const, compute: 'fp16' as const };
const fp16Stored = restoreManifest({ ...fixture, precision: 'fp16', compute: 'fp32' }, 'fp16-stored');
const realNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

function fakeGpu(adapter: { features: Set<string>; info?: object; isFallbackAdapter?: boolean } | null | 'throws'): void {
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { gpu: { requestAdapter: async () => { if (adapter === 'throws') throw new Error('boom'); return adapter; } } },
  });
}

afterEach(() => {
  if (realNavigator) Object.defineProperty(globalThis, 'navigator', realNavigator);
});

describe('webgpuSupport', () => {
  it('no navigator.gpu, no adapter, a failing request: WASM with the reason', async () => {
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: {} });
    expect(await webgpuSupport(fp32)).toEqual({ ok: false, reason: 'this browser has no WebGPU' });
    fakeGpu(null);
    expect(await webgpuSupport(fp32)).toEqual({ ok: false, reason: 'no WebGPU adapter' });
    fakeGpu('throws');
    expect(await webgpuSupport(fp32)).toMatchObject({ ok: false, reason: expect.stringMatching(/boom/) });
  });
  it('fp16 graphs only with shader-f16', async () => {
    fakeGpu({ features: new Set() });
    expect(await webgpuSupport(fp32)).toEqual({ ok: true });
    expect(await webgpuSupport(fp16)).toMatchObject({ ok: false, reason: expect.stringMatching(/shader-f16/) });
    fakeGpu({ features: new Set(['shader-f16']) });
    expect(await webgpuSupport(fp16)).toEqual({ ok: true });
  });
  it('fp16 weights with fp32 arithmetic (the exporter\'s fp16) need no shader-f16', async () => {
    expect(fp16Stored).toMatchObject({ precision: 'fp16', compute: 'fp32' });
    fakeGpu({ features: new Set() });
    expect(await webgpuSupport(fp16Stored)).toEqual({ ok: true });
  });
});

describe('a software WebGPU adapter', () => {
  it('SwiftShader, llvmpipe or a fallback adapter: WASM, unless WebGPU is asked for by name', async () => {
    fakeGpu({ features: new Set(), info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' } });
    expect(await webgpuSupport(fp32)).toEqual({ ok: false, reason: 'the WebGPU adapter is a software renderer (SwiftShader): WASM is faster' });
    expect(await webgpuSupport(fp32, true)).toEqual({ ok: true });
    fakeGpu({ features: new Set(), info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } });
    expect(await webgpuSupport(fp32)).toMatchObject({ ok: false, reason: expect.stringMatching(/\(llvmpipe\)/) });
    fakeGpu({ features: new Set(), info: { vendor: 'unknown', isFallbackAdapter: true } });
    expect(await webgpuSupport(fp32)).toMatchObject({ ok: false, reason: expect.stringMatching(/\(a fallback adapter\)/) });
    fakeGpu({ features: new Set(), info: { vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA GeForce RTX 4070' } });
    expect(await webgpuSupport(fp32)).toEqual({ ok: true });
  });
});

describe('constants and tokens', () => {
  it('reads the temporal table and refuses ragged rows', () => {
    const c = parseConstants(new TextEncoder().encode(JSON.stringify({ memory_temporal_positional_encoding: [[1, 2], [3, 4], [5, 6]], image_mean: [0.1, 0.2, 0.3] })).buffer, 'c.json');
    expect(c.numMaskmem).toBe(3);
    expect(c.memDim).toBe(2);
    expect(Array.from(c.temporalEncoding)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.mean).toEqual([0.1, 0.2, 0.3]);
    expect(() => parseConstants(new TextEncoder().encode('{"memory_temporal_positional_encoding": [[1],[2,3]]}').buffer, 'c.json')).toThrow(/c\.json/);
    expect(() => parseConstants(new TextEncoder().encode('nope').buffer, 'c.json')).toThrow(/c\.json: not JSON/);
  });
  it('toTokens is flatten(2).permute(2, 0, 1): [1, C, H, W] → [HW, 1, C]', () => {
    // C = 2, HW = 3: channel 0 = 0,1,2; channel 1 = 10,11,12
    expect(Array.from(toTokens(Float32Array.from([0, 1, 2, 10, 11, 12]), 2, 3))).toEqual([0, 10, 1, 11, 2, 12]);
  });
});
