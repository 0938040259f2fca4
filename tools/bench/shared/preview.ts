/**
 * The server a benchmark's browser talks to (Node side): `vite preview` over
 * dist/ or another build (the production build), or Vite's development server
 * (`npm run dev`: no build, modules compiled on demand); either on a port of
 * its own (--strictPort), and stopped with its whole process group at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sleep } from './cli.ts';

/** Whether `url` answers 200…299. */
export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

export interface PreviewOptions {
  /** The repository root (vite's cwd). */
  root: string;
  port: number;
  /** Another build to serve (--outDir); dist/ under root when absent. */
  dist?: string | undefined;
}

/** The folder a preview with these options serves. */
export const previewDist = (o: Pick<PreviewOptions, 'root' | 'dist'>): string => (o.dist ? resolve(o.dist) : join(o.root, 'dist'));

/** Start `vite preview` over the build and wait (up to 60 s) until it answers on http://localhost:port/. */
export async function startPreview(o: PreviewOptions): Promise<ChildProcess> {
  const dist = previewDist(o);
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist}/index.html is missing: run \`npx vite build\` first`);
  return startVite(o, ['preview', ...(o.dist ? ['--outDir', dist] : [])], 'vite preview');
}

/** Start Vite's development server (as `npm run dev`; needs no build) and wait (up to 60 s) until it answers on http://localhost:port/. */
export function startDevServer(o: Pick<PreviewOptions, 'root' | 'port'>): Promise<ChildProcess> {
  return startVite(o, [], 'vite (development server)');
}

export interface ServerOptions extends PreviewOptions {
  /** Vite's development server instead of `vite preview` (dist is not used). */
  dev?: boolean;
}

/** startDevServer or startPreview. */
export const startServer = (o: ServerOptions): Promise<ChildProcess> => (o.dev ? startDevServer(o) : startPreview(o));

/** The server and what it serves, for a report's header. */
export const serverText = (o: ServerOptions): string => (o.dev
  ? `Vite's development server on :${o.port} (npx vite, as npm run dev: no build; modules compiled on demand, the first page and worker loads included)`
  : `vite preview on :${o.port} over ${previewDist(o)} (the production build)`);

/** `npx vite <args> --port N --strictPort` in a process group of its own, once it answers on http://localhost:port/. */
async function startVite(o: Pick<PreviewOptions, 'root' | 'port'>, args: string[], what: string): Promise<ChildProcess> {
  const base = `http://localhost:${o.port}`;
  // Another server on the port would answer in place of ours (and ours would exit on --strictPort).
  if (await answers(`${base}/`)) throw new Error(`something already answers on ${base}; stop it or pass --port N`);
  const server = spawn('npx', ['vite', ...args, '--port', String(o.port), '--strictPort'], {
    cwd: o.root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  server.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`${what} exited (${server.exitCode ?? server.signalCode}):\n${output}`);
    if (await answers(`${base}/`)) return server;
    await sleep(200);
  }
  await stopPreview(server);
  throw new Error(`${what} did not answer on ${base} within 60 s:\n${output}`);
}

/** Stop the server we started: its process group (npx and vite under it), SIGTERM, then SIGKILL after 3 s. */
export async function stopPreview(server: ChildProcess | null): Promise<void> {
  if (!server?.pid || server.exitCode !== null || server.signalCode !== null) return;
  const pid = server.pid;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      server.kill(sig);
    }
  };
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  signal('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(3000).then(() => false)])) {
    // npx is gone; vite under it may still be closing.
    await sleep(200);
  }
  try {
    process.kill(-pid, 0); // anything of the group left?
    signal('SIGKILL');
  } catch {
    // the group is gone
  }
}

/** The preview's command line options, --port N (default `port`) and --dist DIR, and the URL it answers on. */
export function previewArgs(c: { opt(name: string): string | undefined; num(name: string, fallback: number): number }, port: number): { port: number; dist: string | undefined; base: string } {
  const p = c.num('--port', port);
  return { port: p, dist: c.opt('--dist'), base: `http://localhost:${p}` };
}
