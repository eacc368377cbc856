import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { waitFor } from './support/server-process.ts';

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Sends one raw HTTP/1.1 request (any request-target form) and resolves with the status line. */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => {
      socket.write(`${requestLine}\r\nHost: status.example.com\r\nConnection: close\r\n\r\n`);
    });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

for (const backend of BACKENDS) {
  describe(`push secrets stay out of the request log (${backend})`, () => {
    let t: TestApp;
    let log: Collector;
    let secret = '';
    let port = 0;
    before(async () => {
      log = new Collector();
      t = await startTestApp(backend, { logStream: log, clock: { now: () => Date.now() } });
      await t.post('/services', { name: 'API', description: 'x' });
      const push = await t.post('/services/api/push');
      assert.equal(push.statusCode, 200, push.body);
      secret = /\/api\/push\/([^/?]+)$/.exec(push.json().url)![1]!;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    after(async () => t.close());

    it('redacts the secret whatever form the request target takes', async () => {
      const targets = [
        `/api/push/${secret}?status=up`,
        `http://status.example.com/api/push/${secret}?status=up`,
        `http://status.example.com:80/api/push/${secret}`,
        `HTTP://status.example.com/api/push/${secret}/`,
        `//api/push/${secret}`,
      ];
      for (const target of targets) {
        const status = await rawRequest(port, `GET ${target} HTTP/1.1`);
        assert.match(status, /^HTTP\/1\.1 \d{3}/, target);
      }
      await waitFor(
        'log lines',
        async () =>
          log.text.split('\n').filter((l) => l.includes('"msg":"request"')).length >= targets.length || undefined,
        5_000,
      );
      assert.ok(!log.text.includes(secret), `the push secret was logged:\n${log.text}`);
      assert.ok(log.text.includes('/api/push/[redacted]'));
    });
  });
}
