#!/usr/bin/env node
// `npx slicesam …`: runs the TypeScript CLI (tools/cli/main.ts) over the same
// src/io code the app uses, through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const args = process.argv.slice(2);
if (args[0] === 'verify-model') {
  // The engine only: verify-model does not load the I/O code main.ts imports.
  const { verifyModel } = await import('./verify-model.ts');
  process.exitCode = await verifyModel(args.slice(1));
} else {
  const { main } = await import('./main.ts');
  process.exitCode = await main(args);
}
