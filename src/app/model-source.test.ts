import { describe, expect, it } from 'vitest';
import { askView, offlineView, refusedView, sizeText } from './model-source.ts';

const plan = { bytes: 83_165_390, hosts: ['huggingface.co'], sameOrigin: false };

describe('the model dialog says what a radiologist needs to decide', () => {
  it('before a download: the model, its size and where it comes from, with both ways on', () => {
    const v = askView('SAM 2.1 tiny (fp16, 512 px)', plan);
    expect(v.kind).toBe('ask');
    expect(v.facts).toEqual([['Model', 'SAM 2.1 tiny (fp16, 512 px)'], ['Size', '83.2 MB'], ['From', 'huggingface.co']]);
    expect(v.lines.join(' ')).toMatch(/downloaded once.*Choose files… loads it from the model's folder/);
  });
  it('offline, or a failed download: said in full, with the failure as the browser gave it', () => {
    expect(offlineView('M', plan).lines[0]).toBe('This computer is offline, and the model is not in this browser yet: it has to be downloaded once from huggingface.co.');
    const failed = offlineView('M', plan, 'could not download https://huggingface.co/x/vision_encoder.onnx: Failed to fetch');
    expect(failed.title).toBe('The model could not be downloaded');
    expect(failed.lines[0]).toBe(
      'The download from huggingface.co failed: could not download https://huggingface.co/x/vision_encoder.onnx: Failed to fetch. This computer seems to be offline, or huggingface.co cannot be reached from this network.',
    );
  });
  it('refused files: the problem first, then what to choose', () => {
    expect(refusedView('mask_decoder.onnx: sha256 mismatch').lines[0]).toBe('mask_decoder.onnx: sha256 mismatch');
  });
  it('sizes: kB below a megabyte', () => {
    expect(sizeText(37_040)).toBe('38 kB');
    expect(sizeText(140_000_000)).toBe('140.0 MB');
  });
});
