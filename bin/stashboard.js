#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`) when it is at least as new as every
// source file; otherwise runs the TypeScript sources through tsx, so an edit is never
// hidden behind a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli.js', import.meta.url);
const sources = fileURLToPath(new URL('../src/', import.meta.url));

function buildIsFresh() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  return readdirSync(sources, { recursive: true }).every((file) => statSync(sources + file).mtimeMs <= built);
}

if (buildIsFresh()) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
