#!/usr/bin/env node
// `npm run build`: compiles src/ into one ES module, dist/cli.js (with a source map), in well
// under a second with esbuild. Packages stay external, so those the code imports only when
// needed (pg, nodemailer, argon2, prom-client) are loaded only then. Safe to run concurrently:
// each build writes a temporary file and renames it into place.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function build() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    bundle: true,
    // Bundled too: one module loads faster and takes far less memory than hundreds. Left out:
    // native addons, and what the code imports only when needed.
    external: ['better-sqlite3', 'pg', 'nodemailer', '@node-rs/argon2', 'prom-client', 'esbuild', 'tsx'],
    // Bundled CommonJS packages call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    // Less source text to hold in memory (no keepNames: it costs a call per closure created).
    minify: process.env.BUILD_MINIFY !== 'false',
    logLevel: 'warning',
    write: false,
  });
  // No esbuild service process left behind in the server that built itself.
  await esbuild.stop();
  mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
  // The map first: the code is renamed last, so a fresh dist/cli.js always has its map.
  const files = [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1));
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.path.endsWith('.js') ? asciiOnly(file.text) : file.contents);
    renameSync(temporary, file.path);
  }
}

/**
 * The code with every non-ASCII character written as a \u escape. esbuild leaves them in
 * template literals (a tag may read the raw text; ours read the cooked one), and a single one
 * makes V8 hold the whole 1.5 MB source as two bytes per character.
 */
function asciiOnly(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await build();
  process.stdout.write(`built dist/cli.js in ${Math.round(performance.now() - started)} ms\n`);
}
