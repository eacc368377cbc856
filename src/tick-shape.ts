import { executionAsyncResource } from 'node:async_hooks';

const kept: object[] = [];

/**
 * Keeps one of the objects `process.nextTick` queues alive for the life of the process, so
 * that Node's own streams keep their fast path.
 *
 * nextTick builds each entry as `{ [asyncId]: …, [triggerAsyncId]: …, callback, args }`, and
 * V8 remembers in nextTick's feedback the hidden class the object has before `callback` is
 * added. Hidden classes that no live object uses are freed by a full garbage collection, and
 * the tick queue is empty almost all the time. After such a collection the next entry gets a
 * new hidden class, and V8 then marks that literal megamorphic for good: every later nextTick
 * (several per HTTP response, inside Node's streams) goes through V8's slow runtime path. A
 * busy server does full collections while it starts; a small process may never do one, which
 * made the same hit path about a fifth slower in the server than in bare Node. One entry
 * kept alive keeps its hidden classes, so the feedback stays valid.
 * See docs/decisions/cache-hit-path.md.
 */
export function keepTickObjectShape(): void {
  process.nextTick(() => {
    // Inside a tick callback, the current async resource is the queued entry itself.
    kept.push(executionAsyncResource());
  });
}
