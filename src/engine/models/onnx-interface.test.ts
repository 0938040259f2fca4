import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRAPH_NAMES } from './manifest.ts';
import { graphMismatch, onnxGraphNames } from './onnx-interface.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../models/fixture/${name}.onnx`, import.meta.url)));

describe('ONNX graph names', () => {
  it('reads the fixture graphs\' inputs and outputs, which fit the interface', () => {
    expect(onnxGraphNames(fixture('pointer_tpos'))).toEqual({ inputs: ['normalized_diffs'], outputs: ['pointer_pos'] });
    for (const g of GRAPH_NAMES) expect(graphMismatch(g, fixture(g)), g).toBeNull();
  });
  it('a graph in the wrong place names what it lacks', () => {
    expect(graphMismatch('mask_decoder', fixture('pointer_tpos'))).toMatch(
      /^wrong interface for mask_decoder: lacks inputs feats0, feats1, feats2_cond, input_points, input_labels and outputs .*\(has inputs normalized_diffs; outputs pointer_pos\)$/,
    );
  });
  it('bytes that are no ONNX model', () => {
    expect(graphMismatch('vision_encoder', new TextEncoder().encode('{"not": "onnx"}'))).toMatch(/^not an ONNX graph/);
    expect(graphMismatch('vision_encoder', fixture('vision_encoder').subarray(0, 200))).toMatch(/^not an ONNX graph \(truncated/);
  });
});
