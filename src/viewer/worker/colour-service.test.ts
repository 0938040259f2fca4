import { describe, expect, it } from 'vitest';
import { greyAlphaVolume } from '../display-texture.ts';
import type { RasMapping } from '../label-layer.ts';
import { ColourService } from './colour-service.ts';

const GREY = Uint8Array.from({ length: 1024 }, (_, i) => i >> 2);
const mapping: RasMapping = { dimsRAS: [3, 2, 3, 2], img2RASstart: [1, 0, 6], img2RASstep: [-1, 2, -6] };

describe('colour worker service', () => {
  it('keeps a volume and colours it for each window as the main thread would', () => {
    const service = new ColourService();
    const voxels = Int16Array.from({ length: 12 }, (_, i) => i * 40 - 100);
    service.load(7, voxels, mapping);
    for (const [min, max] of [[0, 300], [-100, 340], [50, 60]] as const) {
      const params = { slope: 1, intercept: 0, min, max, lut: GREY, opacity: 1 };
      expect(Array.from(service.colour(7, params))).toEqual(Array.from(greyAlphaVolume({ ...params, voxels }, mapping)));
    }
  });

  it('says which volume it does not have, and forgets dropped ones', () => {
    const service = new ColourService();
    service.load(1, new Uint8Array(12), mapping);
    service.drop(1);
    expect(() => service.colour(1, { slope: 1, intercept: 0, min: 0, max: 1, lut: GREY, opacity: 1 })).toThrow(/no volume 1/);
  });
});
