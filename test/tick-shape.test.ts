import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs in a child process: warms process.nextTick, lets full collections run while the tick
// queue is empty, queues one more tick, then prints the state V8 keeps for the tick object's
// literal (the `DefineKeyedOwnPropertyInLiteral` slots of nextTick's feedback).
const script = (keep: boolean) => `
import { keepTickObjectShape } from ${JSON.stringify(new URL('../src/tick-shape.ts', import.meta.url).href)};
if (${keep}) keepTickObjectShape();
const debugPrint = new Function('f', '%DebugPrint(f)');
let warmed = 0;
function warm() {
  if (++warmed < 200) { process.nextTick(() => {}); setImmediate(warm); return; }
  setTimeout(() => {
    globalThis.gc(); globalThis.gc(); globalThis.gc();
    process.nextTick(() => {});
    setImmediate(() => debugPrint(process.nextTick));
  }, 10);
}
warm();
`;

function literalSlotStates(keep: boolean): string[] {
  // Without the test runner's marker, which would make the child report as a test file.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  // V8 prints straight to the file descriptor; a file keeps all of it (a pipe may not).
  const dir = mkdtempSync(join(tmpdir(), 'tick-shape-'));
  const file = join(dir, 'out.txt');
  const fd = openSync(file, 'w');
  try {
    execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script(keep)],
      { stdio: ['ignore', fd, 'inherit'], env },
    );
  } finally {
    closeSync(fd);
  }
  const out = readFileSync(file, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return [...out.matchAll(/slot #\d+ DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1]!);
}

describe('the tick object shape', () => {
  it('V8 marks the tick literal megamorphic after full collections while no tick is queued', () => {
    const states = literalSlotStates(false);
    assert.ok(states.length > 0, 'nextTick has literal slots in its feedback');
    assert.ok(states.includes('MEGAMORPHIC'), `expected a megamorphic slot, got ${states.join(', ')}`);
  });

  it('stays monomorphic once keepTickObjectShape() has run', () => {
    const states = literalSlotStates(true);
    assert.ok(states.length > 0, 'nextTick has literal slots in its feedback');
    assert.deepEqual(
      states.filter((state) => state !== 'MONOMORPHIC'),
      [],
      `every literal slot is monomorphic: ${states.join(', ')}`,
    );
  });
});
