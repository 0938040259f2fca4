/**
 * Writes the app's PNG icons (public/icon-192.png, icon-512.png, icon-maskable-512.png):
 * three stacked slices with a segmented disc on the top one, drawn procedurally so the
 * files are regenerable without an image editor.
 *
 *     npx tsx tools/icons/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { resolve } from 'node:path';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGBA pixels → PNG bytes. */
function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.subarray(y * size * 4, (y + 1) * size * 4)).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())]);
}

function draw(size: number, maskable: boolean): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const s = (v: number) => v * size;
  const inset = maskable ? 0 : 0.06; // maskable icons fill the square; the safe zone is the inner 80 %
  const radius = maskable ? 0 : 0.18;
  const blend = (i: number, r: number, g: number, b: number, a: number) => {
    px[i] = Math.round(px[i]! * (1 - a) + r * a);
    px[i + 1] = Math.round(px[i + 1]! * (1 - a) + g * a);
    px[i + 2] = Math.round(px[i + 2]! * (1 - a) + b * a);
    px[i + 3] = Math.max(px[i + 3]!, Math.round(a * 255));
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const i = (y * size + x) * 4;
      // rounded square background
      const dx = Math.max(inset + radius - u, 0, u - (1 - inset - radius));
      const dy = Math.max(inset + radius - v, 0, v - (1 - inset - radius));
      if (Math.hypot(dx, dy) > radius + 1e-9 || u < inset || u > 1 - inset || v < inset || v > 1 - inset) continue;
      blend(i, 0x1f, 0x2a, 0x36, 1);
      // three slices (parallelograms), back to front
      for (const [k, shade] of [[0, 0x4a], [1, 0x6d], [2, 0xa9]] as const) {
        const top = 0.3 + k * 0.13;
        const sx = u - 0.5 + (v - top) * 0.35;
        if (Math.abs(sx) < 0.27 && v > top - 0.08 && v < top + 0.08) blend(i, shade, shade + 10, shade + 20, 1);
      }
      // the segmented object on the front slice
      const cu = 0.5 + (0.56 - 0.56) * 0.35;
      if (((u - cu) / 1.0) ** 2 + ((v - 0.56) / 0.55) ** 2 < 0.1 ** 2) blend(i, 0x2e, 0xd1, 0x7a, 0.9);
    }
  }
  void s;
  return px;
}

const out = resolve(import.meta.dirname, '../../public');
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['icon-maskable-512.png', 512, true]] as const) {
  writeFileSync(resolve(out, name), png(size, draw(size, maskable)));
  console.log(`${name}: ${size}×${size}`);
}
