/** Runs tools/n4-itk's ITK N4 program (built on demand by build.sh) from Node. */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { N4Options } from '../../src/preprocess/n4/options.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface ItkN4Report {
  seconds: number;
  prepareSeconds: number;
  fitSeconds: number;
  applySeconds: number;
  threads: number;
  otsuThreshold: number;
  iterations: number[];
  convergence: number[];
}

/** Builds (if needed) and returns the path of the ITK N4 program. */
export function buildItkN4(): string {
  return execFileSync('bash', [join(HERE, 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
}

/** ITK's N4 on a NIfTI file with our options; writes the corrected image and the log field. */
export function runItkN4(binary: string, input: string, corrected: string, logField: string, options: N4Options, threads?: number): ItkN4Report {
  const args = [
    input, corrected, logField,
    '--shrink', String(options.shrinkFactor),
    '--iterations', options.iterations.join('x'),
    '--threshold', String(options.convergenceThreshold),
    '--bins', String(options.histogramBins),
    '--fwhm', String(options.fwhm),
    '--wiener', String(options.wienerNoise),
    '--control-points', String(options.controlPoints),
    ...(threads ? ['--threads', String(threads)] : []),
  ];
  const out = execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as ItkN4Report;
}
