/** Reading typed attribute values from a dicom-parser DataSet, tolerant of empty and malformed values. */
import type { DataSet } from 'dicom-parser';
import type { Vec3 } from '../../shared/volume.ts';

function present(ds: DataSet, tag: string): boolean {
  const el = ds.elements[tag];
  return el !== undefined && el.length > 0 && el.length !== 0xffffffff;
}

/** A string value, trimmed; undefined when absent or empty. */
export function str(ds: DataSet, tag: string): string | undefined {
  if (!present(ds, tag)) return undefined;
  const s = ds.string(tag)?.replace(/\0/g, '').trim();
  return s ? s : undefined;
}

/** All numbers of a DS/IS value ("1\\0\\0"); undefined when absent or any is not a number. */
export function numbers(ds: DataSet, tag: string): number[] | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const out = s.split('\\').map((v) => Number(v.trim()));
  return out.length > 0 && out.every((v) => Number.isFinite(v)) ? out : undefined;
}

/** First number of a DS/IS value. */
export function num(ds: DataSet, tag: string): number | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const v = Number(s.split('\\')[0]!.trim());
  return Number.isFinite(v) ? v : undefined;
}

/** A US value (binary, in the data set's byte order). */
export function us(ds: DataSet, tag: string): number | undefined {
  if (!present(ds, tag)) return undefined;
  const el = ds.elements[tag]!;
  if (el.length < 2) return undefined;
  return ds.uint16(tag);
}

/** A UL value (binary, in the data set's byte order). */
export function ul(ds: DataSet, tag: string): number | undefined {
  if (!present(ds, tag)) return undefined;
  const el = ds.elements[tag]!;
  if (el.length < 4) return undefined;
  return ds.uint32(tag);
}

export function vec3(ds: DataSet, tag: string): Vec3 | undefined {
  const v = numbers(ds, tag);
  return v && v.length >= 3 ? [v[0]!, v[1]!, v[2]!] : undefined;
}

export function pair(ds: DataSet, tag: string): [number, number] | undefined {
  const v = numbers(ds, tag);
  return v && v.length >= 2 && v[0]! > 0 && v[1]! > 0 ? [v[0]!, v[1]!] : undefined;
}

export function orientation(ds: DataSet, tag: string): number[] | undefined {
  const v = numbers(ds, tag);
  if (!v || v.length < 6) return undefined;
  const o = v.slice(0, 6);
  const r = Math.hypot(o[0]!, o[1]!, o[2]!), c = Math.hypot(o[3]!, o[4]!, o[5]!);
  return r > 0.5 && c > 0.5 ? o : undefined; // zero vectors are as good as missing
}

/** The data set of the first item of a sequence. */
export function item(ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}
