// The way `npm start` runs the server, for the benchmarks: they start it exactly so.
import { readFileSync } from 'node:fs';

/** The node flags `npm start` passes (package.json's start script: `node [flags] bin/stashboard.js serve`). */
export function npmStartFlags(): string[] {
  const start = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }
  ).scripts.start;
  const flags = /^node (.*?)\s*bin\/stashboard\.js serve$/.exec(start);
  if (!flags) throw new Error(`npm start is not "node [flags] bin/stashboard.js serve": ${start}`);
  return flags[1]!.split(' ').filter(Boolean);
}
