#!/usr/bin/env node
// The `unipool` command. The CLI itself is TypeScript, compiled to dist/ by `npm run build`;
// this shim only finds it, so a checkout that was never built says so instead of a module error.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('unipool is not built: run npm run build\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
