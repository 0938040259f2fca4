/** Command line and console output shared by the benchmarks (Node side). */
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Cli {
  /** The word after `name` (`--port 4174`), undefined when `name` is not given. */
  opt(name: string): string | undefined;
  /** Number(the word after `name`), `fallback` when `name` is not given. */
  num(name: string, fallback: number): number;
  /** Whether `name` is given. */
  flag(name: string): boolean;
}

export function cli(args: readonly string[] = process.argv.slice(2)): Cli {
  const opt = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  return { opt, num: (name, fallback) => Number(opt(name) ?? fallback), flag: (name) => args.includes(name) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A line of the report (stdout). */
export const log = (s = ''): void => { process.stdout.write(`${s}\n`); };

/** A progress note on stderr, `[tag] …`. */
export const noteAs = (tag: string) => (s: string): void => { process.stderr.write(`[${tag}] ${s}\n`); };

/** The load average (1/5/15 min), e.g. `0.52 0.40 0.33`. */
export const loadAverage = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

/** Run the benchmark's main; on a failure, its stack on stderr and exit status 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
