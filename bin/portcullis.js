#!/usr/bin/env node
// Entry point. In a source checkout Node runs the TypeScript sources directly (type stripping);
// the published package ships the compiled dist/ instead.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
