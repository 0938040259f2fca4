#!/usr/bin/env node
// `npx slicesam …`: runs the TypeScript CLI (tools/cli/main.ts) over the same
// src/io code the app uses, through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
