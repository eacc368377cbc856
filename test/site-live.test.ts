import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { LiveHub } from '../src/http/live/live-hub.ts';
import { createService } from '../src/services/services.ts';
import { postEvent } from '../src/services/events.ts';
import { createServiceList } from '../src/services/service-lists.ts';

const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;

/** Reads Server-Sent Events from a live stream; `next()` waits for the next `change` message. */
function openStream(url: string) {
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let heartbeats = 0;
  let headers: http.IncomingHttpHeaders = {};
  const request = http.get(url, (res) => {
    headers = res.headers;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) heartbeats += 1;
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) {
          messages.push(JSON.parse(data.slice(6)));
          waiters.splice(0).forEach((w) => w());
        }
      }
    });
  });
  let read = 0;
  return {
    headers: () => headers,
    heartbeats: () => heartbeats,
    async next(): Promise<Record<string, unknown>> {
      const deadline = Date.now() + 5_000;
      while (messages.length <= read) {
        if (Date.now() > deadline) throw new Error('no live message within 5 s');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages[read++]!;
    },
    close: () => request.destroy(),
  };
}

for (const backend of BACKENDS) {
  describe(`live stream (${backend})`, () => {
    let t: TestApp;
    let base: string;
    before(async () => {
      t = await startTestApp(backend);
      await t.post('/services', { name: 'API', description: 'The API' });
      await t.post('/services', { name: 'Web', description: 'The web' });
      await t.post('/services/api/events', { status: 'up', message: 'Fine' });
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => t.close());

    it('greets with the overall state, then sends each change with the new overall state', async () => {
      const stream = openStream(`${base}/api/v1/live`);
      const hello = await stream.next();
      assert.equal(stream.headers()['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(stream.headers()['access-control-allow-origin'], '*');
      assert.deepEqual(hello, {
        topic: 'hello',
        overall: {
          level: 'NORMAL',
          status: 'Up',
          text: 'All systems operational',
          message: null,
          affected: 0,
          total: 2,
        },
      });
      const posted = (await t.post('/services/web/events', { status: 'down', message: 'Web is down' })).json();
      const change = await stream.next();
      assert.equal(change.topic, 'event');
      assert.equal(change.action, 'created');
      assert.equal(change.service, 'web');
      assert.equal(change.sid, posted.sid);
      assert.deepEqual(change.overall, {
        level: 'ERROR',
        status: 'Down',
        text: 'Down: 1 of 2 services affected',
        message: 'Web is down',
        affected: 1,
        total: 2,
      });
      await t.del(`/services/web/events/${posted.sid}`);
      const deleted = await stream.next();
      assert.equal(deleted.action, 'deleted');
      assert.equal((deleted.overall as { level: string }).level, 'NORMAL');
      stream.close();
    });

    it('follows only the given services with ?services=', async () => {
      const stream = openStream(`${base}/api/v1/live?services=api`);
      const hello = await stream.next();
      assert.equal((hello.overall as { total: number }).total, 1);
      await t.post('/services/web/events', { status: 'down', message: 'Not for this stream' });
      await t.post('/services/api/events', { status: 'warning', message: 'Slow' });
      const change = await stream.next();
      assert.equal(change.service, 'api', 'the web event was not sent');
      assert.deepEqual(change.overall, {
        level: 'WARNING',
        status: 'Warning',
        text: 'Warning: 1 of 1 service affected',
        message: 'Slow',
        affected: 1,
        total: 1,
      });
      stream.close();
    });
  });
}

describe('live hub', () => {
  it('sends heartbeats and closes its streams', async () => {
    const bus = new ChangeBus();
    const hub = new LiveHub({ bus, loadServices: async () => [], heartbeatMs: 20 });
    const written: string[] = [];
    let ended = false;
    const res = {
      writeHead: () => res,
      write: (s: string) => {
        written.push(s);
        return true;
      },
      on: () => res,
      end: () => {
        ended = true;
      },
    } as unknown as http.ServerResponse;
    await hub.open(res, []);
    const deadline = Date.now() + 2_000;
    while (!written.includes(': heartbeat\n\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(written.includes(': heartbeat\n\n'));
    assert.equal(written[0], 'retry: 3000\n\n');
    hub.close();
    assert.ok(ended);
  });
});

describe('live hub reads', () => {
  function fakeResponse(written: string[]) {
    const res = {
      writeHead: () => res,
      write: (s: string | Buffer) => {
        written.push(String(s));
        return true;
      },
      on: () => res,
      end: () => {},
    } as unknown as http.ServerResponse;
    return res;
  }

  it('greets many connections opened at once with one read of the services, and reads again after a change', async () => {
    const bus = new ChangeBus();
    let reads = 0;
    const hub = new LiveHub({
      bus,
      loadServices: async () => {
        reads += 1;
        await new Promise((r) => setTimeout(r, 20));
        return [];
      },
    });
    const streams = Array.from({ length: 200 }, () => [] as string[]);
    await Promise.all(streams.map((written) => hub.open(fakeResponse(written), [])));
    assert.equal(reads, 1);
    assert.ok(streams.every((written) => written.some((frame) => frame.includes('"topic":"hello"'))));
    bus.publish({ topic: 'event', action: 'created', slug: 'api', sid: 'x' });
    const deadline = Date.now() + 2_000;
    while (!streams[199]!.some((f) => f.includes('"action":"created"')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(streams.every((written) => written.some((frame) => frame.includes('"action":"created"'))));
    assert.equal(reads, 2);
    await hub.open(fakeResponse([]), []);
    assert.equal(reads, 2, 'a greeting after the broadcast reuses its read');
    hub.close();
  });
});

describe('front page weight', () => {
  it('transfers under 30 KB (HTML, CSS and JS, brotli) with 20 services and 90 days', async () => {
    const clock = new TestClock(Date.UTC(2024, 5, 30, 12));
    const t = await startTestApp('sqlite', { clock });
    try {
      const now = clock.current;
      for (const list of ['Core', 'Edge', 'Data'])
        await createServiceList(t.ctx, ADMIN, { name: list, description: `${list} services` });
      for (let i = 0; i < 20; i += 1) {
        const service = await createService(t.ctx, ADMIN, {
          name: `Service ${i}`,
          description: `Service number ${i}`,
          list: ['core', 'edge', 'data', ''][i % 4],
        });
        for (let d = 95; d >= 0; d -= 1 + (i % 3)) {
          clock.current = now - d * 86_400_000 - 3_600_000;
          await postEvent(t.ctx, ADMIN, service.slug, {
            status: d % 17 === 0 ? 'down' : d % 11 === 0 ? 'warning' : 'up',
            message: `Check ${d}`,
            informational: d % 13 === 0,
          });
        }
      }
      clock.current = now;
      const get = (url: string) => t.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      const home = await get('/');
      assert.equal(home.headers['content-encoding'], 'br');
      const body = (await t.inject({ method: 'GET', url: '/' })).body;
      const css = /href="(\/assets\/site\.[0-9a-f]+\.css)"/.exec(body)![1]!;
      const js = /src="(\/assets\/live\.[0-9a-f]+\.js)"/.exec(body)![1]!;
      assert.equal((body.match(/<ol class="strip"/g) ?? []).length, 20);
      const total = home.rawPayload.length + (await get(css)).rawPayload.length + (await get(js)).rawPayload.length;
      assert.ok(total < 30 * 1024, `front page transfers ${total} bytes`);
      process.stdout.write(
        `# front page, 20 services x 90 days: ${home.rawPayload.length} B html + css + js = ${total} B (brotli)\n`,
      );
    } finally {
      await t.close();
    }
  });
});
