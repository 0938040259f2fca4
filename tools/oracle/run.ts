/**
 * Calling the independent tools our I/O is checked against: nibabel (Debian's
 * python3-nibabel, seen only by /usr/bin/python3) and dcm2niix.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function runPython(script: string, args: string[]): string {
  return execFileSync(SYSTEM_PYTHON, [join(here, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

export interface NibRecord {
  path: string;
  version: 1 | 2;
  shape: number[];
  dtype: string;
  sform_code: number;
  qform_code: number;
  sform: number[][];
  qform: number[][];
  affine: number[][];
  pixdim: number[];
  quatern: number[];
  qoffset: number[];
  descrip: string;
  aux_file: string;
  intent_code: number;
  values?: number[];
  data_sha256?: string;
}

export function nibRead(paths: string[], options: { values?: boolean; digest?: boolean } = {}): NibRecord[] {
  const flags = [...(options.values ? ['--values'] : []), ...(options.digest ? ['--digest'] : [])];
  return JSON.parse(runPython('nib_read.py', [...paths, ...flags])) as NibRecord[];
}

/** Row-major 16 numbers from nibabel's nested 4×4. */
export function flat(m: number[][]): number[] {
  return m.flat();
}
