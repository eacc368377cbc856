#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
// Runs the compiled CLI, dist/cli.js, as a production deployment does; when a source file is
// newer than the build (or there is none), it compiles first (bin/build.js, under a second).
// STASHBOARD_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (the tests do).
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

async function runSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}

if (/^(1|true|yes)$/i.test(process.env.STASHBOARD_FROM_SOURCE ?? '')) {
  await runSources();
} else {
  if (!buildIsFresh()) {
    const { build } = await import('./build.js');
    await build();
  }
  await import(compiled.href);
}
